// The layer kinds: every kind's attributes with their types, defaults and docs (exported for docs, hover
// and completion; the one place a layer kind is defined), and reading a layer's attributes against them.
import { diag, didYouMean, LIMITS, type Diagnostic, type Span } from '@pim/grammar';
import type { LayerAttr, LayerSpec } from './models.js';

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
    attrs: {
      op: { type: { type: 'enum', choices: ['mean', 'sum', 'max'] }, default: 'mean', doc: 'pooling operation' },
    },
  },
};

/** Above this many unrolled layers a model is rejected (one of the input limits). */
export const MAX_LAYERS = LIMITS.layers;

// ── Attributes ───────────────────────────────────────────────────────────────────────────────────

export type Norm = number | boolean | string | [number, number] | [number, number, number, number];
/** A layer's checked attributes by name (a plain object: one Map per layer was a large share of the pass). */
export type Norms = Record<string, Norm | undefined>;

const describe = (v: LayerAttr): string =>
  Array.isArray(v)
    ? `the list [${v.join(', ')}]`
    : typeof v === 'string'
      ? `the name '${v}'`
      : typeof v === 'boolean'
        ? `the boolean ${v}`
        : `the number ${v}`;

export function isCount(v: unknown): v is number {
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

export function readAttrs(spec: LayerSpec, name: string, schema: LayerSchema, report: (d: Diagnostic) => void): Norms {
  const out: Norms = {};
  for (const key of Object.keys(spec.attrs)) {
    if (!(key in schema.attrs))
      report(
        diag(
          'unknownAttribute',
          spec.uri,
          spec.keySpans?.[key] ?? attrSpan(spec, key),
          key,
          spec.kind,
          didYouMean(key, Object.keys(schema.attrs)),
        ),
      );
  }
  for (const [key, s] of schemaEntries(schema)) {
    const raw = spec.attrs[key];
    if (raw === undefined) {
      if (s.required && !spec.invalid?.includes(key))
        report(diag('missingAttribute', spec.uri, spec.nameSpan ?? spec.span, key, `${spec.kind} layer '${name}'`));
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
          report(
            diag(
              'badCount',
              spec.uri,
              attrSpan(spec, key),
              what,
              Array.isArray(raw) ? `[${raw.join(', ')}]` : String(raw),
            ),
          );
        } else
          report(
            diag(
              'wrongType',
              spec.uri,
              attrSpan(spec, key),
              what,
              t.type === 'pair' ? 'a whole number or [h, w]' : 'a whole number',
              describe(raw),
            ),
          );
        break;
      case 'padding':
        if (typeof raw === 'string')
          report(
            diag('badEnumValue', spec.uri, attrSpan(spec, key), 'padding', raw, ['same'], didYouMean(raw, ['same'])),
          );
        else if (typeof raw === 'number' || (Array.isArray(raw) && raw.length === 2)) {
          report(
            diag(
              'outOfRange',
              spec.uri,
              attrSpan(spec, key),
              what,
              Array.isArray(raw) ? `[${raw.join(', ')}]` : String(raw),
              'a whole number ≥ 0',
            ),
          );
        } else
          report(
            diag('wrongType', spec.uri, attrSpan(spec, key), what, 'a whole number, [h, w] or same', describe(raw)),
          );
        break;
      case 'bool':
        report(diag('wrongType', spec.uri, attrSpan(spec, key), what, 'true or false', describe(raw)));
        break;
      case 'rate':
      case 'fraction':
      case 'positive':
        if (typeof raw === 'number') {
          const bounds =
            t.type === 'rate'
              ? 'at least 0 and less than 1'
              : t.type === 'fraction'
                ? 'between 0 and 1'
                : 'greater than 0';
          report(diag('outOfRange', spec.uri, attrSpan(spec, key), what, String(raw), bounds));
        } else report(diag('wrongType', spec.uri, attrSpan(spec, key), what, 'a number', describe(raw)));
        break;
      case 'layer':
        report(diag('wrongType', spec.uri, attrSpan(spec, key), what, 'the name of an earlier layer', describe(raw)));
        break;
      case 'enum':
        if (typeof raw === 'string')
          report(
            diag(
              'badEnumValue',
              spec.uri,
              attrSpan(spec, key),
              `${spec.kind} ${key}`,
              raw,
              t.choices,
              didYouMean(raw, t.choices),
            ),
          );
        else
          report(
            diag('wrongType', spec.uri, attrSpan(spec, key), what, `one of ${t.choices.join(', ')}`, describe(raw)),
          );
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
