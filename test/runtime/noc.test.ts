import assert from 'node:assert/strict';
import type { IrNoc } from '@pim/ir';
import { noc, simulate } from '@pim/runtime/sim';
import { compiledFixture, heteroProgram, isaacProgram, toyProgram } from './fixtures/compiled.js';
import { simulateGnnCora } from './fixtures/gnn-cora.js';

const { meshFromIr, counterpart, route, routeFlows, snakeOrder, placeUnits, nodeAt, coord, linkCount } = noc;

/** A NoC of 8-bit flits, 1 ns hops and 1 pJ per bit-hop. */
const nocIr = (dims: number[], topology: IrNoc['topology'] = 'mesh', tsv = 0): IrNoc => ({
  topology,
  dims,
  flit_bits: 8,
  hop_latency_s: 1e-9,
  tiers: [],
  tsv_latency_s: tsv,
  link_bandwidth_bps: 8e9,
  energy_per_bit_hop_j: 1e-12,
  router_power_w: 0,
});
const mesh = (dims: number[], topology: 'mesh' | 'mesh3d' | 'torus' = 'mesh', tsv = 0) =>
  meshFromIr(nocIr(dims, topology, tsv));

describe('noc: dimension-ordered routing', () => {
  it('2D mesh: X first, then Y; hops = Manhattan distance', () => {
    const m = mesh([4, 3]);
    const links = new Float64Array(linkCount(m));
    // (0,0) → (3,2): 3 hops +x along y=0, then 2 hops +y along x=3.
    const r = route(m, nodeAt(m, 0, 0, 0), nodeAt(m, 3, 2, 0), 10, links);
    assert.deepEqual(r, { hops: 5, vertical: 0, chipHops: 0 });
    assert.equal(links[nodeAt(m, 0, 0, 0) * 6 + 0], 10); // +x out of (0,0)
    assert.equal(links[nodeAt(m, 2, 0, 0) * 6 + 0], 10); // +x out of (2,0)
    assert.equal(links[nodeAt(m, 3, 0, 0) * 6 + 2], 10); // then +y out of (3,0)
    assert.equal(links[nodeAt(m, 3, 1, 0) * 6 + 2], 10);
    assert.equal(
      links.reduce((a, b) => a + b, 0),
      50,
    ); // 10 bits × 5 links
    // Reverse direction uses −x / −y links.
    const back = new Float64Array(linkCount(m));
    route(m, nodeAt(m, 3, 2, 0), nodeAt(m, 0, 0, 0), 1, back);
    assert.equal(back[nodeAt(m, 3, 2, 0) * 6 + 1], 1);
    assert.equal(back[nodeAt(m, 0, 2, 0) * 6 + 3], 1);
  });

  it('3D mesh: vertical hops go last and count as TSV hops', () => {
    const m = mesh([2, 2, 3], 'mesh3d', 5e-9);
    const r = route(m, nodeAt(m, 0, 0, 0), nodeAt(m, 1, 1, 2), 1);
    assert.deepEqual(r, { hops: 4, vertical: 2, chipHops: 0 });
    assert.deepEqual(coord(m, nodeAt(m, 1, 0, 2)), [1, 0, 2]);
  });

  it('torus takes the shorter way round', () => {
    const m = mesh([5, 1], 'torus');
    const links = new Float64Array(linkCount(m));
    // 0 → 4 on a 5-ring: one −x hop (wrapping), not four +x hops.
    assert.equal(route(m, 0, 4, 1, links).hops, 1);
    assert.equal(links[0 * 6 + 1], 1);
  });

  it('bus: every non-local transfer is one hop on the one shared link', () => {
    const m = meshFromIr(nocIr([6], 'bus'));
    const r = routeFlows(m, [{ group: 'g', src: [0, 1], dst: [4, 5], bits: 40 }]);
    assert.equal(r.bit_hops, 40);
    assert.equal(r.linkBits[0], 40);
    assert.equal(r.groups[0]!.max_hops, 1);
  });

  it('bus: every transfer between two different tiles crosses the link, whatever the dims (fixtures/bus.pim)', () => {
    // The toy mapping on a bus stated as dims [2, 2]: a on tiles 0–2, b on tile 3, the I/O port at tile 0's.
    // input 216 bits over 3 pairs, tile 0's 72 stay local: 144; a → b 24; b → output 12: 180 bits, one hop each.
    const r = simulate(compiledFixture('bus'), { mapping: 'toymap_bus' });
    const d = r.noc!.declared;
    assert.ok(Math.abs(d.energy_j - 180e-12) < 1e-21, `${d.energy_j}`);
    assert.ok(Math.abs(d.avg_hops - 180 / 252) < 1e-12, `${d.avg_hops}`);
    // Each group: one hop (1 ns) + its bits over the link's 8 Gb/s: 19 + 4 + 2.5 ns.
    assert.ok(Math.abs(d.latency_s - 25.5e-9) < 1e-18, `${d.latency_s}`);
  });

  it('multi-chip: out through the I/O router, along the chip chain, in through the far I/O router', () => {
    const base = mesh([2, 2]);
    const m = meshFromIr(nocIr([2, 2]), { chips: 3, bandwidth: 1e9, latency: 2e-9, energyPerBit: 10e-12 });
    assert.equal(m.nodes, 3 * base.nodes);
    // chip 0 (1,1) → chip 2 (1,0): 2 hops to chip 0's (0,0), 2 chip hops, 1 hop from chip 2's (0,0).
    const r = routeFlows(m, [{ group: 'g', src: [nodeAt(m, 1, 1, 0, 0)], dst: [nodeAt(m, 1, 0, 0, 2)], bits: 100 }]);
    assert.equal(r.groups[0]!.max_hops, 5);
    assert.equal(r.offchip_bits, 100);
    // Energy: 3 on-chip hops × 1 pJ + 2 chip hops × 10 pJ, per bit.
    assert.ok(Math.abs(r.energy_j - 100 * (3e-12 + 20e-12)) < 1e-18);
    // The chip links are the hottest by time: 100 bits / 1 Gb/s = 100 ns.
    assert.equal(r.hottest!.dir, 'chip+');
    assert.ok(Math.abs(r.hottest_link_time_s - 100e-9) < 1e-15);
  });
});

describe('noc: flows, loads and placement', () => {
  it('snake placement keeps consecutive tiles adjacent', () => {
    const m = mesh([3, 2]);
    const order = snakeOrder(m, 0).map((n) => coord(m, n).slice(0, 2).join(','));
    assert.deepEqual(order, ['0,0', '1,0', '2,0', '2,1', '1,1', '0,1']);
  });

  it('more tiles than routers: tiles share routers (concentration)', () => {
    const arch = heteroProgram().architectures[0]!;
    const m = meshFromIr(arch.noc!);
    const u = placeUnits(arch, m, true);
    // 96 dense tiles on 16 tier-0 routers → 6 per router; 32 sparse on tier 1 → 2; 16 GPUs on tier 2 → 1.
    assert.deepEqual(u.concentration, [6, 2, 1]);
    assert.ok([...u.tileNodes.get('rtile')!].every((n) => coord(m, n)[2] === 0));
    assert.ok([...u.tileNodes.get('stile')!].every((n) => coord(m, n)[2] === 1));
    assert.ok([...u.gpuNodes.get('sm')!].every((n) => coord(m, n)[2] === 2));
  });

  it('the toy mapping’s flows, by hand', () => {
    // Tiles on the 2×2 snake: t0 (0,0), t1 (1,0), t2 (1,1), t3 (0,1). Layer a on t0–t2, b on t3, I/O at (0,0).
    // input 3·3·6 values × 4 bits = 216 bits → 72 per tile: 0 + 1 + 2 hops; a→b 24 bits → 8 per source: 1 + 2 + 1
    // hops; output 12 bits, 1 hop. The hottest link, (0,0)+x, carries t1's and t2's input: 2 × 72 bits.
    const r = simulate(toyProgram());
    const n = r.noc!.declared;
    assert.equal(n.total_bits, 216 + 24 + 12);
    assert.ok(Math.abs(n.avg_hops - 260 / 252) < 1e-12);
    assert.ok(Math.abs(n.energy_j - 260e-12) < 1e-20);
    assert.deepEqual(n.hottest && [n.hottest.x, n.hottest.y, n.hottest.dir, n.hottest.bits], [0, 0, '+x', 144]);
    assert.deepEqual(
      n.groups.map((g) => [g.group, g.max_hops]),
      [
        ['input', 2],
        ['→b', 2],
        ['output', 1],
      ],
    );
  });

  it('link loads add up to Σ bits × Manhattan distance (random flows)', () => {
    const m = mesh([6, 5]);
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const flows = Array.from({ length: 20 }, (_, i) => ({
      group: `f${i}`,
      src: [rnd(30), rnd(30)],
      dst: [rnd(30), rnd(30), rnd(30)],
      bits: 1 + rnd(1000),
    }));
    const r = routeFlows(m, flows);
    let expected = 0;
    for (const f of flows)
      for (const s of f.src)
        for (const d of f.dst) {
          const [sx, sy] = coord(m, s);
          const [dx, dy] = coord(m, d);
          expected += (f.bits / 6) * (Math.abs(sx - dx) + Math.abs(sy - dy));
        }
    const linkSum = r.linkBits.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(linkSum - expected) < 1e-9 * expected);
    assert.ok(Math.abs(r.bit_hops - expected) < 1e-9 * expected);
    assert.equal(r.hottest!.bits, Math.max(...r.linkBits));
  });

  it('multi-chip flows (random): routed by legs, the loads, hops, energy and off-chip bits of every pair routed alone', () => {
    const m = meshFromIr(nocIr([3, 2]), { chips: 4, bandwidth: 1e9, latency: 2e-9, energyPerBit: 10e-12 });
    let seed = 11;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const flows = Array.from({ length: 30 }, (_, i) => ({
      group: `f${i}`,
      src: Array.from({ length: 1 + rnd(5) }, () => rnd(m.nodes)),
      dst: Array.from({ length: 1 + rnd(5) }, () => rnd(m.nodes)),
      bits: 1 + rnd(1000),
    }));
    const r = routeFlows(m, flows);
    const links = new Float64Array(linkCount(m));
    let [bitHops, energy, offchip, total] = [0, 0, 0, 0];
    for (const [k, f] of flows.entries()) {
      let [maxHops, maxLat] = [0, 0];
      for (const s of f.src)
        for (const d of f.dst) {
          const bits = f.bits / (f.src.length * f.dst.length);
          const q = route(m, s, d, bits, links);
          bitHops += bits * (q.hops + q.chipHops);
          energy += bits * (q.hops * 1e-12 + q.chipHops * 10e-12);
          if (q.chipHops > 0) offchip += bits;
          maxHops = Math.max(maxHops, q.hops + q.chipHops);
          // 1 ns per on-chip hop (no TSVs here), 2 ns per chip hop.
          maxLat = Math.max(maxLat, q.hops * 1e-9 + q.chipHops * 2e-9);
        }
      total += f.bits;
      const g = r.groups[k]!;
      assert.equal(g.max_hops, maxHops, f.group);
      // A group's latency: its farthest pair's path, then its busiest port's or link's time.
      assert.ok(
        Math.abs(g.latency_s - g.contended_s - maxLat) < 1e-18,
        `${f.group}: ${g.latency_s - g.contended_s} vs ${maxLat}`,
      );
    }
    assert.ok(offchip > 0 && offchip < total, 'the flows mix on-chip and off-chip pairs');
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-30);
    assert.ok(close(r.bit_hops, bitHops), `${r.bit_hops} vs ${bitHops}`);
    assert.ok(close(r.energy_j, energy), `${r.energy_j} vs ${energy}`);
    assert.ok(close(r.offchip_bits, offchip), `${r.offchip_bits} vs ${offchip}`);
    links.forEach((v, i) => assert.ok(close(r.linkBits[i]!, v), `link ${i}: ${r.linkBits[i]} vs ${v}`));
  });

  it('2D vs 3D side by side: the same routers folded into 4 tiers shorten paths', () => {
    const r = simulate(isaacProgram(), { mapping: 'vgg8_on_isaac' });
    const { declared, counterpart: other } = r.noc!;
    assert.equal(declared.topology, 'mesh');
    assert.equal(other!.topology, 'mesh3d');
    assert.deepEqual(other!.dims, [7, 6, 4]); // 168 routers: z = 4, x = ⌈√42⌉ = 7, y = ⌈168/28⌉ = 6
    assert.equal(declared.total_bits, other!.total_bits);
    assert.ok(other!.avg_hops < declared.avg_hops, `3D ${other!.avg_hops} vs 2D ${declared.avg_hops}`);
    assert.deepEqual(counterpart(mesh([4, 4, 3], 'mesh3d')).dims, [7, 7, 1]);
  });

  it('GNN flows are many-to-few (V→E onto the adjacency tiles)', () => {
    const r = simulate(heteroProgram(), { mapping: 'gcn_on_hetero' });
    const v2e = r.noc!.declared.groups.filter((g) => g.many_to_few);
    assert.deepEqual(
      v2e.map((g) => g.group),
      ['g1 V→E', 'g2 V→E'],
    );
    // V→E carries rows needed × features × 16 bits (the adjacency plan's count).
    const plan = r.gnn!.layers.find((l) => l.layer === 'g1')!;
    assert.equal(v2e[0]!.bits, plan.rows_needed * 16 * 16);
  });
});

describe('noc: the input of a model that opens with a digital layer', () => {
  // samples/gnn-cora.pim opens with dropout, which runs on g1's one tile: the input reaches that tile once.
  it('is counted once in the bits per image when its weight layer is on the same single tile', () => {
    const r = simulateGnnCora(false);
    const d = r.noc!.declared;
    const inputBits = 2708 * 1433 * 16;
    const input = d.groups.filter((g) => g.bits === inputBits);
    assert.deepEqual(
      input.map((g) => g.group),
      ['input'],
    );
    assert.equal(
      d.total_bits,
      d.groups.reduce((s, g) => s + g.bits, 0),
    );
    assert.ok(d.total_bits < 2 * inputBits, `${d.total_bits} b per image`);
  });

  it('still streams from the dropout tile to every tile of a replicated first layer', () => {
    const d = simulateGnnCora(true).noc!.declared;
    const g1 = d.groups.find((g) => g.group === '→g1')!;
    assert.ok(g1.bits > 0 && g1.avg_hops > 0);
  });
});
