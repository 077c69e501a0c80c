// The compiler driver: load → resolve → classes → constants → devices → architectures → data sets →
// models → mappings → experiments → explorations → lower + validate. Each pass lives in passes/ and
// reports into the shared CheckContext; the driver only orders them.
import * as path from 'node:path';
import { capDiagnostics, diag, sortDiagnostics, type Diagnostic } from '@pim/grammar';
import type { DesignCompiler, IrOverride, IrProgram } from '@pim/ir';
import { OverrideError, type ClassInfo, type CompileOptions, type Program, type SourceFile } from './api.js';
import { buildClasses } from './passes/classes.js';
import { checkDevices } from './passes/devices.js';
import { elaborateArchitectures } from './passes/elaborate.js';
import { loadFiles, loadPrelude, nodeHost, type LoadResult } from './passes/load.js';
import { resolveSymbols } from './passes/resolve.js';
import { checkConstants } from './passes/constants.js';
import { CheckContext } from './semantics/context.js';
import { DeferredMap } from './semantics/deferred-map.js';
import { typeName } from './semantics/types.js';
import { checkDatasets } from './passes/datasets.js';
import { checkModels } from './passes/models-check.js';
import { checkMappings } from './passes/mappings-check.js';
import { checkExperiments } from './passes/experiments.js';
import { checkExplorations } from './passes/explore.js';
import { lowerProgram } from './passes/lower.js';

export function compile(entry: string, options: CompileOptions = {}): Program {
  const host = options.host ?? nodeHost;
  const entryPath = path.resolve(entry);
  const loaded = loadFiles(entryPath, host, options.cache);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  if (!loaded.entryFound) {
    diagnostics.push(diag('importNotFound', entryPath, { start: 0, end: 0 }, entryPath));
  }
  for (const f of loaded.files.values()) diagnostics.push(...f.parseDiagnostics);
  try {
    return checkLoaded(entryPath, loaded, diagnostics, options);
  } catch (e) {
    if (e instanceof OverrideError) throw e;
    // A compiler bug must not take the file's other diagnostics with it (nor, in an editor, leave
    // stale ones): the file gets what was found, and the internal error as one more diagnostic.
    const message =
      e instanceof RangeError
        ? `${e.message} (a construct nested too deeply for the checker)`
        : e instanceof Error
          ? e.message
          : String(e);
    diagnostics.push(diag('internalError', entryPath, { start: 0, end: 0 }, message));
    return {
      entry: entryPath,
      files: loaded.files,
      symbols: new Map(),
      nested: new Map(),
      references: [],
      classes: new Map(),
      info: { attributes: new DeferredMap(), blocks: new DeferredMap() },
      diagnostics: capPerFile(sortDiagnostics(dedupe(diagnostics))),
    } as Program;
  }
}

function checkLoaded(
  entryPath: string,
  loaded: LoadResult,
  diagnostics: Diagnostic[],
  options: CompileOptions,
): Program {
  const resolved = resolveSymbols(loaded.files.values());
  diagnostics.push(...resolved.diagnostics);

  const ctx = new CheckContext(loaded.files, resolved.symbols, resolved.nested);
  if (options.overrides?.length) ctx.setOverrides(options.overrides);
  const prelude = loadPrelude();
  buildClasses(ctx, [
    { file: prelude.component, namespace: 'component', builtin: true },
    { file: prelude.declaration, namespace: 'declaration', builtin: true },
    ...[...loaded.files.values()].map((file) => ({ file, namespace: 'component' as const, builtin: false })),
  ]);
  checkConstants(ctx);
  const devices = checkDevices(ctx);
  const architectures = elaborateArchitectures(ctx, devices);
  const datasets = checkDatasets(ctx);
  const models = checkModels(ctx, datasets);
  const mappings = checkMappings(ctx, models, architectures, devices);
  const experiments = checkExperiments(ctx, mappings, models, datasets);
  const explorations = checkExplorations(ctx, architectures, devices, experiments, mappings);
  for (const o of options.overrides ?? []) {
    if (!ctx.usedOverrides.has(o.path))
      throw new OverrideError(
        `compile: override '${o.path}' names no device, architecture or component attribute of the program`,
      );
  }
  diagnostics.push(...ctx.diagnostics);

  const program: Program = {
    entry: entryPath,
    files: loaded.files,
    symbols: resolved.symbols,
    nested: resolved.nested,
    references: ctx.references,
    classes: classInfos(ctx),
    info: { attributes: ctx.attributeInfo, blocks: ctx.blockInfo },
    diagnostics: capPerFile(sortDiagnostics(dedupe(diagnostics))),
  };
  const hasErrors = program.diagnostics.some((d) => d.severity === 'error');
  if (!hasErrors && !options.checkOnly) {
    const lowered = lowerProgram({
      entry: entryPath,
      files: [...loaded.files.keys()],
      ctx,
      devices,
      architectures,
      datasets,
      models,
      mappings,
      experiments,
      explorations,
    });
    program.diagnostics.push(...lowered.diagnostics);
    if (lowered.ir) program.ir = lowered.ir;
  }
  return program;
}

/** At most `LIMITS.diagnostics` per file (diagnostics come sorted by file). */
function capPerFile(ds: Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 0; i < ds.length;) {
    let j = i;
    while (j < ds.length && ds[j]!.uri === ds[i]!.uri) j++;
    for (const d of capDiagnostics(ds.slice(i, j))) out.push(d);
    i = j;
  }
  return out;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.uri}:${d.span.start}:${d.span.end}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function classInfos(ctx: CheckContext): Map<string, ClassInfo> {
  const out = new Map<string, ClassInfo>();
  for (const [ns, table] of Object.entries(ctx.classes)) {
    for (const cls of table.values()) {
      const category: ClassInfo['category'] =
        ns === 'component'
          ? 'component'
          : ns === 'layer'
            ? 'layer'
            : ['device', 'model', 'dataset', 'mapping', 'train', 'run', 'explore'].includes(cls.name)
              ? 'declaration'
              : 'section';
      const key = ns === 'component' ? cls.name : `${ns}:${cls.name}`;
      out.set(key, {
        name: cls.name,
        category,
        ...(cls.doc ? { doc: cls.doc } : {}),
        attributes: [...cls.attrs.values()].map((a) => ({
          name: a.name,
          type: a.required ? `required(${typeName(a.type)})` : typeName(a.type),
          ...(a.default ? { default: exprText(ctx, a.uri, a.default.span) } : {}),
          ...(a.doc ? { doc: a.doc } : {}),
        })),
        builtin: cls.builtin,
        ...(cls.builtin ? {} : { file: cls.uri, nameSpan: cls.node.name!.span }),
      });
    }
  }
  return out;
}

function exprText(ctx: CheckContext, uri: string, span: { start: number; end: number }): string {
  const text = ctx.files.get(uri)?.text ?? loadPreludeText(uri);
  return text ? text.slice(span.start, span.end) : '';
}

function loadPreludeText(uri: string): string | undefined {
  const p = loadPrelude();
  return Object.values(p).find((f) => f.path === uri)?.text;
}

/**
 * Compiles an exploration's training jobs on a worker: the entry from the job's files only (an import
 * outside them is a missing file, never a read of this machine's disk), with the design's overrides,
 * reusing the parses of unchanged files between jobs. The IR, or the first error as text.
 */
export function sourcesCompiler(): (
  entry: string,
  files: ReadonlyMap<string, string>,
  overrides: readonly IrOverride[],
) => IrProgram | string {
  const cache = new Map<string, SourceFile>();
  return (entry, files, overrides) =>
    firstErrorOrIr(compile(entry, { host: { readFile: (f) => files.get(f) }, overrides, cache }));
}

function firstErrorOrIr(p: Program): IrProgram | string {
  const error = p.diagnostics.find((d) => d.severity === 'error');
  if (error || !p.ir) return error ? `${error.code}: ${error.message}` : 'no IR';
  return p.ir;
}

/** Compiles `entry` again for each design point of an exploration, reusing the parses of unchanged files. */
export function designCompiler(entry: string): DesignCompiler {
  const cache = new Map<string, SourceFile>();
  return (overrides) => firstErrorOrIr(compile(entry, { overrides, cache }));
}
