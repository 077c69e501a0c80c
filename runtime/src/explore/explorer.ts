// The explorer: searches an exploration's design space for Pareto-optimal designs with one of four
// methods, under a budget. Hardware objectives (area, power, energy, latency, throughput, EDP) come
// from the compiler and the analytic simulator in milliseconds, so they are computed exactly for any
// design; accuracy needs training, which is what the budget pays for (in epochs). So:
//  - random: designs drawn uniformly without repetition;
//  - grid: every design in order (the last `vary` fastest) until the budget ends;
//  - nsga2: Deb et al.'s NSGA-II (tournament on rank and crowding, uniform crossover, reset mutation,
//    elitist (μ+λ) survival), accuracy trained at full fidelity;
//  - mesmo: max-value entropy search for multiple objectives (Belakaria et al., NeurIPS 2019) with a
//    GP on accuracy; the exact hardware objectives carry no uncertainty, so only accuracy's term is
//    non-zero;
//  - cf_mesmo: MESMO with continuous fidelity, Belakaria et al. 2020, Algorithm 1: a GP over (design, epochs),
//    Pareto fronts sampled at the highest fidelity, and the design-fidelity pair chosen by information
//    gain per unit cost (Belakaria et al. 2020, eq. 9).
// Without accuracy among the objectives every evaluation costs 1 and the budget counts evaluations.
// One file per method under methods/; the book-keeping they share is session.ts, the vocabulary types.ts.
import { runCfMesmo } from './methods/cf-mesmo.js';
import { runGrid } from './methods/grid.js';
import { runMesmo } from './methods/mesmo.js';
import { runNsga2 } from './methods/nsga2.js';
import { runRandom } from './methods/random.js';
import { designPool, Session } from './session.js';
import { ExploreError, type DesignProblem, type ExploreResult, type Method } from './types.js';

export { mesTerm } from './methods/mes.js';
export {
  ExploreError,
  METHODS,
  normalise,
  scaledHypervolume,
  type DesignProblem,
  type Evaluation,
  type ExploreResult,
  type Method,
  type ObjectiveSpec,
} from './types.js';

const RUN: Record<Method, (s: Session) => Promise<void>> = {
  random: runRandom,
  grid: runGrid,
  nsga2: runNsga2,
  mesmo: runMesmo,
  cf_mesmo: runCfMesmo,
};

/** Runs one method on a problem. Deterministic for a given seed (the trainer is seeded too). */
export async function explore(problem: DesignProblem, method: Method): Promise<ExploreResult> {
  // Refused before the pool's hardware objectives are sent to the worker processes, not after.
  if ((method === 'mesmo' || method === 'cf_mesmo') && !problem.accuracy) {
    throw new ExploreError(
      `${method} models the expensive objective, accuracy, and this exploration has none (the hardware objectives are exact): use random or nsga2`,
    );
  }
  const pool = designPool(problem);
  await problem.prepareHardware?.(pool);
  const s = new Session(problem, method, pool);
  await RUN[method](s);
  return s.result();
}
