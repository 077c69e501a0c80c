// Pass: `model` declarations → the pure shape-inference pass (models.ts). This file only evaluates
// the source: the model's input, each layer's attributes (constants folded), and `repeat` counts.
import { diag, withArticle, type Block, type Member } from '@pim/grammar';
import type { BlockInfo } from '../api.js';
import type { IrDataset, IrModel } from '@pim/ir';
import { describeMember, type CheckContext } from '../semantics/context.js';
import { evaluate } from '../semantics/evaluate.js';
import { ConstScope, instantiate, StatedAttributeInfo } from '../semantics/instance.js';
import { isDimensionless, dimName } from '../units/dimension.js';
import { describeValue, type Value } from '../semantics/values.js';
import { evalCount } from './elaborate.js';
import { LAYER_KINDS } from './layer-kinds.js';
import {
  inferModelDetailed,
  type LayerAttr,
  type LayerOrigin,
  type LayerSpec,
  type ModelInputSpec,
  type RepeatSpec,
} from './models.js';

export interface CheckedModel {
  ir: IrModel;
  origins: Record<string, LayerOrigin>;
  uri: string;
  /** Hover data by layer name (shared by the copies of a repeated layer). */
  layerInfo: Map<string, BlockInfo>;
}

export function checkModels(ctx: CheckContext, datasets: Map<string, IrDataset>): Map<string, CheckedModel> {
  const out = new Map<string, CheckedModel>();
  const cls = ctx.classes.declaration.get('model')!;
  for (const sym of ctx.symbolsOfKind('model')) {
    if (sym.node.type !== 'Block') continue;
    const b = sym.node;
    const uri = sym.file;
    const inst = instantiate(ctx, cls, b.body, uri, { anchor: b.kind.span, what: `model '${sym.name}'` });
    const inputAttr = inst.statedAttr('input');
    const input = inputAttr ? inputSpec(ctx, inst.get('input'), uri, datasets) : undefined;
    const before = ctx.diagnostics.length;
    const body = layerSpecs(ctx, b.body, uri, sym.name);
    const { model, origins } = inferModelDetailed(
      {
        name: sym.name,
        uri,
        span: b.span,
        nameSpan: b.name!.span,
        ...(inputAttr ? { inputSpan: inputAttr.value.span } : {}),
        ...(input ? { input } : {}),
        body,
      },
      (d) => ctx.report(d),
    );
    // PIM4007 is for a model with no `input:`; an input that is given but wrong was reported where it is.
    if (inputAttr && !input) {
      for (let i = ctx.diagnostics.length - 1; i >= before; i--)
        if (ctx.diagnostics[i]!.code === 'PIM4007') ctx.diagnostics.splice(i, 1);
    }
    // Hover data per layer block; copies of a repeated layer share their block's entry.
    const byStart = new Map<number, Block>();
    indexBlocks(b.body, byStart);
    const layerInfo = new Map<string, BlockInfo>();
    // A layer block is only ever in its own model: the copies' shared entry is found by start offset.
    const infoByStart = new Map<number, BlockInfo>();
    for (const layer of model.layers) {
      const origin = origins[layer.name];
      const node = origin ? byStart.get(origin.span.start) : undefined;
      if (!node) continue;
      let info = infoByStart.get(node.span.start);
      if (!info) {
        info = { kind: layer.kind, path: `${sym.name}.${layer.name}`, count: 1, total_count: 1, layer };
        infoByStart.set(node.span.start, info);
        ctx.blockInfo.defer(node, info);
      }
      layerInfo.set(layer.name, info);
    }
    out.set(sym.name, { ir: model, origins, uri, layerInfo });
  }
  return out;
}

function indexBlocks(body: Member[] | undefined, out: Map<number, Block>): void {
  for (const m of body ?? []) {
    if (m.type === 'Block') out.set(m.span.start, m);
    else if (m.type === 'Repeat') indexBlocks(m.body, out);
  }
}

function inputSpec(
  ctx: CheckContext,
  v: Value | undefined,
  uri: string,
  datasets: Map<string, IrDataset>,
): ModelInputSpec | undefined {
  if (!v || v.t === 'error') return undefined;
  if (v.t === 'tensor') return { kind: 'tensor', shape: v.shape };
  if (v.t === 'obj' && v.head === 'graph') {
    const graphCls = ctx.classes.declaration.get('graph')!;
    const g = instantiate(ctx, graphCls, v.node.body, uri, {
      anchor: v.headSpan ?? v.node.span,
      what: "'graph' input",
    });
    const dsV = g.get('dataset');
    if (dsV?.t !== 'word') return undefined;
    const ds = datasets.get(dsV.name);
    if (!ds) return undefined;
    if (ds.kind !== 'graph') {
      ctx.report(
        diag(
          'unknownDatasetShape',
          uri,
          dsV.span,
          ds.name,
          'a graph input needs a graph data set (planetoid or a synthetic graph)',
        ),
      );
      return undefined;
    }
    const edges = typeof ds.attributes['edges'] === 'number' ? ds.attributes['edges'] : undefined;
    return {
      kind: 'graph',
      dataset: ds.name,
      nodes: ds.shape[0]!,
      features: ds.shape[1]!,
      classes: ds.classes,
      ...(edges !== undefined ? { edges } : {}),
    };
  }
  return undefined;
}

function layerSpecs(
  ctx: CheckContext,
  body: Member[] | undefined,
  uri: string,
  model: string,
): (LayerSpec | RepeatSpec)[] {
  const out: (LayerSpec | RepeatSpec)[] = [];
  const scope = new ConstScope(ctx, uri);
  for (const m of body ?? []) {
    if (m.type === 'Attribute') continue; // the model's own attributes (input)
    if (m.type === 'Repeat') {
      out.push({
        kind: 'repeat',
        count: evalCount(ctx, m.count, uri, 'a repeat count'),
        body: layerSpecs(ctx, m.body, uri, model),
        span: m.span,
        countSpan: m.count.span,
        uri,
      });
      continue;
    }
    if (m.type !== 'Block') {
      ctx.report(diag('misplaced', uri, m.span, describeMember(m), 'a model'));
      continue;
    }
    if (m.count) ctx.report(diag('misplaced', uri, m.count.span, 'a [count]', 'a layer (use repeat N { … })'));
    const attrs: Record<string, LayerAttr> = {};
    const attrSpans: Record<string, { start: number; end: number }> = {};
    const keySpans: Record<string, { start: number; end: number }> = {};
    const invalid: string[] = [];
    for (const a of m.body ?? []) {
      if (a.type !== 'Attribute') {
        ctx.report(diag('misplaced', uri, a.span, 'a nested block', 'a layer'));
        continue;
      }
      const v = evaluate(a.value, scope);
      if (a.key.name === 'from' && v.t === 'word') {
        const target = ctx.nested.get(`${model}.${v.name}`);
        if (target) ctx.reference(uri, v.span, target);
      }
      const la = toLayerAttr(ctx, v, a.value.span, uri, a.key.name, m);
      if (la === undefined) {
        invalid.push(a.key.name);
        continue;
      }
      if (a.key.name in attrs) {
        ctx.report(diag('duplicateAttribute', uri, a.key.span, a.key.name));
        continue;
      }
      attrs[a.key.name] = la;
      attrSpans[a.key.name] = a.value.span;
      const schema = LAYER_KINDS[m.kind.name]?.attrs[a.key.name];
      if (schema) {
        ctx.attributeInfo.defer(
          a,
          new StatedAttributeInfo(
            m.kind.name,
            schema.type.type === 'enum' ? `one_of(${schema.type.choices.join(', ')})` : schema.type.type,
            v,
            schema.doc,
          ),
        );
      }
      keySpans[a.key.name] = a.key.span;
    }
    const spec: LayerSpec = { kind: m.kind.name, attrs, attrSpans, keySpans, span: m.span, uri };
    if (m.name) {
      spec.name = m.name.name;
      spec.nameSpan = m.name.span;
    }
    if (invalid.length) spec.invalid = invalid;
    out.push(spec);
  }
  return out;
}

/** The message text is built only for a message: `'out' of layer 'c1'`. */
function layerWhat(key: string, layer: Block): string {
  return `'${key}' of layer '${layer.name?.name ?? layer.kind.name}'`;
}

function toLayerAttr(
  ctx: CheckContext,
  v: Value,
  span: { start: number; end: number },
  uri: string,
  key: string,
  layer: Block,
): LayerAttr | undefined {
  switch (v.t) {
    case 'num':
      if (!isDimensionless(v.dim)) {
        ctx.report(
          diag('wrongDimension', uri, span, layerWhat(key, layer), 'a plain number', withArticle(dimName(v.dim))),
        );
        return undefined;
      }
      return v.v;
    case 'bool':
    case 'str':
      return v.v;
    case 'word':
      return v.name;
    case 'list': {
      const nums = v.items.map((i) => (i.t === 'num' && isDimensionless(i.dim) ? i.v : NaN));
      if (nums.some((n) => Number.isNaN(n))) {
        ctx.report(
          diag('wrongType', uri, span, layerWhat(key, layer), 'a list of plain numbers', 'a list of something else'),
        );
        return undefined;
      }
      return nums;
    }
    case 'error':
      return undefined;
    default:
      ctx.report(
        diag('wrongType', uri, span, layerWhat(key, layer), 'a number, a name, true/false or a list', describeValue(v)),
      );
      return undefined;
  }
}
