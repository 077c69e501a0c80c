// Models pass (the pure half; models-check.ts evaluates the source first): unrolls `repeat`, checks every layer's attributes, infers shapes layer by layer, and
// counts MACs and parameters. Pure: its input is already evaluated (numbers, strings, booleans), so it
// knows nothing of units or name resolution. A shape error is reported AT THE LAYER that breaks and
// inference goes on with a best-effort shape, so later independent errors still show.
//
// The pass in three files besides this one: the layer kinds and their attributes (layer-kinds.ts),
// unrolling and naming (unroll.ts), shape inference with MACs, parameters and weight matrices
// (shapes.ts). This file holds the model's spec types, the entry points and the input.
import { diag, type Diagnostic, type Span } from '@pim/grammar';
import type { IrInput, IrLayer, IrModel } from '@pim/ir';
import { isCount } from './layer-kinds.js';
import { fmt, inferLayer, type GraphInput, type Shape } from './shapes.js';
import { assignNames, unroll } from './unroll.js';

export { LAYER_KINDS, MAX_LAYERS } from './layer-kinds.js';

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
    const r = inferLayer(
      {
        flat,
        index: i,
        layers,
        graph: input.ir.kind === 'graph' ? input.ir : undefined,
        inputKnown: spec.input !== undefined,
        report,
      },
      shape,
    );
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
      report(
        diag(
          'badInputShape',
          spec.uri,
          at,
          spec.name,
          fmt(inp.shape),
          'a tensor input is [C, H, W] (an image) or [F] (a vector)',
        ),
      );
      return { ir, shape: null };
    }
    return { ir, shape: [...inp.shape] };
  }
  const ir: GraphInput = {
    kind: 'graph',
    dataset: inp.dataset,
    nodes: inp.nodes,
    features: inp.features,
    classes: inp.classes,
  };
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
