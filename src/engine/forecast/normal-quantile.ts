/**
 * @module engine/forecast/normal-quantile
 * The standard normal distribution's quantile function (the inverse of its CDF), which forecast intervals
 * at any level and forecast quantiles need (./intervals). P. J. Acklam's rational approximation (relative
 * error below 1.2e-9) gives a start, which one Halley step on the CDF brings to about double precision; the
 * CDF comes from erfc, by a series where it is large and a continued fraction in the tail, each accurate to
 * about 1e-14 where it is used, so the refinement improves the start rather than adding its own error.
 * Pure arithmetic: no table, no dependency.
 */

// Acklam's coefficients: the central region's numerator (a) and denominator (b), the tails' (c, d).
const A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** Below this probability (and above 1 minus it) the tail form of the approximation is used. */
const TAIL = 0.02425;

/** Where erfc switches from 1 - erf (a series) to its continued fraction: both lose little there. */
const CONTINUED_FROM = 2;
/** Terms of the continued fraction: enough for 1e-14 at CONTINUED_FROM, more than enough further out. */
const CONTINUED_TERMS = 120;

/** Evaluates the polynomial with coefficients `c` (highest power first) at x, by Horner's rule. */
function horner(c: readonly number[], x: number): number {
  let s = 0;
  for (const k of c) s = s * x + k;
  return s;
}

/**
 * erfc(t) for t >= 0. Below CONTINUED_FROM: 1 - erf(t), erf by its series of positive terms
 * (2/sqrt(pi)) e^(-t^2) sum t (2t^2)^n / (1*3*...*(2n+1)), which has no cancellation; erfc is at least 0.0047
 * there, so subtracting from 1 loses under three digits. From it on: the continued fraction
 * e^(-t^2)/sqrt(pi) / (t + (1/2)/(t + 1/(t + (3/2)/(t + ...)))), evaluated from its last term back.
 */
function erfc(t: number): number {
  if (t < CONTINUED_FROM) {
    const twoT2 = 2 * t * t;
    let term = t;
    let sum = t;
    for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
      term *= twoT2 / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-t * t) * sum;
  }
  let f = t;
  for (let k = CONTINUED_TERMS; k >= 1; k--) f = t + k / 2 / f;
  return Math.exp(-t * t) / (Math.sqrt(Math.PI) * f);
}

/** The standard normal CDF at x <= 0 (computed in the lower tail, where its value keeps its relative accuracy). */
function lowerCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** The quantile of a probability 0 < p <= 0.5 (a number <= 0). */
function lowerQuantile(p: number): number {
  let x: number;
  if (p < TAIL) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = horner(C, q) / (horner(D, q) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = (horner(A, r) * q) / (horner(B, r) * r + 1);
  }
  // One Halley step on CDF(x) - p: the error u in x's units (the CDF's slope is the density), corrected for
  // the density's curvature. Skipped where the density underflows (p below about 1e-300): the start stands.
  const density = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  if (density > 0) {
    const u = (lowerCdf(x) - p) / density;
    const refined = x - u / (1 + (x * u) / 2);
    if (Number.isFinite(refined)) x = refined;
  }
  return x;
}

/**
 * The standard normal quantile of `p`: the z with P(Z <= z) = p. Exactly 0 at 0.5, and exactly symmetric
 * (normalQuantile(1 - p) === -normalQuantile(p) for p in [0.5, 1), where 1 - p is exact): the upper half is
 * the lower half's mirror. -Infinity at 0, Infinity at 1, NaN outside [0, 1].
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  if (p === 0.5) return 0;
  return p > 0.5 ? -lowerQuantile(1 - p) : lowerQuantile(p);
}
