// Pass: `train` and `run` declarations → IrExperiment, with their fault, noise, mitigation and
// DropLayer sections.
import { diag, didYouMean, type Block, type Span } from '@pim/grammar';
import {
  learnsParameters,
  TRAINABLE_WEIGHT_BITS,
  type IrDataset,
  type IrExperiment,
  type IrMapping,
  type IrModel,
} from '@pim/ir';
import type { CheckedModel } from './models-check.js';
import { describeMember, type CheckContext } from '../semantics/context.js';
import {
  asNumber,
  instantiate,
  requireAtLeast,
  requireEach,
  requirePositive,
  type Instance,
} from '../semantics/instance.js';
import { checkValues } from './value-rules.js';

const SECTIONS = ['faults', 'noise', 'mitigate', 'droplayer'] as const;

/**
 * Epochs a training may ask for, in the source or on the command line: far above any run that ends (an
 * epoch of MNIST takes seconds here), and below what would loop for years.
 */
export const MAX_EPOCHS = 100_000;

export function checkExperiments(
  ctx: CheckContext,
  mappings: Map<string, IrMapping>,
  models: Map<string, CheckedModel>,
  datasets: Map<string, IrDataset>,
): Map<string, IrExperiment> {
  const out = new Map<string, IrExperiment>();
  for (const sym of [...ctx.symbolsOfKind('train'), ...ctx.symbolsOfKind('run')]) {
    if (sym.node.type !== 'Block') continue;
    const b = sym.node;
    const uri = sym.file;
    const kind = sym.kind as 'train' | 'run';
    const inst = instantiate(ctx, ctx.classes.declaration.get(kind)!, b.body, uri, {
      anchor: b.kind.span,
      what: `${kind} '${sym.name}'`,
    });
    // A calibrated range needs at least one sample's partial sums (0 failed the IR schema: PIM9001).
    requireAtLeast(ctx, inst, ['batch', 'calibration_samples'], 1);
    // (Whole numbers already, as counts.) 0 epochs trains nothing; 1e9 would run for years.
    if (kind === 'train')
      requireEach(ctx, inst, ['epochs'], (v) => v >= 1 && v <= MAX_EPOCHS, `from 1 to ${MAX_EPOCHS}`);
    requireAtLeast(ctx, inst, ['activation_bits', 'adc_bits'], 1, 'at least 1 bit');
    const sections = checkSections(ctx, b, uri, kind);
    const mapV = inst.get('mapping');
    const dsV = inst.get('dataset');
    if (mapV?.t !== 'word' || dsV?.t !== 'word') continue;
    const mapping = mappings.get(mapV.name);
    const exp: IrExperiment = {
      kind,
      name: sym.name,
      mapping: mapV.name,
      dataset: dsV.name,
      epochs: kind === 'train' ? (numberOf(inst, 'epochs') ?? 1) : 0,
      batch: numberOf(inst, 'batch') ?? 1,
      seed: numberOf(inst, 'seed') ?? 0,
      numerics: {
        ideal: inst.get('hardware')?.t === 'bool' ? !(inst.get('hardware') as { v: boolean }).v : false,
        activation_bits: numberOf(inst, 'activation_bits') ?? 16,
      },
    };
    const adcBits = numberOf(inst, 'adc_bits');
    if (adcBits !== undefined) exp.numerics.adc_bits = adcBits;
    checkNumerics(ctx, exp, inst, uri);
    if (kind === 'train') exp.optimizer = checkOptimizer(ctx, inst, b, uri);
    const faults = sections.get('faults');
    if (faults) exp.faults = checkFaults(ctx, faults);
    const noise = sections.get('noise');
    if (noise) exp.noise = checkNoise(ctx, noise);
    const mit = sections.get('mitigate');
    if (mit) exp.mitigate = checkMitigate(ctx, mit);
    const dl = sections.get('droplayer');
    if (dl) exp.droplayer = checkDroplayer(ctx, dl, b.kind.span, uri);
    const model = mapping && models.get(mapping.model)?.ir;
    // The trainer drops only a GCN's features and edges (train/network.ts, trainer.ts).
    if (dl && model && !model.layers.some((l) => l.kind === 'gcn'))
      ctx.report(diag('droplayerWithoutGraph', uri, dl.blockAt?.span ?? b.kind.span, sym.name, model.name));
    if (mapping) checkDatasetFits(ctx, exp, mapping, models, datasets, inst, uri);
    if (mapping) checkTrainableBits(ctx, exp, mapping, inst, uri);
    if (model && kind === 'train') checkSomethingToLearn(ctx, model, inst, uri);
    out.set(sym.name, exp);
  }
  return out;
}

/**
 * Layers on crossbars compute in the trainer's crossbar numerics, which support only some weight
 * precisions (TRAINABLE_WEIGHT_BITS); the simulator takes any, so the mapping is refused only here.
 */
function checkTrainableBits(
  ctx: CheckContext,
  exp: IrExperiment,
  mapping: IrMapping,
  inst: Instance,
  uri: string,
): void {
  const { min, max } = TRAINABLE_WEIGHT_BITS;
  const bits = mapping.weight_bits;
  if (exp.numerics.ideal || (bits >= min && bits <= max)) return;
  if (!mapping.placements.some((p) => p.engine === 'crossbar')) return;
  // An architecture's weight_bits that is not a whole number of bits was refused (PIM3010) and clamped.
  const archBits = asNumber(ctx.instances.get(mapping.architecture)?.get('weight_bits'));
  if (archBits !== undefined && !(Number.isInteger(archBits) && archBits >= 1)) return;
  const at = inst.statedAttr('mapping')?.value.span ?? inst.blockAt!.span;
  ctx.report(diag('untrainableWeightBits', uri, at, inst.what, mapping.name, bits, min, max));
}

/** A training needs a parameter to learn (@pim/ir learnsParameters), and convolutions the trainer computes. */
function checkSomethingToLearn(ctx: CheckContext, model: IrModel, inst: Instance, uri: string): void {
  const at = inst.statedAttr('mapping')?.value.span ?? inst.blockAt!.span;
  if (!model.layers.some(learnsParameters)) ctx.report(diag('nothingToTrain', uri, at, inst.what, model.name));
  // The trainer's conv has no groups (train/network.ts refuses them).
  const grouped = model.layers.find((l) => l.kind === 'conv' && (l.attributes['groups'] ?? 1) !== 1);
  if (grouped)
    ctx.report(diag('groupedConvNotTrainable', uri, at, inst.what, grouped.name, Number(grouped.attributes['groups'])));
}

/** The SI number of an attribute of an instance (stated, defaulted or overridden), or undefined. */
function numberOf(i: Instance | undefined, k: string): number | undefined {
  return asNumber(i?.get(k));
}

/** The experiment's sections, each instantiated once; unknown, repeated or named ones are reported. */
function checkSections(ctx: CheckContext, b: Block, uri: string, kind: 'train' | 'run'): Map<string, Instance> {
  const sections = new Map<string, Instance>();
  for (const m of b.body ?? []) {
    if (m.type === 'Attribute') continue;
    if (m.type !== 'Block') {
      ctx.report(diag('misplaced', uri, m.span, describeMember(m), `a ${kind} block`));
      continue;
    }
    const name = m.kind.name;
    if (!(SECTIONS as readonly string[]).includes(name) || (kind === 'run' && name === 'droplayer')) {
      ctx.report(diag('unknownKind', uri, m.kind.span, name, `${kind} section`, didYouMean(name, SECTIONS)));
      continue;
    }
    const inst = instantiateSection(ctx, m, uri, sections.has(name));
    if (!inst) continue;
    sections.set(name, inst);
    checkSectionBlocks(ctx, m, uri);
  }
  return sections;
}

/**
 * A section block of a declaration (`faults { … }` of a train or run, `limits { … }` of an
 * exploration), named by its kind: reported as a repeat when the declaration has one already
 * (`repeated`), else its instance, a name before its body reported as misplaced.
 */
export function instantiateSection(ctx: CheckContext, m: Block, uri: string, repeated: boolean): Instance | undefined {
  const name = m.kind.name;
  if (repeated) {
    ctx.report(diag('duplicateAttribute', uri, m.kind.span, name));
    return undefined;
  }
  const inst = instantiate(ctx, ctx.classes.declaration.get(name)!, m.body, uri, {
    anchor: m.kind.span,
    what: `'${name}'`,
  });
  if (m.name) ctx.report(diag('misplaced', uri, m.name.span, 'a name', `a '${name}' section`));
  return inst;
}

/** A training's optimizer (SGD unless stated), its figures checked as magnitudes. */
function checkOptimizer(ctx: CheckContext, inst: Instance, b: Block, uri: string): IrExperiment['optimizer'] {
  const opt = inst.get('optimizer');
  const optName = opt?.t === 'word' ? opt.name : opt?.t === 'obj' ? opt.head! : 'sgd';
  const optInst = instantiate(
    ctx,
    ctx.classes.declaration.get(optName)!,
    opt?.t === 'obj' ? opt.node.body : undefined,
    uri,
    { anchor: opt?.t === 'obj' ? (opt.headSpan ?? b.kind.span) : b.kind.span, what: `optimizer '${optName}'` },
  );
  requireAtLeast(ctx, optInst, ['lr', 'momentum', 'weight_decay', 'beta1', 'beta2']);
  return {
    name: optName as 'sgd' | 'momentum' | 'adam',
    lr: numberOf(optInst, 'lr') ?? 0.01,
    momentum: numberOf(optInst, 'momentum') ?? 0,
    weight_decay: numberOf(optInst, 'weight_decay') ?? 0,
    beta1: numberOf(optInst, 'beta1') ?? 0.9,
    beta2: numberOf(optInst, 'beta2') ?? 0.999,
  };
}

/** Stuck-at fault rates (their rule: value-rules.ts). */
function checkFaults(ctx: CheckContext, faults: Instance): IrExperiment['faults'] {
  checkValues(ctx, faults);
  const z = numberOf(faults, 'stuck_at_zero') ?? 0;
  const o = numberOf(faults, 'stuck_at_one') ?? 0;
  return { stuck_at_zero: z, stuck_at_one: o };
}

/** Thermal noise: its temperature (or the thermal model's), and the bandwidth and spreads when stated. */
function checkNoise(ctx: CheckContext, noise: Instance): IrExperiment['noise'] {
  // A bandwidth of 0 would read noise-free; the design's bandwidth is what an unstated one means.
  requirePositive(ctx, noise, ['frequency']);
  const out: NonNullable<IrExperiment['noise']> = { temperature_k: numberOf(noise, 'temperature') ?? 300 };
  // No stated frequency: the runtime reads at the design's bandwidth (clock and ADC rate).
  for (const [key, field] of [
    ['frequency', 'frequency_hz'],
    ['variation', 'variation'],
    ['spread', 'spread'],
  ] as const) {
    const v = numberOf(noise, key);
    if (v !== undefined) out[field] = v;
  }
  // an architecture with a thermal model supplies the temperature the experiment does not state
  if (!noise.isStated('temperature')) out.temperature_default = true;
  return out;
}

/** The mitigations of noise: noise-aware training, a clip above 0, the normalization layers. */
function checkMitigate(ctx: CheckContext, mit: Instance): IrExperiment['mitigate'] {
  const na = mit.get('noise_aware');
  const out: NonNullable<IrExperiment['mitigate']> = { noise_aware: na?.t === 'bool' ? na.v : false };
  requirePositive(ctx, mit, ['clip']);
  const clip = numberOf(mit, 'clip');
  if (clip !== undefined) out.clip = clip;
  const norm = mit.get('normalization');
  if (norm?.t === 'word') out.normalization = norm.name as 'all' | 'alternate' | 'third' | 'none';
  return out;
}

/** DropLayer's rates are probabilities of dropping, so below 1. */
function checkDroplayer(ctx: CheckContext, dl: Instance, anchor: Span, uri: string): IrExperiment['droplayer'] {
  const dropout = numberOf(dl, 'dropout') ?? 0;
  const dropedge = numberOf(dl, 'dropedge') ?? 0;
  for (const [k, v] of [
    ['dropout', dropout],
    ['dropedge', dropedge],
  ] as const) {
    if (v < 0 || v >= 1)
      ctx.report(
        diag(
          'outOfRange',
          uri,
          dl.statedAttr(k)?.value.span ?? anchor,
          `'${k}' of 'droplayer'`,
          String(v),
          'at least 0 and below 1',
        ),
      );
  }
  return { dropout, dropedge };
}

/** The ADC range, its calibration and the fixed-point format: recorded when stated, checked for sense. */
function checkNumerics(ctx: CheckContext, exp: IrExperiment, inst: Instance, uri: string): void {
  const word = (k: string): string | undefined => {
    const v = inst.get(k);
    return v?.t === 'word' && inst.statedAttr(k) ? v.name : undefined;
  };
  const range = word('adc_range');
  if (range) exp.numerics.adc_range = range as 'worst_case' | 'calibrated';
  const fixed = word('fixed_point');
  if (fixed) exp.numerics.fixed_point = fixed as 'dynamic' | 'static';
  const pct = asNumber(inst.get('adc_percentile'));
  if (pct !== undefined) {
    if (!(pct > 0 && pct <= 1))
      ctx.report(
        diag('adcPercentile', uri, inst.statedAttr('adc_percentile')!.value.span, `${+(pct * 100).toPrecision(6)}%`),
      );
    exp.numerics.adc_percentile = pct;
  }
  const samples = asNumber(inst.get('calibration_samples'));
  if (samples !== undefined) exp.numerics.adc_calibration_samples = samples;
  const calibrationStated = inst.statedAttr('adc_percentile') ?? inst.statedAttr('calibration_samples');
  if (calibrationStated && exp.numerics.adc_range !== 'calibrated')
    ctx.report(
      diag(
        'calibrationUnused',
        uri,
        calibrationStated.value.span,
        exp.numerics.ideal ? 'the numerics are ideal (hardware: false)' : "'adc_range' is not 'calibrated'",
      ),
    );
  else if (exp.numerics.adc_range === 'calibrated' && exp.numerics.ideal)
    ctx.report(
      diag(
        'calibrationUnused',
        uri,
        inst.statedAttr('adc_range')!.value.span,
        'the numerics are ideal (hardware: false)',
      ),
    );
}

function checkSectionBlocks(ctx: CheckContext, m: Block, uri: string): void {
  for (const inner of m.body ?? []) {
    if (inner.type !== 'Attribute')
      ctx.report(diag('misplaced', uri, inner.span, 'a nested block or statement', `a '${m.kind.name}' section`));
  }
}

/**
 * The data set must feed the mapped model: the same sample shape, or a graph of the same size; and the
 * model's outputs (per sample, or per node of a graph) are the scores of the data set's classes.
 */
function checkDatasetFits(
  ctx: CheckContext,
  exp: IrExperiment,
  mapping: IrMapping,
  models: Map<string, CheckedModel>,
  datasets: Map<string, IrDataset>,
  inst: Instance,
  uri: string,
): void {
  const model = models.get(mapping.model)?.ir;
  const ds = datasets.get(exp.dataset);
  if (!model || !ds) return;
  const at = inst.statedAttr('dataset')?.value.span ?? inst.statedAttr('mapping')?.value.span;
  if (!at) return;
  const inp = model.input;
  const fmt = (s: number[]): string => `[${s.join(', ')}]`;
  let fits = true;
  const mismatch = (why: string): void => {
    fits = false;
    ctx.report(diag('unknownDatasetShape', uri, at, ds.name, why));
  };
  if (inp.kind === 'graph') {
    if (ds.kind !== 'graph') mismatch(`model '${model.name}' takes a graph, but this data set holds ${ds.kind}s`);
    else if (ds.shape[0] !== inp.nodes || ds.shape[1] !== inp.features)
      mismatch(
        `its graph is ${fmt(ds.shape)} (nodes, features) but model '${model.name}' takes ${fmt([inp.nodes, inp.features])}`,
      );
  } else if (ds.kind === 'graph') {
    mismatch(`model '${model.name}' takes tensors ${fmt(inp.shape)}, but this data set is a graph`);
  } else if (fmt(ds.shape) !== fmt(inp.shape)) {
    mismatch(`its samples are ${fmt(ds.shape)} but model '${model.name}' takes ${fmt(inp.shape)}`);
  }
  // Checked only where the input fits, and where the classes are valid (fewer than 2 is reported at
  // the data set).
  if (!fits || ds.classes < 2) return;
  const out = model.output_shape;
  const scores = inp.kind === 'graph' ? (out.length === 2 ? out[1] : undefined) : out.length === 1 ? out[0] : undefined;
  if (scores !== undefined && scores !== ds.classes)
    mismatch(
      `it has ${ds.classes} classes but model '${model.name}' outputs ${scores} scores${inp.kind === 'graph' ? ' per node' : ''}`,
    );
}
