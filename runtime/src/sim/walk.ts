// The layer walk of one mapping: each layer's time and energy on its engine, the pipeline stages they form,
// the hosts (tile ranges, GPUs, the I/O port) the activations travel between, and the transfers between
// them. A pure function of the resolved mapping, the tile models and the GNN plan.
import type { IrLayer } from '@pim/ir';
import type { GnnReport } from '../gnn/index.js';
import type { TileModel } from './arch.js';
import { SimError } from './errors.js';
import { aggregateLayer, crossbarLayer, digitalLayer, gpuLayer } from './inference.js';
import type { Resolved } from './resolve.js';
import type { LayerReport, SimReport, StageReport } from './types.js';

/** Where a layer's activations live: a range of a tile type's tiles, a GPU, or the off-chip I/O port. */
export interface Host {
  kind: 'tile' | 'gpu' | 'io';
  name: string;
  start: number;
  count: number;
}

/** Bits moved per image from one host to another. */
export interface Transfer {
  from: number;
  to: number;
  bits: number;
  group: string;
  manyToFew?: boolean;
  gpu?: boolean;
}

/** A crossbar or aggregation layer's share of tiles and the tile-seconds of work it does per image (for idle power). */
export interface BusyShare {
  layer: string;
  /** The host the layer runs on (an index into `hosts`). */
  host: number;
  tile?: TileModel;
  tiles: number;
  busy_tile_s: number;
}

export interface LayerWalk {
  layers: LayerReport[];
  stages: StageReport[];
  busy: BusyShare[];
  /** Busy time per image of each GPU (its layers share its cores and memory, one layer at a time): a bound on the period. */
  gpuBusy: Map<string, number>;
  hosts: Host[];
  transfers: Transfer[];
  gpuPlan: NonNullable<SimReport['gpu']>;
  /** Crossbars taken so far per tile type. */
  cursor: Map<string, number>;
  /** The host each layer runs on (an index into `hosts`). */
  hostOfLayer: Map<string, number>;
}

export const prod = (s: number[]): number => {
  let p = 1;
  for (const x of s) p *= x;
  return p;
};

/** Two hosts that are one and the same tile. */
function sameSingleTile(a: Host, b: Host): boolean {
  return (
    a.kind === 'tile' && b.kind === 'tile' && a.name === b.name && a.count === 1 && b.count === 1 && a.start === b.start
  );
}

/** The walk's state while it visits the layers in order. */
class Walker implements LayerWalk {
  layers: LayerReport[] = [];
  stages: StageReport[] = [];
  busy: BusyShare[] = [];
  gpuBusy = new Map<string, number>();
  hosts: Host[] = [{ kind: 'io', name: 'io', start: 0, count: 1 }];
  transfers: Transfer[] = [];
  gpuPlan: NonNullable<SimReport['gpu']> = { layers: [], transfer_bits: 0, transfer_latency_s: 0, utilisation: [] };
  cursor = new Map<string, number>();
  hostOfLayer = new Map<string, number>();
  cur = 0;
  /**
   * The tile host of a digital layer that opens the model (a GCN's input dropout), which runs on its weight
   * layer's first tile: when that layer is on this one tile too, the input is already there, and a flow to it
   * would count the input twice in the NoC's bits per image.
   */
  openingHost = -1;
  curTile: TileModel | undefined;
  curTiles = 0;
  stage: StageReport | undefined;

  constructor(
    readonly r: Resolved,
    readonly tiles: Map<string, TileModel>,
    readonly gnn: GnnReport | null,
    readonly warnings: Set<string>,
  ) {}

  get inputBits(): number {
    return this.r.mapping.input_bits;
  }

  /** A layer's clock: its tile's (its partition's own, else the chip's). */
  clockOf(t: TileModel | undefined): number {
    return t?.clock ?? this.r.arch.clock_hz;
  }

  /**
   * Crossbars per layer, consecutively per tile type, so small layers share a tile as the compiler packs
   * them; a layer's tiles are those its crossbars fall in (the NoC places a type's tiles along a snake).
   */
  take(tt: string, crossbars: number): [number, number] {
    const per = this.tiles.get(tt)!.tt.crossbars_per_tile || 1;
    const start = this.cursor.get(tt) ?? 0;
    this.cursor.set(tt, start + crossbars);
    const first = Math.floor(start / per);
    const last = Math.floor((start + Math.max(1, crossbars) - 1) / per);
    return [first, last - first + 1];
  }

  actBits(l: IrLayer): number {
    return prod(l.input_shape) * this.inputBits;
  }

  newStage(name: string): StageReport {
    const s = { name, layers: [], period_s: 0, latency_s: 0 };
    this.stages.push(s);
    return s;
  }

  joinStage(s: StageReport, rep: LayerReport): void {
    s.layers.push(rep.name);
    s.period_s = Math.max(s.period_s, rep.time_s);
    s.latency_s += rep.latency_s;
  }

  moveTo(host: number, bits: number, label: string, manyToFew = false): void {
    const { hosts } = this;
    const stays = this.cur === this.openingHost && sameSingleTile(hosts[this.cur]!, hosts[host]!);
    if (host !== this.cur && !stays) {
      const gpu = hosts[this.cur]!.kind === 'gpu' || hosts[host]!.kind === 'gpu';
      this.transfers.push({
        from: this.cur,
        to: host,
        bits,
        group: hosts[this.cur]!.kind === 'io' ? 'input' : label,
        manyToFew,
        gpu,
      });
      // Partition crossings to and from the GPU (over TSVs in a stacked chip).
      if (gpu) this.gpuPlan.transfer_bits += bits;
    }
    this.cur = host;
  }

  addTileHost(name: string, start: number, count: number): number {
    this.hosts.push({ kind: 'tile', name, start, count });
    return this.hosts.length - 1;
  }

  crossbar(layer: IrLayer): void {
    const p = this.r.placements[layer.index]!;
    const t = this.tiles.get(p.target)!;
    const res = crossbarLayer(t, layer, p, this.inputBits);
    const [start, count] = this.take(p.target, p.crossbar!.crossbars_total);
    this.moveTo(this.addTileHost(p.target, start, count), this.actBits(layer), `→${layer.name}`);
    this.hostOfLayer.set(layer.name, this.cur);
    this.layers.push(res.report);
    this.busy.push({
      layer: layer.name,
      host: this.cur,
      tile: t,
      tiles: p.crossbar!.crossbars_total / (t.tt.crossbars_per_tile || 1),
      busy_tile_s: res.busy_tile_s,
    });
    this.stage = this.newStage(layer.name);
    this.joinStage(this.stage, res.report);
    this.curTile = t;
    this.curTiles = count;
    const plan = this.gnn?.layers.find((a) => a.layer === layer.name);
    if (!plan) return;
    const st = this.tiles.get(plan.target)!;
    const agg = aggregateLayer(st, plan, layer, this.inputBits);
    const [as, ac] = this.take(plan.target, plan.crossbars);
    // V→E: each stored block's crossbar receives the rows of XW it needs.
    this.moveTo(
      this.addTileHost(plan.target, as, ac),
      plan.rows_needed * plan.features_out * this.inputBits,
      `${layer.name} V→E`,
      true,
    );
    this.hostOfLayer.set(agg.report.name, this.cur);
    this.layers.push(agg.report);
    this.busy.push({
      layer: agg.report.name,
      host: this.cur,
      tile: st,
      tiles: plan.crossbars / (st.tt.crossbars_per_tile || 1),
      busy_tile_s: agg.busy_tile_s,
    });
    this.stage = this.newStage(agg.report.name);
    this.joinStage(this.stage, agg.report);
    this.curTile = st;
    this.curTiles = ac;
  }

  addGpuLayer(rep: LayerReport, gpuName: string, layer: IrLayer): void {
    this.layers.push(rep);
    this.gpuPlan.layers.push({ name: layer.name, kind: layer.kind, gpu: gpuName, cost: rep.gpu! });
    this.gpuBusy.set(gpuName, (this.gpuBusy.get(gpuName) ?? 0) + rep.time_s);
  }

  gpu(layer: IrLayer): void {
    const p = this.r.placements[layer.index]!;
    const g = this.r.gpus.get(p.target)!;
    const rep = gpuLayer(g, layer, p);
    const onGpu = this.hosts[this.cur]?.kind === 'gpu' && this.hosts[this.cur]!.name === g.name;
    if (!onGpu) this.hosts.push({ kind: 'gpu', name: g.name, start: 0, count: g.count });
    this.moveTo(onGpu ? this.cur : this.hosts.length - 1, this.actBits(layer), `→${layer.name}`);
    this.hostOfLayer.set(layer.name, this.cur);
    this.addGpuLayer(rep, g.name, layer);
    this.stage = this.newStage(layer.name);
    this.joinStage(this.stage, rep);
    this.curTile = undefined;
    this.curTiles = 0;
  }

  /** Digital layers run beside their producer; a layer that opens the model runs on its target tile. */
  digital(layer: IrLayer): void {
    const p = this.r.placements[layer.index];
    if (this.cur === 0 && p) {
      const t = this.tiles.get(p.target);
      if (t) {
        const [start] = this.take(p.target, 0);
        this.moveTo(this.addTileHost(p.target, start, 1), this.actBits(layer), `→${layer.name}`);
        this.openingHost = this.cur;
        this.curTile = t;
        this.curTiles = 1;
      }
    }
    // A GPU host runs its digital neighbours on the GPU: the roofline covers them.
    let rep: LayerReport;
    if (this.hosts[this.cur]?.kind === 'gpu') {
      const g = this.r.gpus.get(this.hosts[this.cur]!.name)!;
      rep = gpuLayer(g, layer, {
        layer: layer.name,
        index: layer.index,
        kind: layer.kind,
        engine: 'gpu',
        partition: g.partition,
        target: g.name,
      });
      this.addGpuLayer(rep, g.name, layer);
    } else {
      rep = digitalLayer(layer, p, this.curTile, this.curTiles, this.clockOf(this.curTile), this.warnings);
      this.layers.push(rep);
    }
    if (!this.stage) this.stage = this.newStage(layer.name);
    this.joinStage(this.stage, rep);
    this.hostOfLayer.set(layer.name, this.cur);
    if (layer.kind === 'add' && layer.from) {
      const src = this.hostOfLayer.get(layer.from);
      const model = this.r.model;
      if (src === undefined)
        throw new SimError(
          `models[${model.name}].layers[${layer.name}].from`,
          `names '${layer.from}', which is not an earlier layer`,
        );
      if (src !== this.cur)
        this.transfers.push({
          from: src,
          to: this.cur,
          bits: prod(layer.output_shape) * this.inputBits,
          group: `${layer.from}⇢${layer.name}`,
        });
    }
  }

  /** The result back to the I/O port. */
  finish(): void {
    if (this.cur === 0) return;
    const outBits = prod(this.r.model.output_shape) * this.inputBits;
    const gpu = this.hosts[this.cur]!.kind === 'gpu';
    this.transfers.push({ from: this.cur, to: 0, bits: outBits, group: 'output', gpu });
    if (gpu) this.gpuPlan.transfer_bits += outBits;
  }
}

export function walkLayers(
  r: Resolved,
  tiles: Map<string, TileModel>,
  gnn: GnnReport | null,
  warnings: Set<string>,
): LayerWalk {
  const w = new Walker(r, tiles, gnn, warnings);
  for (const layer of r.model.layers) {
    const engine = r.placements[layer.index]?.engine;
    if (engine === 'crossbar') w.crossbar(layer);
    else if (engine === 'gpu') w.gpu(layer);
    else w.digital(layer);
  }
  w.finish();
  return w;
}
