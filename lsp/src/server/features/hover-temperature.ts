// Hover on an architecture (its name, its kind, or a reference to it): the chip's peak temperature when
// the architecture has a `thermal` block and the program maps a model on it — the simulator's power map
// at the simulated throughput through the compact thermal model, as `pimc simulate` reports it. The
// simulator (no tfjs) is loaded on the first such hover; each compiled program's IR is made once and
// each architecture's figure is cached with it.
import { dirname } from 'node:path';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { nodesAt, referenceAt } from '../locate.js';
import type { Program } from '../compiler-types.js';
import { astOf, type PimServices } from '../services.js';

type Simulate = typeof import('@pim/runtime/simulate').simulate;
let simulator: Promise<Simulate> | undefined;
/**
 * Per program the editor compiled: its IR (the editor's compilations stop before lowering), made on the
 * first hover that needs it, and each architecture's hover line.
 */
const cache = new WeakMap<Program, { ir?: Promise<Program['ir']>; lines: Map<string, string | null> }>();

/** The architecture the offset names, if any. */
function architectureAt(a: Analysis, offset: number): string | undefined {
  const ref = referenceAt(a, offset);
  if (ref) return ref.target.kind === 'architecture' ? ref.target.name : undefined;
  const path = nodesAt(astOf(a), offset);
  const ident = path[path.length - 1];
  const block = path[path.length - 2];
  if (ident?.type !== 'Ident' || block?.type !== 'Block' || block.kind.name !== 'architecture') return undefined;
  return block.name === ident || block.kind === ident ? block.name?.name : undefined;
}

async function peakLine(s: PimServices, a: Analysis, arch: string): Promise<string | null> {
  const checked = a.program;
  if (!checked || checked.diagnostics.some((d) => d.severity === 'error')) return null;
  let perProgram = cache.get(checked);
  if (!perProgram) cache.set(checked, (perProgram = { lines: new Map() }));
  const lines = perProgram.lines;
  if (lines.has(arch)) return lines.get(arch)!;
  // A thermal block (or a class extending `thermal`) spells the word: without it no IR is made.
  const spellsThermal = [...checked.files.values()].some((f) => f.text.includes('thermal'));
  if (spellsThermal) {
    const options = { host: s.workspace.host, cache: s.analysis.sourceCache };
    perProgram.ir ??= s.compiler.compileWithIr(a.doc.path, options).then((p) => p?.ir);
  }
  const ir = await perProgram.ir;
  if (!ir || !ir.architectures.find((x) => x.name === arch)?.thermal) {
    lines.set(arch, null);
    return null;
  }
  const mapping = ir.mappings.find((m) => m.architecture === arch);
  let line: string | null = null;
  if (mapping) {
    simulator ??= import('@pim/runtime/simulate').then((m) => m.simulate);
    try {
      const r = (await simulator)(ir, { mapping: mapping.name, dataRoot: dirname(a.doc.path), detail: false });
      const t = r.thermal;
      const hottest = t?.tiers.reduce((h, q) => (q.peak_k > h.peak_k ? q : h));
      if (t && hottest)
        line = `**peak temperature** ${t.peak_k.toFixed(1)} K (${t.chips ? `chip ${t.chips.hottest}, ` : ''}tier ${hottest.tier}${hottest.partitions.length ? `, ${hottest.partitions.join(', ')}` : ''}) running \`${mapping.name}\` at its simulated throughput, ${t.power_w.toFixed(1)} W`;
    } catch (e) {
      line = `**peak temperature** not available: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  lines.set(arch, line);
  return line;
}

export async function withPeakTemperature(
  s: PimServices,
  h: Hover | null,
  a: Analysis,
  offset: number,
): Promise<Hover | null> {
  if (!h) return h;
  const arch = architectureAt(a, offset);
  if (!arch) return h;
  const line = await peakLine(s, a, arch);
  if (!line) return h;
  const contents = h.contents as MarkupContent;
  return { ...h, contents: { kind: 'markdown', value: `${contents.value}\n\n${line}` } };
}
