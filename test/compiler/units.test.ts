// The unit table and the dimension algebra: SI scales, binary byte multiples, compound units, the °C
// offset, cycles, and the suggestions given for unknown units.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dimension, units } from './passes.js';

const { lookupUnit, suggestUnit, allUnits, unitsFor } = units;
const { NAMED_DIMENSIONS: N, dimEquals, dimMul, dimDiv, dimPow, dimName, siUnitOf, DIMENSIONLESS } = dimension;

/** The unit's SI value of 1 unit, and its dimension's name. */
function si(text: string): { scale: number; dim: string; offset: number } {
  const u = lookupUnit(text);
  assert.ok(u, `unit ${text} should exist`);
  return { scale: u.scale, dim: dimName(u.dim), offset: u.offset ?? 0 };
}

function close(actual: number, expected: number, rel = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${actual} ≠ ${expected}`);
}

describe('compiler: units', () => {
  it('SI prefixes scale to base units', () => {
    close(si('GHz').scale, 1e9);
    assert.equal(si('GHz').dim, 'frequency');
    close(si('ns').scale, 1e-9);
    assert.equal(si('ns').dim, 'time');
    close(si('mW').scale, 1e-3);
    close(si('uW').scale, 1e-6);
    close(si('µW').scale, 1e-6);
    close(si('pJ').scale, 1e-12);
    assert.equal(si('pJ').dim, 'energy');
    close(si('kOhm').scale, 1e3);
    close(si('MΩ').scale, 1e6);
    assert.equal(si('kOhm').dim, 'resistance');
    close(si('mV').scale, 1e-3);
    assert.equal(si('uA').dim, 'current');
    assert.equal(si('uS').dim, 'conductance');
    close(si('TFLOPS').scale, 1e12);
    assert.equal(si('GSps').dim, 'frequency');
  });

  it('areas are squared lengths: mm2 is 1e-6 m², um2 1e-12 m²', () => {
    close(si('mm2').scale, 1e-6);
    close(si('um2').scale, 1e-12);
    close(si('cm2').scale, 1e-4);
    assert.equal(si('mm2').dim, 'area');
    assert.ok(dimEquals(lookupUnit('mm2')!.dim, dimPow(lookupUnit('mm')!.dim, 2)));
  });

  it('information: bits, bytes, and binary multiples (KB = 1024 B)', () => {
    assert.equal(si('bit').scale, 1);
    assert.equal(si('B').scale, 8);
    assert.equal(si('KB').scale, 1024 * 8);
    assert.equal(si('kB').scale, 1024 * 8);
    assert.equal(si('KiB').scale, 1024 * 8);
    assert.equal(si('MB').scale, 2 ** 20 * 8);
    assert.equal(si('GB').scale, 2 ** 30 * 8);
    assert.equal(si('Kbit').scale, 1024);
    assert.equal(si('KB').dim, 'information');
  });

  it('compound units divide: GB/s is a bandwidth, pJ/bit an energy per bit, Gbps decimal', () => {
    assert.equal(si('GB/s').dim, 'bandwidth');
    assert.equal(si('GB/s').scale, 2 ** 30 * 8);
    assert.equal(si('Gbps').dim, 'bandwidth');
    assert.equal(si('Gbps').scale, 1e9);
    assert.equal(si('pJ/bit').dim, 'energy_per_bit');
    close(si('pJ/bit').scale, 1e-12);
    close(si('fJ/bit').scale, 1e-15);
    // bit/ns/ns is information per time squared: composable, though it has no name.
    assert.equal(si('bit/ns/ns').dim, 's^-2·bit');
    assert.equal(lookupUnit('GB/parsec'), undefined);
  });

  it('°C is kelvin with an offset; an offset unit cannot be part of a compound unit', () => {
    assert.deepEqual(si('C'), { scale: 1, dim: 'temperature', offset: 273.15 });
    assert.deepEqual(si('degC'), { scale: 1, dim: 'temperature', offset: 273.15 });
    assert.deepEqual(si('K'), { scale: 1, dim: 'temperature', offset: 0 });
    assert.equal(lookupUnit('C/s'), undefined);
    assert.equal(lookupUnit('J/C'), undefined);
  });

  it('cycles are their own dimension (a time only given a clock); % and ppm are ratios', () => {
    assert.equal(si('cycle').dim, 'cycles');
    assert.equal(si('cycles').dim, 'cycles');
    assert.ok(!dimEquals(lookupUnit('cycle')!.dim, N['time']!));
    assert.equal(si('%').scale, 0.01);
    assert.equal(si('%').dim, 'a plain number');
    close(si('ppm').scale, 1e-6);
  });

  it('units are case-sensitive: mW is milliwatt, MW megawatt, and Ghz is unknown', () => {
    close(si('mW').scale, 1e-3);
    close(si('MW').scale, 1e6);
    assert.equal(lookupUnit('Ghz'), undefined);
    assert.equal(lookupUnit(''), undefined);
    assert.equal(lookupUnit('furlong'), undefined);
  });

  it('the dimension algebra: energy/time is power, information/time bandwidth, power·time energy', () => {
    assert.ok(dimEquals(dimDiv(N['energy']!, N['time']!), N['power']!));
    assert.ok(dimEquals(dimMul(N['power']!, N['time']!), N['energy']!));
    assert.ok(dimEquals(dimDiv(N['information']!, N['time']!), N['bandwidth']!));
    assert.ok(dimEquals(dimDiv(N['voltage']!, N['current']!), N['resistance']!));
    assert.ok(dimEquals(dimDiv(DIMENSIONLESS, N['resistance']!), N['conductance']!));
    assert.ok(dimEquals(dimDiv(DIMENSIONLESS, N['frequency']!), N['time']!));
    assert.ok(dimEquals(dimMul(N['length']!, N['length']!), N['area']!));
  });

  it('names a dimension when it has a name, else spells it in base units', () => {
    assert.equal(dimName(N['power']!), 'power');
    assert.equal(dimName(DIMENSIONLESS), 'a plain number');
    assert.equal(dimName(dimPow(N['length']!, 3)), 'm^3');
    assert.equal(siUnitOf(N['power']!), 'W');
    assert.equal(siUnitOf(N['area']!), 'm²');
    assert.equal(siUnitOf(N['bandwidth']!), 'bit/s');
    assert.equal(siUnitOf(N['energy_per_bit']!), 'J/bit');
  });

  it('every listed unit looks up, and unitsFor lists the units of a dimension', () => {
    for (const u of allUnits()) assert.ok(lookupUnit(u), u);
    const power = unitsFor(N['power']!);
    for (const u of ['W', 'mW', 'uW', 'kW']) assert.ok(power.includes(u), u);
    assert.ok(!power.includes('J'));
  });

  it('suggestions: the closest unit, case-aware, and each part of a compound unit', () => {
    assert.equal(suggestUnit('Ghz'), 'GHz');
    assert.equal(suggestUnit('mw'), 'mW');
    assert.equal(suggestUnit('Mhz'), 'MHz');
    assert.equal(suggestUnit('GB/ss'), 'GB/s');
    assert.equal(suggestUnit('pj/bit'), 'pJ/bit');
    assert.equal(suggestUnit('furlongs'), undefined);
    assert.equal(suggestUnit('GB/sec'), undefined);
  });

  it('a suggestion is always itself a unit (property)', () => {
    const known = allUnits();
    const typo = fc
      .tuple(fc.constantFrom(...known), fc.nat(), fc.constantFrom('', 'x', 'q', '/', 'z'))
      .map(([u, i, c]) => {
        const at = i % (u.length + 1);
        return u.slice(0, at) + c + u.slice(at + 1);
      });
    fc.assert(
      fc.property(fc.oneof(typo, fc.string({ maxLength: 8 })), (text) => {
        const s = suggestUnit(text);
        if (s !== undefined) assert.ok(lookupUnit(s), `suggestion ${s} for ${text} is no unit`);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});
