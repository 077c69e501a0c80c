// Shape inference, layer by layer: output shape, MACs, parameters, weight matrix and MVMs of each layer
// kind (the models pass, models.ts, calls inferLayer for every unrolled layer).
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
import { diag, didYouMean, type Diagnostic } from '@pim/grammar';
import type { AttrValue, IrInput, IrLayer } from '@pim/ir';
import { LAYER_KINDS, readAttrs, type Norm, type Norms } from './layer-kinds.js';
import type { FlatLayer } from './unroll.js';

/** A shape, or null when unknown after an earlier error (then nothing downstream is checked). */
export type Shape = number[] | null;

export type GraphInput = Extract<IrInput, { kind: 'graph' }>;

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

export const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;
const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const pair = (v: Norm | undefined): [number, number] | undefined =>
  Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : undefined;

/** What a layer receives, in words, for error messages. */
function shapeWords(s: readonly number[]): string {
  if (s.length === 3) return `an image ${fmt(s)}`;
  if (s.length === 2) return `graph node features ${fmt(s)}`;
  return `a flat vector ${fmt(s)}`;
}

export function inferLayer(ctx: LayerCtx, input: Shape): LayerResult {
  const f = ctx.flat[ctx.index]!;
  const spec = f.spec;
  const name = f.name;
  const schema = LAYER_KINDS[spec.kind];
  const zero = (out: Shape, attributes: Record<string, AttrValue> = {}): LayerResult => ({
    out,
    attributes,
    macs: 0,
    params: 0,
    mvms: 0,
  });

  if (!schema) {
    ctx.report(
      diag('unknownKind', spec.uri, spec.span, spec.kind, 'layer', didYouMean(spec.kind, Object.keys(LAYER_KINDS))),
    );
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
      const attributes = {
        eps: (a.eps as number | undefined) ?? 1e-5,
        momentum: (a.momentum as number | undefined) ?? 0.1,
      };
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
      return {
        out: [input[1]!],
        attributes: { op },
        macs: op === 'max' ? 0 : input[0]! * input[1]!,
        params: 0,
        mvms: 0,
      };
    }
    default:
      return zero(input);
  }
}

/** Explicit [top, bottom, left, right] padding; `same` pads so that Hout = ⌈H / stride⌉ (TensorFlow's split). */
function resolvePadding(
  p: Norm | undefined,
  h: number,
  w: number,
  k: [number, number],
  s: [number, number],
): [number, number, number, number] {
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
    return [
      Math.max(1, Math.floor((h - Math.min(k[0], h)) / s[0]) + 1),
      Math.max(1, Math.floor((w - Math.min(k[1], w)) / s[1]) + 1),
    ];
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
  return {
    out: outShape,
    attributes,
    macs: kind === 'avgpool' ? product(outShape) * k[0] * k[1] : 0,
    params: 0,
    mvms: 0,
  };
}

function linear(a: Norms, input: Shape, fail: (reason: string) => void): LayerResult {
  const out = a.out as number | undefined;
  const bias = (a.bias as boolean | undefined) ?? true;
  const attributes: Record<string, AttrValue> = { bias };
  if (out !== undefined) attributes.out = out;
  if (!input || out === undefined)
    return { out: out === undefined ? null : [out], attributes, macs: 0, params: 0, mvms: 0 };
  if (input.length === 2) {
    // Node-wise on graph features: the same K×N weights applied to each of the N nodes.
    const [n, f] = input as [number, number];
    return {
      out: [n, out],
      attributes,
      macs: n * f * out,
      params: f * out + (bias ? out : 0),
      mvms: n,
      weights: { rows: f, cols: out },
    };
  }
  let fanIn = input[0]!;
  if (input.length !== 1) {
    fail(`linear needs a flat input [F] but gets ${shapeWords(input)}; add 'flatten' before it`);
    fanIn = product(input);
  }
  // linear MACs = in·out; params = in·out + out (bias).
  return {
    out: [out],
    attributes,
    macs: fanIn * out,
    params: fanIn * out + (bias ? out : 0),
    mvms: 1,
    weights: { rows: fanIn, cols: out },
  };
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
      ctx.report(
        diag(
          'residualSource',
          f.spec.uri,
          at,
          f.name,
          from,
          later === ctx.index
            ? 'a layer cannot add its own output'
            : `'${from}' comes after it; 'from' must name an earlier layer`,
        ),
      );
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
