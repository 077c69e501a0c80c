// The `.pim` abstract syntax tree. The syntax is uniform (blocks of attributes); meaning comes from
// the compiler's passes, which read a block's `kind`. Every node carries its source span.

/** Top-level declaration kinds (the language reference's list): the one list the compiler and editor share. */
export const DECLARATION_KINDS = [
  'device',
  'class',
  'architecture',
  'model',
  'dataset',
  'mapping',
  'train',
  'run',
  'explore',
] as const;

/** Half-open range of UTF-16 offsets into the source text: [start, end). */
export interface Span {
  start: number;
  end: number;
}

export interface Ident {
  type: 'Ident';
  name: string;
  span: Span;
}

export interface NumberLit {
  type: 'Number';
  /** The numeric value as written, before any unit is applied. */
  value: number;
  raw: string;
  /** The unit text right after the number, e.g. `GHz`, `GB/s`, `%`. */
  unit?: { text: string; span: Span };
  span: Span;
}
export interface StringLit {
  type: 'String';
  value: string;
  span: Span;
}
export interface BoolLit {
  type: 'Bool';
  value: boolean;
  span: Span;
}
/** A (possibly qualified) name: `cora`, `isaac.isaac_tile.ima.crossbar.rows`. */
export interface RefExpr {
  type: 'Ref';
  path: Ident[];
  span: Span;
}
export type BinaryOp = '+' | '-' | '*' | '/' | '**' | '..' | 'in';
export interface BinaryExpr {
  type: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
}
export interface UnaryExpr {
  type: 'Unary';
  op: '-';
  operand: Expr;
  span: Span;
}
/** `log2(x)`, `fixed(16 bit)`. */
export interface CallExpr {
  type: 'Call';
  callee: Ident;
  args: Expr[];
  span: Span;
}
/** `tensor[1, 28, 28]`. */
export interface IndexExpr {
  type: 'Index';
  target: Expr;
  args: Expr[];
  span: Span;
}
export interface ListExpr {
  type: 'List';
  items: Expr[];
  span: Span;
}
/** `sgd { lr: 0.05 }`, `graph { dataset: cora }`, or a bare `{ … }`. */
export interface ObjectExpr {
  type: 'Object';
  head?: Ident;
  body: Member[];
  span: Span;
}
/** Stands where the parser recovered from a syntax error; passes skip it silently. */
export interface ErrorExpr {
  type: 'ErrorExpr';
  span: Span;
}
export type Expr =
  | NumberLit
  | StringLit
  | BoolLit
  | RefExpr
  | BinaryExpr
  | UnaryExpr
  | CallExpr
  | IndexExpr
  | ListExpr
  | ObjectExpr
  | ErrorExpr;

/** `key: value` or, in a class, `key: type = default`. */
export interface Attribute {
  type: 'Attribute';
  key: Ident;
  value: Expr;
  default?: Expr;
  doc?: string;
  span: Span;
}

/** `kind name? (extends base)? [count]? { members }?` */
export interface Block {
  type: 'Block';
  kind: Ident;
  name?: Ident;
  base?: Ident;
  count?: Expr;
  /** Undefined when the block has no braces (`relu`). */
  body?: Member[];
  doc?: string;
  span: Span;
}

/** One segment of a placement pattern: a name, a name with a trailing `*`, or `*`. */
export interface PatternPart {
  text: string;
  span: Span;
}
export interface Pattern {
  type: 'Pattern';
  parts: PatternPart[];
  span: Span;
}
/** `place conv, linear on isaac_tile { options }` */
export interface PlaceStmt {
  type: 'Place';
  targets: Pattern[];
  on: Pattern;
  body?: Member[];
  doc?: string;
  span: Span;
}
/** `vary isaac.clock in [0.6 GHz, 1.2 GHz]` */
export interface VaryStmt {
  type: 'Vary';
  path: RefExpr;
  domain: Expr;
  doc?: string;
  span: Span;
}
/** `minimize area, energy` */
export interface ObjectiveStmt {
  type: 'Objective';
  sense: 'minimize' | 'maximize';
  targets: Ident[];
  doc?: string;
  span: Span;
}
/** `repeat 3 { layers }` */
export interface RepeatStmt {
  type: 'Repeat';
  count: Expr;
  body: Member[];
  doc?: string;
  span: Span;
}
export type Member = Attribute | Block | PlaceStmt | VaryStmt | ObjectiveStmt | RepeatStmt;

export interface ImportDecl {
  type: 'Import';
  path: StringLit;
  doc?: string;
  span: Span;
}
export interface ConstDecl {
  type: 'Const';
  name: Ident;
  valueType?: Expr;
  value: Expr;
  doc?: string;
  span: Span;
}
export type TopLevel = ImportDecl | ConstDecl | Block;

export interface Comment {
  kind: 'line' | 'block' | 'doc';
  text: string;
  span: Span;
}

export interface PimFile {
  type: 'File';
  /** The file's path or URI as given to the parser. */
  uri: string;
  items: TopLevel[];
  comments: Comment[];
  span: Span;
}

export type Node = PimFile | TopLevel | Member | Expr | Ident | Pattern;
