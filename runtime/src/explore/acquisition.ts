// The pieces of CF-MESMO's acquisition that the papers define, as pure functions of the GP's
// predictions (Belakaria, Deshwal, Doppa: MESMO, NeurIPS 2019; MF-OSEMO, AAAI 2020; iMOCA / CF-MESMO,
// arXiv 2020):
//  - the full-fidelity term: the entropy reduction of a Gaussian truncated above at a sampled
//    maximum y*, γφ(γ)/(2Φ(γ)) − ln Φ(γ) (MESMO eq. 9; `mesTerm`);
//  - the floor on sampled maxima: a sampled y* below what was already observed is impossible, so it
//    is raised to the best observed value plus a margin of 5 noise standard deviations (as MF-OSEMO's
//    reference implementation does; `floorMaxima`);
//  - the lower-fidelity term: the information an observation g of fidelity z gives about the
//    highest-fidelity maximum, H[g] − E_y*[H[g | f ≤ y*]], where (g, f) are jointly Gaussian with the
//    posterior correlation ρ between fidelity z and the highest one that the kernel gives; the
//    conditional density is a Gaussian reweighted by Φ of the truncation (MF-OSEMO's eq. for lower
//    fidelities, after Takeno et al.'s MF-MES), integrated numerically (`lowerFidelityGain`);
//  - the fidelity filter: a lower fidelity is a candidate only while its predictive uncertainty is
//    large against what it could tell and what it saves, σ̃(x, z) > ξ(z)·(C(x, z)/C(x, z*))^q, with
//    ξ(z) = √(1 − κ(z, z*)²) the information gap of the fidelity kernel and q = 1/(p + d + 2) —
//    the rule iMOCA takes from BOCA (Kandasamy et al., ICML 2017) (`fidelityAdmissible`).
import { normCdf, normPdf } from './gp.js';

/** The entropy reduction of a Gaussian truncated above at y*, γ = (y* − μ)/σ; far below 0 by its asymptote. */
export function mesTerm(g: number): number {
  if (g < -30) return Math.log(-g * Math.sqrt(2 * Math.PI)) - 0.5;
  const cdf = normCdf(g);
  return (g * normPdf(g)) / (2 * cdf) - Math.log(cdf);
}

/** ln Φ(x), with the asymptote where Φ underflows. */
export function logNormCdf(x: number): number {
  if (x > -30) return Math.log(normCdf(x));
  return -0.5 * x * x - Math.log(-x * Math.sqrt(2 * Math.PI));
}

/** Sampled maxima raised to at least the best observed value plus `margin` noise standard deviations. */
export function floorMaxima(maxima: readonly number[], bestObserved: number, noiseSd: number, margin = 5): number[] {
  const floor = bestObserved + margin * noiseSd;
  return maxima.map((m) => Math.max(m, floor));
}

const GRID = 256;

/**
 * Information about the highest-fidelity maximum from observing a lower fidelity g, for one sampled
 * maximum: γ = (y* − μ_f)/σ_f at the highest fidelity, ρ the posterior correlation of g and f. In g's
 * standard units u, p(u | f ≤ y*) = φ(u)·Φ((γ − ρu)/√(1 − ρ²))/Φ(γ), and the gain is the entropy of
 * N(0, 1) less that of p. ρ = ±1 gives the full-fidelity term, ρ = 0 nothing.
 */
export function lowerFidelityGain(gamma: number, rho: number): number {
  const r = Math.min(Math.abs(rho), 1);
  if (r < 1e-6) return 0;
  if (r > 0.9999) return mesTerm(gamma);
  const s = Math.sqrt(1 - r * r);
  const logZ = logNormCdf(gamma);
  // The grid spans the conditional mean of u ± 8 conditional sd: f truncated above at γ has mean −λ
  // and variance 1 − γλ − λ² (λ = φ(γ)/Φ(γ); ≈ −γ and 1/γ² far in the tail), u = ρf + s·ε.
  const lambda = gamma < -30 ? -gamma : Math.exp(Math.log(normPdf(gamma)) - logZ);
  const varF = gamma < -5 ? 1 / (gamma * gamma) : Math.max(1 - gamma * lambda - lambda * lambda, 1e-6);
  const centre = -r * lambda;
  const half = 8 * Math.sqrt(r * r * varF + s * s);
  const du = (2 * half) / GRID;
  let plogp = 0;
  for (let i = 0; i < GRID; i++) {
    const u = centre - half + (i + 0.5) * du;
    const logp = -0.5 * u * u - 0.5 * Math.log(2 * Math.PI) + logNormCdf((gamma - r * u) / s) - logZ;
    plogp += Math.exp(logp) * logp * du;
  }
  return Math.max(0, 0.5 * Math.log(2 * Math.PI * Math.E) + plogp);
}

/**
 * The fidelity filter: whether a lower fidelity is worth considering at a design. `sdRatio` is the
 * posterior standard deviation at (x, z) over the prior one, `kappa` the kernel's correlation between
 * fidelity z and the highest (the fidelity factor of the ARD kernel), `costRatio` C(x, z)/C(x, z*),
 * `dims` the design dimensions d (the fidelity adds one: q = 1/(1 + d + 2)).
 */
export function fidelityAdmissible(sdRatio: number, kappa: number, costRatio: number, dims: number): boolean {
  const xi = Math.sqrt(Math.max(0, 1 - kappa * kappa));
  const q = 1 / (1 + dims + 2);
  return sdRatio > xi * Math.pow(Math.max(costRatio, 0), q);
}
