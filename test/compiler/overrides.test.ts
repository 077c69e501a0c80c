// Design-point overrides (CompileOptions.overrides): the explorer's way to compile one point of an
// exploration. An override replaces a stated or default attribute, everything derived follows it,
// and a path that names nothing throws.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type IrProgram } from '@pim/compiler';

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

  it('a path that names no attribute, or a value of the wrong type, throws', () => {
    assert.throws(
      () => compile(FILE, { overrides: [{ path: 'rram8.t.ima.crossbar.rowz', value: 64 }] }),
      /override 'rram8\.t\.ima\.crossbar\.rowz' names no/,
    );
    assert.throws(
      () => compile(FILE, { overrides: [{ path: 'nowhere.rows', value: 64 }] }),
      /override 'nowhere\.rows' names no/,
    );
    assert.throws(() => compile(FILE, { overrides: [{ path: 'cell8b.bits_per_cell', value: 'many' }] }), /not count/);
    assert.throws(() => compile(FILE, { overrides: [{ path: 'rram8.clock', value: -1 }] }), /not frequency/);
  });

  it('a partition clock overridden with 0 Hz or an infinite one is not its own clock in the IR', () => {
    const text = `device d { bits_per_cell: 2 }
architecture a {
  clock: 1 GHz
  partition p {
    tile t[2] { crossbar x[4] { rows: 8, cols: 8, cell: d } }
  }
}
`;
    const entry = '/overrides/partition-clock.pim';
    const partition = (value: number) =>
      compile(entry, {
        host: { readFile: (f) => (f === entry ? text : undefined) },
        overrides: [{ path: 'a.p.clock', value }],
      }).ir!.architectures[0]!.partitions.find((x) => x.name === 'p')!;
    assert.equal(partition(2e9).clock_hz, 2e9);
    // Its tiles run at the architecture's clock (tileClockHz), as its cycles were counted.
    assert.equal(partition(0).clock_hz, undefined);
    assert.equal(partition(Infinity).clock_hz, undefined);
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
