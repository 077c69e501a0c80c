// Document outline from the syntax tree alone, so a file that does not parse still has one.
import type { Member, TopLevel } from '@pim/grammar';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { PimDocument } from '../documents.js';

const TOP_KIND: Record<string, SymbolKind> = {
  device: SymbolKind.Struct,
  class: SymbolKind.Class,
  architecture: SymbolKind.Namespace,
  model: SymbolKind.Module,
  dataset: SymbolKind.Package,
  mapping: SymbolKind.Interface,
  train: SymbolKind.Event,
  run: SymbolKind.Event,
  explore: SymbolKind.Function,
};

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}

export function documentSymbols(doc: PimDocument): DocumentSymbol[] {
  const text = doc.text;
  const sym = (item: TopLevel | Member, topLevel: boolean): DocumentSymbol | undefined => {
    switch (item.type) {
      case 'Import':
        return {
          name: item.path.value || '(import)',
          detail: 'import',
          kind: SymbolKind.File,
          range: doc.range(item.span),
          selectionRange: doc.range(item.path.span),
        };
      case 'Const':
        return {
          name: item.name.name,
          detail: clip(text.slice(item.value.span.start, item.value.span.end)),
          kind: SymbolKind.Constant,
          range: doc.range(item.span),
          selectionRange: doc.range(item.name.span),
        };
      case 'Attribute':
        return {
          name: item.key.name,
          detail: clip(text.slice(item.value.span.start, item.value.span.end)),
          kind: SymbolKind.Property,
          range: doc.range(item.span),
          selectionRange: doc.range(item.key.span),
        };
      case 'Block': {
        const count = item.count ? `[${clip(text.slice(item.count.span.start, item.count.span.end))}]` : '';
        const name = item.name?.name ?? item.kind.name;
        return {
          name: name + (item.name ? '' : count),
          detail: item.name ? item.kind.name + count : '',
          kind: topLevel ? (TOP_KIND[item.kind.name] ?? SymbolKind.Object) : SymbolKind.Object,
          range: doc.range(item.span),
          selectionRange: doc.range((item.name ?? item.kind).span),
          children: (item.body ?? []).map((m) => sym(m, false)).filter((x): x is DocumentSymbol => !!x),
        };
      }
      case 'Place': {
        const pat = (p: { parts: { text: string }[] }): string => p.parts.map((x) => x.text).join('.');
        return {
          name: `place ${item.targets.map(pat).join(', ')} on ${pat(item.on)}`,
          kind: SymbolKind.Operator,
          range: doc.range(item.span),
          selectionRange: doc.range(item.targets[0]!.span),
        };
      }
      case 'Vary':
        return {
          name: `vary ${item.path.path.map((p) => p.name).join('.')}`,
          kind: SymbolKind.Variable,
          range: doc.range(item.span),
          selectionRange: doc.range(item.path.span),
        };
      case 'Objective':
        return {
          name: `${item.sense} ${item.targets.map((t) => t.name).join(', ')}`,
          kind: SymbolKind.Constant,
          range: doc.range(item.span),
          selectionRange: doc.range(item.span),
        };
      case 'Repeat':
        return {
          name: `repeat ${clip(text.slice(item.count.span.start, item.count.span.end))}`,
          kind: SymbolKind.Array,
          range: doc.range(item.span),
          selectionRange: doc.range(item.count.span),
          children: item.body.map((m) => sym(m, false)).filter((x): x is DocumentSymbol => !!x),
        };
    }
  };
  return doc.parse.ast.items.map((i) => sym(i, true)).filter((x): x is DocumentSymbol => !!x);
}
