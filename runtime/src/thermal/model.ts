// The steady-state thermal network of a die stack: a rows × cols grid of cells in every layer of the
// die, then the spreader and the sink gridded under the die, then 12 package nodes beyond the die's
// shadow (package.ts). Each cell conducts to its four neighbours in its layer and to the cells above
// and below; the sink's cells and outer nodes lose heat to the air. Unknowns are the rises above
// ambient, so the air is the ground of the conductance matrix, which is then symmetric positive
// definite (every node has a path to the air).
import { ConductanceBuilder, type CsrMatrix } from './sparse.js';
import { packageResistances, resistance } from './package.js';
import type { ThermalStack } from './types.js';

/** Indices of the 12 package nodes, after the grid cells. */
export const PERIPHERAL = [
  'sp_w',
  'sp_e',
  'sp_n',
  'sp_s',
  'sink_in_w',
  'sink_in_e',
  'sink_in_n',
  'sink_in_s',
  'sink_out_w',
  'sink_out_e',
  'sink_out_n',
  'sink_out_s',
] as const;

export interface ThermalNetwork {
  matrix: CsrMatrix;
  rows: number;
  cols: number;
  /** die layers + spreader + sink */
  gridLayers: number;
  /** first index of the package nodes */
  peripheralBase: number;
  /** index of the node of grid layer l (0 = farthest die layer), cell i·cols + j: a cell's layers are consecutive */
  index(l: number, cell: number): number;
}

interface Slab {
  thickness: number;
  k: number;
}

/**
 * Vertical resistance between the centres of two stacked cells: half of each cell's thickness, as in
 * HotSpot's grid model. HotSpot 6 with detailed 3D layers (the mode of our reference data) takes the
 * farthest layer's whole thickness on its way down, and counts the sink's share of the convection
 * resistance inside the sink cell's vertical resistance, so that half of it also lies between the
 * spreader and the sink; the model does the same so that its figures are comparable (docs/thermal.md).
 */
function verticalResistance(
  upper: Slab,
  lower: Slab,
  cellArea: number,
  upperIsFirst: boolean,
  lowerExtra: number,
): number {
  const ru = resistance(upper.k, upper.thickness, cellArea);
  const rl = resistance(lower.k, lower.thickness, cellArea) + lowerExtra;
  return (upperIsFirst ? ru : ru / 2) + rl / 2;
}

export function buildNetwork(stack: ThermalStack, rows: number, cols: number): ThermalNetwork {
  const pkg = stack.package;
  const cw = stack.width / cols;
  const ch = stack.height / rows;
  const cellArea = cw * ch;
  const slabs: Slab[] = [
    ...stack.layers.map((l) => ({ thickness: l.thickness, k: l.conductivity })),
    { thickness: pkg.spreaderThickness, k: pkg.spreaderConductivity },
    { thickness: pkg.sinkThickness, k: pkg.sinkConductivity },
  ];
  const nl = slabs.length;
  const perLayer = rows * cols;
  const base = nl * perLayer;
  // three couplings per cell (east, north, below) and the die's edges to the package
  const b = new ConductanceBuilder(base + PERIPHERAL.length, 3 * base + 4 * (rows + cols) + 16);
  // a cell's layers are numbered consecutively (the vertical coupling sits next to the diagonal)
  const index = (l: number, cell: number) => cell * nl + l;
  const node = (l: number, i: number, j: number) => index(l, i * cols + j);
  // the sink's share of the convection resistance, per cell (HotSpot divides it by area)
  const convPerCell = pkg.convectionResistance * ((pkg.sinkSide * pkg.sinkSide) / cellArea);

  for (let l = 0; l < nl; l++) {
    const { thickness, k } = slabs[l];
    const gx = 1 / resistance(k, cw, ch * thickness); // between east-west neighbours
    const gy = 1 / resistance(k, ch, cw * thickness); // between north-south neighbours
    const gz =
      l + 1 < nl
        ? 1 / verticalResistance(slabs[l], slabs[l + 1], cellArea, l === 0, l + 1 === nl - 1 ? convPerCell : 0)
        : 0;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const n = node(l, i, j);
        if (j + 1 < cols) b.connect(n, node(l, i, j + 1), gx);
        if (i + 1 < rows) b.connect(n, node(l, i + 1, j), gy);
        if (gz > 0) b.connect(n, node(l + 1, i, j), gz);
      }
    }
  }
  connectPackage(b, stack, rows, cols, base, node, convPerCell, slabs);
  return { matrix: b.build(), rows, cols, gridLayers: nl, peripheralBase: base, index };
}

function connectPackage(
  b: ConductanceBuilder,
  stack: ThermalStack,
  rows: number,
  cols: number,
  base: number,
  node: (l: number, i: number, j: number) => number,
  convPerCell: number,
  slabs: Slab[],
): void {
  const pkg = stack.package;
  const r = packageResistances(pkg, stack.width, stack.height);
  const sp = slabs.length - 2;
  const hs = slabs.length - 1;
  const cw = stack.width / cols;
  const ch = stack.height / rows;
  const halfX = (l: number) => resistance(slabs[l].k, cw, ch * slabs[l].thickness) / 2;
  const halfY = (l: number) => resistance(slabs[l].k, ch, cw * slabs[l].thickness) / 2;
  const [spW, spE, spN, spS, inW, inE, inN, inS, outW, outE, outN, outS] = PERIPHERAL.map((_, i) => base + i);
  // sink cells under the die lose heat through the sink's thickness and their share of convection
  const gAir = 1 / (resistance(pkg.sinkConductivity, pkg.sinkThickness, cw * ch) + convPerCell);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) b.ground(node(hs, i, j), gAir);
  // a spreader no wider than the die has no overhang, and a sink no wider than the spreader no
  // outer part: those package nodes are left out (a one-dimensional stack)
  const overhang = pkg.spreaderSide > Math.max(stack.width, stack.height) * (1 + 1e-9);
  const outer = pkg.sinkSide > pkg.spreaderSide * (1 + 1e-9);
  if (!overhang) return;
  // die-edge cells of the spreader and the sink → their side nodes; the side's lateral resistance
  // is shared by the cells along that edge (in parallel, so each takes `cells` times it)
  for (const [l, lat, w, e, n, s] of [
    [sp, r.spreaderLateral, spW, spE, spN, spS],
    [hs, r.sinkInnerLateral, inW, inE, inN, inS],
  ] as const) {
    for (let i = 0; i < rows; i++) {
      b.connect(node(l, i, 0), w, 1 / (halfX(l) + rows * lat.x));
      b.connect(node(l, i, cols - 1), e, 1 / (halfX(l) + rows * lat.x));
    }
    for (let j = 0; j < cols; j++) {
      b.connect(node(l, 0, j), s, 1 / (halfY(l) + cols * lat.y));
      b.connect(node(l, rows - 1, j), n, 1 / (halfY(l) + cols * lat.y));
    }
  }
  for (const [spNode, inNode, outNode, axis] of [
    [spW, inW, outW, 'x'],
    [spE, inE, outE, 'x'],
    [spN, inN, outN, 'y'],
    [spS, inS, outS, 'y'],
  ] as const) {
    b.connect(spNode, inNode, 1 / r.spreaderToSink[axis]);
    b.ground(inNode, 1 / r.sinkInnerToAir[axis]);
    if (!outer) continue;
    b.connect(inNode, outNode, 1 / r.sinkOuterLateral[axis]);
    b.ground(outNode, 1 / r.sinkOuterToAir);
  }
}
