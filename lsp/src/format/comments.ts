// Assigns every comment of a file to a place in the tree: leading or trailing a node, or dangling at the
// end of a member list. The formatter prints comments itself (Prettier's generic attachment cannot know
// that newlines are significant in `.pim`), so nothing is ever dropped.
import { children, type Comment, type Member, type Node, type PimFile, type Span } from '@pim/grammar';

/** Nodes that own a list of members between braces (or the whole file). */
export type Container = Extract<Node, { type: 'File' | 'Block' | 'Place' | 'Repeat' | 'Object' }>;

export interface CommentPlacement {
  leading: Map<Node, Comment[]>;
  trailing: Map<Node, Comment[]>;
  /** Comments after the last member of a list (or in an empty list). */
  dangling: Map<Container, Comment[]>;
  /** A line comment on the line of a body's `{`, before its first member: it stays after the `{`. */
  afterOpen: Map<Container, Comment[]>;
  /** Comments after a block's `]` (its count) and before its `{`. */
  afterCount: Map<Node, Comment[]>;
}

export function membersOf(n: Node): Member[] | undefined {
  switch (n.type) {
    case 'File':
      return n.items as Member[];
    case 'Block':
    case 'Place':
      return n.body;
    case 'Repeat':
    case 'Object':
      return n.body;
    default:
      return undefined;
  }
}

/** Children that are not members of a braced list: the header of a block, the operands of an expression. */
function headerChildren(n: Node): Node[] {
  const members = new Set<Node>(membersOf(n) ?? []);
  return children(n).filter((c) => !members.has(c));
}

export class CommentPlacer {
  private readonly placement: CommentPlacement = {
    leading: new Map(),
    trailing: new Map(),
    dangling: new Map(),
    afterOpen: new Map(),
    afterCount: new Map(),
  };
  private readonly sorted: Comment[];

  constructor(
    private readonly text: string,
    comments: readonly Comment[],
  ) {
    this.sorted = [...comments].sort((a, b) => a.span.start - b.span.start);
  }

  place(file: PimFile): CommentPlacement {
    for (const c of this.sorted) this.locate(c, file);
    return this.placement;
  }

  /** Index of the first comment that ends after `offset` (comments are sorted and disjoint). */
  private firstEndingAfter(offset: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.span.end > offset) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Text between two offsets with comments blanked out, so their contents never look like separators. */
  gap(from: number, to: number): string {
    if (to <= from) return '';
    let out = '';
    let pos = from;
    for (let i = this.firstEndingAfter(from); i < this.sorted.length; i++) {
      const c = this.sorted[i]!;
      if (c.span.start >= to) break;
      const s = Math.max(from, c.span.start);
      out += this.text.slice(pos, s) + ' '.repeat(Math.min(to, c.span.end) - s);
      pos = Math.min(to, c.span.end);
    }
    return out + this.text.slice(pos, to);
  }

  private readonly opens = new Map<Container, number>();

  /** Offset just after the `{` that opens a container's member list. */
  bodyOpen(n: Container): number {
    if (n.type === 'File') return 0;
    const known = this.opens.get(n);
    if (known !== undefined) return known;
    let from: number;
    switch (n.type) {
      case 'Block':
        from = Math.max(n.kind.span.end, n.name?.span.end ?? 0, n.base?.span.end ?? 0, n.count?.span.end ?? 0);
        break;
      case 'Place':
        from = n.on.span.end;
        break;
      case 'Repeat':
        from = n.count.span.end;
        break;
      case 'Object':
        from = n.head ? n.head.span.end : n.span.start;
        break;
    }
    // Walk to the first `{` outside comments (only `]`, blanks and comments can come before it).
    let open = n.span.end;
    let k = this.firstEndingAfter(from);
    for (let i = from; i < n.span.end; i++) {
      const c = this.sorted[k];
      if (c && c.span.start <= i) {
        i = c.span.end - 1;
        k++;
        continue;
      }
      if (this.text.charCodeAt(i) === 123 /* { */) {
        open = i + 1;
        break;
      }
    }
    this.opens.set(n, open);
    return open;
  }

  private add<K>(map: Map<K, Comment[]>, key: K, c: Comment): void {
    const list = map.get(key);
    if (list) list.push(c);
    else map.set(key, [c]);
  }

  private locate(c: Comment, node: Node): void {
    const members = membersOf(node);
    if (members) {
      const container = node as Container;
      const open = this.bodyOpen(container);
      const close = node.type === 'File' ? node.span.end : node.span.end - 1;
      if (c.span.start >= open && c.span.end <= close) {
        const inside = members.find((m) => contains(m.span, c.span));
        if (inside) return this.locate(c, inside);
        return this.inList(c, container, members);
      }
      // A line comment between the header and `{` would print after `{`; file it in the list now so
      // that a second formatting pass finds it where the first one put it.
      const headerEnd = Math.max(...headerChildren(node).map((k) => k.span.end), node.span.start);
      if (node.type !== 'File' && c.kind !== 'block' && c.span.start >= headerEnd && c.span.end <= open) {
        return this.inList(c, container, members);
      }
    }
    const kids = headerChildren(node);
    const inside = kids.find((k) => contains(k.span, c.span) && k.span.end > k.span.start);
    if (inside) return this.locate(c, inside);
    // A comment keeps its neighbouring tokens: right after a child (`linear /* e */ on`) it trails
    // that child; right before one (`extends /* b */ component`) it leads it.
    const next = kids.find((k) => k.span.start >= c.span.end);
    const prev = [...kids].reverse().find((k) => k.span.end <= c.span.start);
    const blank = (from: number, to: number): boolean => this.gap(from, to).trim() === '';
    // `4, // c` in a list: a line comment after the separator, on the element's line, trails it (as
    // the formatter prints it), or a second pass would move it to the next element's line.
    const afterSeparator = (from: number, to: number): boolean =>
      c.kind === 'line' && /^[ \t]*,[ \t]*$/.test(this.gap(from, to));
    if (
      prev &&
      ((blank(prev.span.end, c.span.start) && !(next && blank(c.span.end, next.span.start))) ||
        afterSeparator(prev.span.end, c.span.start))
    )
      return this.add(this.placement.trailing, prev, c);
    if (next) return this.add(this.placement.leading, next, c);
    // `tile t[2] /* d */ {`: after the `]` that closes the count.
    if (prev && node.type === 'Block' && prev === node.count) return this.add(this.placement.afterCount, node, c);
    if (prev) return this.add(this.placement.trailing, prev, c);
    // A leaf whose span parentheses widened: `(/* c */ 1)` — the comment precedes the token when
    // something other than parentheses follows it inside the span.
    const rest = this.gap(c.span.end, node.span.end).replace(/[()\s]/g, '');
    this.add(rest ? this.placement.leading : this.placement.trailing, node, c);
  }

  private inList(c: Comment, container: Container, members: Member[]): void {
    let prev: Member | undefined;
    let next: Member | undefined;
    for (const m of members) {
      if (m.span.end <= c.span.start) prev = m;
      else if (m.span.start >= c.span.end) {
        next = m;
        break;
      }
    }
    if (prev) {
      const before = this.gap(prev.span.end, c.span.start);
      if (!/[\r\n]/.test(before)) {
        // `a: 1, /* c */ b: 2` — a block comment after the separator leads the next member.
        const after = next ? this.gap(c.span.end, next.span.start) : '\n';
        if (c.kind === 'block' && before.includes(',') && next && !/[\r\n]/.test(after))
          return this.add(this.placement.leading, next, c);
        return this.add(this.placement.trailing, prev, c);
      }
    }
    // `{ // note` keeps its place after the brace.
    if (
      !prev &&
      c.kind === 'line' &&
      container.type !== 'File' &&
      !/[\r\n]/.test(this.gap(this.bodyOpen(container), c.span.start))
    ) {
      return this.add(this.placement.afterOpen, container, c);
    }
    if (next) return this.add(this.placement.leading, next, c);
    this.add(this.placement.dangling, container, c);
  }
}

function contains(outer: Span, inner: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}
