// Contention: how long a set of flows takes through input-queued routers when every source sends as fast
// as the network accepts. Each output port of a router (a link, or a tile's ejection port) and each tile's
// injection port is a server of known bandwidth; a port's time is its bits over its bandwidth, stretched by
// head-of-line blocking where its bits arrive from input ports that also feed other outputs; the batch takes
// its slowest port's time (plus the farthest path's zero-load latency, added by the caller).
//
// Head-of-line blocking: an input-queued switch whose n inputs send to random outputs saturates below
// full throughput because a blocked packet at the head of a queue stalls the ones behind it. Karol,
// Hluchyj & Morgan ("Input versus output queueing on a space-division packet switch", IEEE Trans.
// Communications 35(12), 1987, Table I) give the saturation throughput for n = 1…8 (→ 2 − √2 for large n).
// An output fed only by inputs that send nowhere else (a permutation, the last hops of a many-to-few
// flow) never waits on another output, so it runs at full rate; the model blends the two by the share of
// the output's bits that come from mixed inputs. test/runtime/noc-booksim.test.ts checks it against
// BookSim 2's cycle-accurate times of uniform, transpose and many-to-few batches (all within 8%).
import { LOCAL_PORT, PORTS, type Mesh, type PortLoads } from './mesh.js';

/** Saturation throughput of an n × n input-queued FIFO switch under uniform traffic (Karol et al. 1987, Table I). */
const HOL_SATURATION = [1, 1, 0.75, 0.6825, 0.6553, 0.6399, 0.6302, 0.6234, 0.6184];
const HOL_LIMIT = 2 - Math.SQRT2;

export function holSaturation(inputs: number): number {
  return inputs < HOL_SATURATION.length ? HOL_SATURATION[Math.max(0, inputs)]! : HOL_LIMIT;
}

export interface PortBound {
  /** Seconds the busiest port needs for these bits. */
  time_s: number;
  /** Which port: `link` (a router's output link), `ejection` or `injection` (a router's tile ports). */
  port: 'link' | 'ejection' | 'injection' | 'none';
  node: number;
  /** Bits through that port and the throughput factor head-of-line blocking leaves it. */
  bits: number;
  efficiency: number;
}

const tilePorts = (m: Mesh, node: number): number => Math.max(1, m.localPorts?.[node] ?? 1);

/** The slowest port of the turns in `p` (only its touched entries are read). */
export function portBound(m: Mesh, p: PortLoads): PortBound {
  // Per input port: bits in, and the outputs it feeds; per output port: bits out and its feeders.
  const inBits = new Map<number, number>();
  const inOuts = new Map<number, number>();
  const outFeeds = new Map<number, number[]>();
  for (const t of p.touched) {
    const b = p.bits[t]!;
    if (!(b > 0)) continue;
    const input = Math.floor(t / PORTS);
    const output = Math.floor(input / PORTS) * PORTS + (t % PORTS);
    inBits.set(input, (inBits.get(input) ?? 0) + b);
    inOuts.set(input, (inOuts.get(input) ?? 0) + 1);
    let f = outFeeds.get(output);
    if (!f) outFeeds.set(output, (f = []));
    f.push(t);
  }
  let best: PortBound = { time_s: 0, port: 'none', node: -1, bits: 0, efficiency: 1 };
  for (const [output, feeds] of outFeeds) {
    const node = Math.floor(output / PORTS);
    const out = output % PORTS;
    let bits = 0;
    let mixed = 0;
    for (const t of feeds) {
      const b = p.bits[t]!;
      bits += b;
      if (inOuts.get(Math.floor(t / PORTS))! > 1) mixed += b;
    }
    const efficiency = 1 - (mixed / bits) * (1 - holSaturation(feeds.length));
    const bandwidth = out === LOCAL_PORT ? m.portBandwidth * tilePorts(m, node) : m.linkBandwidth;
    const time = bits / (bandwidth * efficiency);
    if (time > best.time_s)
      best = { time_s: time, port: out === LOCAL_PORT ? 'ejection' : 'link', node, bits, efficiency };
  }
  for (const [input, bits] of inBits) {
    if (input % PORTS !== LOCAL_PORT) continue;
    const node = Math.floor(input / PORTS);
    const time = bits / (m.portBandwidth * tilePorts(m, node));
    if (time > best.time_s) best = { time_s: time, port: 'injection', node, bits, efficiency: 1 };
  }
  return best;
}

/** Adds `from`'s turns into `into` and zeroes `from` (a group's loads joining the whole image's). */
export function mergePorts(into: PortLoads, from: PortLoads): void {
  for (const t of from.touched) {
    if (into.bits[t] === 0) into.touched.push(t);
    into.bits[t]! += from.bits[t]!;
    from.bits[t] = 0;
  }
  from.touched.length = 0;
}
