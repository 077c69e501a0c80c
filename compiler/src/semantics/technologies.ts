// The default figures a device's `technology` selects, for what the device does not state. The one
// source: Table 1, "Emerging Non-volatile Memory Comparison", of Joardar & Doppa, "Heterogeneous
// Processing-in-Memory enabled Manycore Systems for Deep Learning" (ESWEEK 2022 tutorial), which
// compiles its rows from published device surveys. Where the table gives a range or a bound, the figure
// here is the pessimistic end: the lower endurance, the upper bound of "< 10 ns"; energies are per bit,
// so a cell programs bits_per_cell × the figure. The table's read time is a memory read of one row, not
// an analog crossbar MVM read, so it sets no default: the MVM read stays ISAAC's 100 ns array read.

import type { Value } from './values.js';

/** Where the figures come from, as the editor's hover cites it. */
export const TECHNOLOGY_SOURCE =
  'Joardar & Doppa, Heterogeneous Processing-in-Memory enabled Manycore Systems for Deep Learning (ESWEEK 2022 tutorial), Table 1';

export interface TechnologyFigures {
  /** Bits per cell by default (the table's "Multibit"; 2 where it says "> 2" or "2-7"). */
  bits_per_cell: number;
  /**
   * Most bits a cell can store: 1 for the two-state cells (an SRAM bit cell, an MTJ); undefined for the
   * multi-level ones, whose table ranges are what was shown, not a limit (ReSNA, ICCAD 2021, uses
   * 8-bit ReRAM cells).
   */
  max_bits_per_cell: number | undefined;
  /** Write time of one cell, s ("Write Time (ns)"). */
  write_latency_s: number;
  /** Write energy per bit, J ("Write Energy (J/bit)"). */
  write_energy_per_bit_j: number;
  /** Writes before wear-out ("Endurance"; the lower end of a range). */
  endurance: number;
  /** The table's cells, as printed, for docs and hovers. */
  table: string;
}

export const TECHNOLOGIES: Readonly<Record<string, TechnologyFigures>> = {
  reram: {
    bits_per_cell: 2,
    max_bits_per_cell: undefined,
    write_latency_s: 10e-9,
    write_energy_per_bit_j: 1e-13,
    endurance: 1e8,
    table: 'multibit 2-7, endurance 10^8-10^12, write < 10 ns, ~10^-13 J/bit',
  },
  pcm: {
    bits_per_cell: 2,
    max_bits_per_cell: undefined,
    write_latency_s: 50e-9,
    write_energy_per_bit_j: 1e-11,
    endurance: 1e8,
    table: 'multibit > 2, endurance 10^8-10^15, write 50 ns, ~10^-11 J/bit',
  },
  stt_ram: {
    bits_per_cell: 1,
    max_bits_per_cell: 1,
    write_latency_s: 10e-9,
    write_energy_per_bit_j: 1e-13,
    endurance: 1e15,
    table: 'multibit 1, endurance > 10^15, write < 10 ns, ~10^-13 J/bit',
  },
  sram: {
    bits_per_cell: 1,
    max_bits_per_cell: 1,
    write_latency_s: 1e-9,
    write_energy_per_bit_j: 1e-15,
    endurance: 1e16,
    table: 'multibit 1, endurance > 10^16, write ~1 ns, ~10^-15 J/bit',
  },
};

/**
 * The technology a device's `technology` value selects, and its figures: the one it names (`known`),
 * else — a value reported as none of the choices — the prelude's default, ReRAM.
 */
export function selectedTechnology(v: Value | undefined): {
  name: string;
  known: boolean;
  figures: TechnologyFigures;
} {
  const named = v?.t === 'word' ? TECHNOLOGIES[v.name] : undefined;
  if (v?.t === 'word' && named) return { name: v.name, known: true, figures: named };
  return { name: 'reram', known: false, figures: TECHNOLOGIES['reram']! };
}

const scaled = (x: number, k: number): number => Number((x * k).toPrecision(6));

/** The defaults a technology selects, in one line for the editor's hover of `technology: NAME`. */
export function describeTechnology(name: string): string | undefined {
  const f = TECHNOLOGIES[name];
  if (!f) return undefined;
  return (
    `**${name}** defaults where the device states none: ${f.bits_per_cell} bit${f.bits_per_cell > 1 ? 's' : ''} per cell, ` +
    `write ${scaled(f.write_latency_s, 1e9)} ns and ${scaled(f.write_energy_per_bit_j, 1e12)} pJ per bit, endurance ${f.endurance.toExponential(0)} ` +
    `(table: ${f.table}; ${TECHNOLOGY_SOURCE})`
  );
}
