// PIM4202 (a stated die smaller than its units) and the runtime's thermal floorplan count the same
// units on each die of every chip (@pim/ir placement.ts: chip after chip, tier after tier, or each
// partition on its tier of a one-chip stack). Each program is compiled from source; the runtime's die
// comes from simulating it with no die stated (then sized to the fullest die of any chip), and the
// compiler must pass a die of exactly that area and flag one a little smaller, naming that area.
import assert from 'node:assert/strict';
import { chipDies } from '@pim/ir';
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
 * The runtime's dies: the area (mm²) of the units on each tier of each chip, [chip][tier], and the die it
 * sizes from them. The units on each die, by name, are the ones @pim/ir's chipDies (PIM4202's count) names.
 */
function runtimeDies(body: string): { dies: number[][]; die: number } {
  const ir = compiledText(program(body));
  const t = simulate(ir, { mapping: 'mp', detail: false }).thermal!;
  const arch = ir.architectures[0]!;
  const counted = chipDies(arch);
  const dies = counted.map((tiers) => tiers.map(() => 0));
  const names = counted.map((tiers) => tiers.map((): Record<string, number> => ({})));
  for (const u of t.tiles) {
    const area = (u.kind === 'gpu' ? arch.gpus : arch.tile_types).find((x) => x.name === u.name)!.area_m2;
    dies[u.chip]![u.tier]! += area * 1e6;
    const on = names[u.chip]![u.tier]!;
    on[`${u.kind} ${u.name}`] = (on[`${u.kind} ${u.name}`] ?? 0) + 1;
  }
  assert.deepEqual(
    counted.map((tiers) => tiers.map((d) => Object.fromEntries(d.units.map((u) => [`${u.kind} ${u.name}`, u.count])))),
    names,
  );
  counted.forEach((tiers, c) =>
    tiers.forEach((d, z) => assert.ok(Math.abs(d.area_m2 * 1e6 - dies[c]![z]!) < 1e-9, `chip ${c} tier ${z}`)),
  );
  assert.equal(t.die_source, 'areas');
  return { dies, die: t.die_width_m * t.die_height_m * 1e6 };
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
  /** The area of the fullest die of any chip as the floorplan fills it (mm²). */
  floorplan: number;
  /**
   * A die an earlier rule judged the other way: the average over chips (before 2026-12-06), or the first
   * chip's dies alone (until the check covered every chip).
   */
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
    what: 'partitions of different areas: the second chip holds the big cores (40 mm²; the first chip 4, the average 22)',
    body: `chips: 2\n  ${LINK}\n  partition p { ${gpu('small', 2, 1)} }\n  partition q { ${gpu('big', 2, 10)} }\n  noc { topology: mesh, dims: [2, 2] }`,
    floorplan: 40,
    stated: { mm2: 10, flagged: true },
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
    what: '2 chips of a 2-tier stack, the big cores declared last: tier 1 of the second chip takes both (40 mm²; the first chip 2)',
    body: `chips: 2\n  ${LINK}\n  partition q { ${gpu('small', 3, 1)} }\n  partition p { ${gpu('big', 1, 20)} }\n  noc { topology: mesh3d, dims: [2, 1, 2] }`,
    floorplan: 40,
    stated: { mm2: 30, flagged: true },
  },
  {
    what: '3 chips, the last part-full: 9 cores of 10 mm² on 2 × 2 meshes put 4, 4 and 1 on them (the first chip is the fullest)',
    body: `chips: 3\n  ${LINK}\n  partition p { ${gpu('sm', 3, 10)} }\n  noc { topology: mesh, dims: [2, 2] }`,
    floorplan: 40,
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

describe('thermal: PIM4202 counts the units the floorplan puts on each die of every chip', function () {
  this.timeout(120000);
  for (const c of cases) {
    it(c.what, () => {
      const rt = runtimeDies(c.body);
      const fullest = Math.max(...rt.dies.flat());
      // The fullest die's chip and tier, the first of equals.
      const chip = rt.dies.findIndex((tiers) => tiers.includes(fullest));
      const tier = rt.dies[chip]!.indexOf(fullest);
      assert.ok(
        Math.abs(fullest - c.floorplan) < 1e-9,
        `floorplan's fullest die ${fullest} mm², expected ${c.floorplan}`,
      );
      assert.ok(Math.abs(rt.die - fullest) < 1e-9 * fullest, 'the die is sized to the fullest die of any chip');
      // A die of exactly the floorplan's units passes; one 0.1% smaller is flagged, naming their area.
      assert.deepEqual(
        dieErrors(c.body, fullest).map((d) => d.message),
        [],
      );
      const small = dieErrors(c.body, fullest * 0.999);
      assert.equal(small.length, 1, `a die of ${fullest * 0.999} mm² is flagged`);
      assert.equal(flaggedArea(small[0]!), Number(fullest.toPrecision(4)), small[0]!.message);
      const stack = rt.dies[0]!.length > 1;
      const named =
        rt.dies.length > 1
          ? stack
            ? `on tier ${tier} of chip ${chip}, the fullest`
            : `on chip ${chip}'s die, the fullest`
          : stack
            ? `on its fullest tier (tier ${tier})`
            : 'on it:';
      assert.ok(small[0]!.message.includes(named), `names the fullest die (${named}): ${small[0]!.message}`);
      if (c.stated)
        assert.equal(dieErrors(c.body, c.stated.mm2).length > 0, c.stated.flagged, `a die of ${c.stated.mm2} mm²`);
    });
  }
});
