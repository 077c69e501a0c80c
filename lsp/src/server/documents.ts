// One `.pim` document as the server sees it: its text at a version, parsed once and kept (the
// per-document cache), whether it is open in the editor or only on disk.
import { LineIndex, parse, type ParseResult, type Span } from '@pim/grammar';
import type { Position, Range } from 'vscode-languageserver';
import type { SourceFile } from './compiler-types.js';
import { toOffset, toPosition, toRange } from './convert.js';

export class PimDocument {
  private parsed: ParseResult | undefined;
  private index: LineIndex | undefined;
  private source: SourceFile | undefined;

  constructor(
    readonly uri: string,
    readonly path: string,
    readonly version: number,
    readonly text: string,
  ) {}

  /** The parse of this text (computed once). */
  get parse(): ParseResult {
    this.parsed ??= parse(this.text, this.path);
    return this.parsed;
  }

  get lineIndex(): LineIndex {
    this.index ??= new LineIndex(this.text);
    return this.index;
  }

  /** The same parse in the compiler's cache format, so the compiler never parses an open buffer again. */
  get sourceFile(): SourceFile {
    this.source ??= {
      path: this.path,
      text: this.text,
      ast: this.parse.ast,
      lineIndex: this.lineIndex,
      parseDiagnostics: this.parse.diagnostics,
    };
    return this.source;
  }

  offsetAt(pos: Position): number {
    return toOffset(this.lineIndex, pos);
  }

  positionAt(offset: number): Position {
    return toPosition(this.lineIndex, offset);
  }

  range(span: Span): Range {
    return toRange(this.lineIndex, span);
  }
}
