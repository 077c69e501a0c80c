// Models pass: unrolls `repeat`, checks every layer's attributes, infers shapes layer by layer, and
// counts MACs and parameters. Pure: its input is already evaluated (numbers, strings, booleans), so it
// knows nothing of units or name resolution. A shape error is reported AT THE LAYER that breaks and
// inference goes on with a best-effort shape, so later independent errors still show.
//
// Conventions (stated once, used everywhere below):
// - Shapes have no batch dimension: images are [C, H, W], flat vectors [F], graph node features [N, F].
// - MACs are per sample (per graph for GNNs). Counted as multiply-accumulates of the layer's arithmetic:
//     conv      Cout·Hout·Wout·(Cin/groups)·kh·kw
//     linear    in·out                       (node-wise on [N, F]: N·F·out)
//     gcn       N·F·out (combination H·W) + nnz·out (aggregation Â·(HW)) when the edge count is known,
//               nnz = 2·edges + N (both directions of each undirected edge plus the self loops of A + I)
//     batchnorm one per element (inference folds it to x·γ' + β')
//     avgpool   Cout·Hout·Wout·kh·kw accumulations; readout mean/sum N·F accumulations
//     relu, sigmoid, tanh, softmax, dropout, flatten, add, maxpool, readout max: 0 (no multiply-accumulate)
// - Parameters (trainable): conv Cout·(Cin/groups)·kh·kw (+Cout bias), linear in·out (+out),
//   gcn F·out (+out), batchnorm 2·C (γ, β; the running mean and variance are buffers, not parameters).
// - Weight matrix as crossbars see it (K rows of fan-in × N output columns): conv K = (Cin/groups)·kh·kw,
//   N = Cout (the groups side by side); linear K = in, N = out; gcn K = F, N = out.
// - MVMs per sample: conv Hout·Wout (one per output pixel), linear 1 (N node-wise), gcn N (one per node).
//
// Naming: a layer keeps its given name; a layer with no name is called `kind_index` (index = its 0-based
// position in the unrolled model). Inside `repeat N { … }` a named layer `c1` is unrolled as `c1_1` …
// `c1_N` (1-based iteration; nested repeats append one suffix per level: `c1_2_1`). Place rules match the
// unrolled names, so `c1*` catches every copy. `add { from: x }` refers to the most recent earlier layer
// whose given or unrolled name is `x` — inside a repeat that is this iteration's copy when `x` comes
// earlier in the body, else the previous iteration's copy, else a layer before the repeat (the name may
// repeat one outside the repeat for exactly this: the residual input of a block).
import { diag, didYouMean } from '@pim/grammar';
import type { Diagnostic, Span } from '@pim/grammar';
import type { AttrValue, IrInput, IrLayer, IrModel } from '@pim/ir';

export type LayerAttr = number | string | boolean | number[];

export interface LayerSpec {
  kind: string;
  name?: string;
  attrs: Record<string, LayerAttr>;
  span: Span;
  nameSpan?: Span;
  /** Optional span of each attribute (its value), for sharper error locations. */
  attrSpans?: Record<string, Span>;
  /** Optional span of each attribute's key (where an unknown attribute is reported). */
  keySpans?: Record<string, Span>;
  /** Attributes given with a value already reported as wrong: not reported again as missing. */
  invalid?: string[];
  uri: string;
}

export interface RepeatSpec {
  kind: 'repeat';
  count: number;
  body: (LayerSpec | RepeatSpec)[];
  span: Span;
  /** Optional span of the count expression. */
  countSpan?: Span;
  uri: string;
}

export type ModelInputSpec =
  | { kind: 'tensor'; shape: number[]; classes?: number; dataset?: string }
  | { kind: 'graph'; dataset: string; nodes: number; features: number; classes: number; edges?: number };

export interface ModelSpec {
  name: string;
  uri: string;
  span: Span;
  /** Optional span of the model's name and of its `input:` attribute. */
  nameSpan?: Span;
  inputSpan?: Span;
  input?: ModelInputSpec;
  body: (LayerSpec | RepeatSpec)[];
}

/** Where each unrolled layer came from (copies of a repeated layer share the span). */
export interface LayerOrigin {
  uri: string;
  span: Span;
  nameSpan?: Span;
}

// ── Layer kinds and their attributes (exported for docs, hover and completion) ─────────────────────

export type AttrType =
  | { type: 'count' } // positive whole number
  | { type: 'pair' } // positive whole number, or [h, w]
  | { type: 'padding' } // whole number ≥ 0, [h, w], or `same`
  | { type: 'bool' }
  | { type: 'rate' } // 0 ≤ x < 1
  | { type: 'fraction' } // 0 ≤ x ≤ 1
  | { type: 'positive' } // number > 0
  | { type: 'layer' } // name of an earlier layer
  | { type: 'enum'; choices: string[] };

export interface AttrSchema {
  type: AttrType;
  required?: boolean;
  /** Default when omitted; `stride` of a pool defaults to its `size` (null here). */
  default?: LayerAttr | null;
  doc: string;
}

export interface LayerSchema {
  doc: string;
  /** Has a weight matrix that goes on crossbars. */
  weights: boolean;
  attrs: Record<string, AttrSchema>;
}

const T = {
  count: { type: 'count' } as AttrType,
  pair: { type: 'pair' } as AttrType,
  padding: { type: 'padding' } as AttrType,
  bool: { type: 'bool' } as AttrType,
  rate: { type: 'rate' } as AttrType,
  fraction: { type: 'fraction' } as AttrType,
  positive: { type: 'positive' } as AttrType,
  layer: { type: 'layer' } as AttrType,
};

const poolAttrs: Record<string, AttrSchema> = {
  size: { type: T.pair, default: 2, doc: 'window size, or [h, w]' },
  stride: { type: T.pair, default: null, doc: 'step, or [h, w]; defaults to the size' },
  padding: { type: T.padding, default: 0, doc: 'zero padding on each side, [h, w], or `same`' },
};

export const LAYER_KINDS: Record<string, LayerSchema> = {
  conv: {
    doc: '2-D convolution over a [C, H, W] input.',
    weights: true,
    attrs: {
      out: { type: T.count, required: true, doc: 'output channels' },
      kernel: { type: T.pair, required: true, doc: 'kernel size, or [h, w]' },
      stride: { type: T.pair, default: 1, doc: 'step, or [h, w]' },
      padding: { type: T.padding, default: 0, doc: 'zero padding on each side, [h, w], or `same`' },
      groups: { type: T.count, default: 1, doc: 'channel groups; must divide the input and output channels' },
      bias: { type: T.bool, default: true, doc: 'adds one bias per output channel' },
    },
  },
  linear: {
    doc: 'Fully connected layer over a flat [F] input (node-wise over graph features [N, F]).',
    weights: true,
    attrs: {
      out: { type: T.count, required: true, doc: 'output features' },
      bias: { type: T.bool, default: true, doc: 'adds one bias per output' },
    },
  },
  relu: { doc: 'Rectified linear unit.', weights: false, attrs: {} },
  sigmoid: { doc: 'Logistic sigmoid.', weights: false, attrs: {} },
  tanh: { doc: 'Hyperbolic tangent.', weights: false, attrs: {} },
  softmax: { doc: 'Softmax over the features.', weights: false, attrs: {} },
  batchnorm: {
    doc: 'Batch normalization per channel; needs division and square roots (full precision, GPU).',
    weights: false,
    attrs: {
      eps: { type: T.positive, default: 1e-5, doc: 'added to the variance' },
      momentum: { type: T.fraction, default: 0.1, doc: 'running-statistics update rate' },
    },
  },
  maxpool: { doc: 'Max pooling over a [C, H, W] input.', weights: false, attrs: poolAttrs },
  avgpool: { doc: 'Average pooling over a [C, H, W] input.', weights: false, attrs: poolAttrs },
  dropout: {
    doc: 'Drops features at random while training.',
    weights: false,
    attrs: { rate: { type: T.rate, default: 0.5, doc: 'fraction dropped, 0 ≤ rate < 1' } },
  },
  flatten: { doc: 'Flattens [C, H, W] to [C·H·W].', weights: false, attrs: {} },
  add: {
    doc: 'Residual addition of an earlier layer’s output; shapes must match.',
    weights: false,
    attrs: { from: { type: T.layer, required: true, doc: 'the earlier layer whose output is added' } },
  },
  gcn: {
    doc: 'Graph convolution H′ = Â·H·W over node features [N, F] → [N, out].',
    weights: true,
    attrs: {
      out: { type: T.count, required: true, doc: 'output features per node' },
      bias: { type: T.bool, default: true, doc: 'adds one bias per output feature' },
    },
  },
  readout: {
    doc: 'Graph-level pooling of node features [N, F] → [F].',
    weights: false,
    attrs: { op: { type: { type: 'enum', choices: ['mean', 'sum', 'max'] }, default: 'mean', doc: 'pooling operation' } },
  },
};

/** Layer kinds whose weights go on crossbars. */
export const WEIGHT_LAYER_KINDS: readonly string[] = Object.keys(LAYER_KINDS).filter((k) => LAYER_KINDS[k]!.weights);

/** Above this many unrolled layers a model is rejected (guards against `repeat 1e9`). */
export const MAX_LAYERS = 20_000;

// ── Entry points ─────────────────────────────────────────────────────────────────────────────────

export function inferModel(spec: ModelSpec, report: (d: Diagnostic) => void): IrModel {
  return inferModelDetailed(spec, report).model;
}

/** Like inferModel, and also gives where each unrolled layer was declared (keyed by IrLayer.name). */
export function inferModelDetailed(
  spec: ModelSpec,
  report: (d: Diagnostic) => void,
): { model: IrModel; origins: Record<string, LayerOrigin> } {
  const input = checkInput(spec, report);
  // Layers already reported as duplicates in their own body (not reported again after unrolling).
  const duplicates = new Set<LayerSpec>();
  const flat = unroll(spec, duplicates, report);
  assignNames(flat, duplicates, report);
  if (flat.length === 0) report(diag('emptyModel', spec.uri, spec.nameSpan ?? spec.span, spec.name));

  const layers: IrLayer[] = [];
  const origins: Record<string, LayerOrigin> = {};
  let shape: Shape = input.shape;
  for (let i = 0; i < flat.length; i++) {
    const f = flat[i]!;
    const r = inferLayer({ flat, index: i, layers, graph: input.ir.kind === 'graph' ? input.ir : undefined, inputKnown: spec.input !== undefined, report }, shape);
    const layer: IrLayer = {
      index: i,
      name: f.name,
      kind: f.spec.kind,
      attributes: r.attributes,
      input_shape: shape ?? [],
      output_shape: r.out ?? [],
      macs: r.macs,
      params: r.params,
      mvms: r.mvms,
    };
    if (r.weights) layer.weights = r.weights;
    if (r.from !== undefined) layer.from = r.from;
    layers.push(layer);
    const origin: LayerOrigin = { uri: f.spec.uri, span: f.spec.span };
    if (f.spec.nameSpan) origin.nameSpan = f.spec.nameSpan;
    origins[f.name] = origin;
    shape = r.out;
  }

  const model: IrModel = {
    name: spec.name,
    input: input.ir,
    layers,
    output_shape: shape ?? [],
    totals: {
      macs: layers.reduce((s, l) => s + l.macs, 0),
      params: layers.reduce((s, l) => s + l.params, 0),
      weight_layers: layers.filter((l) => l.weights !== undefined).length,
    },
  };
  return { model, origins };
}

// ── Input ────────────────────────────────────────────────────────────────────────────────────────

/** A shape, or null when unknown after an earlier error (then nothing downstream is checked). */
type Shape = number[] | null;

type GraphInput = Extract<IrInput, { kind: 'graph' }>;

function checkInput(spec: ModelSpec, report: (d: Diagnostic) => void): { ir: IrInput; shape: Shape } {
  const at = spec.inputSpan ?? spec.nameSpan ?? spec.span;
  const inp = spec.input;
  if (!inp) {
    report(diag('missingInput', spec.uri, spec.nameSpan ?? spec.span, spec.name));
    return { ir: { kind: 'tensor', shape: [] }, shape: null };
  }
  if (inp.kind === 'tensor') {
    const ir: IrInput = { kind: 'tensor', shape: [...inp.shape] };
    if (inp.classes !== undefined) ir.classes = inp.classes;
    if (inp.dataset !== undefined) ir.dataset = inp.dataset;
    const bad = inp.shape.find((d) => !isCount(d));
    if (bad !== undefined) {
      report(diag('badCount', spec.uri, at, 'a tensor dimension', String(bad)));
      return { ir, shape: null };
    }
    if (inp.shape.length !== 1 && inp.shape.length !== 3) {
      report(diag('badInputShape', spec.uri, at, spec.name, fmt(inp.shape), 'a tensor input is [C, H, W] (an image) or [F] (a vector)'));
      return { ir, shape: null };
    }
    return { ir, shape: [...inp.shape] };
  }
  const ir: GraphInput = { kind: 'graph', dataset: inp.dataset, nodes: inp.nodes, features: inp.features, classes: inp.classes };
  if (inp.edges !== undefined) ir.edges = inp.edges;
  const fields: [string, number | undefined][] = [
    ['nodes', inp.nodes],
    ['features', inp.features],
    ['classes', inp.classes],
  ];
  let ok = true;
  for (const [what, v] of fields) {
    if (!isCount(v)) {
      report(diag('badCount', spec.uri, at, `the graph's ${what}`, String(v)));
      ok = false;
    }
  }
  if (inp.edges !== undefined && !(Number.isSafeInteger(inp.edges) && inp.edges >= 0)) {
    report(diag('outOfRange', spec.uri, at, "the graph's edges", String(inp.edges), 'a whole number ≥ 0'));
    delete ir.edges;
  }
  return { ir, shape: ok ? [inp.nodes, inp.features] : null };
}

// ── Unrolling and naming ─────────────────────────────────────────────────────────────────────────

interface FlatLayer {
  spec: LayerSpec;
  /** The name as written (undefined when unnamed). */
  given?: string;
  /** Unrolled name: `c1`, `c1_2`, or `kind_index` for unnamed layers. */
  name: string;
}

function isRepeat(item: LayerSpec | RepeatSpec): item is RepeatSpec {
  return item.kind === 'repeat' && 'body' in item;
}

function unroll(spec: ModelSpec, duplicates: Set<LayerSpec>, report: (d: Diagnostic) => void): FlatLayer[] {
  const out: FlatLayer[] = [];
  let truncated = false;
  const walk = (body: (LayerSpec | RepeatSpec)[], suffix: string): void => {
    checkDuplicateNames(body, duplicates, report);
    for (const item of body) {
      if (truncated) return;
      if (isRepeat(item)) {
        let n = item.count;
        if (!isCount(n)) {
          report(diag('badCount', item.uri, item.countSpan ?? item.span, 'a repeat count', String(n)));
          n = Number.isFinite(n) && n >= 1 ? Math.floor(n) : 0;
        }
        for (let i = 1; i <= n && !truncated; i++) walk(item.body, `${suffix}_${i}`);
        continue;
      }
      if (out.length >= MAX_LAYERS) {
        truncated = true;
        report(diag('outOfRange', item.uri, item.span, `model '${spec.name}' unrolled`, `more than ${MAX_LAYERS} layers`, `at most ${MAX_LAYERS} layers`));
        return;
      }
      const flat: FlatLayer = { spec: item, name: item.name !== undefined ? item.name + suffix : '' };
      if (item.name !== undefined) flat.given = item.name;
      out.push(flat);
    }
  };
  walk(spec.body, '');
  return out;
}

/** Two layers with one name in the same body (repeat copies are told apart by their suffix). */
function checkDuplicateNames(body: (LayerSpec | RepeatSpec)[], duplicates: Set<LayerSpec>, report: (d: Diagnostic) => void): void {
  // Bodies are short: a scan of the earlier items, with no Map per body, up to a few dozen items.
  const seen = body.length > SCAN_LIMIT ? new Map<string, LayerSpec>() : undefined;
  for (let i = 0; i < body.length; i++) {
    const item = body[i]!;
    if (isRepeat(item) || item.name === undefined) continue;
    const first = seen ? seen.get(item.name) : firstNamed(body, i, item.name);
    if (first) {
      duplicates.add(item);
      const d = diag('duplicateName', item.uri, item.nameSpan ?? item.span, item.name);
      d.related = [{ uri: first.uri, span: first.nameSpan ?? first.span, message: `'${item.name}' is first defined here` }];
      report(d);
    } else seen?.set(item.name, item);
  }
}

const SCAN_LIMIT = 32;

/** The first layer before `end` named `name`. */
function firstNamed(body: (LayerSpec | RepeatSpec)[], end: number, name: string): LayerSpec | undefined {
  for (let j = 0; j < end; j++) {
    const item = body[j]!;
    if (!isRepeat(item) && item.name === name) return item;
  }
  return undefined;
}

/**
 * Unrolled names of named layers may still collide (`c1_1` written outside a repeat of `c1`): reported
 * once per repeated body copy is noise, so only the first collision per name is reported. Unnamed layers
 * get `kind_index`, with a further `_k` when a given name already took it.
 */
function assignNames(flat: FlatLayer[], duplicates: Set<LayerSpec>, report: (d: Diagnostic) => void): void {
  const taken = new Map<string, FlatLayer>();
  const reported = new Set<string>();
  const clashes: FlatLayer[] = [];
  for (const f of flat) {
    if (f.given === undefined) continue;
    const first = taken.get(f.name);
    if (!first) {
      taken.set(f.name, f);
      continue;
    }
    clashes.push(f);
    if (!reported.has(f.name) && !duplicates.has(f.spec)) {
      reported.add(f.name);
      const d = diag('duplicateName', f.spec.uri, f.spec.nameSpan ?? f.spec.span, f.name);
      d.related = [{ uri: first.spec.uri, span: first.spec.nameSpan ?? first.spec.span, message: `'${f.name}' is also the name of this layer (after unrolling)` }];
      report(d);
    }
  }
  // Reported clashes still get distinct names, so that later passes can tell the layers apart.
  for (const f of clashes) {
    const base = f.name;
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    f.name = name;
    taken.set(name, f);
  }
  flat.forEach((f, i) => {
    if (f.given !== undefined) return;
    const base = `${f.spec.kind}_${i}`;
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    f.name = name;
    taken.set(name, f);
  });
}

// ── Attributes ───────────────────────────────────────────────────────────────────────────────────

type Norm = number | boolean | string | [number, number] | [number, number, number, number];
/** A layer's checked attributes by name (a plain object: one Map per layer was a large share of the pass). */
type Norms = Record<string, Norm | undefined>;

const describe = (v: LayerAttr): string =>
  Array.isArray(v) ? `the list [${v.join(', ')}]` : typeof v === 'string' ? `the name '${v}'` : typeof v === 'boolean' ? `the boolean ${v}` : `the number ${v}`;

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

/**
 * Checks one layer's attributes against its kind's schema and returns normalized values:
 * pairs as [h, w], padding as [h, w] or 'same', defaults filled in. A wrong or missing value is
 * reported and left out, so the layer's inference treats it as unknown.
 */
const entriesOfSchema = new WeakMap<LayerSchema, [string, AttrSchema][]>();

/** A layer kind's attributes in order, listed once per kind rather than once per layer. */
function schemaEntries(schema: LayerSchema): [string, AttrSchema][] {
  let entries = entriesOfSchema.get(schema);
  if (!entries) entriesOfSchema.set(schema, (entries = Object.entries(schema.attrs)));
  return entries;
}

function attrSpan(spec: LayerSpec, key: string): Span {
  return spec.attrSpans?.[key] ?? spec.span;
}

function readAttrs(spec: LayerSpec, name: string, schema: LayerSchema, report: (d: Diagnostic) => void): Norms {
  const out: Norms = {};
  for (const key of Object.keys(spec.attrs)) {
    if (!(key in schema.attrs)) report(diag('unknownAttribute', spec.uri, spec.keySpans?.[key] ?? attrSpan(spec, key), key, spec.kind, didYouMean(key, Object.keys(schema.attrs))));
  }
  for (const [key, s] of schemaEntries(schema)) {
    const raw = spec.attrs[key];
    if (raw === undefined) {
      if (s.required && !spec.invalid?.includes(key)) report(diag('missingAttribute', spec.uri, spec.nameSpan ?? spec.span, key, `${spec.kind} layer '${name}'`));
      else if (s.default !== undefined && s.default !== null) {
        const d = normalize(s.type, s.default);
        if (d !== undefined) out[key] = d;
      }
      continue;
    }
    const v = normalize(s.type, raw);
    if (v !== undefined) {
      out[key] = v;
      continue;
    }
    const what = `'${key}' of layer '${name}'`;
    const t = s.type;
    switch (t.type) {
      case 'count':
      case 'pair':
        if (typeof raw === 'number' || (t.type === 'pair' && Array.isArray(raw) && raw.length === 2)) {
          report(diag('badCount', spec.uri, attrSpan(spec, key), what, Array.isArray(raw) ? `[${raw.join(', ')}]` : String(raw)));
        } else report(diag('wrongType', spec.uri, attrSpan(spec, key), what, t.type === 'pair' ? 'a whole number or [h, w]' : 'a whole number', describe(raw)));
        break;
      case 'padding':
        if (typeof raw === 'string') report(diag('badEnumValue', spec.uri, attrSpan(spec, key), 'padding', raw, ['same'], didYouMean(raw, ['same'])));
        else if (typeof raw === 'number' || (Array.isArray(raw) && raw.length === 2)) {
          report(diag('outOfRange', spec.uri, attrSpan(spec, key), what, Array.isArray(raw) ? `[${raw.join(', ')}]` : String(raw), 'a whole number ≥ 0'));
        } else report(diag('wrongType', spec.uri, attrSpan(spec, key), what, 'a whole number, [h, w] or same', describe(raw)));
        break;
      case 'bool':
        report(diag('wrongType', spec.uri, attrSpan(spec, key), what, 'true or false', describe(raw)));
        break;
      case 'rate':
      case 'fraction':
      case 'positive':
        if (typeof raw === 'number') {
          const bounds = t.type === 'rate' ? 'at least 0 and less than 1' : t.type === 'fraction' ? 'between 0 and 1' : 'greater than 0';
          report(diag('outOfRange', spec.uri, attrSpan(spec, key), what, String(raw), bounds));
        } else report(diag('wrongType', spec.uri, attrSpan(spec, key), what, 'a number', describe(raw)));
        break;
      case 'layer':
        report(diag('wrongType', spec.uri, attrSpan(spec, key), what, 'the name of an earlier layer', describe(raw)));
        break;
      case 'enum':
        if (typeof raw === 'string') report(diag('badEnumValue', spec.uri, attrSpan(spec, key), `${spec.kind} ${key}`, raw, t.choices, didYouMean(raw, t.choices)));
        else report(diag('wrongType', spec.uri, attrSpan(spec, key), what, `one of ${t.choices.join(', ')}`, describe(raw)));
        break;
    }
  }
  return out;
}

const whole0 = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function normalize(t: AttrType, v: LayerAttr): Norm | undefined {
  switch (t.type) {
    case 'count':
      return isCount(v) ? v : undefined;
    case 'pair':
      if (isCount(v)) return [v, v];
      if (Array.isArray(v) && v.length === 2 && isCount(v[0]) && isCount(v[1])) return [v[0], v[1]];
      return undefined;
    case 'padding':
      if (v === 'same') return 'same';
      if (whole0(v)) return [v, v];
      if (Array.isArray(v) && v.length === 2 && whole0(v[0]) && whole0(v[1])) return [v[0], v[1]];
      return undefined;
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'rate':
      return typeof v === 'number' && v >= 0 && v < 1 ? v : undefined;
    case 'fraction':
      return typeof v === 'number' && v >= 0 && v <= 1 ? v : undefined;
    case 'positive':
      return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
    case 'layer':
      return typeof v === 'string' && v.length > 0 ? v : undefined;
    case 'enum':
      return typeof v === 'string' && t.choices.includes(v) ? v : undefined;
  }
}

// ── Shape inference ──────────────────────────────────────────────────────────────────────────────

interface LayerCtx {
  /** False when the model's input is missing or was reported invalid: graph layers then stay silent. */
  inputKnown: boolean;
  flat: FlatLayer[];
  index: number;
  layers: IrLayer[];
  graph: GraphInput | undefined;
  report: (d: Diagnostic) => void;
}

interface LayerResult {
  out: Shape;
  attributes: Record<string, AttrValue>;
  macs: number;
  params: number;
  mvms: number;
  weights?: { rows: number; cols: number };
  from?: string;
}

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;
const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const pair = (v: Norm | undefined): [number, number] | undefined => (Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : undefined);

/** What a layer receives, in words, for error messages. */
function shapeWords(s: readonly number[]): string {
  if (s.length === 3) return `an image ${fmt(s)}`;
  if (s.length === 2) return `graph node features ${fmt(s)}`;
  return `a flat vector ${fmt(s)}`;
}

function inferLayer(ctx: LayerCtx, input: Shape): LayerResult {
  const f = ctx.flat[ctx.index]!;
  const spec = f.spec;
  const name = f.name;
  const schema = LAYER_KINDS[spec.kind];
  const zero = (out: Shape, attributes: Record<string, AttrValue> = {}): LayerResult => ({ out, attributes, macs: 0, params: 0, mvms: 0 });

  if (!schema) {
    ctx.report(diag('unknownKind', spec.uri, spec.span, spec.kind, 'layer', didYouMean(spec.kind, Object.keys(LAYER_KINDS))));
    // Unknown layers pass their input through, so later layers are still checked.
    return zero(input, { ...spec.attrs });
  }
  const a = readAttrs(spec, name, schema, ctx.report);
  const fail = (reason: string): void => ctx.report(diag('shapeMismatch', spec.uri, spec.span, name, reason));

  switch (spec.kind) {
    case 'conv':
      return conv(a, input, spec.kind, fail);
    case 'maxpool':
    case 'avgpool':
      return pool(a, input, spec.kind, fail);
    case 'linear':
      return linear(a, input, fail);
    case 'relu':
    case 'sigmoid':
    case 'tanh':
    case 'softmax':
      return zero(input);
    case 'dropout':
      return zero(input, { rate: (a.rate as number | undefined) ?? 0.5 });
    case 'batchnorm': {
      const attributes = { eps: (a.eps as number | undefined) ?? 1e-5, momentum: (a.momentum as number | undefined) ?? 0.1 };
      if (!input) return zero(null, attributes);
      const channels = input[input.length === 3 ? 0 : input.length - 1]!;
      return { out: input, attributes, macs: product(input), params: 2 * channels, mvms: 0 };
    }
    case 'flatten': {
      if (!input) return zero(null);
      if (input.length === 2) fail(`flatten cannot take ${shapeWords(input)}; pool a graph with 'readout'`);
      return zero([product(input)]);
    }
    case 'add':
      return add(ctx, a, input, fail);
    case 'gcn':
      return gcn(ctx, a, input, fail);
    case 'readout': {
      const op = (a.op as string | undefined) ?? 'mean';
      if (!ctx.graph) {
        if (ctx.inputKnown) ctx.report(diag('graphLayerOnTensor', spec.uri, spec.span, name));
        return zero(input ? [product(input)] : null, { op });
      }
      if (!input) return zero(null, { op });
      if (input.length !== 2) {
        fail(`readout needs graph node features [N, F] but gets ${shapeWords(input)}`);
        return zero([input[input.length - 1]!], { op });
      }
      return { out: [input[1]!], attributes: { op }, macs: op === 'max' ? 0 : input[0]! * input[1]!, params: 0, mvms: 0 };
    }
    default:
      return zero(input);
  }
}

/** Explicit [top, bottom, left, right] padding; `same` pads so that Hout = ⌈H / stride⌉ (TensorFlow's split). */
function resolvePadding(p: Norm | undefined, h: number, w: number, k: [number, number], s: [number, number]): [number, number, number, number] {
  if (p === 'same') {
    const side = (n: number, kk: number, ss: number): [number, number] => {
      const total = Math.max((Math.ceil(n / ss) - 1) * ss + kk - n, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    return [...side(h, k[0], s[0]), ...side(w, k[1], s[1])];
  }
  const pp = pair(p) ?? [0, 0];
  return [pp[0], pp[0], pp[1], pp[1]];
}

/** Output size of a sliding window, or null (reported) when the window exceeds the padded input. */
function windowed(
  input: number[],
  k: [number, number],
  s: [number, number],
  pad: [number, number, number, number],
  what: string,
  fail: (reason: string) => void,
): [number, number] {
  const h = input[1]! + pad[0] + pad[1];
  const w = input[2]! + pad[2] + pad[3];
  if (k[0] > h || k[1] > w) {
    const padNote = pad.some((x) => x > 0) ? ` even with padding [${pad.join(', ')}]` : '';
    fail(`${what} ${k[0]}×${k[1]} is larger than the input ${input[1]}×${input[2]}${padNote} (input ${fmt(input)})`);
    return [Math.max(1, Math.floor((h - Math.min(k[0], h)) / s[0]) + 1), Math.max(1, Math.floor((w - Math.min(k[1], w)) / s[1]) + 1)];
  }
  return [Math.floor((h - k[0]) / s[0]) + 1, Math.floor((w - k[1]) / s[1]) + 1];
}

function conv(a: Norms, input: Shape, kind: string, fail: (reason: string) => void): LayerResult {
  const out = a.out as number | undefined;
  const k = pair(a.kernel);
  const s = pair(a.stride) ?? [1, 1];
  const groups = (a.groups as number | undefined) ?? 1;
  const bias = (a.bias as boolean | undefined) ?? true;
  const attributes: Record<string, AttrValue> = { groups, bias, stride: s };
  if (out !== undefined) attributes.out = out;
  if (k) attributes.kernel = k;
  if (!input || out === undefined || !k) {
    // Missing attributes were reported; still record the requested padding as written.
    attributes.padding = a.padding === 'same' ? 'same' : [...(pair(a.padding) ?? [0, 0])];
    return { out: null, attributes, macs: 0, params: 0, mvms: 0 };
  }
  let x = input;
  let spatialKnown = true;
  if (input.length !== 3) {
    fail(`${kind} needs an image [C, H, W] but gets ${shapeWords(input)}`);
    x = [input[input.length - 1]!, 1, 1];
    spatialKnown = false;
  }
  const cin = x[0]!;
  if (cin % groups !== 0) fail(`groups ${groups} must divide the input channels ${cin} (input ${fmt(input)})`);
  if (out % groups !== 0) fail(`groups ${groups} must divide the output channels ${out}`);
  const pad = resolvePadding(a.padding, x[1]!, x[2]!, k, s);
  attributes.padding = pad;
  const [ho, wo] = spatialKnown ? windowed(x, k, s, pad, 'kernel', fail) : [1, 1];
  const fanIn = Math.max(1, Math.floor(cin / groups)) * k[0] * k[1];
  // conv MACs = Cout·Hout·Wout·(Cin/groups)·kh·kw; params = Cout·(Cin/groups)·kh·kw + Cout (bias).
  return {
    out: [out, ho, wo],
    attributes,
    macs: out * ho * wo * fanIn,
    params: out * fanIn + (bias ? out : 0),
    mvms: ho * wo,
    weights: { rows: fanIn, cols: out },
  };
}

function pool(a: Norms, input: Shape, kind: string, fail: (reason: string) => void): LayerResult {
  const k = pair(a.size) ?? [2, 2];
  const s = pair(a.stride) ?? k;
  const attributes: Record<string, AttrValue> = { size: k, stride: s };
  if (!input) {
    attributes.padding = a.padding === 'same' ? 'same' : [...(pair(a.padding) ?? [0, 0])];
    return { out: null, attributes, macs: 0, params: 0, mvms: 0 };
  }
  if (input.length !== 3) {
    fail(`${kind} needs an image [C, H, W] but gets ${shapeWords(input)}`);
    attributes.padding = [0, 0, 0, 0];
    return { out: input, attributes, macs: 0, params: 0, mvms: 0 };
  }
  const pad = resolvePadding(a.padding, input[1]!, input[2]!, k, s);
  attributes.padding = pad;
  const [ho, wo] = windowed(input, k, s, pad, 'window', fail);
  const outShape = [input[0]!, ho, wo];
  // avgpool accumulates kh·kw inputs per output; maxpool compares, which is no MAC.
  return { out: outShape, attributes, macs: kind === 'avgpool' ? product(outShape) * k[0] * k[1] : 0, params: 0, mvms: 0 };
}

function linear(a: Norms, input: Shape, fail: (reason: string) => void): LayerResult {
  const out = a.out as number | undefined;
  const bias = (a.bias as boolean | undefined) ?? true;
  const attributes: Record<string, AttrValue> = { bias };
  if (out !== undefined) attributes.out = out;
  if (!input || out === undefined) return { out: out === undefined ? null : [out], attributes, macs: 0, params: 0, mvms: 0 };
  if (input.length === 2) {
    // Node-wise on graph features: the same K×N weights applied to each of the N nodes.
    const [n, f] = input as [number, number];
    return { out: [n, out], attributes, macs: n * f * out, params: f * out + (bias ? out : 0), mvms: n, weights: { rows: f, cols: out } };
  }
  let fanIn = input[0]!;
  if (input.length !== 1) {
    fail(`linear needs a flat input [F] but gets ${shapeWords(input)}; add 'flatten' before it`);
    fanIn = product(input);
  }
  // linear MACs = in·out; params = in·out + out (bias).
  return { out: [out], attributes, macs: fanIn * out, params: fanIn * out + (bias ? out : 0), mvms: 1, weights: { rows: fanIn, cols: out } };
}

function gcn(ctx: LayerCtx, a: Norms, input: Shape, fail: (reason: string) => void): LayerResult {
  const spec = ctx.flat[ctx.index]!.spec;
  const name = ctx.flat[ctx.index]!.name;
  const out = a.out as number | undefined;
  const bias = (a.bias as boolean | undefined) ?? true;
  const attributes: Record<string, AttrValue> = { bias };
  if (out !== undefined) attributes.out = out;
  if (!ctx.graph) {
    if (ctx.inputKnown) ctx.report(diag('graphLayerOnTensor', spec.uri, spec.span, name));
    return { out: out === undefined ? null : [out], attributes, macs: 0, params: 0, mvms: 0 };
  }
  if (!input || out === undefined) return { out: null, attributes, macs: 0, params: 0, mvms: 0 };
  let n = input[0]!;
  let f = input[input.length - 1]!;
  if (input.length !== 2) {
    fail(`gcn needs graph node features [N, F] but gets ${shapeWords(input)}`);
    n = ctx.graph.nodes;
    f = product(input);
  }
  // Combination H·W: N·F·out MACs. Aggregation Â·(HW) over the non-zeros of Â = D^-½(A+I)D^-½:
  // nnz = 2·edges + N, each times `out`; only counted when the edge count is known.
  const edges = ctx.graph.edges;
  const aggregation = edges !== undefined ? (2 * edges + n) * out : 0;
  return {
    out: [n, out],
    attributes,
    macs: n * f * out + aggregation,
    params: f * out + (bias ? out : 0),
    mvms: n,
    weights: { rows: f, cols: out },
  };
}

function add(ctx: LayerCtx, a: Norms, input: Shape, fail: (reason: string) => void): LayerResult {
  const f = ctx.flat[ctx.index]!;
  const from = a.from as string | undefined;
  if (from === undefined) return { out: input, attributes: {}, macs: 0, params: 0, mvms: 0 };
  const at = f.spec.attrSpans?.from ?? f.spec.span;
  let src = -1;
  for (let j = ctx.index - 1; j >= 0; j--) {
    const g = ctx.flat[j]!;
    if (g.given === from || g.name === from) {
      src = j;
      break;
    }
  }
  if (src < 0) {
    const later = ctx.flat.findIndex((g, j) => j >= ctx.index && (g.given === from || g.name === from));
    if (later >= 0) {
      ctx.report(diag('residualSource', f.spec.uri, at, f.name, from, later === ctx.index ? 'a layer cannot add its own output' : `'${from}' comes after it; 'from' must name an earlier layer`));
    } else {
      const earlier = new Set<string>();
      for (let j = 0; j < ctx.index; j++) {
        earlier.add(ctx.flat[j]!.name);
        const g = ctx.flat[j]!.given;
        if (g !== undefined) earlier.add(g);
      }
      ctx.report(diag('unknownName', f.spec.uri, at, from, didYouMean(from, earlier)));
    }
    return { out: input, attributes: { from }, macs: 0, params: 0, mvms: 0 };
  }
  const source = ctx.layers[src]!;
  const srcShape = source.output_shape;
  // An unknown shape on either side was already reported upstream; compare only known shapes.
  if (input && srcShape.length > 0 && (srcShape.length !== input.length || srcShape.some((d, i) => d !== input[i]))) {
    fail(`cannot add the output of '${source.name}' ${fmt(srcShape)} to the input ${fmt(input)}: the shapes differ`);
  }
  return { out: input, attributes: { from: source.name }, macs: 0, params: 0, mvms: 0, from: source.name };
}
