// The analytic simulator's public API.
export { simulate, publishedFor, type SimulateOptions } from './simulate.js';
export { SimError } from './errors.js';
export { resolveMapping, type Resolved } from './resolve.js';
export { tileModel, stepTime, crossbarPeakOps, type TileModel } from './arch.js';
export { mvmCost, type MvmCost } from './mvm.js';
export { gpuCost, layerFlops, layerBytes, type GpuCost } from './gpu.js';
export { transposedMvm } from './training.js';
export type * from './types.js';
export { formatSummary } from '../report/text.js';
export { writeReports, type WriteOptions } from '../report/write.js';
export { toJson, toCsvFiles } from '../report/data.js';
export { renderHtml } from '../report/html.js';
export { simulateCommand, type SimulateArgs } from './cli.js';
export * as noc from '../noc/index.js';
export * as gnn from '../gnn/index.js';
export { renderSpecToSvg, renderCharts, chartSpecs, toCsv, fmt } from '../report/index.js';
export { objectivesOf, type HardwareObjectives } from './objectives.js';
export { overlappedLatency, rowsFraction } from './overlap.js';
