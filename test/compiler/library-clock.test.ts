// The library's default figures hold at its `figures_clock`, ISAAC's 1.2 GHz: a clocked part whose power
// is the library's default keeps its leakage and scales its dynamic power by the clock the program states
// over 1.2 GHz. A power the program states (or a default of a class of its own) holds at the program's
// clock; analog parts and parts with rates of their own keep their figures at any clock.
import assert from 'node:assert/strict';
import { compile, type IrArchitecture, type IrComponent, type Program } from '@pim/compiler';

const ENTRY = '/library-clock/program.pim';
const compileText = (text: string, overrides: { path: string; value: number }[] = []): Program =>
  compile(ENTRY, { host: { readFile: (f) => (f === ENTRY ? text : undefined) }, overrides });

/** A chip of library parts only (every clocked kind and the analog ones), at `clock`; `extra` adds blocks to the tile. */
function chip(clock: string, extra = '', router = 'router { shared_by: 2 }'): string {
  return `device d { bits_per_cell: 2 }
class own_unit extends component { power: power = 1 mW }
class big_buffer extends edram { capacity: information = 128 KB }
architecture a {
  clock: ${clock}, weight_bits: 8 bit, input_bits: 8 bit
  tile t[2] {
    edram buf {}
    sram s {}
    bus {}
    register reg {}
    ${router}
    sigmoid {}
    maxpool {}
    ima { crossbar[2] { cell: d }, adc {}, dac[256] {}, sample_hold[256] {}, shift_add {} }
    ${extra}
  }
  noc {}
}
`;
}

function archOf(p: Program): IrArchitecture {
  assert.deepEqual(
    p.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  return p.ir!.architectures[0]!;
}

/** Every component below the root, by path. */
function parts(a: IrArchitecture): Map<string, IrComponent> {
  const out = new Map<string, IrComponent>();
  const walk = (c: IrComponent): void => {
    for (const k of c.children) {
      out.set(k.path, k);
      walk(k);
    }
  };
  walk(a.root);
  return out;
}

const close = (a: number, b: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${what}: ${a} vs ${b}`);
const CLOCKED = ['edram', 'sram', 'bus', 'register', 'router', 'sigmoid', 'maxpool', 'shift_add'];
const ANALOG = ['crossbar', 'adc', 'dac', 'sample_hold'];
/** ISAAC's router at full load: 42 mW over 8 ports × 32-bit flits × 1.2 GHz. */
const ISAAC_BIT_HOP = 42e-3 / (8 * 32 * 1.2e9);

describe('compiler: the library figures hold at 1.2 GHz (figures_clock)', () => {
  const isaac = archOf(compileText(chip('1.2 GHz')));
  const half = archOf(compileText(chip('0.6 GHz')));

  it("at 1.2 GHz the library parts draw ISAAC's table", () => {
    const p = parts(isaac);
    const table: [string, number][] = [
      ['a.t.buf', 20.7e-3],
      ['a.t.s', 20.7e-3],
      ['a.t.bus', 7e-3],
      ['a.t.reg', 1.24e-3],
      // One of two tiles sharing the router.
      ['a.t.router', 42e-3 / 2],
      ['a.t.sigmoid', 0.26e-3],
      ['a.t.maxpool', 0.4e-3],
      ['a.t.ima.shift_add', 0.05e-3],
      // The ADC is analog: its Walden figure at its own 1.28 GS/s.
      ['a.t.ima.adc', 6.1e-15 * 256 * 1.28e9],
    ];
    for (const [path, watts] of table) close(p.get(path)!.power_w, watts, path);
    close(isaac.noc!.energy_per_bit_hop_j, ISAAC_BIT_HOP, 'energy per bit-hop');
  });

  it("at 0.6 GHz the clocked parts draw half ISAAC's dynamic power; their leakage and the analog parts stay", () => {
    const [at12, at06] = [parts(isaac), parts(half)];
    const kinds = new Set<string>();
    for (const [path, b] of at12) {
      const h = at06.get(path)!;
      close(h.static_power_w!, b.static_power_w!, `${path} leakage`);
      assert.equal(h.energy_j, b.energy_j, `${path} energy per operation`);
      if (b.children.length > 0) continue;
      kinds.add(b.kind);
      const ratio = ANALOG.includes(b.kind) ? 1 : 0.5;
      close(h.own_power_w - h.static_power_w!, ratio * (b.own_power_w - b.static_power_w!), `${path} dynamic`);
    }
    for (const k of [...CLOCKED, ...ANALOG]) assert.ok(kinds.has(k), `no ${k} in the chip`);
    // The buffer by hand: a tenth of ISAAC's 20.7 mW leaks, the other 18.63 mW halve.
    close(at06.get('a.t.buf')!.power_w, 2.07e-3 + 18.63e-3 / 2, 'edram at 0.6 GHz');
    // Its energy per access is ISAAC's power over one access per 1.2 GHz cycle, at any clock.
    close(at06.get('a.t.buf')!.energy_j!, 20.7e-3 / 1.2e9, 'edram energy per access');
    assert.ok(half.totals.power_w < isaac.totals.power_w);
  });

  it("the NoC's default energy per bit and hop is ISAAC's router's at any clock, with or without a router block", () => {
    close(half.noc!.energy_per_bit_hop_j, ISAAC_BIT_HOP, 'router block at 0.6 GHz');
    const bare = archOf(compileText(chip('0.6 GHz', '', '')));
    close(bare.noc!.energy_per_bit_hop_j, ISAAC_BIT_HOP, 'no router block at 0.6 GHz');
    // The library's router stands in for the missing block, its power at the chip's clock.
    close(bare.noc!.router_power_w, 4.2e-3 + 37.8e-3 / 2, "the library router's power at 0.6 GHz");
    // A router whose power is stated draws it at the chip's clock: its energy per bit follows.
    const stated = archOf(compileText(chip('0.6 GHz', '', 'router { power: 42 mW }')));
    close(stated.noc!.energy_per_bit_hop_j, 42e-3 / (8 * 32 * 0.6e9), 'stated router at 0.6 GHz');
  });

  it("a power the program states holds at the program's clock; a class of one's own too, unless it gives figures_clock", () => {
    const extra = `edram mine { power: 20.7 mW }
    own_unit u {}
    own_unit u12 { figures_clock: 1.2 GHz }
    big_buffer big {}`;
    const [at12, at06] = [
      parts(archOf(compileText(chip('1.2 GHz', extra)))),
      parts(archOf(compileText(chip('0.6 GHz', extra)))),
    ];
    assert.equal(at06.get('a.t.mine')!.power_w, at12.get('a.t.mine')!.power_w);
    close(at06.get('a.t.mine')!.power_w, 20.7e-3, 'stated edram');
    assert.equal(at06.get('a.t.mine')!.power_source, 'stated');
    close(at06.get('a.t.u')!.power_w, 1e-3, "a class's own default");
    // Stated figures_clock: its default holds at 1.2 GHz, as the library's do.
    close(at06.get('a.t.u12')!.power_w, 0.1e-3 + 0.9e-3 / 2, 'own class at a stated figures_clock');
    // A class of one's own that keeps the library's power formula: the library's clock.
    close(at12.get('a.t.big')!.power_w, 2 * 20.7e-3, 'library formula at 1.2 GHz');
    close(at06.get('a.t.big')!.power_w, 2 * (2.07e-3 + 18.63e-3 / 2), 'library formula at 0.6 GHz');
  });

  it("a design point from 0.6 GHz to 1.2 GHz gives ISAAC's figures back; a stated power scales from 0.6 GHz", () => {
    const toIsaac = [{ path: 'a.clock', value: 1.2e9 }];
    const point = archOf(compileText(chip('0.6 GHz'), toIsaac));
    const [b, o] = [parts(isaac), parts(point)];
    for (const [path, c] of b) {
      close(o.get(path)!.power_w, c.power_w, `${path} power`);
      close(o.get(path)!.static_power_w!, c.static_power_w!, `${path} leakage`);
    }
    close(point.totals.power_w, isaac.totals.power_w, 'chip power');
    close(point.noc!.energy_per_bit_hop_j, ISAAC_BIT_HOP, 'energy per bit-hop');
    // Stated at 0.6 GHz: its dynamic share (all but the default tenth) doubles at 1.2 GHz.
    const stated = parts(archOf(compileText(chip('0.6 GHz', 'edram mine { power: 20.7 mW }'), toIsaac)));
    close(stated.get('a.t.mine')!.power_w, 2.07e-3 + 2 * 18.63e-3, 'stated edram at the design point');
  });

  it("a partition's own clock scales the library parts in it", () => {
    const text = `device d { bits_per_cell: 2 }
architecture a {
  clock: 1.2 GHz
  partition fast { tile f { edram {} } }
  partition slow { clock: 600 MHz, tile s { edram {} } }
}
`;
    const p = parts(archOf(compileText(text)));
    close(p.get('a.fast.f.edram')!.power_w, 20.7e-3, 'at the chip clock');
    close(p.get('a.slow.s.edram')!.power_w, 2.07e-3 + 18.63e-3 / 2, "at the partition's clock");
  });

  it("a router in a partition with its own clock: ISAAC's energy per bit by default, a stated power over its throughput at the partition's clock", () => {
    const text = (router: string) => `device d { bits_per_cell: 2 }
architecture a {
  clock: 1.2 GHz
  partition slow { clock: 600 MHz, tile s[4] { edram {}, ima { crossbar[2] { cell: d } }, ${router} } }
  noc { dims: [2, 2] }
}
`;
    // Each at the program's clock and at a design point that moves the chip's clock (not the partition's).
    for (const overrides of [[], [{ path: 'a.clock', value: 0.3e9 }]]) {
      const at = (router: string) => archOf(compileText(text(router), overrides)).noc!.energy_per_bit_hop_j;
      close(at('router {}'), ISAAC_BIT_HOP, `default router, ${overrides.length} overrides`);
      // 42 mW at the partition's 0.6 GHz over 8 ports × 32-bit flits × 0.6 GHz: 0.273 pJ/bit.
      close(at('router { power: 42 mW }'), 42e-3 / (8 * 32 * 0.6e9), `stated router, ${overrides.length} overrides`);
    }
  });

  it("a power stated on a tile is compared with its parts at the program's clock", () => {
    const tile = (power: string) => `architecture a {
  clock: 0.6 GHz
  tile t { power: ${power}, edram {} }
}
`;
    const warnings = (p: Program) => p.diagnostics.filter((d) => d.code === 'PIM4250');
    // The edram draws 11.385 mW at 0.6 GHz, not ISAAC's 20.7 mW.
    assert.deepEqual(warnings(compileText(tile('11.385 mW'))), []);
    assert.equal(warnings(compileText(tile('20.7 mW'))).length, 1);
  });

  it('a figures_clock not above 0 is an error at the value', () => {
    const text = chip('1 GHz', 'register r0 { figures_clock: 0 Hz }');
    const errors = compileText(text).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(
      errors.map((d) => d.code),
      ['PIM3010'],
    );
    assert.equal(text.slice(errors[0]!.span.start, errors[0]!.span.end), '0 Hz');
    assert.match(errors[0]!.message, /'figures_clock' of 'register' block is 0 Hz, but it must be above 0/);
  });
});
