// How an exploration shows each objective: the unit its charts and messages use and the factor from SI.
import { fmt } from '../report/units.js';

export const OBJECTIVE_SCALE: Record<string, [string, number]> = {
  area: ['mm²', 1e6],
  power: ['W', 1],
  energy: ['µJ', 1e6],
  latency: ['µs', 1e6],
  throughput: ['inferences/s', 1],
  edp: ['µJ·µs', 1e12],
  peak_temperature: ['K', 1],
  accuracy: ['%', 100],
};

/** A design parameter's value for people: whole numbers as they are, others with an SI prefix, with the unit. */
export function paramText(v: number | string | boolean, unit?: string): string {
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1000) return unit ? `${v} ${unit}` : String(v);
  return fmt(v, unit ?? '');
}
