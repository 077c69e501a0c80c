// The cost model of CF-MESMO: C(x, z), what evaluating design x at fidelity z really costs. With the
// budget in epochs C is z. With the budget in CPU seconds it is predicted from the costs measured so
// far by a GP on log CPU seconds over (design, fidelity) — costs are positive and vary by factors
// between designs (the bit-serial path against the fast one, more slices for fewer bits per cell), so
// the log is where a GP's Gaussian noise fits — and the prediction is exp of the posterior mean (the
// median of the log-normal).
import { GaussianProcess, type GpHyper } from './gp.js';

export type CostUnit = 'epochs' | 'cpu';

export interface CostObservation {
  /** The GP input: design features and the fidelity feature, as the accuracy model's. */
  input: number[];
  epochs: number;
  /** CPU seconds of a run to `epochs` epochs (cumulative). */
  cpuSeconds: number;
}

export class CostModel {
  private readonly gp: GaussianProcess | undefined;
  /** Mean CPU seconds per epoch seen so far: the prediction before two costs are known. */
  private readonly perEpoch: number;

  constructor(
    readonly unit: CostUnit,
    observations: readonly CostObservation[],
    opts: { seed?: number; fixed?: GpHyper; warm?: GpHyper } = {},
  ) {
    const seen = observations.filter((o) => o.cpuSeconds > 0 && Number.isFinite(o.cpuSeconds));
    this.perEpoch = seen.length ? seen.reduce((a, o) => a + o.cpuSeconds / o.epochs, 0) / seen.length : 1;
    if (unit === 'cpu' && seen.length >= 2) {
      this.gp = new GaussianProcess(
        seen.map((o) => o.input),
        seen.map((o) => Math.log(o.cpuSeconds)),
        {
          seed: opts.seed ?? 1,
          ...(opts.fixed ? { fixed: opts.fixed } : {}),
          ...(opts.warm ? { warm: opts.warm } : {}),
          restarts: 1,
        },
      );
    }
  }

  get hyper(): GpHyper | undefined {
    return this.gp?.hyper;
  }

  /** Predicted cost of each (input, epochs): epochs, or CPU seconds. */
  predict(inputs: readonly (readonly number[])[], epochs: readonly number[]): number[] {
    if (this.unit === 'epochs') return [...epochs];
    if (!this.gp) return epochs.map((z) => z * this.perEpoch);
    return this.gp.predict(inputs).mean.map(Math.exp);
  }
}
