// Steady-state temperatures of a die stack: power map → conductance network → PCG → per-cell,
// per-block and per-layer temperatures.
import { buildNetwork, PERIPHERAL, type ThermalNetwork } from './model.js';
import { multigridPreconditioner } from './multigrid.js';
import { conjugateGradient } from './sparse.js';
import type {
  BlockTemperature,
  LayerTemperature,
  SolveOptions,
  ThermalBlock,
  ThermalSolution,
  ThermalStack,
} from './types.js';

export class ThermalError extends Error {}

/** The cells a block covers, with the fraction of each cell's area inside the block. */
function coverage(
  block: ThermalBlock,
  stack: ThermalStack,
  rows: number,
  cols: number,
): { cell: number; share: number }[] {
  const cw = stack.width / cols;
  const ch = stack.height / rows;
  const out: { cell: number; share: number }[] = [];
  const j0 = Math.max(0, Math.floor(block.x / cw + 1e-9));
  const j1 = Math.min(cols - 1, Math.ceil((block.x + block.w) / cw - 1e-9) - 1);
  const i0 = Math.max(0, Math.floor(block.y / ch + 1e-9));
  const i1 = Math.min(rows - 1, Math.ceil((block.y + block.h) / ch - 1e-9) - 1);
  for (let i = i0; i <= i1; i++) {
    const oy = Math.min(block.y + block.h, (i + 1) * ch) - Math.max(block.y, i * ch);
    for (let j = j0; j <= j1; j++) {
      const ox = Math.min(block.x + block.w, (j + 1) * cw) - Math.max(block.x, j * cw);
      if (ox > 0 && oy > 0) out.push({ cell: i * cols + j, share: (ox * oy) / (cw * ch) });
    }
  }
  return out;
}

/** Temperature at a point of a layer, bilinear between cell centres (HotSpot's block "centre" value). */
function interpolate(
  cells: Float64Array,
  stack: ThermalStack,
  rows: number,
  cols: number,
  x: number,
  y: number,
): number {
  const fx = Math.min(Math.max((x / stack.width) * cols - 0.5, 0), cols - 1);
  const fy = Math.min(Math.max((y / stack.height) * rows - 0.5, 0), rows - 1);
  const j0 = Math.min(Math.floor(fx), cols - 2 < 0 ? 0 : cols - 2);
  const i0 = Math.min(Math.floor(fy), rows - 2 < 0 ? 0 : rows - 2);
  const j1 = Math.min(j0 + 1, cols - 1);
  const i1 = Math.min(i0 + 1, rows - 1);
  const tx = fx - j0;
  const ty = fy - i0;
  const at = (i: number, j: number) => cells[i * cols + j];
  return (1 - ty) * ((1 - tx) * at(i0, j0) + tx * at(i0, j1)) + ty * ((1 - tx) * at(i1, j0) + tx * at(i1, j1));
}

export function checkStack(stack: ThermalStack): void {
  const p = stack.package;
  if (!(stack.width > 0 && stack.height > 0))
    throw new ThermalError(`die size must be positive (${stack.width} × ${stack.height} m)`);
  if (stack.layers.length === 0) throw new ThermalError('a stack needs at least one layer');
  for (const l of stack.layers) {
    if (!(l.thickness > 0) || !(l.conductivity > 0))
      throw new ThermalError(`layer ${l.name}: thickness and conductivity must be positive`);
    for (const b of l.blocks) {
      if (!Number.isFinite(b.power) || b.power < 0)
        throw new ThermalError(`block ${b.name}: power must be finite and ≥ 0 (${b.power} W)`);
      if (!(b.w > 0 && b.h > 0)) throw new ThermalError(`block ${b.name}: size must be positive`);
    }
  }
  const side = Math.max(stack.width, stack.height);
  if (!(p.spreaderSide >= side && p.sinkSide >= p.spreaderSide)) {
    throw new ThermalError(
      `the spreader (${p.spreaderSide} m) must cover the die (${side} m) and the sink (${p.sinkSide} m) the spreader`,
    );
  }
  for (const [k, v] of Object.entries(p))
    if (!(v > 0) || !Number.isFinite(v)) throw new ThermalError(`package ${k} must be positive (${v})`);
}

/**
 * The conductance network and its preconditioner depend on the stack's geometry and materials only, not
 * on its power: the designs of an exploration that share a die (they differ in clock, say) reuse the last
 * ones built. Both are rebuilt bit for bit from the same inputs, so reuse changes no temperature.
 */
let lastSystem:
  { key: string; net: ThermalNetwork; precondition: (r: Float64Array, z: Float64Array) => void } | undefined;

function systemFor(stack: ThermalStack, rows: number, cols: number): NonNullable<typeof lastSystem> {
  const materials = stack.layers.map((l) => [l.thickness, l.conductivity]);
  const key = JSON.stringify([rows, cols, stack.width, stack.height, materials, stack.package]);
  if (lastSystem?.key !== key) {
    const net = buildNetwork(stack, rows, cols);
    lastSystem = { key, net, precondition: multigridPreconditioner(stack, net) };
  }
  return lastSystem;
}

export function solveSteady(stack: ThermalStack, opts: SolveOptions = {}): ThermalSolution {
  checkStack(stack);
  const rows = opts.rows ?? 64;
  const cols = opts.cols ?? 64;
  const { net, precondition } = systemFor(stack, rows, cols);
  const perLayer = rows * cols;
  const power = new Float64Array(net.matrix.n);
  const covers = stack.layers.map((l) => l.blocks.map((b) => coverage(b, stack, rows, cols)));
  stack.layers.forEach((layer, l) =>
    layer.blocks.forEach((b, bi) => {
      const cov = covers[l][bi];
      const total = cov.reduce((s, c) => s + c.share, 0);
      if (total > 0) for (const c of cov) power[net.index(l, c.cell)] += (b.power * c.share) / total;
    }),
  );
  const cg = conjugateGradient(net.matrix, power, {
    tolerance: opts.tolerance ?? 1e-9,
    maxIterations: opts.maxIterations ?? 5000,
    precondition,
  });
  if (cg.residual > (opts.tolerance ?? 1e-9) * 100) {
    throw new ThermalError(
      `the conjugate gradient did not converge (relative residual ${cg.residual.toExponential(2)} after ${cg.iterations} iterations)`,
    );
  }
  const amb = stack.package.ambient;
  const layerOf = (l: number): LayerTemperature => {
    const cells = new Float64Array(perLayer);
    let sum = 0;
    let peak = -Infinity;
    for (let c = 0; c < perLayer; c++) {
      const t = amb + cg.x[net.index(l, c)];
      cells[c] = t;
      sum += t;
      if (t > peak) peak = t;
    }
    return {
      name: l < stack.layers.length ? stack.layers[l].name : l === stack.layers.length ? 'spreader' : 'sink',
      mean: sum / perLayer,
      peak,
      cells,
    };
  };
  const layers = stack.layers.map((_, l) => layerOf(l));
  const blocks: BlockTemperature[] = [];
  stack.layers.forEach((layer, l) =>
    layer.blocks.forEach((b, bi) => {
      let s = 0;
      let w = 0;
      let peak = -Infinity;
      for (const c of covers[l][bi]) {
        const t = layers[l].cells[c.cell];
        s += t * c.share;
        w += c.share;
        if (t > peak) peak = t;
      }
      const centre = interpolate(layers[l].cells, stack, rows, cols, b.x + b.w / 2, b.y + b.h / 2);
      blocks.push({ layer: l, name: b.name, power: b.power, mean: w > 0 ? s / w : NaN, peak, centre });
    }),
  );
  return {
    rows,
    cols,
    layers,
    blocks,
    spreaderMean: layerOf(stack.layers.length).mean,
    sinkMean: layerOf(stack.layers.length + 1).mean,
    peripheral: PERIPHERAL.map((_, i) => amb + cg.x[net.peripheralBase + i]),
    iterations: cg.iterations,
    residual: cg.residual,
  };
}
