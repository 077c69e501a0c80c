// A toy chip small enough to compute every figure by hand (the arithmetic is in the tests):
//   clock 1 GHz; 4 tiles × 1 IMA × 2 crossbars of 8×8, 2-bit cells; ONE ADC per IMA (0.5 per crossbar),
//   1 GS/s, 1 pJ per conversion; array read 5 ns, 2 pJ per full read; 8 one-bit DACs per crossbar at 1 µW;
//   one maxpool unit per tile at 1 mW; a 2×2 mesh; 4-bit weights and inputs (S = 2 slices, 4 input cycles).
import type { IrArchitecture, IrProgram, IrTileType, IrLayer, IrModel } from '@pim/compiler';
import * as reference from './fixtures/reference-ir.js';

const { buildComponent, buildMapping, reram2b } = reference;

export function toyArchitecture(): IrArchitecture {
  const root = buildComponent({
    name: 'toy',
    kind: 'architecture',
    children: [
      {
        name: 'tile',
        kind: 'tile',
        count: 4,
        children: [
          { name: 'maxpool', kind: 'maxpool', power_w: 1e-3, area_m2: 1e-9 },
          {
            name: 'ima',
            kind: 'ima',
            count: 1,
            children: [
              {
                name: 'crossbar',
                kind: 'crossbar',
                count: 2,
                attributes: { rows: 8, cols: 8 },
                power_w: 0.4e-3,
                area_m2: 1e-12,
              },
              {
                name: 'adc',
                kind: 'adc',
                count: 1,
                attributes: { resolution: 6, rate: 1e9 },
                power_w: 1e-3,
                area_m2: 1e-9,
              },
              { name: 'dac', kind: 'dac', count: 16, attributes: { resolution: 1 }, power_w: 1e-6, area_m2: 1e-12 },
            ],
          },
        ],
      },
    ],
  });
  const tile = root.children[0]!;
  const tt: IrTileType = {
    name: 'tile',
    path: 'toy.tile',
    partition: 'p',
    count: 4,
    units_per_tile: 1,
    crossbars_per_unit: 2,
    crossbars_per_tile: 2,
    crossbar: {
      rows: 8,
      cols: 8,
      device: 'reram2b',
      bits_per_cell: 2,
      read_latency_s: 5e-9,
      power_w: 0.4e-3,
      area_m2: 1e-12,
      read_energy_j: 2e-12,
    },
    adcs_per_unit: 1,
    adc: { resolution_bits: 6, rate_hz: 1e9, power_w: 1e-3, area_m2: 1e-9, energy_per_conversion_j: 1e-12 },
    dacs_per_unit: 16,
    dac_bits: 1,
    buffer_bits: 0,
    buffer_access_energy_j: 0,
    buffer_bandwidth_bps: 0,
    power_w: tile.power_w,
    area_m2: tile.area_m2,
  };
  return {
    name: 'toy',
    clock_hz: 1e9,
    weight_bits: 4,
    input_bits: 4,
    root,
    partitions: [{ name: 'p', kind: 'reram', tier: 0, tiles: ['tile'], gpus: [] }],
    tile_types: [tt],
    gpus: [],
    noc: {
      topology: 'mesh',
      dims: [2, 2],
      flit_bits: 8,
      hop_latency_s: 1e-9,
      tiers: [],
      tsv_latency_s: 0,
      link_bandwidth_bps: 8e9,
      energy_per_bit_hop_j: 1e-12,
      router_power_w: 0,
    },
    links: [],
    totals: { power_w: root.power_w, area_m2: root.area_m2, crossbars: 8, tiles: 4, gpus: 0 },
    breakdown: [],
  };
}

function layer(
  index: number,
  name: string,
  kind: string,
  inShape: number[],
  outShape: number[],
  w?: { rows: number; cols: number },
  mvms = 0,
): IrLayer {
  const macs = w ? w.rows * w.cols * mvms : 0;
  const l: IrLayer = {
    index,
    name,
    kind,
    attributes: {},
    input_shape: inShape,
    output_shape: outShape,
    macs,
    params: w ? w.rows * w.cols : 0,
    mvms,
  };
  if (w) l.weights = w;
  return l;
}

/** conv a (K=12 → N=3, 10 output pixels, replicated 3×), maxpool, linear b (K=12 → N=3). */
export function toyModel(): IrModel {
  const layers = [
    layer(0, 'a', 'conv', [3, 4, 4], [3, 2, 5], { rows: 12, cols: 3 }, 10),
    layer(1, 'pool', 'maxpool', [3, 2, 5], [3, 1, 2]),
    layer(2, 'flat', 'flatten', [3, 1, 2], [6]),
    layer(3, 'b', 'linear', [6], [3], { rows: 6, cols: 3 }, 1),
  ];
  return {
    name: 'toynet',
    input: { kind: 'tensor', shape: [3, 4, 4] },
    layers,
    output_shape: [3],
    totals: { macs: layers.reduce((s, l) => s + l.macs, 0), params: 0, weight_layers: 2 },
  };
}

export function toyProgram(): IrProgram {
  const arch = toyArchitecture();
  const model = toyModel();
  const mapping = buildMapping(model, arch, { name: 'toymap', replicate: { a: 3, b: 1 } });
  return {
    ir_version: '1.0.0',
    sources: ['toy.pim'],
    constants: {},
    devices: [{ ...reram2b, write_latency_s: 10e-9, write_energy_j: 1e-12, endurance: 1000 }],
    architectures: [arch],
    models: [model],
    datasets: [
      { name: 'd', source: 'synthetic', kind: 'image', shape: [3, 4, 4], classes: 3, attributes: { samples: 100 } },
    ],
    mappings: [mapping],
    experiments: [
      {
        kind: 'train',
        name: 'toytrain',
        mapping: 'toymap',
        dataset: 'd',
        epochs: 2,
        batch: 10,
        seed: 1,
        numerics: { ideal: true, activation_bits: 4 },
      },
    ],
    explorations: [],
  };
}

/** Deep copy, so a test can break one field. */
export const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
