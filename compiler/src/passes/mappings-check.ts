// Pass: `mapping` declarations → the pure placement pass (mapping.ts). This file evaluates the
// mapping's attributes and place rules; mapping.ts decides placement, slicing and replication.
import { diag, type Block, type Pattern } from '@pim/grammar';
import type { IrArchitecture, IrDevice, IrMapping, WeightEncoding } from '@pim/ir';
import { describeMember, type CheckContext } from '../semantics/context.js';
import { asNumber, instantiate } from '../semantics/instance.js';
import { mapModel, type PlaceRuleSpec } from './mapping.js';
import type { LayerAttr } from './models.js';
import type { CheckedModel } from './models-check.js';

export function checkMappings(
  ctx: CheckContext,
  models: Map<string, CheckedModel>,
  architectures: Map<string, IrArchitecture>,
  _devices: Map<string, IrDevice>,
): Map<string, IrMapping> {
  const out = new Map<string, IrMapping>();
  const cls = ctx.classes.declaration.get('mapping')!;
  const placeCls = ctx.classes.declaration.get('place_options')!;
  for (const sym of ctx.symbolsOfKind('mapping')) {
    if (sym.node.type !== 'Block') continue;
    const b = sym.node;
    const uri = sym.file;
    const inst = instantiate(ctx, cls, b.body, uri, { anchor: b.kind.span, what: `mapping '${sym.name}'` });
    const rules: PlaceRuleSpec[] = [];
    for (const m of b.body ?? []) {
      if (m.type === 'Attribute') continue;
      if (m.type !== 'Place') {
        ctx.report(diag('misplaced', uri, m.span, describeMember(m), 'a mapping'));
        continue;
      }
      const opts = instantiate(ctx, placeCls, m.body, uri, { anchor: m.on.span, what: 'a place rule' });
      const options: Record<string, LayerAttr> = {};
      const optionSpans: Record<string, { start: number; end: number }> = {};
      for (const [key, attr] of opts.stated) optionSpans[key] = attr.value.span;
      for (const key of opts.stated.keys()) {
        const v = opts.get(key);
        if (v?.t === 'num') options[key] = v.v;
        else if (v?.t === 'bool') options[key] = v.v;
        else if (v?.t === 'word') options[key] = v.name;
      }
      rules.push({
        targets: m.targets.map(patternText),
        on: patternText(m.on),
        options,
        optionSpans,
        span: m.span,
        targetSpans: m.targets.map((t) => t.span),
        onSpan: m.on.span,
        uri,
      });
    }
    const modelV = inst.get('model');
    const archV = inst.get('architecture');
    const model = modelV?.t === 'word' ? models.get(modelV.name) : undefined;
    const arch = archV?.t === 'word' ? architectures.get(archV.name) : undefined;
    if (!model || !arch) continue;
    const w = inst.get('weights');
    const i = inst.get('inputs');
    const rep = inst.get('replicate');
    let replicate: IrMapping['replicate'] = 'none';
    if (rep?.t === 'word' && (rep.name === 'none' || rep.name === 'balanced')) replicate = rep.name;
    else if (rep?.t === 'num' && Number.isInteger(rep.v) && rep.v >= 1) replicate = rep.v;
    else if (rep && rep.t !== 'error') {
      const attr = inst.statedAttr('replicate');
      ctx.report(
        diag(
          'badEnumValue',
          uri,
          attr?.value.span ?? b.kind.span,
          'replication',
          rep.t === 'word' ? rep.name : String(asNumber(rep) ?? rep.t),
          ['none', 'balanced', 'a whole number of copies'],
        ),
      );
    }
    const mapped = mapModel(
      {
        name: sym.name,
        uri,
        span: b.span,
        nameSpan: b.name!.span,
        ...(inst.statedAttr('replicate') ? { replicateSpan: inst.statedAttr('replicate')!.value.span } : {}),
        layerOrigins: model.origins,
        model: model.ir,
        architecture: arch,
        bitsPerCell: (tile) => tile.crossbar?.bits_per_cell ?? 1,
        weight_bits: w?.t === 'precision' ? w.bits : arch.weight_bits,
        input_bits: i?.t === 'precision' ? i.bits : arch.input_bits,
        replicate,
        ...(inst.statedAttr('encoding') && inst.get('encoding')?.t === 'word'
          ? { encoding: (inst.get('encoding') as { name: WeightEncoding }).name }
          : {}),
        rules,
      },
      (d) => ctx.report(d),
    );
    out.set(sym.name, mapped);
    recordPlaceReferences(ctx, b, uri, model.ir.name, archV!.t === 'word' ? archV.name : '');
    // Hover on a layer shows where each mapping put it.
    for (const p of mapped.placements) {
      // Copies of a repeated layer share one block, so several placements land on one info: appended
      // in place (a copy of the list per copy of the layer was quadratic in the repeat count).
      const info = model.layerInfo.get(p.layer);
      if (info) (info.placements ??= []).push({ mapping: sym.name, placement: p });
    }
  }
  return out;
}

function patternText(p: Pattern): string {
  return p.parts.map((x) => x.text).join('.');
}

/** References from place rules to the layers and components they name, for go-to-definition and rename. */
function recordPlaceReferences(ctx: CheckContext, b: Block, uri: string, model: string, arch: string): void {
  const archChain = ctx.architectureChain(arch);
  for (const m of b.body ?? []) {
    if (m.type !== 'Place') continue;
    for (const t of m.targets) {
      const head = t.parts[0]!;
      if (head.text.includes('*')) continue;
      const layer = ctx.nested.get(`${model}.${head.text}`);
      if (layer) ctx.reference(uri, head.span, layer);
    }
    const last = m.on.parts[m.on.parts.length - 1]!;
    if (last.text.includes('*')) continue;
    for (const a of archChain) {
      const hit = [...ctx.nested.values()].find(
        (s) => s.kind === 'component' && s.name === last.text && s.qualifiedName.startsWith(`${a}.`),
      );
      if (hit) {
        ctx.reference(uri, last.span, hit);
        break;
      }
    }
  }
}
