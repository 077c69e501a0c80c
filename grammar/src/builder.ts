// CST → AST. Written to survive partial trees from error recovery: a missing child becomes an
// ErrorExpr or is dropped, never an exception.
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import { LIMITS } from './limits.js';

type Children = Record<string, CstElement[] | undefined>;

/** The rules a block body holds, as CST children of `body`. */
const MEMBER_RULES = ['attribute', 'placeStmt', 'varyStmt', 'objectiveStmt', 'repeatStmt', 'block'];

/** Binding strength of the binary operators; `**` is right-associative. */
const PRECEDENCE: Record<A.BinaryOp, number> = { in: 1, '..': 2, '+': 3, '-': 3, '*': 4, '/': 4, '**': 5 };

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && (e as IToken).image !== undefined;
}
function isNode(e: CstElement | undefined): e is CstNode {
  return e !== undefined && (e as CstNode).children !== undefined;
}

/** A token's span, or undefined for tokens invented by recovery (they have NaN offsets). */
function tokSpan(t: IToken | undefined): A.Span | undefined {
  if (!t || t.isInsertedInRecovery || !Number.isFinite(t.startOffset)) return undefined;
  return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}

function join(...spans: (A.Span | undefined)[]): A.Span | undefined {
  let out: A.Span | undefined;
  for (const s of spans) {
    if (!s) continue;
    out = out ? { start: Math.min(out.start, s.start), end: Math.max(out.end, s.end) } : { start: s.start, end: s.end };
  }
  return out;
}

/**
 * `join` of two spans without the rest-argument array (the common case, on every node). A span that
 * already covers the other is returned itself: spans are never mutated (edits copy them), and every
 * object the AST does not allocate is one the garbage collector never copies.
 */
function join2(a: A.Span | undefined, b: A.Span | undefined): A.Span | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.start <= b.start && a.end >= b.end) return a;
  if (b.start <= a.start && b.end >= a.end) return b;
  return { start: a.start < b.start ? a.start : b.start, end: a.end > b.end ? a.end : b.end };
}

/** The span of a node's children (the node itself is not at hand). */
function nodeSpanOfChildren(ch: Children): A.Span | undefined {
  let out: A.Span | undefined;
  for (const list of Object.values(ch)) {
    for (const c of list ?? []) out = join2(out, isToken(c) ? tokSpan(c) : isNode(c) ? nodeSpan(c) : undefined);
  }
  return out;
}

function nodeSpan(n: CstNode | undefined): A.Span | undefined {
  if (!n) return undefined;
  const loc = n.location;
  if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset)) {
    return { start: loc.startOffset, end: (loc.endOffset as number) + 1 };
  }
  // Recovered nodes may lack a location: derive it from whatever children have one.
  return nodeSpanOfChildren(n.children);
}

const NONE: never[] = [];
// A label holds only tokens or only nodes (the grammar consumes or calls under each), so no filtering.
function tokens(ch: Children, name: string): IToken[] {
  return (ch[name] as IToken[] | undefined) ?? NONE;
}
function nodes(ch: Children, name: string): CstNode[] {
  return (ch[name] as CstNode[] | undefined) ?? NONE;
}
function firstToken(ch: Children, name: string): IToken | undefined {
  const list = ch[name] as IToken[] | undefined;
  if (!list) return undefined;
  for (const t of list) if (!t.isInsertedInRecovery) return t;
  return undefined;
}

export class AstBuilder {
  /** Where to put nodes with no source position (rare: all of a node was invented by recovery). */
  private fallback: A.Span = { start: 0, end: 0 };

  /** One string per distinct number or unit text (they recur; see the scanner's `images`). */
  private readonly strings = new Map<string, string>();

  /** Expressions nested deeper than `LIMITS.expressionDepth` (each built as an ErrorExpr). */
  readonly tooDeep: A.Span[] = [];
  /** Operators, signs and suffixes open around the expression being built. */
  private exprDepth = 0;

  constructor(private readonly text: string) {}

  /**
   * Builds an expression that adds `depth` levels to its tree, or an ErrorExpr when that would pass
   * `LIMITS.expressionDepth` (every recursive walk over the tree stays within the stack). The span is
   * wanted only then, so it is computed only then (this runs for every operator on every parse).
   */
  private nested(depth: number, span: () => A.Span | undefined, at: number, build: () => A.Expr): A.Expr {
    if (this.exprDepth + depth > LIMITS.expressionDepth) {
      const s = span() ?? { start: at, end: at };
      if (!this.tooDeep.some((t) => t.start <= s.start && s.end <= t.end)) this.tooDeep.push(s);
      return { type: 'ErrorExpr', span: s };
    }
    this.exprDepth += depth;
    try {
      return build();
    } finally {
      this.exprDepth -= depth;
    }
  }

  private shared(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }

  /** The declarations of a `file` CST: of the whole file, or of one piece of it. */
  items(cst: CstNode): A.TopLevel[] {
    const items: A.TopLevel[] = [];
    const ordered = this.orderedChildren(cst.children as Children, ['importDecl', 'constDecl', 'block']);
    for (const n of ordered) {
      const built =
        n.name === 'importDecl' ? this.importDecl(n) : n.name === 'constDecl' ? this.constDecl(n) : this.block(n);
      if (built) items.push(built);
    }
    return items;
  }

  /** The file node over all its declarations, with doc comments attached. */
  finish(items: A.TopLevel[], uri: string, comments: A.Comment[]): A.PimFile {
    const file: A.PimFile = { type: 'File', uri, items, comments, span: { start: 0, end: this.text.length } };
    attachDocComments(file, this.text);
    return file;
  }

  /** Child nodes of the named rules in source order (Chevrotain groups children by name). */
  private orderedChildren(ch: Children, names: string[]): CstNode[] {
    const all: CstNode[] = [];
    let kinds = 0;
    for (const name of names) {
      const list = nodes(ch, name);
      if (list.length > 0) kinds++;
      for (const x of list) all.push(x);
    }
    // Children of one rule are already in source order; only interleaved kinds need sorting.
    if (kinds <= 1) return all;
    const start = (x: CstNode): number =>
      Number.isFinite(x.location?.startOffset) ? x.location!.startOffset : (nodeSpan(x)?.start ?? 0);
    return all.sort((a, b) => start(a) - start(b));
  }

  private ident(t: IToken | undefined): A.Ident | undefined {
    const span = tokSpan(t);
    if (!t || !span) return undefined;
    return { type: 'Ident', name: t.image, span };
  }

  private span(...spans: (A.Span | undefined)[]): A.Span {
    return this.orFallback(join(...spans));
  }

  /** `span` of two spans, without the rest-argument array. */
  private span2(a: A.Span | undefined, b: A.Span | undefined): A.Span {
    return this.orFallback(join2(a, b));
  }

  private orFallback(s: A.Span | undefined): A.Span {
    if (s) this.fallback = { start: s.end, end: s.end };
    return s ?? { ...this.fallback };
  }

  private importDecl(n: CstNode): A.ImportDecl | undefined {
    const ch = n.children as Children;
    const str = firstToken(ch, 'StringLiteral');
    const span = nodeSpan(n);
    if (!str || !span) return undefined;
    return { type: 'Import', path: this.stringLit(str), span };
  }

  private constDecl(n: CstNode): A.ConstDecl | undefined {
    const ch = n.children as Children;
    const name = this.ident(firstToken(ch, 'Identifier'));
    if (!name) return undefined;
    const typeNode = nodes(ch, 'valueType')[0];
    const valueNode = nodes(ch, 'value')[0];
    const out: A.ConstDecl = {
      type: 'Const',
      name,
      value: this.expression(valueNode, name.span.end),
      span: this.span2(nodeSpan(n), name.span),
    };
    if (typeNode) out.valueType = this.expression(typeNode, name.span.end);
    return out;
  }

  block(n: CstNode): A.Block | undefined {
    const ch = n.children as Children;
    const kind = this.ident(firstToken(ch, 'kind'));
    if (!kind) return undefined;
    const out: A.Block = { type: 'Block', kind, span: this.span2(nodeSpan(n), kind.span) };
    const name = this.ident(firstToken(ch, 'name'));
    if (name) out.name = name;
    const base = this.ident(firstToken(ch, 'base'));
    if (base) out.base = base;
    const countNode = nodes(ch, 'count')[0];
    if (countNode) out.count = this.expression(countNode, kind.span.end);
    if (ch['LCurly']) out.body = this.members(ch);
    return out;
  }

  body(n: CstNode): A.Member[] {
    return this.members(n.children as Children);
  }

  /** The members of a `body` node, or of a `block` node (which holds its braces and members itself). */
  private members(ch: Children): A.Member[] {
    const members: A.Member[] = [];
    for (const m of this.orderedChildren(ch, MEMBER_RULES)) {
      const built = this.member(m);
      if (built) members.push(built);
    }
    return members;
  }

  private member(inner: CstNode): A.Member | undefined {
    switch (inner.name) {
      case 'attribute':
        return this.attribute(inner);
      case 'placeStmt':
        return this.placeStmt(inner);
      case 'varyStmt':
        return this.varyStmt(inner);
      case 'objectiveStmt':
        return this.objectiveStmt(inner);
      case 'repeatStmt':
        return this.repeatStmt(inner);
      case 'block':
        return this.block(inner);
      default:
        return undefined;
    }
  }

  private attribute(n: CstNode): A.Attribute | undefined {
    const ch = n.children as Children;
    const key = this.ident(firstToken(ch, 'key'));
    if (!key) return undefined;
    const colonEnd = tokSpan(firstToken(ch, 'Colon'))?.end ?? key.span.end;
    const out: A.Attribute = {
      type: 'Attribute',
      key,
      value: this.binary(ch, colonEnd),
      span: this.span2(nodeSpan(n), key.span),
    };
    const def = nodes(ch, 'default')[0];
    if (def) out.default = this.expression(def, out.value.span.end);
    return out;
  }

  private pattern(n: CstNode | undefined): A.Pattern | undefined {
    if (!n) return undefined;
    const parts: A.PatternPart[] = [];
    for (const p of nodes(n.children as Children, 'patternPart')) {
      const pch = p.children as Children;
      const toks = [...tokens(pch, 'Identifier'), ...tokens(pch, 'Star')].filter((t) => tokSpan(t));
      toks.sort((a, b) => a.startOffset - b.startOffset);
      const span = join(...toks.map(tokSpan));
      if (span) parts.push({ text: toks.map((t) => t.image).join(''), span });
    }
    if (parts.length === 0) return undefined;
    return { type: 'Pattern', parts, span: this.span(...parts.map((p) => p.span)) };
  }

  private placeStmt(n: CstNode): A.PlaceStmt | undefined {
    const ch = n.children as Children;
    const targets = nodes(ch, 'targets')
      .map((t) => this.pattern(t))
      .filter((p): p is A.Pattern => !!p);
    const on = this.pattern(nodes(ch, 'on')[0]);
    if (targets.length === 0 || !on) return undefined;
    const out: A.PlaceStmt = { type: 'Place', targets, on, span: this.span(nodeSpan(n)) };
    const body = nodes(ch, 'body')[0];
    if (body) out.body = this.body(body);
    return out;
  }

  private qualifiedName(n: CstNode | undefined): A.RefExpr | undefined {
    return n ? this.refOf(tokens(n.children as Children, 'Identifier')) : undefined;
  }

  /** A reference from the name tokens of `a.b.c` (already in source order). */
  private refOf(names: IToken[]): A.RefExpr | undefined {
    const path: A.Ident[] = [];
    for (const t of names) {
      const id = this.ident(t);
      if (id) path.push(id);
    }
    if (path.length === 0) return undefined;
    return { type: 'Ref', path, span: this.span2(path[0]!.span, path[path.length - 1]!.span) };
  }

  private varyStmt(n: CstNode): A.VaryStmt | undefined {
    const ch = n.children as Children;
    const path = this.qualifiedName(nodes(ch, 'qualifiedName')[0]);
    if (!path) return undefined;
    return {
      type: 'Vary',
      path,
      domain: this.expression(nodes(ch, 'domain')[0], path.span.end),
      span: this.span(nodeSpan(n)),
    };
  }

  private objectiveStmt(n: CstNode): A.ObjectiveStmt | undefined {
    const ch = n.children as Children;
    const sense = firstToken(ch, 'Minimize') ? 'minimize' : 'maximize';
    const targets = tokens(ch, 'Identifier')
      .map((t) => this.ident(t))
      .filter((i): i is A.Ident => !!i)
      .sort((a, b) => a.span.start - b.span.start);
    return { type: 'Objective', sense, targets, span: this.span(nodeSpan(n)) };
  }

  private repeatStmt(n: CstNode): A.RepeatStmt | undefined {
    const ch = n.children as Children;
    const kw = tokSpan(firstToken(ch, 'Repeat'));
    const body = nodes(ch, 'body')[0];
    return {
      type: 'Repeat',
      count: this.expression(nodes(ch, 'count')[0], kw?.end ?? 0),
      body: body ? this.body(body) : [],
      span: this.span2(nodeSpan(n), kw),
    };
  }

  // ── expressions ──────────────────────────────────────────────────────────────
  private errorExpr(at: number): A.ErrorExpr {
    return { type: 'ErrorExpr', span: { start: at, end: at } };
  }

  expression(n: CstNode | undefined, at: number): A.Expr {
    if (!n) return this.errorExpr(at);
    const ch = n.children as Children;
    switch (n.name) {
      case 'expression':
        return this.binary(ch, at);
      case 'unary':
        return this.unary(ch, at);
      default:
        return this.errorExpr(at);
    }
  }

  /** Operands and operators in source order, folded by precedence (precedence climbing). */
  private binary(ch: Children, at: number): A.Expr {
    const operandNodes = nodes(ch, 'operands');
    const opTokens = tokens(ch, 'ops');
    if (opTokens.length === 0) return this.expression(operandNodes[0], at);
    return this.nested(
      opTokens.length,
      () => nodeSpanOfChildren(ch),
      at,
      () => this.climbOperators(operandNodes, opTokens, at),
    );
  }

  private climbOperators(operandNodes: CstNode[], opTokens: IToken[], at: number): A.Expr {
    const ops = opTokens.filter((t) => tokSpan(t)).sort((a, b) => a.startOffset - b.startOffset);
    let k = 0;
    let last = at;
    const operand = (): A.Expr => {
      const e = this.expression(operandNodes[k++], last);
      last = e.span.end;
      return e;
    };
    const climb = (minPrec: number): A.Expr => {
      let left = operand();
      // After k operands, the next operator is ops[k - 1].
      while (k - 1 < ops.length) {
        const op = ops[k - 1]!.image as A.BinaryOp;
        const prec = PRECEDENCE[op];
        if (prec < minPrec) break;
        last = tokSpan(ops[k - 1])!.end;
        const right = climb(op === '**' ? prec : prec + 1);
        left = { type: 'Binary', op, left, right, span: this.span2(left.span, right.span) };
      }
      return left;
    };
    return climb(0);
  }

  /** `- - x[1][2]`: the suffixes bind tighter than the signs. */
  private unary(ch: Children, at: number): A.Expr {
    const levels =
      ((ch['Minus'] as IToken[] | undefined)?.length ?? 0) + ((ch['LBracket'] as IToken[] | undefined)?.length ?? 0);
    if (levels === 0) return this.primary(ch, at);
    return this.nested(
      levels,
      () => nodeSpanOfChildren(ch),
      at,
      () => this.unarySuffixes(ch, at),
    );
  }

  private unarySuffixes(ch: Children, at: number): A.Expr {
    let target = this.primary(ch, at);
    const lbrackets = ch['LBracket'] as IToken[] | undefined;
    if (lbrackets) {
      const lists = nodes(ch, 'index');
      const rbrackets = tokens(ch, 'RBracket');
      // Each `[...]` suffix: pair brackets in order; an empty one has no exprList.
      let li = 0;
      for (let i = 0; i < lbrackets.length; i++) {
        const lb = tokSpan(lbrackets[i]);
        const rb = tokSpan(rbrackets[i]);
        const list = lists[li];
        let args: A.Expr[] = [];
        const ls = nodeSpan(list);
        if (list && ls && lb && ls.start >= lb.start && (!rb || ls.end <= rb.end)) {
          args = this.exprList(list, lb.end);
          li++;
        }
        target = { type: 'Index', target, args, span: this.span(target.span, lb, rb, ...args.map((a) => a.span)) };
      }
    }
    const minusTokens = ch['Minus'] as IToken[] | undefined;
    if (minusTokens) {
      const minuses = minusTokens.filter((t) => tokSpan(t)).sort((a, b) => b.startOffset - a.startOffset);
      for (const m of minuses)
        target = { type: 'Unary', op: '-', operand: target, span: this.span2(tokSpan(m), target.span) };
    }
    return target;
  }

  private exprList(n: CstNode, at: number): A.Expr[] {
    return nodes(n.children as Children, 'expression').map((e) => this.expression(e, at));
  }

  /** The primary of a `unary` node (its alternatives are inlined there). */
  private primary(ch: Children, at: number): A.Expr {
    const q = firstToken(ch, 'Quantity');
    if (q) return this.quantity(q);
    if (ch['name']) return this.namePrimary(ch, at);
    const s = firstToken(ch, 'StringLiteral');
    if (s) return this.stringLit(s);
    const t = firstToken(ch, 'True') ?? firstToken(ch, 'False');
    if (t) return { type: 'Bool', value: t.image === 'true', span: tokSpan(t)! };
    const inner = nodes(ch, 'expression')[0];
    if (inner) {
      const e = this.expression(inner, at);
      // Parentheses widen the span so formatters and hovers see them.
      const lp = tokSpan(firstToken(ch, 'LParen'));
      const rp = tokSpan(firstToken(ch, 'RParen'));
      return { ...e, span: this.span(e.span, lp, rp) };
    }
    const list = nodes(ch, 'listLiteral')[0];
    if (list) {
      const lch = list.children as Children;
      const el = nodes(lch, 'exprList')[0];
      return { type: 'List', items: el ? this.exprList(el, at) : [], span: this.span(nodeSpan(list)) };
    }
    const body = nodes(ch, 'body')[0];
    if (body) return { type: 'Object', body: this.body(body), span: this.span(nodeSpan(body)) };
    return this.errorExpr(at);
  }

  /** `name`, `a.b.c`, `f(args)` or `head { members }`, from the `unary` node's children. */
  private namePrimary(ch: Children, at: number): A.Expr {
    const ref = this.refOf(tokens(ch, 'name'));
    if (!ref) return this.errorExpr(at);
    const head = ref.path[ref.path.length - 1]!;
    const open = tokens(ch, 'callOpen');
    const objectBody = nodes(ch, 'objectBody')[0];
    if (open.length === 0 && !objectBody) return ref;
    // Calls and objects take a plain name; `a.b(x)` is reported by the checker as an unknown function.
    const callee: A.Ident =
      ref.path.length === 1 ? head : { type: 'Ident', name: ref.path.map((p) => p.name).join('.'), span: ref.span };
    if (open.length > 0) {
      const el = nodes(ch, 'args')[0];
      const args = el ? this.exprList(el, head.span.end) : [];
      return {
        type: 'Call',
        callee,
        args,
        span: this.span(
          ref.span,
          tokSpan(open[0]),
          tokSpan(firstToken(ch, 'callClose')),
          el ? nodeSpan(el) : undefined,
        ),
      };
    }
    return {
      type: 'Object',
      head: callee,
      body: this.body(objectBody!),
      span: this.span2(ref.span, nodeSpan(objectBody)),
    };
  }

  private stringLit(t: IToken): A.StringLit {
    const raw = t.image.slice(1, -1);
    const value = raw.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
    return { type: 'String', value, span: tokSpan(t) ?? this.span() };
  }

  private quantity(t: IToken): A.NumberLit {
    const span = tokSpan(t) ?? this.span();
    const image = t.image;
    const numEnd = numberLength(image);
    const raw = numEnd === image.length ? image : this.shared(image.slice(0, numEnd));
    const hex = numEnd > 2 && image.charCodeAt(0) === 48 && (image.charCodeAt(1) | 32) === 120;
    const value = hex ? parseInt(raw, 16) : Number(raw);
    const out: A.NumberLit = { type: 'Number', value, raw, span };
    let unitStart = numEnd;
    while (unitStart < image.length && (image.charCodeAt(unitStart) === 32 || image.charCodeAt(unitStart) === 9))
      unitStart++;
    if (unitStart < image.length) {
      const unitText = this.shared(image.slice(unitStart));
      out.unit = { text: unitText, span: { start: span.start + unitStart, end: span.start + image.length } };
    }
    return out;
  }
}

/** Length of the number at the start of a Quantity token's image (`0x80`, `1.5e-3`, `.5`). */
function numberLength(image: string): number {
  const n = image.length;
  const digitsFrom = (i: number, hex: boolean): number => {
    while (i < n) {
      const c = image.charCodeAt(i);
      if ((c >= 48 && c <= 57) || (hex && ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)))) i++;
      else break;
    }
    return i;
  };
  if (n > 2 && image.charCodeAt(0) === 48 && (image.charCodeAt(1) | 32) === 120) {
    const end = digitsFrom(2, true);
    if (end > 2) return end;
  }
  let i = digitsFrom(0, false);
  if (image.charCodeAt(i) === 46 && i + 1 < n && image.charCodeAt(i + 1) >= 48 && image.charCodeAt(i + 1) <= 57)
    i = digitsFrom(i + 1, false);
  const e = image.charCodeAt(i) | 32;
  if (e === 101) {
    let j = i + 1;
    const sign = image.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    const k = digitsFrom(j, false);
    if (k > j) i = k;
  }
  return i;
}

/** Whether a UTF-16 code unit is white space (what `\s` matches). */
function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * `///` comments right before a declaration or member (only blank space between) become its `doc`.
 * Several consecutive doc lines join with newlines.
 */
function attachDocComments(file: A.PimFile, text: string): void {
  const docs = file.comments.filter((c) => c.kind === 'doc');
  if (docs.length === 0) return;
  // By where its text ends without trailing blanks: the walk back from a declaration skips blanks, and
  // `/// doc ` with a space after it documents what follows as `/// doc` does.
  const byEnd = new Map<number, A.Comment>();
  for (const d of docs) byEnd.set(d.span.start + d.text.trimEnd().length, d);
  const docFor = (start: number): string | undefined => {
    const lines: string[] = [];
    let pos = start;
    for (;;) {
      // Walk back over whitespace to the end of a possible doc comment.
      let p = pos;
      while (p > 0 && isSpace(text.charCodeAt(p - 1))) p--;
      const d = byEnd.get(p);
      if (!d) break;
      lines.unshift(d.text.replace(/^\/\/\/ ?/, '').trimEnd());
      pos = d.span.start;
    }
    return lines.length ? lines.join('\n') : undefined;
  };
  const visitMembers = (members: A.Member[] | undefined): void => {
    for (const m of members ?? []) {
      const doc = docFor(m.span.start);
      if (doc !== undefined) m.doc = doc;
      if (m.type === 'Block' || m.type === 'Place' || m.type === 'Repeat') visitMembers(m.body);
    }
  };
  for (const item of file.items) {
    const doc = docFor(item.span.start);
    if (doc !== undefined) item.doc = doc;
    if (item.type === 'Block') visitMembers(item.body);
  }
}
