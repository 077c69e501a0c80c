// The one catalogue of diagnostics. Codes are stable: PIM1xxx syntax, PIM2xxx names, PIM3xxx units
// and types, PIM4xxx models, capacity and mapping, PIM5xxx experiments and exploration, PIM9xxx
// internal. Never renumber a code; retire it instead.
import type { Span } from './ast.js';
import { LineIndex } from './source.js';

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedInfo {
  uri: string;
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  uri: string;
  span: Span;
  related?: RelatedInfo[];
  /** Machine-readable extras for quick fixes, e.g. `{ replacement: 'mW' }`. */
  data?: { replacements?: string[] };
}

export interface DiagnosticDef<A extends unknown[]> {
  code: string;
  severity: Severity;
  title: string;
  message: (...args: A) => string;
}

function def<A extends unknown[]>(
  code: string,
  severity: Severity,
  title: string,
  message: (...args: A) => string,
): DiagnosticDef<A> {
  return { code, severity, title, message };
}

const q = (s: string): string => `'${s}'`;
const hint = (suggestion?: string): string => (suggestion ? `; did you mean ${q(suggestion)}?` : '');

/** `a time`, `an architecture`, `an information`: the indefinite article a message needs. */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

export const Diagnostics = {
  // ── PIM1xxx syntax ────────────────────────────────────────────────────────────
  unexpectedCharacter: def(
    'PIM1001',
    'error',
    'Unexpected character',
    (text: string) => `unexpected character ${JSON.stringify(text)}`,
  ),
  unterminatedString: def('PIM1002', 'error', 'Unterminated string', () => 'unterminated string literal'),
  unterminatedComment: def('PIM1003', 'error', 'Unterminated comment', () => 'unterminated block comment'),
  expectedToken: def(
    'PIM1004',
    'error',
    'Expected a token',
    (expected: string, found: string) => `expected ${expected} but found ${found}`,
  ),
  unexpectedToken: def(
    'PIM1005',
    'error',
    'Unexpected token',
    (found: string, context: string) => `unexpected ${found} in ${context}`,
  ),
  unexpectedEnd: def(
    'PIM1006',
    'error',
    'Unexpected end of file',
    (expected: string) => `unexpected end of file; expected ${expected}`,
  ),
  misplaced: def(
    'PIM1007',
    'error',
    'Construct not allowed here',
    (what: string, where: string) => `${what} is not allowed in ${where}`,
  ),
  badNumber: def('PIM1008', 'error', 'Malformed number', (raw: string) => `malformed number ${q(raw)}`),
  // Resource limits (grammar/src/limits.ts): each names the limit it enforces.
  nestingTooDeep: def(
    'PIM1100',
    'error',
    'Nesting too deep',
    (limit: number) => `brackets nested more than ${limit} deep (the nesting limit); the text inside is skipped`,
  ),
  expressionTooDeep: def(
    'PIM1101',
    'error',
    'Expression too deep',
    (limit: number) =>
      `this expression nests more than ${limit} operators, signs and indexes (the expression depth limit)`,
  ),
  tooManyTokens: def(
    'PIM1102',
    'error',
    'Too many tokens',
    (limit: number) => `the file has more than ${limit} tokens (the token limit); the rest is not parsed`,
  ),
  recoveryLimit: def(
    'PIM1103',
    'error',
    'Parser input limit',
    (limit: number) =>
      `parsing stopped here: the parser takes at most ${limit} tokens in one input (one declaration, or all that follows a syntax error), fewer when syntax errors follow one another (the parser input limit)`,
  ),
  tooManyDiagnostics: def(
    'PIM1104',
    'error',
    'Too many diagnostics',
    (limit: number, more: number) =>
      `${more} more diagnostic${more === 1 ? '' : 's'} of this file not shown (at most ${limit} per file: the diagnostic limit)`,
  ),
  fileTooLarge: def(
    'PIM1105',
    'error',
    'File too large',
    (bytes: number, limit: number) =>
      `the file has ${bytes} bytes, more than ${limit} (the file size limit); it is not read`,
  ),

  // ── PIM2xxx names ─────────────────────────────────────────────────────────────
  unknownName: def(
    'PIM2001',
    'error',
    'Unknown name',
    (name: string, suggestion?: string) => `unknown name ${q(name)}${hint(suggestion)}`,
  ),
  duplicateName: def('PIM2002', 'error', 'Duplicate name', (name: string) => `${q(name)} is defined more than once`),
  importNotFound: def(
    'PIM2003',
    'error',
    'Imported file not found',
    (path: string) => `cannot read imported file ${q(path)}`,
  ),
  importCycle: def('PIM2004', 'error', 'Import cycle', (cycle: string[]) => `import cycle: ${cycle.join(' → ')}`),
  unknownKind: def(
    'PIM2005',
    'error',
    'Unknown block kind',
    (kind: string, where: string, suggestion?: string, fix?: string) =>
      `unknown ${where} kind ${q(kind)}${hint(suggestion)}${fix ? `. ${fix}` : ''}`,
  ),
  unknownAttribute: def(
    'PIM2006',
    'error',
    'Unknown attribute',
    (attr: string, cls: string, suggestion?: string) => `${q(cls)} has no attribute ${q(attr)}${hint(suggestion)}`,
  ),
  duplicateAttribute: def(
    'PIM2007',
    'error',
    'Duplicate attribute',
    (attr: string) => `attribute ${q(attr)} is given more than once`,
  ),
  missingAttribute: def(
    'PIM2008',
    'error',
    'Missing attribute',
    (attr: string, what: string) => `${what} needs the attribute ${q(attr)}`,
  ),
  wrongReferenceKind: def(
    'PIM2009',
    'error',
    'Wrong kind of reference',
    (name: string, expected: string, actual: string) =>
      `${q(name)} is ${withArticle(actual)}, but ${withArticle(expected)} is expected here`,
  ),
  unknownFunction: def(
    'PIM2010',
    'error',
    'Unknown function',
    (name: string, suggestion?: string) => `unknown function ${q(name)}${hint(suggestion)}`,
  ),
  unknownMember: def(
    'PIM2011',
    'error',
    'Unknown member',
    (name: string, owner: string, suggestion?: string) => `${q(owner)} has no member ${q(name)}${hint(suggestion)}`,
  ),
  classCycle: def(
    'PIM2012',
    'error',
    'Class inheritance cycle',
    (cycle: string[]) => `class inheritance cycle: ${cycle.join(' → ')}`,
  ),
  importNotSource: def(
    'PIM2100',
    'error',
    'Import of a non-source file',
    (path: string) => `cannot import ${q(path)}: only .pim sources can be imported`,
  ),
  importNotRegular: def(
    'PIM2101',
    'error',
    'Import of a special file',
    (path: string, what: string) => `cannot import ${q(path)}: it is ${what}, not a regular file`,
  ),
  tooManyFiles: def(
    'PIM2102',
    'error',
    'Too many imported files',
    (limit: number) => `the program imports more than ${limit} files (the import limit); this import is not read`,
  ),
  constCycle: def(
    'PIM2013',
    'error',
    'Cyclic definition',
    (cycle: string[]) => `cyclic definition: ${cycle.join(' → ')}`,
  ),

  // ── PIM3xxx units and types ───────────────────────────────────────────────────
  unknownUnit: def(
    'PIM3001',
    'error',
    'Unknown unit',
    (unit: string, suggestion?: string) => `unknown unit ${q(unit)}${hint(suggestion)}`,
  ),
  dimensionMismatch: def(
    'PIM3002',
    'error',
    'Dimension mismatch',
    (op: string, left: string, right: string) => `cannot ${op} ${left} and ${right}`,
  ),
  wrongDimension: def(
    'PIM3003',
    'error',
    'Wrong dimension',
    (what: string, expected: string, actual: string) => `${what} must be ${expected}, but this is ${actual}`,
  ),
  wrongType: def(
    'PIM3004',
    'error',
    'Wrong type',
    (what: string, expected: string, actual: string) => `${what} must be ${expected}, but this is ${actual}`,
  ),
  badEnumValue: def(
    'PIM3005',
    'error',
    'Invalid choice',
    (what: string, value: string, choices: string[], suggestion?: string) =>
      `${q(value)} is not a valid ${what}; expected one of ${choices.join(', ')}${hint(suggestion)}`,
  ),
  badCount: def(
    'PIM3006',
    'error',
    'Invalid count',
    (what: string, value: string) => `${what} must be a positive whole number, but it is ${value}`,
  ),
  notFinite: def(
    'PIM3007',
    'error',
    'Not a finite number',
    (what: string) => `${what} does not evaluate to a finite number (division by zero or overflow)`,
  ),
  nonScalarExponent: def(
    'PIM3008',
    'error',
    'Exponent with a unit',
    (dim: string) => `an exponent must be dimensionless, but this is ${dim}`,
  ),
  badRange: def('PIM3009', 'error', 'Invalid range', (reason: string) => `invalid range: ${reason}`),
  outOfRange: def(
    'PIM3010',
    'error',
    'Value out of range',
    (what: string, value: string, bounds: string) => `${what} is ${value}, but it must be ${bounds}`,
  ),
  notConstant: def('PIM3011', 'error', 'Not a constant', (what: string) => `${what} must be a constant expression`),
  badArgument: def('PIM3012', 'error', 'Bad function argument', (fn: string, reason: string) => `${fn}(): ${reason}`),
  cyclesWithoutClock: def(
    'PIM3250',
    'error',
    'Cycles without a clock',
    (what: string) =>
      `${what} is in cycles, but no clock encloses it: cycles become seconds only inside an architecture (at its clock, or its partition's) or a device (at the clock of each architecture whose crossbars use it); state a time here, e.g. '100 ns'`,
  ),

  bitsAboveTechnology: def(
    'PIM3251',
    'warning',
    'More bits per cell than the technology stores',
    (what: string, bits: string, technology: string, max: string) =>
      `${what} states ${bits} bits per cell, but ${technology} cells store at most ${max} (published figures: docs/simulator.md, device technologies); the stated ${bits} bits are used`,
  ),

  // ── PIM4xxx models, capacity and mapping ──────────────────────────────────────
  shapeMismatch: def(
    'PIM4001',
    'error',
    'Shape mismatch',
    (layer: string, reason: string) => `layer ${q(layer)}: ${reason}`,
  ),
  layerDoesNotFit: def(
    'PIM4002',
    'error',
    'Layer does not fit',
    (layer: string, needed: number, available: number, target: string) =>
      `layer ${q(layer)} needs ${needed} crossbars but ${q(target)} has ${available} available`,
  ),
  unplacedLayer: def(
    'PIM4003',
    'error',
    'Layer not placed',
    (layer: string, kind: string) => `layer ${q(layer)} (${kind}) is matched by no place rule`,
  ),
  placeMatchesNothing: def(
    'PIM4004',
    'warning',
    'Place rule matches nothing',
    (pattern: string) => `place rule ${q(pattern)} matches no layer`,
  ),
  unknownPlacementTarget: def(
    'PIM4005',
    'error',
    'Unknown placement target',
    (target: string, arch: string, suggestion?: string) =>
      `${q(target)} is not a partition, tile or GPU of ${q(arch)}${hint(suggestion)}`,
  ),
  needsGpu: def(
    'PIM4006',
    'error',
    'Layer needs full precision',
    (layer: string, kind: string) =>
      `layer ${q(layer)} (${kind}) needs division and square roots; place it on a GPU, not on crossbars`,
  ),
  missingInput: def(
    'PIM4007',
    'error',
    'Model has no input',
    (model: string) => `model ${q(model)} has no input: add 'input: tensor[C, H, W]' or 'input: graph { dataset: … }'`,
  ),
  graphLayerOnTensor: def(
    'PIM4008',
    'error',
    'Graph layer on a tensor',
    (layer: string) => `layer ${q(layer)} needs a graph input`,
  ),
  noCrossbars: def(
    'PIM4009',
    'error',
    'Target has no crossbars',
    (target: string) => `${q(target)} has no crossbars to hold weights`,
  ),
  emptyModel: def('PIM4010', 'warning', 'Model has no layers', (model: string) => `model ${q(model)} has no layers`),
  replicationExceeds: def(
    'PIM4011',
    'warning',
    'Replication limited',
    (layer: string) => `layer ${q(layer)} could not be replicated as asked: not enough crossbars`,
  ),
  unknownDatasetShape: def(
    'PIM4012',
    'error',
    'Unknown data set shape',
    (dataset: string, reason: string) => `data set ${q(dataset)}: ${reason}`,
  ),
  badInputShape: def(
    'PIM4013',
    'error',
    'Invalid model input',
    (model: string, shape: string, reason: string) => `model ${q(model)} has input ${shape}: ${reason}`,
  ),
  unknownExecutedKind: def(
    'PIM2250',
    'error',
    'Unit executes an unknown layer kind',
    (unit: string, kind: string, suggestion?: string) =>
      `${q(unit)} executes ${q(kind)}, which is not a layer kind${hint(suggestion)}`,
  ),
  statedVsDerived: def(
    'PIM4250',
    'warning',
    'Stated figure disagrees with its parts',
    (what: string, figure: string, stated: string, derived: string, pct: string) =>
      `${what}: stated ${figure} ${stated} differs from its parts' ${derived} by ${pct}; the stated figure is used in totals, and its parts' figures are scaled to it`,
  ),
  cmeshOverfull: def(
    'PIM4251',
    'error',
    'Concentrated mesh too small',
    (tiles: number, routers: number, concentration: number) =>
      `${tiles} tiles do not fit ${routers} routers × concentration ${concentration} = ${routers * concentration} tile ports`,
  ),
  tiersOnManyChips: def(
    'PIM4252',
    'warning',
    'Tiers that place nothing',
    (arch: string, chips: number) =>
      `'tiers' places partitions on the tiers of one chip; ${q(arch)} has ${chips} chips, whose units fill the chips one after another, tier after tier, so the list places none of them`,
  ),
  residualSource: def(
    'PIM4014',
    'error',
    'Invalid residual source',
    (layer: string, from: string, reason: string) => `layer ${q(layer)} cannot add ${q(from)}: ${reason}`,
  ),
  spreaderSmallerThanDie: def(
    'PIM4200',
    'error',
    'Spreader smaller than the die',
    (what: string, side: string, other: string) =>
      `${what} is ${side}, smaller than ${other}: the heat spreader must cover the die and the sink the spreader`,
  ),
  thermalTierUnknown: def(
    'PIM4201',
    'warning',
    'No tiers to stack',
    (arch: string) =>
      `${q(arch)} has a 'thermal' block but no 3D NoC: its tiles form one die, and 'sink_side' has no effect`,
  ),
  dieSmallerThanUnits: def(
    'PIM4202',
    'error',
    'Die smaller than its units',
    (arch: string, die: string, units: string, where: string) =>
      `the stated die of ${q(arch)} is ${die}, smaller than the ${units} of the tiles and GPU cores on ${where}: they would not fit, and the thermal model would put their power on too small an area; state a die at least that large, or none (it is then sized from the units' areas)`,
  ),

  // ── PIM5xxx experiments and exploration ───────────────────────────────────────
  unknownVaryPath: def(
    'PIM5001',
    'error',
    'Unknown design parameter',
    (path: string, reason: string) => `cannot vary ${q(path)}: ${reason}`,
  ),
  unknownObjective: def(
    'PIM5002',
    'error',
    'Unknown objective',
    (name: string, choices: string[], suggestion?: string) =>
      `unknown objective ${q(name)}; expected one of ${choices.join(', ')}${hint(suggestion)}`,
  ),
  emptyDomain: def('PIM5003', 'error', 'Empty design domain', (path: string) => `the domain of ${q(path)} is empty`),
  noObjectives: def(
    'PIM5004',
    'error',
    'No objectives',
    (name: string) => `exploration ${q(name)} needs at least one 'minimize' or 'maximize'`,
  ),
  badBudget: def(
    'PIM5325',
    'error',
    'Invalid budget',
    (what: string) =>
      `a budget is a number of epochs or evaluations (e.g. 45 epochs) or a CPU time of training (e.g. 2 h), but this is ${what}`,
  ),
  cpuBudgetWithoutTraining: def(
    'PIM5326',
    'error',
    'CPU-time budget without training',
    (name: string) =>
      `exploration ${q(name)} has no accuracy objective, so it trains nothing and a CPU-time budget cannot pay for anything; give the budget in evaluations`,
  ),
  faultRate: def(
    'PIM5005',
    'error',
    'Fault rates exceed 100%',
    (total: string) => `stuck-at fault rates add up to ${total}, more than all cells`,
  ),
  untrainableWeightBits: def(
    'PIM5006',
    'error',
    'Weight precision the trainer cannot compute',
    (what: string, mapping: string, bits: number, min: number, max: number) =>
      `${what} computes the ${bits}-bit weights of mapping ${q(mapping)} on crossbars, but the trainer's crossbar numerics support ${min} to ${max} bits: give the mapping weights of ${min} to ${max} bits, or state 'hardware: false' for ideal (fp32) numerics`,
  ),
  nothingToTrain: def(
    'PIM5007',
    'error',
    'Nothing to train',
    (what: string, model: string) =>
      `${what} trains model ${q(model)}, which has no weights to learn (no conv, linear, gcn or batchnorm layer): give it a layer with weights`,
  ),
  groupedConvNotTrainable: def(
    'PIM5008',
    'error',
    'Grouped convolution in a training',
    (what: string, layer: string, groups: number) =>
      `${what} trains conv ${q(layer)} of ${groups} groups, and the trainer computes ungrouped convolutions only (the simulator takes any): train it with 'groups: 1'`,
  ),
  adcPercentile: def(
    'PIM5150',
    'error',
    'ADC percentile out of range',
    (value: string) =>
      `'adc_percentile' is ${value}, but the calibrated range must cover more than 0% and at most 100% of the partial sums`,
  ),
  calibrationUnused: def(
    'PIM5151',
    'warning',
    'ADC calibration has no effect',
    (why: string) => `the ADC calibration settings have no effect: ${why}`,
  ),

  adcResolutionFixedByTraining: def(
    'PIM5152',
    'warning',
    'Varied ADC resolution fixed by the training',
    (path: string, experiment: string, bits: number) =>
      `${q(path)} is varied, but training ${q(experiment)} states 'adc_bits: ${bits} bit', which replaces every ADC's resolution in its numerics: each design's accuracy is trained at ${bits} bits and only its hardware figures follow ${q(path)}; remove 'adc_bits' from ${q(experiment)} to train each design at its own ADC resolution`,
  ),
  droplayerWithoutGraph: def(
    'PIM5155',
    'warning',
    'DropLayer on a model without aggregation',
    (experiment: string, model: string) =>
      `${q(experiment)} states 'droplayer', but model ${q(model)} has no gcn layer: DropLayer drops a GCN's features and edges, so it has no effect here`,
  ),
  objectiveNeedsThermal: def(
    'PIM5153',
    'error',
    'Peak temperature without a thermal model',
    (exploration: string, arch: string) =>
      `exploration ${q(exploration)} asks for peak_temperature, but architecture ${q(arch)}, which its experiment maps to, has no 'thermal' block: add one to compute temperatures from power`,
  ),
  accuracyNeedsTraining: def(
    'PIM5154',
    'error',
    'Accuracy without a training',
    (exploration: string, experiment: string) =>
      `exploration ${q(exploration)} asks for accuracy, but it evaluates ${q(experiment)}, a run: accuracy needs a train experiment to evaluate each design`,
  ),

  // ── PIM9xxx internal ──────────────────────────────────────────────────────────
  internalError: def('PIM9001', 'error', 'Internal error', (message: string) => `internal compiler error: ${message}`),
  formattingChangesMeaning: def(
    'PIM9002',
    'error',
    'Formatting would change the meaning',
    (where: string) =>
      `formatting would change what the file means (${where}), so it is left as written; this is a formatter bug`,
  ),
} as const;

export type DiagnosticKey = keyof typeof Diagnostics;

type ArgsOf<K extends DiagnosticKey> = (typeof Diagnostics)[K] extends DiagnosticDef<infer A> ? A : never;

/** Builds a diagnostic from the catalogue. */
export function diag<K extends DiagnosticKey>(key: K, uri: string, span: Span, ...args: ArgsOf<K>): Diagnostic {
  const d = Diagnostics[key] as unknown as DiagnosticDef<ArgsOf<K>>;
  return { code: d.code, severity: d.severity, message: d.message(...args), uri, span };
}

/** Every catalogue entry, for docs and for the test that each code has a golden case. */
export function catalogue(): { key: string; code: string; severity: Severity; title: string }[] {
  return Object.entries(Diagnostics).map(([key, d]) => ({ key, code: d.code, severity: d.severity, title: d.title }));
}

/** The line index of the text printed last: a file's diagnostics are printed one after another. */
let lastIndex: { text: string; index: LineIndex } | undefined;

/** Characters of a source line a code frame shows at most, around the diagnostic's column. */
const FRAME_WIDTH = 160;

/** `file:line:col: error PIM2001: message` with a code frame and a caret line under the span. */
export function formatDiagnostic(d: Diagnostic, text: string | undefined, displayPath = d.uri): string {
  // A file that was not read (too large, special) is named at its start.
  if (text === undefined)
    return `${displayPath}${d.span.start === 0 ? ':1:1' : ''}: ${d.severity} ${d.code}: ${d.message}`;
  if (lastIndex?.text !== text) lastIndex = { text, index: new LineIndex(text) };
  const index = lastIndex.index;
  const start = index.position(d.span.start);
  const end = index.position(Math.max(d.span.start, d.span.end));
  const lines = [`${displayPath}:${start.line}:${start.column}: ${d.severity} ${d.code}: ${d.message}`];
  const full = index.lineText(start.line);
  // A long line (a minified or binary file) is shown around the column, not whole.
  const from =
    full.length > FRAME_WIDTH
      ? Math.max(0, Math.min(start.column - 1 - FRAME_WIDTH / 4, full.length - FRAME_WIDTH))
      : 0;
  const src = full.slice(from, from + FRAME_WIDTH);
  const column = start.column - from;
  const gutter = String(start.line).length;
  const caretLen = Math.min(
    end.line === start.line ? Math.max(1, end.column - start.column) : Math.max(1, full.length - start.column + 1),
    Math.max(1, src.length - column + 1),
  );
  lines.push(`${' '.repeat(gutter)} |`);
  lines.push(`${start.line} | ${src.replace(/\t/g, ' ')}`);
  lines.push(`${' '.repeat(gutter)} | ${' '.repeat(column - 1)}${'^'.repeat(caretLen)}`);
  for (const r of d.related ?? []) {
    lines.push(`${' '.repeat(gutter)} = note: ${r.message} (${r.uri}@${r.span.start})`);
  }
  return lines.join('\n');
}

/** Sorts by file, then position, then code — the order every printer uses. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) =>
    a.uri < b.uri
      ? -1
      : a.uri > b.uri
        ? 1
        : a.span.start - b.span.start || a.span.end - b.span.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/**
 * Edit-distance suggestion: the closest candidate within a distance that scales with length. Case is
 * ignored for the distance (`ghz` finds `GHz`) but breaks ties (`mw` prefers `mW` to `MW`), and a swap
 * of two neighbouring letters counts as one edit (`aera` finds `area`). Remaining ties go to the
 * candidate that shares the longest start with the name (`ss` → `s`, not `Gs`), then alphabetically.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestKey: [number, number, number] = [Infinity, Infinity, Infinity];
  const limit = Math.max(1, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(lower, c.toLowerCase(), limit);
    if (d > limit || d > bestKey[0]) continue;
    const key: [number, number, number] = [d, editDistance(name, c, Infinity), -commonPrefix(lower, c.toLowerCase())];
    const cmp = key[0] - bestKey[0] || key[1] - bestKey[1] || key[2] - bestKey[2];
    if (cmp < 0 || (cmp === 0 && best !== undefined && c < best)) {
      bestKey = key;
      best = c;
    }
  }
  return best;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}
