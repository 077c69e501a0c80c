// The services every feature receives, named for what they do.
import type { Connection } from 'vscode-languageserver';
import type { PimFile } from '@pim/grammar';
import type { Analysis, AnalysisService } from './analysis.js';
import { Catalogue, fallbackClasses, layerClasses } from './catalogue.js';
import type { ClassInfo } from './compiler-types.js';
import type { CompilerService } from './compiler-service.js';
import { uriToPath } from './convert.js';
import type { Workspace } from './workspace.js';

export interface Settings {
  printWidth: number;
  /** Milliseconds between the last change and the diagnostics run. */
  diagnosticsDelay: number;
  /** Files at least this long (characters) get syntax diagnostics before the compiler's. */
  fastDiagnosticsThreshold: number;
}

export interface PimServices {
  connection: Connection;
  workspace: Workspace;
  analysis: AnalysisService;
  compiler: CompilerService;
  settings: Settings;
}

/** The analysis of the document behind a URI. */
export function analyzeUri(s: PimServices, uri: string): Promise<Analysis | undefined> {
  return s.analysis.analyze(uriToPath(uri));
}

/** The tree the compiler's tables are keyed by (the document's own parse when the cache is shared). */
export function astOf(a: Analysis): PimFile {
  return a.program?.files.get(a.doc.path)?.ast ?? a.doc.parse.ast;
}

/** Classes by name: the compiler's when it compiled, else the prelude's. */
export function classesOf(a: Analysis | undefined): Map<string, ClassInfo> {
  const fromProgram = a?.program?.classes;
  return fromProgram && fromProgram.size > 0 ? fromProgram : fallbackClasses();
}

/** The class catalogue for an analysis: its program's classes and the compiler's layer kinds. */
export function catalogueOf(s: PimServices, a: Analysis | undefined): Catalogue {
  return new Catalogue(classesOf(a), layerClasses(s.compiler.layerKinds));
}
