// One `.pim` document as the server sees it: its text at a version, parsed once and kept (the
// per-document cache), whether it is open in the editor or only on disk.
import { diag, LIMITS, LineIndex, parse, type ParseResult, type Span } from '@pim/grammar';
import type { Position, Range } from 'vscode-languageserver';
import type { SourceFile } from './compiler-types.js';
import { toOffset, toPosition, toRange } from './convert.js';
import { reparse, type IncrementalStats } from './incremental.js';

export class PimDocument {
  private parsed: ParseResult | undefined;
  private index: LineIndex | undefined;
  private source: SourceFile | undefined;

  /** How the parse was made (for the benchmark and tests). */
  readonly parseStats: IncrementalStats = { reparsed: 0, incremental: false };

  constructor(
    readonly uri: string,
    readonly path: string,
    readonly version: number,
    readonly text: string,
    /** The previous version of an edited buffer: its parse is reused where the edit did not reach. */
    private previous?: PimDocument,
  ) {}

  /** The parse of this text (computed once, incrementally from the previous version when possible). */
  get parse(): ParseResult {
    // A buffer over the size limit of a source file is one, as on disk (PIM1105): parsed, a 9 MB buffer
    // held over a gigabyte and kept the server busy for half a minute per request.
    const bytes = this.parsed ? 0 : Buffer.byteLength(this.text, 'utf8');
    if (!this.parsed && bytes > LIMITS.fileBytes) {
      const empty = parse('', this.path);
      this.parsed = {
        ...empty,
        diagnostics: [diag('fileTooLarge', this.path, { start: 0, end: 0 }, bytes, LIMITS.fileBytes)],
      };
      this.previous = undefined;
    }
    if (!this.parsed) {
      // The nearest earlier version that was parsed (quick successive edits skip some).
      let prev = this.previous;
      while (prev && !prev.parsed) prev = prev.previous;
      this.parsed =
        prev?.parsed && prev.path === this.path
          ? reparse(prev.text, prev.parsed, this.text, this.path, this.parseStats)
          : parse(this.text, this.path);
      if (!prev?.parsed) Object.assign(this.parseStats, { reparsed: this.text.length, incremental: false });
      // Drop the link so old versions can be collected.
      this.previous = undefined;
    }
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
