// AST → Prettier doc. Blocks print on one line when they fit, one member per line when not.
// Newlines matter in `.pim` (a block's name and `[count]` share the kind's line, members split on
// newlines), so the printer only ever breaks lines where the grammar allows it.
import type { Doc } from 'prettier';
import { builders } from 'prettier/doc';
import type * as A from '@pim/grammar';
import { CommentPlacer, type CommentPlacement, type Container, membersOf } from './comments.js';

const { group, indent, line, softline, hardline, literalline, join, ifBreak, lineSuffix, breakParent } = builders;

/** The comment that asks for the next member to be left as written. */
const IGNORE = /^(\/\/\s*prettier-ignore\s*|\/\*\s*prettier-ignore\s*\*\/)$/;

/** Binding strength, loosest first; a child printed in a slot that needs more gets parentheses. */
const PREC = { in: 1, range: 2, additive: 3, multiplicative: 4, power: 5, unary: 6, postfix: 7, primary: 8 } as const;

function precOf(e: A.Expr): number {
  switch (e.type) {
    case 'Binary':
      switch (e.op) {
        case 'in':
          return PREC.in;
        case '..':
          return PREC.range;
        case '+':
        case '-':
          return PREC.additive;
        case '*':
        case '/':
          return PREC.multiplicative;
        case '**':
          return PREC.power;
      }
      return PREC.primary;
    case 'Unary':
      return PREC.unary;
    case 'Index':
      return PREC.postfix;
    default:
      return PREC.primary;
  }
}

/** Minimum precedence of [left, right] operands, mirroring the parser's rules. */
function operandPrec(op: A.BinaryOp): [number, number] {
  switch (op) {
    case 'in':
      return [PREC.range, PREC.range];
    case '..':
      return [PREC.additive, PREC.additive];
    case '+':
    case '-':
      return [PREC.additive, PREC.multiplicative];
    case '*':
    case '/':
      return [PREC.multiplicative, PREC.power];
    case '**':
      // Right-associative; the base is a unary expression.
      return [PREC.unary, PREC.power];
  }
}

export class PimPrinter {
  private readonly comments: CommentPlacement;
  private readonly placer: CommentPlacer;

  constructor(
    private readonly text: string,
    private readonly file: A.PimFile,
  ) {
    this.placer = new CommentPlacer(text, file.comments);
    this.comments = this.placer.place(file);
  }

  printFile(): Doc {
    const body = this.members(this.file, this.file.items as A.Member[], true);
    if (body.length === 0) return '';
    return [body, hardline];
  }

  // ── comments ─────────────────────────────────────────────────────────────────
  private commentDoc(c: A.Comment): Doc {
    // Multi-line block comments keep their inner lines verbatim (literalline does not re-indent).
    const lines = c.text.split(/\r\n|\r|\n/);
    return lines.length === 1 ? c.text : join(literalline, lines);
  }

  private hasNewline(from: number, to: number): boolean {
    return /[\r\n]/.test(this.placer.gap(from, to));
  }

  private blankLine(from: number, to: number): boolean {
    const g = this.placer.gap(from, to);
    return (g.match(/\r\n|\r|\n/g)?.length ?? 0) >= 2;
  }

  /** Wraps a node's doc with the comments attached to it inside an expression or header. */
  private withComments(node: A.Node, d: Doc): Doc {
    const lead = this.comments.leading.get(node);
    const trail = this.comments.trailing.get(node);
    if (!lead && !trail) return d;
    const parts: Doc[] = [];
    for (const c of lead ?? []) parts.push(this.commentDoc(c), c.kind === 'block' ? ' ' : hardline);
    parts.push(d);
    for (const c of trail ?? []) parts.push(this.trailingDoc(c));
    return parts;
  }

  private trailingDoc(c: A.Comment): Doc {
    return c.kind === 'block' ? [' ', this.commentDoc(c)] : [lineSuffix([' ', c.text]), breakParent];
  }

  // ── member lists ─────────────────────────────────────────────────────────────
  /** Span of a member including its leading comments, for blank-line detection. */
  private startWithComments(m: A.Member): number {
    const lead = this.comments.leading.get(m);
    return lead && lead.length ? Math.min(lead[0]!.span.start, m.span.start) : m.span.start;
  }
  private endWithComments(m: A.Member): number {
    const trail = this.comments.trailing.get(m);
    return trail && trail.length ? Math.max(trail[trail.length - 1]!.span.end, m.span.end) : m.span.end;
  }

  /** A node as written, its later lines not re-indented. */
  private verbatim(node: { span: { start: number; end: number } }): Doc {
    return join(literalline, this.text.slice(node.span.start, node.span.end).split(/\r\n?|\n/));
  }

  /**
   * The members of a list with their comments. At top level they are separated by hard lines; in a
   * body by `, ` when the group is flat and by a newline when it breaks. Blank lines are kept (one at most).
   */
  private members(container: Container, members: A.Member[], topLevel: boolean): Doc[] {
    const out: Doc[] = [];
    let prevEnd = -1;
    let prev: A.Member | undefined;
    // Comments written before a body's `{` are printed inside it: count blank lines from the brace.
    const open = this.placer.bodyOpen(container);
    for (const m of members) {
      const start = this.startWithComments(m);
      if (prev) {
        const forceBreak = topLevel || (prev.type === 'Objective' && m.type === 'Block');
        out.push(forceBreak ? hardline : [ifBreak('', ','), line]);
        if (this.blankLine(prevEnd, start)) out.push(softline);
        if (!forceBreak && this.blankLine(prevEnd, start)) out.push(breakParent);
      }
      const lead = this.comments.leading.get(m) ?? [];
      for (let i = 0; i < lead.length; i++) {
        const c = lead[i]!;
        const nextStart = i + 1 < lead.length ? lead[i + 1]!.span.start : m.span.start;
        out.push(this.commentDoc(c));
        if (c.kind === 'block' && !this.hasNewline(c.span.end, nextStart)) out.push(' ');
        else {
          out.push(hardline);
          if (this.blankLine(Math.max(c.span.end, open), nextStart)) out.push(hardline);
        }
      }
      // `// prettier-ignore` before a member keeps it as written, Prettier's convention.
      out.push(lead.length && IGNORE.test(lead[lead.length - 1]!.text) ? this.verbatim(m) : this.member(m));
      for (const c of this.comments.trailing.get(m) ?? []) out.push(this.trailingDoc(c));
      prevEnd = this.endWithComments(m);
      prev = m;
    }
    const dangling = this.comments.dangling.get(container) ?? [];
    for (let i = 0; i < dangling.length; i++) {
      const c = dangling[i]!;
      if (prev || i > 0) {
        const from = i > 0 ? dangling[i - 1]!.span.end : prevEnd;
        // Dangling comments never share a line with a member (those would be trailing).
        out.push(topLevel || prev || this.hasNewline(from, c.span.start) ? hardline : line);
        if (this.blankLine(from, c.span.start)) out.push(hardline);
      }
      out.push(this.commentDoc(c));
      if (c.kind !== 'block') out.push(breakParent);
    }
    return out;
  }

  private body(container: Container, members: A.Member[] | undefined): Doc {
    const list = members ?? [];
    const inner = this.members(container, list, false);
    const afterOpen = this.comments.afterOpen.get(container);
    if (afterOpen) {
      // A line comment after `{` ends the line: the body is broken.
      const open: Doc[] = ['{', ...afterOpen.map((c) => [' ', c.text])];
      return inner.length === 0
        ? [open, hardline, '}']
        : [open, indent([hardline, ...inner]), hardline, '}', breakParent];
    }
    if (inner.length === 0) return '{}';
    const dangling = this.comments.dangling.get(container) ?? [];
    // An empty body holding only comments that started on their own line stays broken.
    const first = dangling[0];
    const open = this.placer.bodyOpen(container);
    const forceBreak = list.length === 0 && first && first.kind !== 'block' ? breakParent : '';
    const leadNewline = list.length === 0 && first && this.hasNewline(open, first.span.start) ? breakParent : '';
    return group(['{', indent([line, ...inner]), line, '}', forceBreak, leadNewline]);
  }

  // ── declarations and members ─────────────────────────────────────────────────
  /** A member's own doc; its comments are printed by the list that holds it. */
  private member(m: A.Member | A.TopLevel): Doc {
    switch (m.type) {
      case 'Import':
        return ['import ', this.expr(m.path, PREC.in)];
      case 'Const':
        return [
          'const ',
          this.ident(m.name),
          m.valueType ? [': ', this.expr(m.valueType, PREC.in)] : '',
          ' = ',
          this.expr(m.value, PREC.in),
        ];
      case 'Block':
        return [
          this.ident(m.kind),
          m.name ? [' ', this.ident(m.name)] : '',
          m.base ? [' extends ', this.ident(m.base)] : '',
          m.count ? ['[', this.expr(m.count, PREC.in), ']'] : '',
          (this.comments.afterCount.get(m) ?? []).map((c) => this.trailingDoc(c)),
          m.body ? [' ', this.body(m, m.body)] : '',
        ];
      case 'Attribute':
        return [
          this.ident(m.key),
          ': ',
          this.expr(m.value, PREC.in),
          m.default ? [' = ', this.expr(m.default, PREC.in)] : '',
        ];
      case 'Place':
        return [
          'place ',
          join(
            ', ',
            m.targets.map((t) => this.pattern(t)),
          ),
          ' on ',
          this.pattern(m.on),
          m.body ? [' ', this.body(m, m.body)] : '',
        ];
      case 'Vary':
        return ['vary ', this.expr(m.path, PREC.in), ' in ', this.expr(m.domain, PREC.in)];
      case 'Objective':
        return [
          m.sense,
          ' ',
          join(
            ', ',
            m.targets.map((t) => this.ident(t)),
          ),
        ];
      case 'Repeat': {
        // `repeat N {` would read `N { … }` as an object value: a count that ends in a name keeps parentheses.
        const count = this.expr(m.count, PREC.in);
        return ['repeat ', endsWithName(m.count) ? ['(', count, ')'] : count, ' ', this.body(m, m.body)];
      }
    }
  }

  private ident(i: A.Ident): Doc {
    return this.withComments(i, i.name);
  }

  private pattern(p: A.Pattern): Doc {
    return this.withComments(p, p.parts.map((x) => x.text).join('.'));
  }

  // ── expressions ──────────────────────────────────────────────────────────────
  private expr(e: A.Expr, minPrec: number): Doc {
    // Comments attached to the node sat outside its span, so outside the parentheses too.
    const bare = this.exprBare(e);
    return this.withComments(e, precOf(e) < minPrec ? ['(', bare, ')'] : bare);
  }

  private list(open: string, items: A.Expr[], close: string): Doc {
    if (items.length === 0) return open + close;
    return group([
      open,
      indent([
        softline,
        join(
          [',', line],
          items.map((x) => this.expr(x, PREC.in)),
        ),
      ]),
      softline,
      close,
    ]);
  }

  /** A string exactly as written (its span may be widened by parentheses around it). */
  private stringRaw(e: A.StringLit): string {
    const g = this.placer.gap(e.span.start, e.span.end);
    const open = g.indexOf('"');
    if (open < 0) return JSON.stringify(e.value);
    let i = e.span.start + open + 1;
    while (i < e.span.end && this.text[i] !== '"') i += this.text[i] === '\\' ? 2 : 1;
    return this.text.slice(e.span.start + open, i + 1);
  }

  private exprBare(e: A.Expr): Doc {
    switch (e.type) {
      case 'Number':
        return e.unit ? `${e.raw} ${e.unit.text}` : e.raw;
      case 'String':
        return this.stringRaw(e);
      case 'Bool':
        return e.value ? 'true' : 'false';
      case 'Ref':
        return join(
          '.',
          e.path.map((p) => this.ident(p)),
        );
      case 'Binary': {
        const [lp, rp] = operandPrec(e.op);
        return [this.expr(e.left, lp), ` ${e.op} `, this.expr(e.right, rp)];
      }
      case 'Unary':
        return ['-', this.expr(e.operand, PREC.unary)];
      case 'Call':
        return [this.ident(e.callee), this.list('(', e.args, ')')];
      case 'Index':
        return [this.expr(e.target, PREC.postfix), this.list('[', e.args, ']')];
      case 'List':
        return this.list('[', e.items, ']');
      case 'Object':
        return e.head ? [this.ident(e.head), ' ', this.body(e, e.body)] : this.body(e, e.body);
      case 'ErrorExpr':
        return this.text.slice(e.span.start, e.span.end);
    }
  }
}

/** Whether an expression's last token is a plain name (which a following `{` would turn into an object). */
function endsWithName(e: A.Expr): boolean {
  switch (e.type) {
    case 'Ref':
      return true;
    case 'Binary':
      return endsWithName(e.right);
    case 'Unary':
      return endsWithName(e.operand);
    default:
      return false;
  }
}

export function printPimFile(text: string, file: A.PimFile): Doc {
  return new PimPrinter(text, file).printFile();
}

export { membersOf };
