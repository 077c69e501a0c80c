// Pass: the global symbol table. Every top-level declaration has a name, unique across the
// compilation (all imported files); a duplicate points at both places. Nested components and named
// layers are indexed by qualified name for the editor.
import { DECLARATION_KINDS, diag, didYouMean, type Block, type Diagnostic, type Member } from '@pim/grammar';
import type { PimSymbol, SourceFile, SymbolKind } from '../api.js';

export interface ResolveResult {
  symbols: Map<string, PimSymbol>;
  nested: Map<string, PimSymbol>;
  diagnostics: Diagnostic[];
}

export function resolveSymbols(files: Iterable<SourceFile>): ResolveResult {
  const symbols = new Map<string, PimSymbol>();
  const nested = new Map<string, PimSymbol>();
  const diagnostics: Diagnostic[] = [];
  const define = (sym: PimSymbol): void => {
    const prior = symbols.get(sym.name);
    if (prior) {
      const d = diag('duplicateName', sym.file, sym.nameSpan, sym.name);
      d.related = [{ uri: prior.file, span: prior.nameSpan, message: `'${sym.name}' is first defined here` }];
      diagnostics.push(d);
      return;
    }
    symbols.set(sym.name, sym);
  };
  for (const file of files) {
    for (const item of file.ast.items) {
      if (item.type === 'Import') continue;
      if (item.type === 'Const') {
        const sym: PimSymbol = {
          name: item.name.name,
          qualifiedName: item.name.name,
          kind: 'const',
          file: file.path,
          node: item,
          nameSpan: item.name.span,
        };
        if (item.doc) sym.doc = item.doc;
        define(sym);
        continue;
      }
      const kind = item.kind.name;
      if (!(DECLARATION_KINDS as readonly string[]).includes(kind)) {
        diagnostics.push(
          diag(
            'unknownKind',
            file.path,
            item.kind.span,
            kind,
            'declaration',
            didYouMean(kind, [...DECLARATION_KINDS, 'const', 'import']),
          ),
        );
        continue;
      }
      if (!item.name) {
        diagnostics.push(diag('expectedToken', file.path, item.kind.span, `a name after '${kind}'`, 'none'));
        continue;
      }
      // Optional fields are assigned, not spread: a spread copies through a temporary object.
      const sym: PimSymbol = {
        name: item.name.name,
        qualifiedName: item.name.name,
        kind: kind as SymbolKind,
        file: file.path,
        node: item,
        nameSpan: item.name.span,
      };
      if (item.doc) sym.doc = item.doc;
      define(sym);
      if (kind === 'architecture') indexComponents(item.body, sym.name, file.path, nested);
      if (kind === 'model') indexLayers(item.body, sym.name, file.path, nested);
    }
  }
  return { symbols, nested, diagnostics };
}

function indexComponents(body: Member[] | undefined, prefix: string, file: string, out: Map<string, PimSymbol>): void {
  for (const m of body ?? []) {
    if (m.type !== 'Block') continue;
    const id = m.name ?? m.kind;
    const q = `${prefix}.${id.name}`;
    if (!out.has(q)) out.set(q, nestedSymbol(m, id.name, q, prefix, 'component', file));
    indexComponents(m.body, q, file, out);
  }
}

function indexLayers(body: Member[] | undefined, prefix: string, file: string, out: Map<string, PimSymbol>): void {
  for (const m of body ?? []) {
    if (m.type === 'Repeat') indexLayers(m.body, prefix, file, out);
    if (m.type !== 'Block' || !m.name) continue;
    const q = `${prefix}.${m.name.name}`;
    if (!out.has(q)) out.set(q, nestedSymbol(m, m.name.name, q, prefix, 'layer', file));
  }
}

function nestedSymbol(b: Block, name: string, q: string, container: string, kind: SymbolKind, file: string): PimSymbol {
  const sym: PimSymbol = { name, qualifiedName: q, kind, file, node: b, nameSpan: (b.name ?? b.kind).span, container };
  if (b.doc) sym.doc = b.doc;
  return sym;
}
