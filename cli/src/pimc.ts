// `pimc`: check, compile, format, simulate, train and run `.pim` programs.
// Exit codes: 0 clean, 1 errors in the source, 2 usage or internal errors. A user mistake never
// prints a stack trace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatDiagnostic, type Diagnostic } from '@pim/grammar';
import { checkOutputPath, OutputPathError, samePath, writeFileAtomic, type OutputKind } from '@pim/grammar/files';
import { compile, designCompiler, loadPrelude, MAX_EPOCHS, sourcesCompiler, type Program } from '@pim/compiler';
import type { IrProgram } from '@pim/ir';

const VERSION = (
  JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const HELP = `pimc ${VERSION} — the pim compiler for heterogeneous processing-in-memory systems

Usage:
  pimc check FILE…                 check programs; print diagnostics
  pimc compile FILE [-o OUT]       compile to the JSON IR (stdout, or OUT)
  pimc fmt FILE… [--check|--write] format with the pim Prettier plugin
  pimc simulate FILE [--mapping NAME] [--json OUT] [--csv DIR] [--html OUT] [--writes CHECKPOINT]
                                   analytic area, power, latency, energy and traffic
                                   (--writes: training writes as a 'pimc train' checkpoint measured them)
  pimc train FILE [--train NAME] [--seed N] [--epochs N] [--json OUT] [--checkpoint DIR [--overwrite]]
             [--init CHECKPOINT]
                                   hardware-aware training on the simulated crossbars
                                   (an existing checkpoint is replaced only with --overwrite;
                                   --init: fine-tune from a checkpoint's weights)
  pimc run FILE [--run NAME] --checkpoint CHECKPOINT [--json OUT]
                                   inference under deployment faults and noise
  pimc explore FILE [--explore NAME] [--method M] [--budget N] [--seed N] [--json OUT] [--html OUT]
             [--workers N | --queue redis://HOST:PORT [--redis-wait S]] [--batch K] [--resume]
             [--journal FILE] [--train-limit N] [--test-limit N]
                                   search the design space for Pareto-optimal designs
                                   (M: random, grid, nsga2, mesmo, cf_mesmo); training runs on N
                                   local worker processes (default one per core, 0: in this
                                   process) or on \`pimc worker\`s through a Redis queue (waiting
                                   up to S seconds for it, default 60); --train-limit/--test-limit:
                                   samples of the data each training uses
  pimc worker --queue redis://HOST:PORT [--concurrency N] [--lock-timeout S]
                                   take exploration jobs from the queue until stopped, N at a
                                   time, each in a training process of its own (default one per
                                   core); S: seconds a lost worker's job waits before another
                                   worker takes it (default 30)

Options:
  --format text|json   how to print diagnostics (default text)
  -h, --help           this help
  -v, --version        the version

Exit status: 0 clean, 1 errors in the source, 2 usage errors (or a fault of pimc itself).`;

class UsageError extends Error {}

/**
 * `pimc CMD --help`: the command's lines of the usage above (from its `  pimc CMD` line to the next
 * command's), then the options every command takes and the exit status.
 */
function commandHelp(cmd: string): string {
  const lines = HELP.split('\n');
  const first = lines.findIndex((l) => l.startsWith(`  pimc ${cmd} `));
  let end = first + 1;
  while (end < lines.length && lines[end]!.startsWith('   ')) end++;
  const tail = HELP.slice(HELP.indexOf('\nOptions:'));
  return `Usage:\n${lines.slice(first, end).join('\n')}\n${tail}`;
}

type Out = (s: string) => void;

function display(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

/** A file of the program, or of the prelude (class defaults and library classes live there). */
function sourceOf(
  program: Program,
  uri: string,
): { text: string; lineIndex: { position(offset: number): { line: number; column: number } } } | undefined {
  return program.files.get(uri) ?? Object.values(loadPrelude()).find((f) => f.path === uri);
}

function printDiagnostics(program: Program, format: string, out: Out): void {
  if (format === 'json') {
    const index = (uri: string) => sourceOf(program, uri)?.lineIndex;
    const json = program.diagnostics.map((d) => {
      const li = index(d.uri);
      const start = li?.position(d.span.start);
      const end = li?.position(d.span.end);
      return {
        file: display(d.uri),
        line: start?.line ?? 1,
        column: start?.column ?? 1,
        endLine: end?.line ?? 1,
        endColumn: end?.column ?? 1,
        severity: d.severity,
        code: d.code,
        message: d.message,
        ...(d.related
          ? {
              related: d.related.map((r) => ({
                file: display(r.uri),
                ...(index(r.uri)?.position(r.span.start) ?? { line: 1, column: 1 }),
                message: r.message,
              })),
            }
          : {}),
      };
    });
    out(JSON.stringify(json, null, 2));
    return;
  }
  for (const d of program.diagnostics) out(renderDiagnostic(program, d));
}

/** A diagnostic with its code frame; related locations as file:line:col. */
export function renderDiagnostic(program: Program, d: Diagnostic): string {
  const text = sourceOf(program, d.uri)?.text;
  const withRel: Diagnostic = { ...d, related: [] };
  let s = formatDiagnostic(withRel, text, display(d.uri));
  for (const r of d.related ?? []) {
    const pos = sourceOf(program, r.uri)?.lineIndex.position(r.span.start);
    s += `\n  = note: ${r.message} at ${display(r.uri)}${pos ? `:${pos.line}:${pos.column}` : ''}`;
  }
  return s;
}

function summary(program: Program): string {
  const e = program.diagnostics.filter((d) => d.severity === 'error').length;
  const w = program.diagnostics.filter((d) => d.severity === 'warning').length;
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
}

function requireFile(file: string | undefined, cmd: string): string {
  if (!file) throw new UsageError(`pimc ${cmd}: missing FILE`);
  if (!fs.existsSync(file)) throw new UsageError(`pimc ${cmd}: cannot read '${file}'`);
  if (!fs.statSync(file).isFile()) throw new UsageError(`pimc ${cmd}: '${file}' is not a file`);
  return file;
}

/** How a command prints its diagnostics: `--format text` or `json`, checked before any work. */
function formatOf(value: unknown, cmd: string): 'text' | 'json' {
  const format = String(value);
  if (format !== 'text' && format !== 'json') throw new UsageError(`pimc ${cmd}: --format must be text or json`);
  return format;
}

/** A whole-number option (`--seed 3`) from `min` to `max`, or undefined when not given. */
function wholeOption(
  cmd: string,
  key: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  // Decimal digits only: Number() would also take '0x10', '1e3' and ' 3 ' as numbers.
  const n = /^[0-9]+$/.test(String(value)) ? Number(value) : NaN;
  const range = max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : min > 0 ? ` of at least ${min}` : '';
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`pimc ${cmd}: --${key} must be a whole number${range}, not '${String(value)}'`);
  return n;
}

/** Local worker processes `pimc explore --workers` may start per core. */
const MAX_WORKERS_PER_CORE = 4;

/** An output path of a command, by the flag that named it (`directory`: a folder it writes files in). */
type Output = { flag: string; path: unknown; directory?: boolean; kind?: OutputKind };

/**
 * Checks every output path of a command before any work (OutputPathError: exit 1), so a run never
 * ends by failing to save its results, and never writes over its source.
 */
function checkOutputs(
  cmd: string,
  source: string | undefined,
  outputs: Output[],
  inputs: { flag: string; path: unknown }[] = [],
): void {
  const written: { flag: string; path: string }[] = [];
  for (const o of outputs) {
    if (typeof o.path !== 'string') continue;
    const what = `pimc ${cmd} ${o.flag}`;
    checkOutputPath(o.path, {
      what,
      sources: source ? [source] : [],
      ...(o.directory ? { directory: true } : {}),
      ...(o.kind ? { kind: o.kind } : {}),
    });
    // An output over one of the command's own inputs (a checkpoint it reads) or over another of its outputs.
    checkNotOver(cmd, o, [...inputs, ...written]);
    if (!o.directory) written.push({ flag: o.flag, path: o.path });
  }
}

/** An output over one of `files` (a checkpoint the command reads, a data set, another output): refused. */
function checkNotOver(cmd: string, o: Output, files: { flag: string; path: unknown }[]): void {
  if (typeof o.path !== 'string') return;
  for (const i of files)
    if (typeof i.path === 'string' && samePath(i.path, o.path))
      throw new OutputPathError(`pimc ${cmd} ${o.flag} '${o.path}': the same file as ${i.flag} '${i.path}'`);
}

/**
 * A name a flag chose (`--train fit`, `--mapping m`) that the program does not declare: a usage error
 * (exit 2), naming those it does.
 */
function checkDeclared(
  cmd: string,
  flag: string,
  name: unknown,
  declared: readonly { name: string }[],
  what: string,
): void {
  if (typeof name !== 'string' || declared.some((d) => d.name === name)) return;
  const names = declared.map((d) => d.name);
  throw new UsageError(
    `pimc ${cmd}: ${flag} ${name}: the program declares no ${what} '${name}'${names.length ? ` (it declares ${names.join(', ')})` : ''}`,
  );
}

/**
 * Once the program is compiled: no output may be a file its datasets are read from (`--json
 * data/cora/nodes.tsv` would replace the data set), one of `others` (what the run itself writes), or a
 * checkpoint (`run --checkpoint ck --json ck/fit.ckpt.json` would replace the weights it reads).
 */
function checkOutputsOffData(
  cmd: string,
  program: Program & { ir: IrProgram },
  runtime: {
    programDataFiles(ir: IrProgram, dataRoot?: string): { dataset: string; file: string }[];
    isCheckpointFile(file: string): boolean;
  },
  outputs: Output[],
  others: { flag: string; path: string }[] = [],
): void {
  const root = path.dirname(path.resolve(program.entry));
  const data = runtime
    .programDataFiles(program.ir, root)
    .map((d) => ({ flag: `dataset ${d.dataset}'s data`, path: d.file }));
  // The paths themselves were checked before compiling (checkOutputs); here only what they must not be.
  for (const o of outputs) checkNotOver(cmd, o, [...data, ...others]);
  for (const o of outputs)
    if (typeof o.path === 'string' && !o.directory && runtime.isCheckpointFile(o.path))
      throw new OutputPathError(`pimc ${cmd} ${o.flag} '${o.path}': a pim checkpoint, whose weights would be lost`);
}

/** Compiles for a runtime command; prints diagnostics; returns the program only when it has IR. */
function compileForRuntime(file: string, format: string, err: Out): (Program & { ir: IrProgram }) | undefined {
  const program = compile(file);
  if (program.diagnostics.length) printDiagnostics(program, format, err);
  return program.ir ? { ...program, ir: program.ir } : undefined;
}

// The runtime and the formatter are loaded only by the commands that need them, so `check` and
// `compile` never load tfjs or Prettier. They are declared dependencies of this package and typed by
// their own declarations (`typeof import(…)`); the import itself goes through `importModule` because
// the bundled CLI runs in node:vm, which cannot import(), and bin/pimc.js passes its own.
type Importer = (specifier: string) => Promise<unknown>;
let importModule: Importer = (specifier) => import(specifier);

/** The module exploration worker processes start from (explore-child.ts, beside this file once built). */
const EXPLORE_CHILD = fileURLToPath(new URL('./explore-child.js', import.meta.url));

interface LazyModules {
  '@pim/lsp/format': typeof import('@pim/lsp/format');
  '@pim/runtime/sim': typeof import('@pim/runtime/sim');
  '@pim/runtime/train': typeof import('@pim/runtime/train');
  '@pim/runtime/explore': typeof import('@pim/runtime/explore');
}

async function loadOptional<S extends keyof LazyModules>(specifier: S, what: string): Promise<LazyModules[S]> {
  try {
    return (await importModule(specifier)) as LazyModules[S];
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      throw new UsageError(`pimc: ${what} is not available in this installation (${specifier} is missing)`);
    }
    throw e;
  }
}

/**
 * Writes a line to file descriptor 1 or 2 with a synchronous system call, so a closed reader
 * (`pimc compile x.pim | head`, EPIPE) ends the output quietly instead of raising an unhandled
 * stream error. A descriptor the parent made non-blocking (EAGAIN) gets the rest through the stream.
 */
function writeLine(fd: 1 | 2, s: string): void {
  if (closed[fd]) return;
  const buf = Buffer.from(s + '\n', 'utf8');
  let at = 0;
  try {
    while (at < buf.length) at += fs.writeSync(fd, buf, at);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // The reader went away (`pimc compile x.pim | head`): the rest is not wanted.
    if (code === 'EPIPE') closed[fd] = true;
    else if (code === 'EAGAIN') (fd === 1 ? process.stdout : process.stderr).write(buf.subarray(at));
    else throw e;
  }
}

const closed = { 1: false, 2: false };

const stdoutLine: Out = (s) => writeLine(1, s);
const stderrLine: Out = (s) => writeLine(2, s);

/** `pimc CMD --help`: the command's usage is printed instead of running it (exit 0). */
class HelpRequested extends Error {
  constructor(readonly cmd: string) {
    super(`pimc ${cmd} --help`);
  }
}

/** The options every command takes. */
const COMMON_OPTIONS = {
  format: { type: 'string' as const, default: 'text' },
  help: { type: 'boolean' as const, short: 'h' },
};

/** A command's arguments parsed against its options and the common ones; a parse error is a usage error. */
function parseOptions<
  O extends Record<
    string,
    { type: 'string' | 'boolean'; short?: string; default?: string | boolean; multiple?: boolean }
  >,
>(cmd: string, args: string[], options: O) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`pimc ${cmd}: ${(e as Error).message}`);
  }
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequested(cmd);
  // An empty value (`--init "$CK"` with CK unset) would otherwise read as the option not given.
  for (const [k, v] of Object.entries(parsed.values))
    if (v === '' || (Array.isArray(v) && v.includes('')))
      throw new UsageError(`pimc ${cmd}: --${k} needs a value, and was given an empty one`);
  return parsed;
}

/** The one FILE a command takes. */
function oneFile(cmd: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(`pimc ${cmd}: give exactly one FILE`);
  return positionals[0]!;
}

export async function main(argv: string[], out: Out = stdoutLine, err: Out = stderrLine): Promise<number> {
  try {
    return await command(argv, out, err);
  } catch (e) {
    if (e instanceof HelpRequested) return (out(commandHelp(e.cmd)), 0);
    // An output path that cannot take the result: the user's mistake, found before any work.
    if (!(e instanceof OutputPathError)) throw e;
    err(e.message);
    return 1;
  }
}

async function command(argv: string[], out: Out, err: Out): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    out(HELP);
    return cmd ? 0 : 2;
  }
  if (cmd === '-v' || cmd === '--version') {
    out(VERSION);
    return 0;
  }
  switch (cmd) {
    case 'check':
      return checkFiles(rest, out, err);
    case 'compile':
      return compileFile(rest, out, err);
    case 'fmt':
      return formatFiles(rest, out, err);
    case 'simulate':
      return simulateFile(rest, out, err);
    case 'train':
    case 'run':
      return trainOrRun(cmd, rest, out, err);
    case 'explore':
      return exploreFile(rest, out, err);
    case 'worker':
      return startWorker(rest, out, err);
    default:
      throw new UsageError(`pimc: unknown command '${cmd}' (see pimc --help)`);
  }
}

/** `pimc check FILE…`: diagnostics of every file (text on stderr with a summary each, or one JSON list on stdout). */
function checkFiles(args: string[], out: Out, err: Out): number {
  const { values, positionals } = parseOptions('check', args, {});
  if (positionals.length === 0) throw new UsageError('pimc check: missing FILE');
  const format = formatOf(values.format, 'check');
  let failed = false;
  const all: Program[] = [];
  for (const f of positionals) {
    const program = compile(requireFile(f, 'check'), { checkOnly: true });
    all.push(program);
    if (program.diagnostics.some((d) => d.severity === 'error')) failed = true;
  }
  if (format === 'json') {
    const merged = {
      ...all[0]!,
      diagnostics: all.flatMap((p) => p.diagnostics),
      files: new Map(all.flatMap((p) => [...p.files])),
    };
    printDiagnostics(merged, 'json', out);
  } else {
    for (const p of all) {
      printDiagnostics(p, 'text', err);
      err(`${display(p.entry)}: ${summary(p)}`);
    }
  }
  return failed ? 1 : 0;
}

/** `pimc compile FILE [-o OUT]`: the IR on stdout, or written to OUT. */
function compileFile(args: string[], out: Out, err: Out): number {
  const { values, positionals } = parseOptions('compile', args, { output: { type: 'string', short: 'o' } });
  const file = oneFile('compile', positionals);
  const format = formatOf(values.format, 'compile');
  checkOutputs('compile', file, [{ flag: '-o', path: values.output, kind: 'json' }]);
  const program = compile(requireFile(file, 'compile'));
  printDiagnostics(program, format, err);
  if (!program.ir) return 1;
  const json = JSON.stringify(program.ir, null, 2) + '\n';
  if (values.output) {
    const outPath = String(values.output);
    writeFileAtomic(outPath, json);
    err(`${display(program.entry)}: wrote ${display(path.resolve(outPath))}`);
  } else out(json.trimEnd());
  return 0;
}

/** `pimc fmt FILE… [--check|--write]`, by the formatter of @pim/lsp. */
async function formatFiles(args: string[], out: Out, err: Out): Promise<number> {
  const { values, positionals } = parseOptions('fmt', args, { check: { type: 'boolean' }, write: { type: 'boolean' } });
  if (positionals.length === 0) throw new UsageError('pimc fmt: missing FILE');
  const fmt = await loadOptional('@pim/lsp/format', 'formatting');
  return fmt.fmtCommand(positionals, { check: !!values.check, write: !!values.write }, out, err);
}

/** `pimc simulate FILE …`, by the simulator of @pim/runtime. */
async function simulateFile(args: string[], out: Out, err: Out): Promise<number> {
  const { values, positionals } = parseOptions('simulate', args, {
    mapping: { type: 'string' },
    json: { type: 'string' },
    csv: { type: 'string' },
    html: { type: 'string' },
    writes: { type: 'string' },
  });
  const file = oneFile('simulate', positionals);
  const format = formatOf(values.format, 'simulate');
  const outputs = [
    { flag: '--json', path: values.json, kind: 'json' as const },
    { flag: '--csv', path: values.csv, directory: true },
    { flag: '--html', path: values.html, kind: 'html' as const },
  ];
  checkOutputs('simulate', file, outputs, [{ flag: '--writes', path: values.writes }]);
  const sim = await loadOptional('@pim/runtime/sim', 'simulation');
  const program = compileForRuntime(requireFile(file, 'simulate'), format, err);
  if (!program) return 1;
  checkDeclared('simulate', '--mapping', values.mapping, program.ir.mappings, 'mapping');
  checkOutputsOffData('simulate', program, sim, outputs);
  return sim.simulateCommand(
    program.ir,
    {
      mapping: values.mapping as string | undefined,
      json: values.json as string | undefined,
      csv: values.csv as string | undefined,
      html: values.html as string | undefined,
      writes: values.writes as string | undefined,
      source: program.entry,
    },
    out,
    err,
  );
}

/** The options of `pimc train` and of `pimc run`: each refuses the other's by name. */
const TRAIN_OPTIONS = {
  train: { type: 'string' },
  seed: { type: 'string' },
  epochs: { type: 'string' },
  json: { type: 'string' },
  checkpoint: { type: 'string' },
  overwrite: { type: 'boolean' },
  init: { type: 'string' },
} as const;
const RUN_OPTIONS = {
  run: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'string' },
  checkpoint: { type: 'string' },
} as const;

/** `pimc train FILE …` and `pimc run FILE …`, by the trainer of @pim/runtime. */
async function trainOrRun(cmd: 'train' | 'run', args: string[], out: Out, err: Out): Promise<number> {
  const opts = { ...TRAIN_OPTIONS, ...RUN_OPTIONS };
  const { values, positionals } = parseOptions(cmd, args, opts);
  // Parsed with both tables so that the other command's option is named, not called unknown.
  const [own, other] = cmd === 'train' ? [TRAIN_OPTIONS, 'run'] : [RUN_OPTIONS, 'train'];
  for (const k of Object.keys(opts))
    if (!(k in own) && (values as Record<string, unknown>)[k] !== undefined)
      throw new UsageError(`pimc ${cmd}: --${k} is an option of 'pimc ${other}', not of 'pimc ${cmd}'`);
  const file = oneFile(cmd, positionals);
  const format = formatOf(values.format, cmd);
  if (cmd === 'run' && values.checkpoint === undefined)
    throw new UsageError(`pimc run: give --checkpoint CHECKPOINT (the weights a 'pimc train --checkpoint DIR' wrote)`);
  const seed = wholeOption(cmd, 'seed', values.seed, 0, 2 ** 32 - 1);
  const epochs = wholeOption(cmd, 'epochs', values.epochs, 1, MAX_EPOCHS);
  // `run` reads its checkpoint; `train` writes one.
  const outputs = [
    { flag: '--json', path: values.json, kind: 'json' as const },
    ...(cmd === 'train' ? [{ flag: '--checkpoint', path: values.checkpoint, directory: true }] : []),
  ];
  checkOutputs(cmd, file, outputs, [
    cmd === 'train' ? { flag: '--init', path: values.init } : { flag: '--checkpoint', path: values.checkpoint },
  ]);
  const trainer = await loadOptional('@pim/runtime/train', 'training');
  const program = compileForRuntime(requireFile(file, cmd), format, err);
  if (!program) return 1;
  checkDeclared(
    cmd,
    `--${cmd}`,
    values[cmd],
    program.ir.experiments.filter((e) => e.kind === cmd),
    `${cmd} experiment`,
  );
  // Nor may --json be the checkpoint file this training is about to write in its --checkpoint folder.
  const checkpoints =
    cmd === 'train' && typeof values.checkpoint === 'string'
      ? program.ir.experiments
          .filter((e) => e.kind === 'train' && (values.train ?? e.name) === e.name)
          .map((e) => ({
            flag: `the checkpoint of ${e.name}`,
            path: trainer.checkpointPath(values.checkpoint!, e.name),
          }))
      : [];
  checkOutputsOffData(cmd, program, trainer, outputs, checkpoints);
  const runArgs = {
    train: values.train,
    run: values.run,
    seed,
    epochs,
    json: values.json,
    checkpoint: values.checkpoint,
    overwrite: values.overwrite === true,
    init: values.init,
    source: program.entry,
  };
  return cmd === 'train'
    ? trainer.trainCommand(program.ir, runArgs, out, err)
    : // checked above: `run` without --checkpoint is a usage error
      trainer.runCommand(program.ir, { ...runArgs, checkpoint: values.checkpoint! }, out, err);
}

/** `pimc explore FILE …`, by the explorer of @pim/runtime. */
async function exploreFile(args: string[], out: Out, err: Out): Promise<number> {
  const flags = {
    explore: { type: 'string' },
    method: { type: 'string' },
    budget: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'string' },
    html: { type: 'string' },
    'train-limit': { type: 'string' },
    'test-limit': { type: 'string' },
  } as const;
  const scale = {
    workers: { type: 'string' },
    queue: { type: 'string' },
    batch: { type: 'string' },
    resume: { type: 'boolean' },
    journal: { type: 'string' },
    'redis-wait': { type: 'string' },
  } as const;
  const { values, positionals } = parseOptions('explore', args, { ...flags, ...scale });
  const file = oneFile('explore', positionals);
  const format = formatOf(values.format, 'explore');
  if (values['redis-wait'] !== undefined && values.queue === undefined)
    throw new UsageError(
      `pimc explore: --redis-wait is how long to wait for the Redis of --queue: give it with --queue`,
    );
  const whole = (k: string, min: number, max?: number) =>
    wholeOption('explore', k, (values as Record<string, unknown>)[k], min, max);
  const exploreArgs = {
    explore: values.explore,
    method: values.method,
    budget: whole('budget', 1),
    seed: whole('seed', 0),
    json: values.json,
    html: values.html,
    trainLimit: whole('train-limit', 1),
    testLimit: whole('test-limit', 1),
    // Each worker is a training process of its own: past a few per core they only share the cores and
    // the memory (1000 asked for hundreds of processes and 13 GB).
    workers: whole('workers', 0, MAX_WORKERS_PER_CORE * availableParallelism()),
    queue: values.queue,
    batch: whole('batch', 1),
    resume: values.resume,
    journal: values.journal,
    redisWait: whole('redis-wait', 1),
  };
  const explorer = await loadOptional('@pim/runtime/explore', 'exploration');
  // The journal too when --json or --html implies it (`--html r.journal.jsonl` would replace it).
  const outputs = [
    { flag: '--json', path: values.json, kind: 'json' as const },
    { flag: '--html', path: values.html, kind: 'html' as const },
    // JSON lines, each a JSON object; one to resume is read, and the journal refuses what is not one.
    {
      flag: values.journal ? '--journal' : 'the journal',
      path: explorer.journalPathOf(values),
      ...(values.resume ? {} : { kind: 'json' as const }),
    },
  ];
  checkOutputs('explore', file, outputs);
  const program = compileForRuntime(requireFile(file, 'explore'), format, err);
  if (!program) return 1;
  checkDeclared('explore', '--explore', values.explore, program.ir.explorations, 'exploration');
  checkOutputsOffData('explore', program, explorer, outputs);
  const sources = [...program.files.values()].map((f) => ({ path: f.path, text: f.text }));
  return explorer.exploreCommand(
    program.ir,
    {
      ...exploreArgs,
      source: program.entry,
      compile: designCompiler(program.entry),
      sources,
      jobs: { compileSources: sourcesCompiler(), childModule: EXPLORE_CHILD },
    },
    out,
    err,
  );
}

/** `pimc worker --queue …`: exploration jobs from a Redis queue, by the explorer of @pim/runtime. */
async function startWorker(args: string[], out: Out, err: Out): Promise<number> {
  const { values, positionals } = parseOptions('worker', args, {
    queue: { type: 'string' },
    concurrency: { type: 'string' },
    'lock-timeout': { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError('pimc worker: takes no FILE (jobs carry their programs)');
  if (!values.queue) throw new UsageError('pimc worker: give --queue redis://HOST:PORT');
  const explorer = await loadOptional('@pim/runtime/explore', 'exploration');
  return explorer.workerCommand(
    {
      queue: values.queue,
      // One training process per job in hand, as --workers: at most a few per core.
      concurrency: wholeOption(
        'worker',
        'concurrency',
        values.concurrency,
        1,
        MAX_WORKERS_PER_CORE * availableParallelism(),
      ),
      // BullMQ's timers take milliseconds in 32 bits; a day is far past any training.
      lockTimeout: wholeOption('worker', 'lock-timeout', values['lock-timeout'], 1, 86_400),
      childModule: EXPLORE_CHILD,
    },
    out,
    err,
  );
}

/**
 * Runs `main` on the process's arguments and sets the exit code; used by bin/pimc.js. When it runs
 * the bundled CLI (compiled by node:vm, which has no ES module loader of its own) it passes its own
 * `import` for the lazily loaded packages.
 */
export function run(importer?: Importer): void {
  if (importer) importModule = importer;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof UsageError) {
        stderrLine(e.message);
      } else {
        const msg = e instanceof Error ? e.message : String(e);
        stderrLine(`pimc: internal error: ${msg}`);
        if (process.env['PIM_DEBUG'] && e instanceof Error && e.stack) stderrLine(e.stack);
      }
      process.exitCode = 2;
    },
  );
}
