// Design-point overrides (CompileOptions.overrides): the explorer's way to compile one point of an
// exploration. An override replaces a stated or default attribute, everything derived follows it,
// and a path that names nothing throws. A value the attribute refuses, from the overrides or from a
// `vary` list, is refused as the same value stated in the block is (design-point-checks.test.ts).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, sourcesCompiler, type IrComponent, type IrProgram, type Program } from '@pim/compiler';
import type { Diagnostic } from '@pim/grammar';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FILE = path.join(ROOT, 'samples/explore.pim');

function ir(overrides: { path: string; value: number | string | boolean }[] = []): IrProgram {
  const p = compile(FILE, { overrides });
  assert.deepEqual(
    p.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return p.ir!;
}

const arch = (p: IrProgram, name: string) => p.architectures.find((a) => a.name === name)!;
const crossbar = (p: IrProgram) => arch(p, 'rram8').tile_types[0]!.crossbar!;
/** A component and every part under it, depth first. */
const components = (c: IrComponent): IrComponent[] => [c, ...c.children.flatMap(components)];

describe('compiler: design-point overrides', function () {
  this.timeout(30_000);
  const base = ir();

  it('without overrides the IR is the plain compile', () => {
    assert.deepEqual(ir([]), base);
  });

  it('a component attribute: crossbar rows, and what follows from them', () => {
    const p = ir([{ path: 'rram8.t.ima.crossbar.rows', value: 64 }]);
    assert.equal(crossbar(base).rows, 128);
    assert.equal(crossbar(p).rows, 64);
    // `cols: rows` reads the crossbar's own rows, so the crossbar stays square.
    assert.equal(crossbar(p).cols, 64);
    assert.ok(arch(p, 'rram8').totals.area_m2 < arch(base, 'rram8').totals.area_m2);
    // The other architectures are untouched.
    assert.deepEqual(arch(p, 'rram2'), arch(base, 'rram2'));
  });

  it('a device attribute and an architecture attribute', () => {
    const p = ir([
      { path: 'cell8b.bits_per_cell', value: 2 },
      { path: 'rram8.clock', value: 6e8 },
    ]);
    assert.equal(p.devices.find((d) => d.name === 'cell8b')!.bits_per_cell, 2);
    assert.equal(p.devices.find((d) => d.name === 'cell8b')!.levels, 4);
    assert.equal(crossbar(p).bits_per_cell, 2);
    assert.equal(arch(p, 'rram8').clock_hz, 6e8);
    assert.equal(arch(base, 'rram8').clock_hz, 1.2e9);
  });

  it("a clock override scales the clocked parts' dynamic power by the clock ratio; analog parts, rates and leakage stay", () => {
    // rram8 states 1.2 GHz; at 0.6 GHz its digital logic's dynamic power halves, its leakage stays.
    const p = ir([{ path: 'rram8.clock', value: 6e8 }]);
    const after = components(arch(p, 'rram8').root);
    const kinds = new Set<string>();
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-11 * Math.abs(b), what);
    for (const [i, b] of components(arch(base, 'rram8').root).entries()) {
      const o = after[i]!;
      assert.equal(o.path, b.path);
      kinds.add(b.kind);
      close(o.static_power_w!, b.static_power_w!, `${b.path} leakage`);
      assert.equal(o.energy_j, b.energy_j, `${b.path} energy per operation`);
      if (b.children.length > 0) continue;
      const ratio = ['crossbar', 'adc', 'dac', 'sample_hold'].includes(b.kind) ? 1 : 0.5;
      // A part's own leakage is its static power (no parts of its own): the rest is dynamic.
      close(o.own_power_w - o.static_power_w!, ratio * (b.own_power_w - b.static_power_w!), `${b.path} (${b.kind})`);
    }
    for (const k of ['adc', 'crossbar', 'edram', 'router', 'shift_add']) assert.ok(kinds.has(k), `no ${k} in rram8`);
    assert.ok(arch(p, 'rram8').totals.power_w < arch(base, 'rram8').totals.power_w);
    // The NoC's default energy per bit and hop (router power over ports × flit × clock) stays: its
    // dynamic part follows the clock, and its leakage is taken at the program's clock.
    close(
      arch(p, 'rram8').noc!.energy_per_bit_hop_j,
      arch(base, 'rram8').noc!.energy_per_bit_hop_j,
      'energy per bit-hop',
    );
    // At the clock the program states, nothing changes.
    assert.deepEqual(arch(ir([{ path: 'rram8.clock', value: 1.2e9 }]), 'rram8'), arch(base, 'rram8'));
  });

  it('a clock override with a power stated for a tile: reconciled at the stated clock, then each part scaled by its kind', () => {
    const text = `device d { bits_per_cell: 2 }
class vector_unit extends component { executes: list(any) = [relu], throughput: frequency = 16 GHz, power: power = 1.6 mW }
architecture a {
  clock: 1 GHz, weight_bits: 4 bit, input_bits: 4 bit
  tile t { power: 10 mW, edram {}, ima { crossbar[2] { rows: 8, cols: 8, cell: d }, adc {}, dac[16] {} }, vector_unit v {} }
}
`;
    const [b, h] = [compileText(text), compileText(text, [{ path: 'a.clock', value: 5e8 }])];
    // The stated 10 mW is compared with the parts at the program's clock, once (PIM4250), as without the override.
    assert.deepEqual(
      h.diagnostics.map((d) => d.message),
      b.diagnostics.map((d) => d.message),
    );
    const parts = (p: Program) => new Map(components(p.ir!.architectures[0]!.root).map((c) => [c.kind, c]));
    const [pb, ph] = [parts(b), parts(h)];
    for (const k of ['crossbar', 'adc', 'dac', 'vector_unit']) assert.equal(ph.get(k)!.power_w, pb.get(k)!.power_w, k);
    for (const c of pb.values()) assert.equal(ph.get(c.kind)!.static_power_w, c.static_power_w, `${c.kind} leakage`);
    const e = [pb.get('edram')!, ph.get('edram')!];
    // The IR keeps 12 significant digits.
    const halved = e[0]!.static_power_w! + 0.5 * (e[0]!.power_w - e[0]!.static_power_w!);
    assert.ok(Math.abs(e[1]!.power_w - halved) < 1e-11 * halved, `${e[1]!.power_w} vs ${halved}`);
    assert.ok(ph.get('tile')!.power_w < pb.get('tile')!.power_w);
  });

  it('an overridden figure counts as stated: a tile power or an ADC power is taken as given', () => {
    const p = ir([{ path: 'rram8.t.ima.power', value: 1e-3 }]);
    const ima = arch(p, 'rram8')
      .root.children.find((c) => c.name === 't')!
      .children.find((c) => c.name === 'ima')!;
    assert.equal(ima.power_w, 1e-3);
    assert.equal(ima.power_source, 'stated');
    const adc = ir([{ path: 'rram8.t.ima.adc.power', value: 20e-3 }]);
    const before = arch(base, 'rram8').tile_types[0]!.adc!.energy_per_conversion_j;
    const after = arch(adc, 'rram8').tile_types[0]!.adc!.energy_per_conversion_j;
    assert.ok(after > before, `ADC energy per conversion follows its power: ${before} → ${after}`);
  });

  it('a path that names no attribute, or a value of the wrong kind, throws', () => {
    assert.throws(
      () => compile(FILE, { overrides: [{ path: 'rram8.t.ima.crossbar.rowz', value: 64 }] }),
      /override 'rram8\.t\.ima\.crossbar\.rowz' names no/,
    );
    assert.throws(
      () => compile(FILE, { overrides: [{ path: 'nowhere.rows', value: 64 }] }),
      /override 'nowhere\.rows' names no/,
    );
    assert.throws(() => compile(FILE, { overrides: [{ path: 'cell8b.bits_per_cell', value: 'many' }] }), /not count/);
    assert.throws(() => compile(FILE, { overrides: [{ path: 'rram8.clock', value: true }] }), /not frequency/);
  });

  it('an override that breaks the program yields diagnostics, not a throw', () => {
    const p = compile(FILE, { overrides: [{ path: 'cell8b.bits_per_cell', value: 9 }] });
    assert.deepEqual(
      p.diagnostics.map((d) => d.code),
      ['PIM3010'],
    );
    assert.equal(p.ir, undefined);
  });
});

/** A program with one slot per block a design point's value may be stated in, and an exploration of it. */
type Slot = 'device' | 'arch' | 'partition' | 'crossbar' | 'thermal' | 'vary';
const program = (slots: Partial<Record<Slot, string>> = {}): string => `device d {
  ${slots.device ?? ''}
}
architecture a {
  ${slots.arch ?? ''}
  partition p {
    ${slots.partition ?? ''}
    tile t[4] { ima[2] { crossbar x[4] {
      cols: 128, cell: d
      ${slots.crossbar ?? ''}
    } } }
  }
  noc { topology: mesh, dims: [2, 2] }
  thermal {
    ${slots.thermal ?? ''}
  }
}
dataset mnist { source: builtin }
model m { input: tensor[1, 28, 28], flatten, linear f { out: 10 } }
mapping mp { model: m, architecture: a, place linear on t }
run r { mapping: mp, dataset: mnist }
explore space {
  evaluate: r
  ${slots.vary ?? ''}
  minimize energy
}
`;

const ENTRY = '/design-points/program.pim';
const compileText = (text: string, overrides: { path: string; value: number | string | boolean }[] = []) =>
  compile(ENTRY, { host: { readFile: (f) => (f === ENTRY ? text : undefined) }, overrides });
const errorsOf = (p: Program) => p.diagnostics.filter((d) => d.severity === 'error');
const textAt = (text: string, d: Diagnostic) => text.slice(d.span.start, d.span.end);

/** A value the attribute refuses: as written in the source (`literal`), as a design point's SI value, a valid one. */
interface BadValue {
  what: string;
  slot: Slot;
  attribute: string;
  path: string;
  literal: string;
  value: number | string;
  valid: string;
  code: string;
  /** The block keyword an override's diagnostic is at. */
  block: string;
}

const BAD_VALUES: BadValue[] = [
  ...[
    ['a partition clock of 0 Hz', '0 Hz', 0, 'PIM3010'],
    // 1e308 GHz overflows to Infinity Hz.
    ['an infinite partition clock', '1e308 GHz', Infinity, 'PIM3007'],
  ].map(([what, literal, value, code]) => ({
    what: what as string,
    slot: 'partition' as const,
    attribute: 'clock',
    path: 'a.p.clock',
    literal: literal as string,
    value: value as number,
    valid: '2 GHz',
    code: code as string,
    block: 'partition',
  })),
  {
    what: 'a negative architecture clock',
    slot: 'arch',
    attribute: 'clock',
    path: 'a.clock',
    literal: '-1 GHz',
    value: -1e9,
    valid: '2 GHz',
    code: 'PIM3010',
    block: 'architecture',
  },
  {
    what: 'a weight format of a fraction of a bit',
    slot: 'arch',
    attribute: 'weight_bits',
    path: 'a.weight_bits',
    literal: '4.5 bit',
    value: 4.5,
    valid: '8 bit',
    code: 'PIM3010',
    block: 'architecture',
  },
  ...[
    ['a crossbar of 0 rows', '0', 0, 'PIM3010'],
    ['a crossbar of 64.5 rows (not a whole count)', '64.5', 64.5, 'PIM3006'],
  ].map(([what, literal, value, code]) => ({
    what: what as string,
    slot: 'crossbar' as const,
    attribute: 'rows',
    path: 'a.p.t.ima.x.rows',
    literal: literal as string,
    value: value as number,
    valid: '64',
    code: code as string,
    block: 'crossbar',
  })),
  {
    // The crossbar's power is its default, 0.3 mW for 128 × 128 (a rule against the block's other values).
    what: "a crossbar's leakage above its power",
    slot: 'crossbar',
    attribute: 'leakage',
    path: 'a.p.t.ima.x.leakage',
    literal: '1 W',
    value: 1,
    valid: '0.03 mW',
    code: 'PIM3010',
    block: 'crossbar',
  },
  {
    what: 'a device of 9 bits per cell',
    slot: 'device',
    attribute: 'bits_per_cell',
    path: 'd.bits_per_cell',
    literal: '9',
    value: 9,
    valid: '2',
    code: 'PIM3010',
    block: 'device',
  },
  {
    what: "a device's r_on above its r_off (a rule relating two values)",
    slot: 'device',
    attribute: 'r_on',
    path: 'd.r_on',
    literal: '20 MOhm',
    value: 2e7,
    valid: '10 kOhm',
    code: 'PIM3010',
    block: 'device',
  },
  {
    what: 'stuck-at fault rates above all cells',
    slot: 'device',
    attribute: 'stuck_at_zero',
    path: 'd.stuck_at_zero',
    literal: '150 %',
    value: 1.5,
    valid: '1 %',
    code: 'PIM5005',
    block: 'device',
  },
  {
    what: 'a thermal grid finer than the solver takes',
    slot: 'thermal',
    attribute: 'grid',
    path: 'a.thermal.grid',
    literal: '300',
    value: 300,
    valid: '32',
    code: 'PIM3010',
    block: 'thermal',
  },
  {
    what: 'a heat sink side that is none of the choices',
    slot: 'thermal',
    attribute: 'sink_side',
    path: 'a.thermal.sink_side',
    literal: 'middle',
    value: 'middle',
    valid: 'first',
    code: 'PIM3005',
    block: 'thermal',
  },
];

describe('compiler: a design point is checked as stated values are', function () {
  this.timeout(60_000);
  const codeAndMessage = (d: Diagnostic) => `${d.code}: ${d.message}`;

  it('the program without a bad value compiles', () => {
    assert.deepEqual(errorsOf(compileText(program())), []);
  });

  for (const c of BAD_VALUES) {
    describe(c.what, () => {
      const statedText = program({ [c.slot]: `${c.attribute}: ${c.literal}` });
      const stated = errorsOf(compileText(statedText));
      // The value's own error (a crossbar of 0 rows also holds no layer: later errors follow).
      const own = stated.filter((d) => d.code === c.code);

      it('stated in its block: its error, at the value', () => {
        assert.equal(own.length, 1, stated.map(codeAndMessage).join('\n'));
        assert.equal(textAt(statedText, own[0]!), c.literal);
      });

      it('from the overrides option: the same errors, at the block, and no IR', () => {
        const text = program();
        const p = compileText(text, [{ path: c.path, value: c.value }]);
        assert.deepEqual(errorsOf(p).map(codeAndMessage), stated.map(codeAndMessage));
        assert.equal(
          textAt(
            text,
            errorsOf(p).find((d) => d.code === c.code)!,
          ),
          c.block,
        );
        assert.equal(p.ir, undefined);
        // The explorer's compiler: the design is infeasible with that error.
        const files = new Map([[ENTRY, text]]);
        assert.equal(sourcesCompiler()(ENTRY, files, [{ path: c.path, value: c.value }]), codeAndMessage(stated[0]!));
      });

      it('in a vary list: the same error, at that value alone', () => {
        const text = program({ vary: `vary ${c.path} in [${c.valid}, ${c.literal}]` });
        const errors = errorsOf(compileText(text));
        assert.deepEqual(errors.map(codeAndMessage), own.map(codeAndMessage));
        assert.equal(textAt(text, errors[0]!), c.literal);
        assert.ok(errors[0]!.span.start > text.indexOf(`vary ${c.path}`));
      });
    });
  }

  it('a rule relating two values (a spreader narrower than the die): an override is refused as the stated value is', () => {
    const slots = (spreader?: string) => ({
      thermal: `die_width: 40 mm${spreader ? `, spreader_side: ${spreader}` : ''}`,
    });
    const stated = errorsOf(compileText(program(slots('20 mm'))));
    assert.equal(stated.length, 1, stated.map(codeAndMessage).join('\n'));
    const text = program(slots());
    const p = compileText(text, [{ path: 'a.thermal.spreader_side', value: 0.02 }]);
    assert.deepEqual(errorsOf(p).map(codeAndMessage), stated.map(codeAndMessage));
    assert.equal(textAt(text, errorsOf(p)[0]!), 'thermal');
    assert.deepEqual(errorsOf(compileText(text, [{ path: 'a.thermal.spreader_side', value: 0.05 }])), []);
  });

  it("a warning of a stated value (more bits than the technology stores) is given for a design point's too", () => {
    const warnings = (p: Program) => p.diagnostics.filter((d) => d.severity === 'warning').map(codeAndMessage);
    const statedText = program({ device: 'technology: sram, bits_per_cell: 2' });
    const stated = warnings(compileText(statedText));
    assert.deepEqual(
      stated.map((w) => w.slice(0, 7)),
      ['PIM3251'],
    );
    const text = program({ device: 'technology: sram' });
    const point = compileText(text, [{ path: 'd.bits_per_cell', value: 2 }]);
    assert.deepEqual(warnings(point), stated);
    assert.equal(point.ir!.devices[0]!.bits_per_cell, 2);
    const varied = program({ device: 'technology: sram', vary: 'vary d.bits_per_cell in [1, 2]' });
    const p = compileText(varied);
    assert.deepEqual(warnings(p), stated);
    const w = p.diagnostics.find((d) => d.code === 'PIM3251')!;
    assert.equal(textAt(varied, w), '2');
    assert.ok(w.span.start > varied.indexOf('vary d.bits_per_cell'));
  });

  it('a vary range holding refused values: one error, for the first, at the range', () => {
    const text = program({ vary: 'vary d.bits_per_cell in 0 .. 12' });
    const errors = errorsOf(compileText(text));
    assert.deepEqual(errors.map(codeAndMessage), [
      "PIM3010: 'bits_per_cell' of device 'd' is 0, but it must be from 1 to 8",
    ]);
    assert.equal(textAt(text, errors[0]!), '0 .. 12');
  });

  it('a vary list of valid values compiles, each value a design point', () => {
    const p = compileText(program({ vary: 'vary a.p.clock in [500 MHz, 2 GHz]' }));
    assert.deepEqual(errorsOf(p), []);
    assert.deepEqual(p.ir!.explorations[0]!.parameters[0]!.values, [5e8, 2e9]);
    const point = compileText(program(), [{ path: 'a.p.clock', value: 5e8 }]);
    assert.equal(point.ir!.architectures[0]!.partitions.find((x) => x.name === 'p')!.clock_hz, 5e8);
  });
});
