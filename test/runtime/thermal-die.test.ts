// PIM4202 (a stated die smaller than its units) and the runtime's thermal floorplan count the same
// units on each die of the first chip (@pim/ir placement.ts: chip after chip, tier after tier, or each
// partition on its tier of a one-chip stack). Each program is compiled from source; the runtime's die
// comes from simulating it with no die stated (then sized to its fullest tier's units), and the
// compiler must pass a die of exactly that area and flag one a little smaller, naming that area.
import assert from 'node:assert/strict';
import { firstChipDies } from '@pim/ir';
import type { Diagnostic } from '@pim/grammar';
import { simulate } from '@pim/runtime/sim';
import { compiledText, compileText } from './fixtures/compiled.js';

const gpu = (name: string, count: number, mm2: number) =>
  `gpu ${name}[${count}] { peak: 1 TFLOPS, memory_bandwidth: 200 GB/s, power: 1 W, area: ${mm2} mm2 }`;
const LINK = 'link l[1] { bandwidth: 6.4 GB/s, power: 1 W, area: 1 mm2 }';

/** A program of one architecture `a` (its body given), a square die of `dieMm2` when given, a GPU layer on `p`. */
function program(body: string, dieMm2?: number): string {
  const side = dieMm2 === undefined ? undefined : String(Number(Math.sqrt(dieMm2).toPrecision(12)));
  const die = side ? `, die_width: ${side} mm, die_height: ${side} mm` : '';
  return `architecture a {
  ${body}
  thermal { grid: 8${die} }
}
model m { input: tensor[64], linear f { out: 10 } }
mapping mp { model: m, architecture: a, place linear on p }
`;
}

/**
 * The runtime's dies of the first chip: the area (mm²) of the units on each tier, and the die it sizes
 * from them. The units on each tier, by name, are the ones @pim/ir's firstChipDies (PIM4202's count) names.
 */
function runtimeDies(body: string): { tiers: number[]; die: number } {
  const ir = compiledText(program(body));
  const t = simulate(ir, { mapping: 'mp', detail: false }).thermal!;
  const arch = ir.architectures[0]!;
  const tiers: number[] = [];
  const names: Record<string, number>[] = [];
  for (const u of t.tiles) {
    const area = (u.kind === 'gpu' ? arch.gpus : arch.tile_types).find((x) => x.name === u.name)!.area_m2;
    tiers[u.tier] = (tiers[u.tier] ?? 0) + area * 1e6;
    const on = (names[u.tier] ??= {});
    on[`${u.kind} ${u.name}`] = (on[`${u.kind} ${u.name}`] ?? 0) + 1;
  }
  const counted = firstChipDies(arch).map((d) =>
    Object.fromEntries(d.units.map((u) => [`${u.kind} ${u.name}`, u.count])),
  );
  assert.deepEqual(
    counted,
    Array.from({ length: counted.length }, (_, z) => names[z] ?? {}),
  );
  assert.equal(t.die_source, 'areas');
  return { tiers, die: t.die_width_m * t.die_height_m * 1e6 };
}

function dieErrors(body: string, dieMm2: number): Diagnostic[] {
  const p = compileText(program(body, dieMm2));
  return p.diagnostics.filter((d) => d.code === 'PIM4202');
}

/** The area (mm², 4 digits) PIM4202 says the units on the fullest die take. */
const flaggedArea = (d: Diagnostic): number => Number(/smaller than the ([\d.]+) mm²/.exec(d.message)?.[1]);

interface Case {
  what: string;
  body: string;
  /** The area of the first chip's fullest die as the floorplan fills it (mm²). */
  floorplan: number;
  /** A die the average over chips (the rule before 2026-12) judged the other way. */
  stated?: { mm2: number; flagged: boolean };
}

const cases: Case[] = [
  {
    what: '2 chips of 3 GPU cores (10 mm²) on a 2 × 2 mesh: the first chip fills its 4 routers (40 mm², not 30)',
    body: `chips: 2\n  ${LINK}\n  partition p { ${gpu('sm', 3, 10)} }\n  noc { topology: mesh, dims: [2, 2] }`,
    floorplan: 40,
    stated: { mm2: 35, flagged: true },
  },
  {
    what: 'partitions of different areas: the first chip holds the small cores (4 mm²; the average is 22)',
    body: `chips: 2\n  ${LINK}\n  partition p { ${gpu('small', 2, 1)} }\n  partition q { ${gpu('big', 2, 10)} }\n  noc { topology: mesh, dims: [2, 2] }`,
    floorplan: 4,
    stated: { mm2: 10, flagged: false },
  },
  {
    what: 'a cmesh of concentration 4 on 2 routers a chip: the first chip takes all 6 cores (60 mm²)',
    body: `chips: 2\n  ${LINK}\n  partition p { ${gpu('sm', 3, 10)} }\n  noc { topology: cmesh, dims: [2, 1], concentration: 4 }`,
    floorplan: 60,
    stated: { mm2: 50, flagged: true },
  },
  {
    what: 'no NoC: a square mesh of ⌈√(6 / 2)⌉ = 2 a side per chip, 4 cores on the first',
    body: `chips: 2\n  ${LINK}\n  partition p { ${gpu('sm', 3, 10)} }`,
    floorplan: 40,
    stated: { mm2: 35, flagged: true },
  },
  {
    what: 'a bus: placed on the same square mesh per chip',
    body: `chips: 2\n  ${LINK}\n  partition p { ${gpu('sm', 3, 10)} }\n  noc { topology: bus, dims: [4] }`,
    floorplan: 40,
    stated: { mm2: 35, flagged: true },
  },
  {
    what: 'no off-chip links: the routing treats the chips as one mesh, the floorplan still one chip (40 mm², not 60)',
    body: `chips: 2\n  partition p { ${gpu('sm', 3, 10)} }\n  noc { topology: mesh, dims: [2, 2] }`,
    floorplan: 40,
    stated: { mm2: 35, flagged: true },
  },
  {
    what: '2 chips of a 2-tier stack: tier 0 of the first chip takes both big cores (40 mm²; the average is 23)',
    body: `chips: 2\n  ${LINK}\n  partition p { ${gpu('big', 1, 20)} }\n  partition q { ${gpu('small', 3, 1)} }\n  noc { topology: mesh3d, dims: [2, 1, 2] }`,
    floorplan: 40,
    stated: { mm2: 30, flagged: true },
  },
  {
    what: 'one chip, a stack with each partition on its tier (unchanged): the GPU tier is the fullest',
    body: `partition q { ${gpu('small', 2, 1)} }\n  partition p { ${gpu('big', 2, 10)} }\n  noc { topology: mesh3d, dims: [2, 1, 2], tiers: [q, p] }`,
    floorplan: 20,
  },
  {
    what: 'one chip, a partition listed on two tiers (tiers: [p, p, q]): its 5 cores spread 3 and 2 over them, not 5 on the first',
    body: `partition p { ${gpu('big', 5, 10)} }\n  partition q { ${gpu('small', 2, 1)} }\n  noc { topology: mesh3d, dims: [2, 2, 3], tiers: [p, p, q] }`,
    floorplan: 30,
    stated: { mm2: 40, flagged: false },
  },
];

describe('thermal: PIM4202 counts the units the floorplan puts on each die of the first chip', function () {
  this.timeout(120000);
  for (const c of cases) {
    it(c.what, () => {
      const rt = runtimeDies(c.body);
      const fullest = Math.max(...rt.tiers.filter((a) => a !== undefined));
      assert.ok(
        Math.abs(fullest - c.floorplan) < 1e-9,
        `floorplan's fullest die ${fullest} mm², expected ${c.floorplan}`,
      );
      assert.ok(Math.abs(rt.die - fullest) < 1e-9 * fullest, 'the die is sized to the fullest tier');
      // A die of exactly the floorplan's units passes; one 0.1% smaller is flagged, naming their area.
      assert.deepEqual(
        dieErrors(c.body, fullest).map((d) => d.message),
        [],
      );
      const small = dieErrors(c.body, fullest * 0.999);
      assert.equal(small.length, 1, `a die of ${fullest * 0.999} mm² is flagged`);
      assert.equal(flaggedArea(small[0]!), Number(fullest.toPrecision(4)), small[0]!.message);
      if (rt.tiers.length > 1)
        assert.match(small[0]!.message, new RegExp(`tier ${rt.tiers.indexOf(fullest)}\\b`), 'names the fullest tier');
      if (c.stated)
        assert.equal(dieErrors(c.body, c.stated.mm2).length > 0, c.stated.flagged, `a die of ${c.stated.mm2} mm²`);
    });
  }
});
