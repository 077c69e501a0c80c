// Attribute types of classes, written in `.pim` as expressions: `frequency`, `count`,
// `one_of(mesh, mesh3d)`, `ref(device)`, `list(count)`, `required(count)`.
import { diag, type Diagnostic, type Expr } from '@pim/grammar';
import { NAMED_DIMENSIONS, type Dim } from '../units/dimension.js';

export type AttrType =
  | { k: 'dim'; name: string; dim: Dim }
  | { k: 'count' }
  | { k: 'number' }
  | { k: 'bool' }
  | { k: 'string' }
  | { k: 'any' }
  | { k: 'shape' }
  | { k: 'precision' }
  | { k: 'enum'; choices: string[] }
  | { k: 'ref'; kind: string }
  | { k: 'list'; of: AttrType };

/** Declaration kinds a `ref(kind)` may name; `experiment` means train or run. */
export const REF_KINDS = [
  'device',
  'architecture',
  'model',
  'dataset',
  'mapping',
  'experiment',
  'train',
  'run',
  'explore',
  'partition',
];

const SIMPLE: Record<string, AttrType> = {
  count: { k: 'count' },
  number: { k: 'number' },
  bool: { k: 'bool' },
  string: { k: 'string' },
  any: { k: 'any' },
  shape: { k: 'shape' },
  precision: { k: 'precision' },
};

export function typeName(t: AttrType): string {
  switch (t.k) {
    case 'dim':
      return t.name;
    case 'enum':
      return `one_of(${t.choices.join(', ')})`;
    case 'ref':
      return `ref(${t.kind})`;
    case 'list':
      return `list(${typeName(t.of)})`;
    default:
      return t.k;
  }
}

/** Parses a type expression; reports PIM3004 and returns `any` when it is not a type. */
export function parseType(
  expr: Expr,
  uri: string,
  report: (d: Diagnostic) => void,
): { type: AttrType; required: boolean } {
  if (expr.type === 'Call' && expr.callee.name === 'required' && expr.args.length === 1) {
    return { type: parseType(expr.args[0]!, uri, report).type, required: true };
  }
  if (expr.type === 'Ref' && expr.path.length === 1) {
    const name = expr.path[0]!.name;
    const simple = SIMPLE[name];
    if (simple) return { type: simple, required: false };
    const dim = NAMED_DIMENSIONS[name];
    if (dim) return { type: { k: 'dim', name, dim }, required: false };
  }
  if (expr.type === 'Call') {
    const fn = expr.callee.name;
    const words = expr.args.map((a) => (a.type === 'Ref' && a.path.length === 1 ? a.path[0]!.name : undefined));
    if (fn === 'one_of' && words.length > 0 && words.every((w) => w !== undefined)) {
      return { type: { k: 'enum', choices: words as string[] }, required: false };
    }
    if (fn === 'ref' && words.length === 1 && words[0] && REF_KINDS.includes(words[0])) {
      return { type: { k: 'ref', kind: words[0] }, required: false };
    }
    if (fn === 'list' && expr.args.length === 1) {
      return { type: { k: 'list', of: parseType(expr.args[0]!, uri, report).type }, required: false };
    }
  }
  report(
    diag(
      'wrongType',
      uri,
      expr.span,
      'an attribute type',
      'a dimension, count, number, bool, string, one_of(…), ref(…), list(…) or required(…)',
      'something else',
    ),
  );
  return { type: { k: 'any' }, required: false };
}
