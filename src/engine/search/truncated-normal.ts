/**
 * @module engine/search/truncated-normal
 * The one-dimensional kernel of the Parzen estimators: a normal truncated to a dimension's bounds, so no
 * probability mass is wasted outside the search space. Only what TPE needs: the log normaliser and a
 * seeded draw.
 */
import type { Rng } from '../core/rng';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7, ample for kernel weights). */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/**
 * The constant part of log N_[low,high](x | mu, sigma): -log(sigma·sqrt(2π)·Z) with Z the mass of the
 * untruncated normal inside the bounds. The caller adds -0.5·((x-mu)/sigma)² per point.
 */
export function truncatedNormalLogConst(mu: number, sigma: number, low: number, high: number): number {
  const mass = normalCdf((high - mu) / sigma) - normalCdf((low - mu) / sigma);
  // Kernels are centred inside the bounds with sigma at most the range, so mass stays above ~0.34;
  // the floor only guards against callers that break that.
  return -Math.log(sigma) - LOG_SQRT_2PI - Math.log(Math.max(mass, 1e-12));
}

/**
 * A draw from N(mu, sigma) truncated to [low, high], by rejection: cheap because the kernels keep at
 * least a third of their mass inside the bounds. After 64 misses (not reachable in practice) it clamps,
 * so the draw always terminates and stays deterministic.
 */
export function sampleTruncatedNormal(rng: Rng, mu: number, sigma: number, low: number, high: number): number {
  for (let i = 0; i < 64; i++) {
    const x = mu + sigma * rng.normal();
    if (x >= low && x <= high) return x;
  }
  return mu < low ? low : mu > high ? high : mu;
}
