// The NoC contention model against BookSim 2's cycle-accurate batch times (fixtures/booksim/, with its
// source and licence): every batch within 25%, and a many-to-few flow whose time grows with its sources.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { noc } from '@pim/runtime/sim';

const { meshFromIr, routeFlows, batchTime, nodeAt } = noc;

/** BookSim's network in the IR's terms: 1 GHz, 32-bit flits, one flit per cycle per link, ~3 cycles per hop. */
const CLOCK = 1e9;
const FLIT = 32;
function bookSimMesh(topology: 'mesh' | 'mesh3d', dims: number[]) {
  return meshFromIr({
    topology,
    dims,
    flit_bits: FLIT,
    hop_latency_s: 3 / CLOCK,
    tiers: [],
    tsv_latency_s: 3 / CLOCK,
    link_bandwidth_bps: FLIT * CLOCK,
    energy_per_bit_hop_j: 0,
    router_power_w: 0,
  });
}

interface Batch {
  name: string;
  topology: string;
  pattern: string;
  destinations: number[];
  packets: number;
  flits: number;
  cycles: number;
}

function batches(): Batch[] {
  const lines = readFileSync(resolve('test/runtime/fixtures/booksim/batches.tsv'), 'utf8').trim().split('\n');
  const head = lines[0]!.split('\t');
  const col = (row: string[], k: string): string => row[head.indexOf(k)]!;
  return lines.slice(1).map((l) => {
    const r = l.split('\t');
    return {
      name: col(r, 'case'),
      topology: col(r, 'topology'),
      pattern: col(r, 'pattern'),
      destinations: col(r, 'destinations') === '-' ? [] : col(r, 'destinations').split(',').map(Number),
      packets: Number(col(r, 'packets_per_node')),
      flits: Number(col(r, 'flits_per_packet')),
      cycles: Number(col(r, 'cycles_total')),
    };
  });
}

/** The batch as flows: every node sends packets × flits flits to the pattern's destinations, spread evenly. */
function modelCycles(b: Batch): number {
  const dims = b.topology
    .replace(/^mesh /, '')
    .split('x')
    .map(Number);
  const m = bookSimMesh(dims.length === 3 ? 'mesh3d' : 'mesh', dims);
  const all = Array.from({ length: m.nodes }, (_, i) => i);
  const bits = b.packets * b.flits * FLIT;
  const flows = all.map((s) => {
    let dst: number[];
    if (b.pattern === 'uniform') dst = all;
    else if (b.pattern === 'transpose') dst = [nodeAt(m, Math.floor(s / dims[0]!) % dims[1]!, s % dims[0]!, 0)];
    else dst = b.destinations;
    return { group: `from ${s}`, src: [s], dst, bits };
  });
  return batchTime(routeFlows(m, flows, false)) * CLOCK;
}

describe('noc: contention against BookSim 2 (cycle-accurate)', () => {
  const all = batches();
  it('has the eight reference batches', () => assert.equal(all.length, 8));
  for (const b of all) {
    it(`${b.name} (${b.topology}, ${b.pattern}, ${b.packets} packets per node): within 25% of BookSim's ${b.cycles} cycles`, () => {
      const ours = modelCycles(b);
      const err = (ours - b.cycles) / b.cycles;
      assert.ok(
        Math.abs(err) <= 0.25,
        `model ${ours.toFixed(0)} cycles vs BookSim ${b.cycles} (${(100 * err).toFixed(1)}%)`,
      );
    });
  }

  it('a many-to-few flow takes longer with every source added (ejection-bound), and a 30% cut cuts its time nearly in proportion', () => {
    const m = bookSimMesh('mesh', [8, 8]);
    const dst = [nodeAt(m, 0, 0, 0), nodeAt(m, 7, 7, 0)];
    const time = (sources: number, bits: number) => {
      const src = Array.from({ length: sources }, (_, i) => 2 + i);
      return batchTime(
        routeFlows(
          m,
          src.map((s) => ({ group: `s${s}`, src: [s], dst, bits })),
          false,
        ),
      );
    };
    let prev = 0;
    for (const n of [2, 4, 8, 16, 32, 60]) {
      const t = time(n, 4000);
      assert.ok(t > prev, `${n} sources: ${t} s is not above ${prev} s`);
      prev = t;
    }
    // 60 sources × 4000 bits into 2 ejection ports of 32 bits per ns: 3.75 µs at least.
    assert.ok(prev >= (60 * 4000) / 2 / (FLIT * CLOCK));
    const cut = time(60, 1200) / time(60, 4000);
    assert.ok(cut > 0.29 && cut < 0.35, `30% of the traffic took ${(100 * cut).toFixed(1)}% of the time`);
  });
});
