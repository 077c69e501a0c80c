// Editor benchmarks: diagnostics latency after a one-character edit on a 5,000-line file (the
// parser's first publish, and the compiler's), completion latency, and formatter throughput. The
// server runs as a child process over stdio, as in an editor.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node.js';
import { formatPim } from '@pim/lsp/format';
import { PimDocument } from '@pim/lsp/internal/documents';
import { loadCompiler } from '@pim/lsp/internal/compiler-service';

const SERVER = createRequire(import.meta.url).resolve('@pim/lsp/server');

/** A valid program of about `lines` lines: devices, architectures and models with distinct names. */
export function largeProgram(lines = 5000): string {
  const out: string[] = ['// Benchmark program: repeated ISAAC-like chips and LeNet-5 models.', ''];
  let i = 0;
  while (out.length < lines) {
    out.push(
      `/// Cell ${i}.`,
      `device cell${i} {`,
      '  technology: reram',
      '  bits_per_cell: 2',
      '  read_latency: 100 ns',
      '}',
      '',
      `/// Chip ${i}.`,
      `architecture chip${i} {`,
      '  clock: 1.2 GHz',
      `  tile tile${i}[168] {`,
      '    edram buffer { capacity: 64 KB, banks: 2, bus_width: 256 bit, power: 20.7 mW, area: 0.083 mm2 }',
      '    router { flit: 32 bit, ports: 8, power: 42 mW, area: 0.151 mm2, shared_by: 4 }',
      '    ima[12] {',
      `      crossbar[8] { rows: 128, cols: 128, cell: cell${i}, power: 0.3 mW, area: 0.000025 mm2 }`,
      '      adc[8] { resolution: 8 bit, rate: 1.28 GHz, power: 2 mW, area: 0.0012 mm2 }',
      '      dac[8 * 128] { resolution: 1 bit, power: 4 mW / (8 * 128), area: 0.00017 mm2 / (8 * 128) }',
      '    }',
      '  }',
      '}',
      '',
      `model net${i} {`,
      '  input: tensor[1, 28, 28]',
      '  conv c1 { out: 6, kernel: 5, padding: 2 }',
      '  relu',
      '  maxpool { size: 2 }',
      '  conv c2 { out: 16, kernel: 5 }',
      '  relu',
      '  maxpool { size: 2 }',
      '  flatten',
      '  linear f1 { out: 120 }',
      '  relu',
      '  linear f2 { out: 84 }',
      '  relu',
      '  linear f3 { out: 10 }',
      '}',
      '',
    );
    i++;
  }
  return out.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function benchLsp(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'pim-bench-'));
  const path = join(dir, 'large.pim');
  const text = largeProgram(5000);
  writeFileSync(path, text);
  const uri = pathToFileURL(path).href;
  // PIM_BENCH_SERVER_FLAGS passes Node flags to the server (e.g. `--cpu-prof` to see where an edit's time goes).
  const serverFlags = (process.env['PIM_BENCH_SERVER_FLAGS'] ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...serverFlags, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  // Every publish per version, with its arrival time (large files get two: syntax first, then the compiler's).
  const arrivals = new Map<number, { at: number; p: PublishDiagnosticsParams }[]>();
  const waiting = new Map<number, { n: number; resolve: () => void }>();
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    if (p.uri !== uri || p.version === undefined) return;
    const list = arrivals.get(p.version) ?? [];
    list.push({ at: performance.now(), p });
    arrivals.set(p.version, list);
    const w = waiting.get(p.version);
    if (w && list.length >= w.n) w.resolve();
  });
  const publishes = (version: number, n: number): Promise<{ at: number; p: PublishDiagnosticsParams }[]> =>
    new Promise((resolve) => {
      const done = () => resolve(arrivals.get(version)!);
      if ((arrivals.get(version)?.length ?? 0) >= n) done();
      else waiting.set(version, { n, resolve: done });
    });
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  try {
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      capabilities: {},
      workspaceFolders: null,
    });
    await conn.sendNotification('initialized', {});
    let version = 1;
    const t0 = performance.now();
    const first = publishes(version, 1);
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pim', version, text } });
    const opened = (await first)[0]!.p;
    const openMs = performance.now() - t0;

    // One-character edits: change the digit of `bits_per_cell: 2` in the middle of the file back and forth.
    const lines = text.split('\n');
    const line = lines.findIndex((l, i) => i > lines.length / 2 && l.includes('bits_per_cell: 2'));
    const character = lines[line]!.indexOf('2');
    // The first edits warm the JIT up (an editor session is long); the last 30 are measured.
    const latencies: number[] = [];
    const fastLatencies: number[] = [];
    for (let k = 0; k < 40; k++) {
      version++;
      const done = publishes(version, 2);
      const start = performance.now();
      await conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [
          { range: { start: { line, character }, end: { line, character: character + 1 } }, text: k % 2 ? '2' : '1' },
        ],
      });
      const [fast, full] = await done;
      if (k >= 10) {
        fastLatencies.push(fast!.at - start);
        latencies.push(full!.at - start);
      }
    }

    // Completion inside a tile block (attributes and component kinds), hover on its name.
    const tileLine = lines.findIndex((l, i) => i > lines.length / 2 && l.startsWith('  tile '));
    const completion = await timeRequests(50, () =>
      conn.sendRequest('textDocument/completion', {
        textDocument: { uri },
        position: { line: tileLine + 1, character: 4 },
      }),
    );
    const hover = await timeRequests(20, () =>
      conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: tileLine, character: 8 } }),
    );

    // Where an edit's time goes, in process: the incremental reparse, then the compiler (parse reused).
    const breakdown = await editBreakdown(text, line, character);
    const { fmtMs, printMs } = await formatThroughput(text);
    return {
      lsp_file_lines: lines.length - 1,
      lsp_open_diagnostics_ms: Math.round(openMs),
      lsp_open_diagnostics_count: opened.diagnostics.length,
      lsp_edit_syntax_diagnostics_median_ms: Math.round(median(fastLatencies) * 10) / 10,
      lsp_edit_diagnostics_median_ms: Math.round(median(latencies) * 10) / 10,
      lsp_edit_diagnostics_max_ms: Math.round(Math.max(...latencies) * 10) / 10,
      lsp_completion_median_ms: Math.round(median(completion) * 100) / 100,
      lsp_hover_median_ms: Math.round(median(hover) * 100) / 100,
      lsp_edit_reparse_median_ms: breakdown.reparse,
      lsp_edit_compile_median_ms: breakdown.compile,
      format_5000_lines_ms: Math.round(fmtMs),
      format_lines_per_s: Math.round((lines.length / fmtMs) * 1000),
      format_5000_lines_parsed_ms: Math.round(printMs),
    };
  } finally {
    try {
      await Promise.race([conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await conn.sendNotification('exit');
      // Let the server end by itself (it writes its --cpu-prof profile on the way out).
      await new Promise((r) => {
        proc.once('exit', r);
        setTimeout(r, 5000);
      });
    } catch {
      // already gone
    }
    conn.dispose();
    proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Milliseconds of each of `n` requests, one after another. */
async function timeRequests(n: number, request: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const start = performance.now();
    await request();
    out.push(performance.now() - start);
  }
  return out;
}

/** Formatter time on the file, in process: parse and print, and print alone (the server has the parse). */
async function formatThroughput(text: string): Promise<{ fmtMs: number; printMs: number }> {
  await formatPim(text);
  const fmtRuns: number[] = [];
  for (let k = 0; k < 3; k++) {
    const start = performance.now();
    const r = await formatPim(text);
    fmtRuns.push(performance.now() - start);
    if (!r.ok) throw new Error('benchmark program does not parse');
  }
  const { parse } = await import('@pim/grammar');
  const parsed = parse(text);
  const printRuns: number[] = [];
  for (let k = 0; k < 3; k++) {
    const start = performance.now();
    await formatPim(text, {}, parsed);
    printRuns.push(performance.now() - start);
  }
  return { fmtMs: median(fmtRuns), printMs: median(printRuns) };
}

async function editBreakdown(
  text: string,
  line: number,
  character: number,
): Promise<{ reparse: number; compile: number }> {
  const lines = text.split('\n');
  const at = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + character;
  const path = '/bench/large.pim';
  let doc = new PimDocument('file:///bench/large.pim', path, 1, text);
  void doc.parse;
  const { compile } = await loadCompiler();
  const cache = new Map();
  const host = { readFile: (p: string) => (p === path ? doc.text : undefined) };
  const reparse: number[] = [];
  const compileMs: number[] = [];
  for (let k = 0; k < 30; k++) {
    const next = text.slice(0, at) + (k % 2 ? '2' : '1') + text.slice(at + 1);
    const measured = k >= 10;
    let start = performance.now();
    doc = new PimDocument('file:///bench/large.pim', path, k + 2, next, doc);
    void doc.parse;
    if (measured) reparse.push(performance.now() - start);
    if (compile) {
      cache.set(path, doc.sourceFile);
      start = performance.now();
      await compile(path, { host, cache, checkOnly: true });
      if (measured) compileMs.push(performance.now() - start);
    }
  }
  return {
    reparse: Math.round(median(reparse) * 10) / 10,
    compile: compileMs.length ? Math.round(median(compileMs) * 10) / 10 : -1,
  };
}

// `node test/lsp/dist/bench.js` prints the figures.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchLsp().then((r) => console.log(JSON.stringify(r, null, 2)));
}
