// Semantic tokens: what the grammar cannot know from text alone — which names are kinds, declarations,
// attributes, functions, and what a reference points at (when the compiler resolved it).
import { DECLARATION_KINDS, isKeyword, walk, type Ident, type Node } from '@pim/grammar';
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { astOf } from '../services.js';

export const TOKEN_TYPES = [
  'keyword',
  'class',
  'type',
  'variable',
  'property',
  'function',
  'number',
  'string',
  'enumMember',
  'unit',
] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;
export const legend: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
type Modifier = (typeof TOKEN_MODIFIERS)[number];

interface Tok {
  start: number;
  length: number;
  type: number;
  mods: number;
}

const TOP_LEVEL_TYPES: ReadonlySet<string> = new Set(DECLARATION_KINDS);

export function semanticTokens(a: Analysis): SemanticTokens {
  const toks = new Map<number, Tok>();
  const add = (start: number, length: number, type: TokenType, ...mods: Modifier[]): void => {
    if (length <= 0) return;
    let m = 0;
    for (const x of mods) m |= 1 << TOKEN_MODIFIERS.indexOf(x);
    toks.set(start, { start, length, type: TOKEN_TYPES.indexOf(type), mods: m });
  };
  const ident = (i: Ident | undefined, type: TokenType, ...mods: Modifier[]): void => {
    if (i) add(i.span.start, i.span.end - i.span.start, type, ...mods);
  };

  // Tokens first (robust on broken text), then the tree refines identifiers.
  for (const t of a.doc.parse.tokens) {
    const name = t.tokenType.name;
    const start = t.startOffset;
    if (!Number.isFinite(start) || t.isInsertedInRecovery) continue;
    if (isKeyword(t.image) && name !== 'Identifier') add(start, t.image.length, 'keyword');
    else if (name === 'StringLiteral') add(start, t.image.length, 'string');
    else if (name === 'Quantity') {
      const m = /^(0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)([ \t]*)(.*)$/s.exec(t.image);
      if (!m) continue;
      add(start, m[1]!.length, 'number');
      if (m[3]) add(start + m[1]!.length + m[2]!.length, m[3].length, 'unit');
    }
  }

  const resolved = new Map<number, string>();
  for (const r of a.program?.references ?? []) if (r.file === a.doc.path) resolved.set(r.span.start, r.target.kind);

  walk(astOf(a), (n: Node, parent: Node | undefined) => {
    switch (n.type) {
      case 'Block':
        ident(n.kind, 'class');
        ident(n.name, parent?.type === 'File' && TOP_LEVEL_TYPES.has(n.kind.name) ? 'type' : 'variable', 'declaration');
        ident(n.base, 'class');
        break;
      case 'Attribute':
        ident(n.key, 'property');
        break;
      case 'Const':
        ident(n.name, 'variable', 'declaration', 'readonly');
        break;
      case 'Call':
        ident(n.callee, 'function');
        break;
      case 'Object':
        ident(n.head, 'class');
        break;
      case 'Objective':
        for (const t of n.targets) ident(t, 'enumMember');
        break;
      case 'Place':
        for (const p of [...n.targets, n.on])
          for (const part of p.parts) add(part.span.start, part.span.end - part.span.start, 'variable');
        break;
      case 'Ref':
        n.path.forEach((p, i) => {
          const kind = resolved.get(p.span.start);
          if (kind === 'const') ident(p, 'variable', 'readonly');
          else if (kind === 'layer' || kind === 'component') ident(p, 'variable');
          else if (kind) ident(p, 'type');
          else ident(p, i === 0 ? 'variable' : 'property');
        });
        return false;
    }
    return undefined;
  });

  const sorted = [...toks.values()].sort((x, y) => x.start - y.start);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const t of sorted) {
    const p = a.doc.positionAt(t.start);
    const deltaLine = p.line - prevLine;
    const deltaChar = deltaLine === 0 ? p.character - prevChar : p.character;
    data.push(deltaLine, deltaChar, t.length, t.type, t.mods);
    prevLine = p.line;
    prevChar = p.character;
  }
  return { data };
}
