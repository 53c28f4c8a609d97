/**
 * @module engine/drift/psi-null
 * Whether a PSI reading stands beyond what sampling noise alone reaches, by simulation: live rows drawn
 * from the training shares (a multinomial over the bins the reference fills) and, as the training shares
 * are a sample too, a reference of as many rows drawn the same way, compared with the same PSI (empty
 * bins raised to PSI_EPSILON). The chi-square approximation (./psi psiNoiseLimit) misses what dominates
 * few rows: a live bin left empty reads (share − 0.0001) · ln(share / 0.0001) alone, 0.69 for a decile,
 * which ten deciles over 48 rows do about one time in 15, and PSI reads low counts harder than chi-square.
 *
 * psiNoiseTest is a Monte Carlo test with a fixed number of draws N and of exceedances K, decided as
 * Besag and Clifford (1991) stop it: the reading is beyond noise at level alpha when fewer than K of
 * N = K / alpha − 1 draws of noise reach it, which noise alone does with probability K / (N + 1) ≤ alpha,
 * at any N; so a family of tests at alpha / features false-alarms at most alpha in all. Draws stop at the
 * K-th exceedance: a reading within noise costs a few dozen draws, one beyond it all N.
 * Draws are seeded from the reading (bins, rows, PSI), so a reading always gets the same answer. Counts are
 * drawn bin by bin as binomials: exactly by inversion while a bin expects under 40 rows (where empty and
 * nearly empty bins matter), by the normal approximation above (where PSI is a smooth function of many
 * rows); one draw costs one to a few microseconds over a dozen bins.
 */
import { Rng } from '../core/rng';
import { psi } from './psi';

/** Exceedances that make a reading noise: the test's resolution at alpha is alpha / K. */
const TEST_EXCEEDANCES = 4;
/**
 * Most draws one test makes (about a second): resolves 4 exceedances down to a level of 4e-6 (1% over
 * 2,500 features), fewer exceedances below that, and no level under 1e-6.
 */
export const MAX_TEST_DRAWS = 1_000_000;
/** A bin expecting at least this many rows is drawn by the normal approximation. */
const EXACT_BELOW = 40;

/** The filled bins' shares (renormalised) of a reference: a bin it never filled stays empty in every draw. */
function filledShares(reference: ArrayLike<number>): Float64Array {
  const filled: number[] = [];
  for (let k = 0; k < reference.length; k++) if (reference[k] > 0) filled.push(reference[k]);
  const total = filled.reduce((s, x) => s + x, 0);
  return Float64Array.from(filled, (x) => x / total);
}

/** Uniform and standard normal draws from one seeded stream; Box-Muller's second value is kept, not thrown away. */
class Draws {
  private readonly rng: Rng;
  private spare = Number.NaN;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  uniform(): number {
    return this.rng.next();
  }

  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * this.rng.next();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }
}

/** A binomial draw: by inversion for small means, by the normal approximation (rounded, clamped) above. */
function binomial(n: number, p: number, draws: Draws): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const mean = n * q;
  let x: number;
  if (mean < EXACT_BELOW) {
    const ratio = q / (1 - q);
    let prob = Math.exp(n * Math.log1p(-q));
    let cdf = prob;
    const u = draws.uniform();
    x = 0;
    while (u > cdf && x < n) {
      prob *= (ratio * (n - x)) / (x + 1);
      x++;
      cdf += prob;
    }
  } else {
    x = Math.min(n, Math.max(0, Math.round(mean + Math.sqrt(mean * (1 - q)) * draws.normal())));
  }
  return flip ? n - x : x;
}

/** Multinomial counts of `rows` over `shares`, as shares of rows, into `out` (conditional binomials). */
function drawShares(shares: Float64Array, rows: number, draws: Draws, out: Float64Array): void {
  let left = rows;
  let mass = 1;
  for (let k = 0; k < shares.length; k++) {
    const c = k === shares.length - 1 ? left : binomial(left, Math.min(1, shares[k] / mass), draws);
    out[k] = c / rows;
    left -= c;
    mass -= shares[k];
  }
}

/** A stream of PSI readings of pure noise for one case. */
class NullDraws {
  private readonly shares: Float64Array;
  private readonly live: Float64Array;
  private readonly ref: Float64Array;
  private readonly draws: Draws;

  constructor(
    reference: ArrayLike<number>,
    private readonly rows: number,
    private readonly referenceRows: number,
    observed: number,
  ) {
    this.shares = filledShares(reference);
    this.live = new Float64Array(this.shares.length);
    this.ref = Number.isFinite(referenceRows) ? new Float64Array(this.shares.length) : this.shares;
    this.draws = new Draws(readingSeed(this.shares, rows, observed));
  }

  /** Bins that can hold rows: with one, every sample reads 0. */
  get bins(): number {
    return this.shares.length;
  }

  next(): number {
    drawShares(this.shares, this.rows, this.draws, this.live);
    if (this.ref !== this.shares) drawShares(this.shares, this.referenceRows, this.draws, this.ref);
    return psi(this.ref, this.live);
  }
}

/**
 * A seed of the reading (FNV-1a over the shares, rows and the PSI read), so one reading always meets the
 * same draws. The reading is part of it: draws fixed per feature and size would make one threshold for
 * every reading, which noise exceeds 1% of the time only on average over features (4 exceedances of 399
 * draws: anywhere from about 0.3% to 2% for one feature); fresh draws per reading hold each at its level.
 */
function readingSeed(shares: Float64Array, rows: number, observed: number): number {
  let h = 0x811c9dc5 ^ rows;
  for (const x of [...shares, observed]) {
    h ^= Math.round(x * 1e9) | 0;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface PsiNoiseTest {
  /** True when the reading stands beyond noise at the level asked: p ≤ alpha. */
  readonly beyond: boolean;
  /** The Monte Carlo p-value when the test stopped: (1 + readings of noise at least as high) / (draws + 1). */
  readonly p: number;
  readonly draws: number;
}

/**
 * Whether a PSI reading over `rows` live rows, against a reference of `referenceRows` training rows
 * (Infinity: known shares), stands beyond what noise alone reaches with probability alpha. Levels too
 * small for MAX_TEST_DRAWS with 4 exceedances are tested with fewer (K = alpha · (MAX + 1), still exact);
 * under 1 / (MAX + 1) no reading is called beyond noise. `maxDraws` cuts a test short (a caller's budget):
 * a test cut before its N draws calls nothing beyond noise, which keeps it at its level.
 */
export function psiNoiseTest(reference: ArrayLike<number>, rows: number, referenceRows: number, observed: number, alpha: number, maxDraws = MAX_TEST_DRAWS): PsiNoiseTest {
  const draws = new NullDraws(reference, rows, referenceRows, observed);
  if (!(rows > 0)) return { beyond: false, p: 1, draws: 0 };
  // One filled bin: noise always reads 0, and any other reading is rows where training had none.
  if (draws.bins <= 1) return observed > 1e-12 ? { beyond: true, p: 0, draws: 0 } : { beyond: false, p: 1, draws: 0 };
  const k = Math.min(TEST_EXCEEDANCES, Math.floor(alpha * (MAX_TEST_DRAWS + 1)));
  if (k < 1) return { beyond: false, p: 1, draws: 0 };
  // Beyond noise when fewer than k of the (k / alpha − 1) draws reach the reading: (1 + e) / (n + 1) ≤ alpha.
  const total = Math.ceil(k / alpha) - 1;
  let exceed = 0;
  let n = 0;
  while (n < total && n < maxDraws) {
    n++;
    // A draw that ties the reading counts against it (rounding apart): the test errs towards noise.
    if (draws.next() >= observed - 1e-12 && ++exceed >= k) break;
  }
  const p = (1 + exceed) / (n + 1);
  return { beyond: n === total && exceed < k, p, draws: n };
}
