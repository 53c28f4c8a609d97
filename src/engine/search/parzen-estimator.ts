/**
 * @module engine/search/parzen-estimator
 * The density model TPE fits to one group of trials (the good or the bad ones of one family): a weighted
 * mixture with one component per observation plus one prior component. A component is a product of
 * truncated normals over the numeric dimensions (on the transformed scale) and categorical kernels over
 * the categorical ones. It is multivariate as in Optuna's multivariate TPE: a sample keeps all the
 * dimensions of one component together, so parameter interactions survive. Arrays are flat and typed so
 * that fitting is O(observations × dimensions) and scoring a point is one pass over the components.
 */
import type { Rng } from '../core/rng';
import type { EncodedSpace } from './space-encoding';
import { sampleTruncatedNormal, truncatedNormalLogConst } from './truncated-normal';

/** One group of observations in vector form. Missing numeric values are NaN, missing categories -1. */
export interface Observations {
  readonly n: number;
  /** n × numeric dimensions, row-major. */
  readonly num: Float64Array;
  /** n × categorical dimensions, row-major. */
  readonly cat: Int32Array;
  /** Relative weight of each observation (not normalised). */
  readonly weights: Float64Array;
}

/** How a mixture is fitted. */
export interface ParzenOptions {
  /** Weight of the prior component relative to one observation of weight 1. */
  readonly priorWeight: number;
}

/** A fitted mixture: draw points from it and score points under it. */
export class ParzenEstimator {
  private constructor(
    private readonly space: EncodedSpace,
    private readonly k: number,
    private readonly cumWeight: Float64Array,
    private readonly logWeightConst: Float64Array,
    private readonly mu: Float64Array,
    private readonly sigma: Float64Array,
    private readonly catProb: readonly Float64Array[],
    private readonly catLogProb: readonly Float64Array[],
    private readonly scratch: Float64Array,
  ) {}

  /** Fits the mixture to a group; an empty group leaves only the prior (a wide kernel at the centre). */
  static fit(space: EncodedSpace, obs: Observations, opts: ParzenOptions): ParzenEstimator {
    const n = obs.n;
    const k = n + 1;
    const dn = space.numeric.length;
    const weights = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i] = obs.weights[i];
    total += weights[n] = opts.priorWeight;
    const cumWeight = new Float64Array(k);
    let acc = 0;
    for (let i = 0; i < k; i++) cumWeight[i] = acc += weights[i] / total;

    const mu = new Float64Array(k * dn);
    const sigma = new Float64Array(k * dn);
    const logWeightConst = new Float64Array(k);
    for (let i = 0; i < k; i++) logWeightConst[i] = Math.log(weights[i] / total);
    // Adaptive bandwidth: Scott's rule (the group's weighted spread shrunk by n^(-1/(d+4)), the exponent
    // Optuna's multivariate TPE uses) so kernels narrow as a group concentrates around an optimum. Clipped
    // as Optuna's "magic clip": never under range/min(100, 1+k), so a few identical points still explore;
    // never over the range. On synthetic benchmarks this beat Optuna's fixed 0.2·range·n^(-1/(d+4)).
    const shrink = Math.pow(Math.max(n, 1), -1 / (dn + space.categorical.length + 4));
    for (let d = 0; d < dn; d++) {
      const { low, high } = space.numeric[d];
      const range = high - low;
      const minSigma = range / Math.min(100, 1 + k);
      const s = clamp(weightedStd(obs, d, dn) * shrink, minSigma, range);
      for (let i = 0; i < k; i++) {
        const x = i < n ? obs.num[i * dn + d] : Number.NaN;
        // The prior and observations missing this dimension get the prior kernel: centred and as wide as the range.
        const missing = Number.isNaN(x);
        mu[i * dn + d] = missing ? (low + high) / 2 : x;
        sigma[i * dn + d] = missing ? range : s;
        logWeightConst[i] += truncatedNormalLogConst(mu[i * dn + d], sigma[i * dn + d], low, high);
      }
    }

    const catProb: Float64Array[] = [];
    const catLogProb: Float64Array[] = [];
    const dc = space.categorical.length;
    space.categorical.forEach((dim, j) => {
      const c = dim.choices.length;
      const p = new Float64Array(k * c);
      // Optuna's categorical kernel: every choice gets priorWeight/k, the observed one 1 more; the prior is uniform.
      const base = opts.priorWeight / k;
      for (let i = 0; i < k; i++) {
        const seen = i < n ? obs.cat[i * dc + j] : -1;
        const rowTotal = c * base + (seen >= 0 ? 1 : 0);
        for (let v = 0; v < c; v++) p[i * c + v] = (base + (v === seen ? 1 : 0)) / rowTotal;
      }
      catProb.push(p);
      catLogProb.push(p.map(Math.log));
    });
    return new ParzenEstimator(space, k, cumWeight, logWeightConst, mu, sigma, catProb, catLogProb, new Float64Array(k));
  }

  /** Draws one point into `num`/`cat` (transformed numeric coordinates, choice indices). */
  sample(rng: Rng, num: Float64Array, cat: Int32Array): void {
    const u = rng.next();
    let i = 0;
    while (i < this.k - 1 && this.cumWeight[i] <= u) i++;
    const dn = this.space.numeric.length;
    this.space.numeric.forEach((dim, d) => {
      num[d] = sampleTruncatedNormal(rng, this.mu[i * dn + d], this.sigma[i * dn + d], dim.low, dim.high);
    });
    this.space.categorical.forEach((dim, j) => {
      const c = dim.choices.length;
      const p = this.catProb[j];
      let r = rng.next();
      let v = 0;
      while (v < c - 1 && (r -= p[i * c + v]) >= 0) v++;
      cat[j] = v;
    });
  }

  /** Log density of a point (numeric coordinates on the transformed scale, choice indices). */
  logPdf(num: ArrayLike<number>, cat: ArrayLike<number>): number {
    const dn = this.space.numeric.length;
    const cats = this.space.categorical;
    const s = this.scratch;
    let max = -Infinity;
    for (let i = 0; i < this.k; i++) {
      let v = this.logWeightConst[i];
      const row = i * dn;
      for (let d = 0; d < dn; d++) {
        const z = (num[d] - this.mu[row + d]) / this.sigma[row + d];
        v -= 0.5 * z * z;
      }
      for (let j = 0; j < cats.length; j++) v += this.catLogProb[j][i * cats[j].choices.length + cat[j]];
      s[i] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let i = 0; i < this.k; i++) sum += Math.exp(s[i] - max);
    return max + Math.log(sum);
  }
}

/** Weighted standard deviation of the present (non-NaN) values of one numeric dimension. */
function weightedStd(obs: Observations, d: number, dn: number): number {
  let w = 0;
  let mean = 0;
  for (let i = 0; i < obs.n; i++) {
    const x = obs.num[i * dn + d];
    if (Number.isNaN(x)) continue;
    w += obs.weights[i];
    mean += obs.weights[i] * x;
  }
  if (w === 0) return 0;
  mean /= w;
  let v = 0;
  for (let i = 0; i < obs.n; i++) {
    const x = obs.num[i * dn + d];
    if (!Number.isNaN(x)) v += obs.weights[i] * (x - mean) * (x - mean);
  }
  return Math.sqrt(v / w);
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
