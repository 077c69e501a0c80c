// A device's `technology` selects the published figures of semantics/technologies.ts for what the device
// does not state: the table is the one place, and the language's choices are exactly its rows.
import assert from 'node:assert/strict';
import { compile, TECHNOLOGIES, type Program } from '@pim/compiler';

const ENTRY = '/virtual/technologies.pim';

function compileText(text: string): Program {
  return compile(ENTRY, { host: { readFile: (p) => (p === ENTRY ? text : undefined) } });
}

describe('compiler: device technologies', () => {
  it('every technology gives its table figures where the device states none', () => {
    const names = Object.keys(TECHNOLOGIES);
    const p = compileText(names.map((t) => `device d_${t} { technology: ${t} }`).join('\n'));
    assert.deepEqual(p.diagnostics, []);
    for (const t of names) {
      const f = TECHNOLOGIES[t]!;
      const d = p.ir!.devices.find((x) => x.name === `d_${t}`)!;
      assert.equal(d.technology, t);
      assert.equal(d.bits_per_cell, f.bits_per_cell, t);
      assert.equal(d.write_latency_s, f.write_latency_s, t);
      assert.equal(d.write_energy_j, Number((f.write_energy_per_bit_j * f.bits_per_cell).toPrecision(12)), t);
      assert.equal(d.endurance, f.endurance, t);
      // The analog MVM read is no memory read: ISAAC's 100 ns for every technology.
      assert.equal(d.read_latency_s, 100e-9, t);
    }
  });

  it("the language's choices are the table's rows (PIM3005 lists them)", () => {
    const p = compileText('device d { technology: nonsense }');
    const d = p.diagnostics.find((x) => x.code === 'PIM3005');
    assert.ok(d, JSON.stringify(p.diagnostics));
    assert.match(d.message, new RegExp(`expected one of ${Object.keys(TECHNOLOGIES).join(', ')}$`));
  });

  it('stated figures win; the energy default scales with the stated bits', () => {
    const p = compileText('device d { technology: pcm, bits_per_cell: 3, write_latency: 20 ns }');
    assert.deepEqual(p.diagnostics, []);
    const d = p.ir!.devices[0]!;
    assert.equal(d.write_latency_s, 20e-9);
    assert.equal(d.write_energy_j, 3e-11);
    assert.equal(d.endurance, TECHNOLOGIES['pcm']!.endurance);
  });

  it('more bits per cell than the technology stores is PIM3251 (a warning) at the stated bits', () => {
    const text = 'device d { technology: sram, bits_per_cell: 2 }';
    const p = compileText(text);
    assert.deepEqual(
      p.diagnostics.map((x) => [x.code, x.severity, text.slice(x.span.start, x.span.end)]),
      [['PIM3251', 'warning', '2']],
    );
    assert.equal(p.ir!.devices[0]!.bits_per_cell, 2);
  });

  it("the editor's hover of `technology: NAME` lists the figures it selects and their source", () => {
    const p = compileText('device d { technology: pcm }');
    const info = [...p.info.attributes].find(([a]) => a.key.name === 'technology')?.[1];
    assert.ok(info);
    assert.equal(info.display, 'pcm');
    assert.match(
      info.doc ?? '',
      /\*\*pcm\*\* defaults where the device states none: 2 bits per cell, write 50 ns and 10 pJ per bit, endurance 1e\+8/,
    );
    assert.match(info.doc ?? '', /ESWEEK 2022 tutorial\), Table 1/);
  });
});
