// Runs the compiler on demand and remembers the result until something changes. Parsing is per
// document and cached on the document; the compiler reuses those parses through its file cache, so
// after an edit only the edited file is parsed again.
import type { Program, SourceFile } from './compiler-types.js';
import type { CompilerService } from './compiler-service.js';
import type { PimDocument } from './documents.js';
import type { Workspace } from './workspace.js';

export interface Analysis {
  doc: PimDocument;
  /** Undefined when no compiler is available; present (with diagnostics) even when the text has errors. */
  program?: Program;
}

export interface QuickAnalysis extends Analysis {
  stale?: Program;
}

export class AnalysisService {
  private generation = 0;
  private readonly memo = new Map<string, { generation: number; result: Promise<Analysis | undefined> }>();
  /** Parses by path, reused by every compilation whose file text is unchanged (also the hover's IR). */
  readonly sourceCache = new Map<string, SourceFile>();
  /** The last compilation of each entry, with the text it compiled. */
  private readonly last = new Map<string, { text: string; program: Program }>();
  /** The last compilation of each entry whose text parsed cleanly: its names are whole. */
  private readonly lastClean = new Map<string, Program>();
  /** Entry path → paths of the files its last compilation read (itself and its imports). */
  readonly dependencies = new Map<string, Set<string>>();

  constructor(
    private readonly workspace: Workspace,
    private readonly compiler: CompilerService,
  ) {}

  /** Any text changed: every remembered result is stale. */
  invalidate(): void {
    this.generation++;
  }

  /** Open documents whose last compilation read `path`. */
  dependents(path: string): string[] {
    const out: string[] = [];
    for (const [entry, deps] of this.dependencies) if (entry !== path && deps.has(path)) out.push(entry);
    return out;
  }

  analyze(path: string): Promise<Analysis | undefined> {
    const hit = this.memo.get(path);
    if (hit && hit.generation === this.generation) return hit.result;
    const result = this.run(path);
    this.memo.set(path, { generation: this.generation, result });
    return result;
  }

  /**
   * The current document without waiting for the compiler: the last program when it was compiled from
   * this very text (`program`), and whatever was compiled last (`stale`, for names and classes only).
   */
  quick(path: string): QuickAnalysis | undefined {
    const doc = this.workspace.document(path);
    if (!doc) return undefined;
    const last = this.last.get(path);
    const out: QuickAnalysis = { doc };
    if (last) {
      // Text being typed rarely parses; the last clean compilation knows every name.
      out.stale = this.lastClean.get(path) ?? last.program;
      if (last.text === doc.text && last.program.files.get(path)?.ast === doc.parse.ast) out.program = last.program;
    }
    return out;
  }

  private async run(path: string): Promise<Analysis | undefined> {
    const doc = this.workspace.document(path);
    if (!doc) return undefined;
    if (!this.compiler.available) return { doc };
    // Hand the compiler the parses we already hold for open buffers.
    for (const open of this.workspace.openDocuments()) {
      const cached = this.sourceCache.get(open.path);
      if (!cached || cached.text !== open.text) this.sourceCache.set(open.path, open.sourceFile);
    }
    const current = this.sourceCache.get(doc.path);
    if (!current || current.text !== doc.text) this.sourceCache.set(doc.path, doc.sourceFile);
    const program = await this.compiler.compile(path, { host: this.workspace.host, cache: this.sourceCache });
    if (program) {
      this.dependencies.set(path, new Set(program.files.keys()));
      this.last.set(path, { text: doc.text, program });
      if (!doc.parse.diagnostics.some((d) => d.severity === 'error')) this.lastClean.set(path, program);
    }
    return program ? { doc, program } : { doc };
  }
}
