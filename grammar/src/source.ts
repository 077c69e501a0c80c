// Offsets ↔ line/column for one source text. Lines and columns here are 1-based (what people read);
// the LSP converts to its 0-based positions.
import type { Span } from './ast.js';

export interface LineCol {
  line: number;
  column: number;
}

export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line and column of an offset (clamped to the text). */
  position(offset: number): LineCol {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.lineStarts[lo]! + 1 };
  }

  /**
   * Offset of a 1-based line and column, clamped to the text and to the line: a column past the end of
   * a line is its end, before the line break, not the next line's start (as LSP positions are read).
   */
  offset(line: number, column: number): number {
    // A line past the last is the end of the text (vscode-languageserver-textdocument's reading).
    if (line > this.lineStarts.length) return this.text.length;
    const l = Math.max(1, Math.min(line, this.lineStarts.length));
    const start = this.lineStarts[l - 1]!;
    let end = this.text.length;
    if (l < this.lineStarts.length) {
      end = this.lineStarts[l]! - 1;
      if (this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13 && end - 1 >= start) end--;
    }
    return Math.min(start + Math.max(0, column - 1), end);
  }

  /** The text of a 1-based line without its line break. */
  lineText(line: number): string {
    const l = Math.max(1, Math.min(line, this.lineStarts.length));
    const start = this.lineStarts[l - 1]!;
    const end = l < this.lineStarts.length ? this.lineStarts[l]! : this.text.length;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, '');
  }

  range(span: Span): { start: LineCol; end: LineCol } {
    return { start: this.position(span.start), end: this.position(span.end) };
  }
}

// Line breaks are `\n`, `\r\n` and a lone `\r` (Chevrotain's line terminators), everywhere in pim.

/** Number of line breaks in [from, to). */
export function countLineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/** Offset where the line holding `offset` starts (a `\r` of a `\r\n` pair does not end a line; its `\n` does). */
export function lineStartOf(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) return i + 1;
  }
  return 0;
}
