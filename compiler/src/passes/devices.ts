// Pass: `device` declarations → IrDevice (electrical figures in SI, conductances derived).
import { diag } from '@pim/grammar';
import type { IrDevice } from '@pim/ir';
import type { CheckContext } from '../semantics/context.js';
import { asNumber, instantiate, StatedAttributeInfo, type Instance } from '../semantics/instance.js';
import { checkValues } from './value-rules.js';
import { describeTechnology, selectedTechnology, type TechnologyFigures } from '../semantics/technologies.js';
import { dimEquals, NAMED_DIMENSIONS } from '../units/dimension.js';

/**
 * A device's latencies: in seconds, or in the cycles it states (IrDevice's `*_cycles`); when it states
 * neither, the seconds its technology gives (no read time: see semantics/technologies.ts).
 */
const LATENCIES = [
  ['read_latency', 'read_latency_s', 'read_latency_cycles', () => 0],
  ['write_latency', 'write_latency_s', 'write_latency_cycles', (f: TechnologyFigures) => f.write_latency_s],
] as const;

/**
 * The device's technology and its published figures (semantics/technologies.ts), the defaults of what
 * the device does not state (more bits per cell than it stores is a warning of value-rules.ts).
 */
function technologyOf(ctx: CheckContext, inst: Instance): { name: string; figures: TechnologyFigures } {
  const v = inst.get('technology');
  const { name, known, figures } = selectedTechnology(v);
  const stated = inst.statedAttr('technology');
  if (stated && known) {
    // The hover of `technology: NAME` lists the figures it selects (replacing the plain attribute info).
    const def = inst.cls.attrs.get('technology')!;
    const doc = [def.doc, describeTechnology(name)].filter((x) => x).join('\n\n');
    ctx.attributeInfo.defer(stated, new StatedAttributeInfo(def.owner, def.type, v!, doc));
  }
  return { name, figures };
}

export function checkDevices(ctx: CheckContext): Map<string, IrDevice> {
  const out = new Map<string, IrDevice>();
  const cls = ctx.classes.declaration.get('device')!;
  for (const sym of ctx.symbolsOfKind('device')) {
    if (sym.node.type !== 'Block') continue;
    const block = sym.node;
    for (const m of block.body ?? []) {
      if (m.type !== 'Attribute')
        ctx.report(
          diag(
            'misplaced',
            sym.file,
            m.span,
            m.type === 'Block' ? `a '${m.kind.name}' block` : 'this statement',
            'a device',
          ),
        );
    }
    const inst = instantiate(ctx, cls, block.body, sym.file, {
      anchor: block.kind.span,
      what: `device '${sym.name}'`,
      overrides: ctx.overridesAt(sym.name),
      // A device has no clock: each architecture whose crossbars use it turns its cycles into seconds.
      keepCycles: true,
    });
    const n = (k: string): number => asNumber(inst.get(k)) ?? 0;
    const tech = technologyOf(ctx, inst);
    const bits = asNumber(inst.get('bits_per_cell')) ?? tech.figures.bits_per_cell;
    checkValues(ctx, inst);
    ctx.instances.set(sym.name, inst);
    const rOn = n('r_on');
    const rOff = n('r_off');
    const endurance = asNumber(inst.get('endurance')) ?? tech.figures.endurance;
    const dev: IrDevice = {
      name: sym.name,
      technology: tech.name,
      bits_per_cell: bits,
      levels: 2 ** bits,
      r_on_ohm: rOn,
      r_off_ohm: rOff,
      g_on_s: rOn > 0 ? 1 / rOn : 0,
      g_off_s: rOff > 0 ? 1 / rOff : 0,
      read_voltage_v: n('read_voltage'),
      write_energy_j: asNumber(inst.get('write_energy')) ?? tech.figures.write_energy_per_bit_j * bits,
      endurance,
      variation: n('variation'),
      stuck_at_zero: n('stuck_at_zero'),
      stuck_at_one: n('stuck_at_one'),
    };
    for (const [key, s, cycles, byDefault] of LATENCIES) {
      const v = inst.get(key);
      if (v?.t === 'num' && dimEquals(v.dim, NAMED_DIMENSIONS['cycles']!)) dev[cycles] = v.v;
      else dev[s] = asNumber(v) ?? byDefault(tech.figures);
    }
    const spread = asNumber(inst.get('spread'));
    if (spread !== undefined) dev.spread = spread;
    const cellArea = asNumber(inst.get('cell_area'));
    if (cellArea !== undefined) dev.cell_area_m2 = cellArea;
    out.set(sym.name, dev);
  }
  return out;
}
