export { formatSummary } from './text.js';
export { toJson, toCsv, toCsvFiles } from './data.js';
export { chartSpecs, type ChartSpec } from './charts.js';
export { renderHtml, renderCharts, renderSpecToSvg } from './html.js';
export { writeReports, type WriteOptions } from './write.js';
export { fmt } from './units.js';
