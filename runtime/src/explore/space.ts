// The design space of an exploration: one coordinate per `vary`, each an index into its values.
// A design point is the list of indices; it becomes compiler overrides (path = value, SI units, as
// the IR lists them) and, for the surrogate models, coordinates scaled to [0, 1].
import type { IrExploration } from '@pim/ir';
import type { Rng } from '../util/rng.js';

export type ParamValue = number | string | boolean;
export type Point = readonly number[];

export class DesignSpace {
  readonly parameters: { path: string; values: ParamValue[] }[];
  /** Number of design points (a float when it exceeds 2^53, which only matters for "is it small"). */
  readonly size: number;

  constructor(parameters: IrExploration['parameters']) {
    this.parameters = parameters.map((p) => ({ path: p.path, values: [...p.values] }));
    this.size = this.parameters.reduce((n, p) => n * p.values.length, 1);
  }

  key(p: Point): string {
    return p.join(',');
  }

  values(p: Point): Record<string, ParamValue> {
    return Object.fromEntries(this.parameters.map((q, d) => [q.path, q.values[p[d]!]!]));
  }

  overrides(p: Point): { path: string; value: ParamValue }[] {
    return this.parameters.map((q, d) => ({ path: q.path, value: q.values[p[d]!]! }));
  }

  /** Coordinates in [0, 1]: each index over its parameter's last index (0.5 for a single value). */
  features(p: Point): number[] {
    return this.parameters.map((q, d) => (q.values.length > 1 ? p[d]! / (q.values.length - 1) : 0.5));
  }

  random(rng: Rng): number[] {
    return this.parameters.map((q) => rng.int(q.values.length));
  }

  /** Every point, in odometer order (last parameter fastest). */
  *points(): Generator<number[]> {
    const p = this.parameters.map(() => 0);
    for (let i = 0; i < this.size; i++) {
      yield [...p];
      for (let d = p.length - 1; d >= 0; d--) {
        if (++p[d]! < this.parameters[d]!.values.length) break;
        p[d] = 0;
      }
    }
  }

  enumerate(): number[][] {
    return [...this.points()];
  }

  /** All points when there are at most `limit`, else `limit` distinct random ones. */
  pool(limit: number, rng: Rng): number[][] {
    if (this.size <= limit) return this.enumerate();
    const seen = new Set<string>();
    const out: number[][] = [];
    while (out.length < limit) {
      const p = this.random(rng);
      const k = this.key(p);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(p);
      }
    }
    return out;
  }
}
