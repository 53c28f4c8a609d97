/**
 * @module engine/drift/psi
 * The population stability index per feature: PSI = sum over bins of (p_live - p_ref) * ln(p_live / p_ref).
 * It is a symmetric divergence between the training (reference) and live shares, 0 when they agree.
 * Usual reading: below 0.1 stable, 0.1 to 0.25 a moderate shift worth watching, above 0.25 a significant
 * shift (the model now sees inputs unlike its training data; consider retraining).
 * Shares of 0 are raised to PSI_EPSILON, so an empty bin counts as very rare instead of dividing by zero:
 * a value range or category that training never had, once it shows up live, weighs heavily (as it should).
 * With n live rows and k bins, sampling noise alone gives a PSI of roughly (k - 1) / n, so a few hundred
 * sampled rows are needed before "stable" means much; ./psi-null says how high noise alone reads.
 */

export const PSI_EPSILON = 1e-4;
/** At or above: a moderate shift. */
export const PSI_MODERATE = 0.1;
/** Above: a significant shift. */
export const PSI_SIGNIFICANT = 0.25;

export type DriftStatus = 'stable' | 'moderate' | 'significant';

/** PSI between two lists of shares over the same bins (each summing to 1). */
export function psi(reference: ArrayLike<number>, live: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < reference.length; k++) {
    const p = Math.max(live[k], PSI_EPSILON);
    const q = Math.max(reference[k], PSI_EPSILON);
    sum += (p - q) * Math.log(p / q);
  }
  return sum;
}

/**
 * The PSI that sampling noise alone gives on average: about (bins - 1) · (1/rows + 1/referenceRows),
 * where `bins` counts the bins the reference fills. n live rows drawn from the population the m training
 * rows came from read PSI / (1/n + 1/m) close to a chi-square statistic, whose mean is its degrees of
 * freedom. With few rows it is large (one row over ten deciles: 9), so a reading must stand well above it
 * to mean a shift (see psiNoiseLimit and ./psi-null). Measured on rows drawn from known shares (m infinite;
 * test/engine/drift.test.ts): the mean reading is 0.95-1.03 times it from 200 rows, about 1.3 times at 50
 * rows. It is a mean, not a limit. Null with no rows.
 */
export function psiNoise(reference: ArrayLike<number>, rows: number, referenceRows = Number.POSITIVE_INFINITY): number | null {
  if (!(rows > 0)) return null;
  return degreesOfFreedom(reference) * sampleScale(rows, referenceRows);
}

/**
 * 1/n for n live rows against a known distribution; the training shares are themselves a sample of m rows,
 * and two samples of one population differ by both samples' noise: 1/n + 1/m.
 */
function sampleScale(rows: number, referenceRows: number): number {
  return 1 / rows + (referenceRows > 0 ? 1 / referenceRows : 0);
}

/** z of the upper 1% of a standard normal. */
const Z_99 = 2.3263;

/**
 * The chi-square approximation of the PSI noise alone stays under 99 times in 100: the 99th percentile
 * of a chi-square statistic with (bins - 1) degrees of freedom (Wilson-Hilferty's cube approximation),
 * times (1/rows + 1/referenceRows). Close from a few hundred rows; with fewer it is too low, since PSI
 * reads low counts harder than a chi-square does and an empty bin, its share floored at PSI_EPSILON,
 * reads (share − 0.0001) · ln(share / 0.0001) alone (0.69 for a decile): at 50 rows over ten deciles 9.9%
 * of readings of pure noise exceeded it, and 33% at 30 rows. So it is a floor, not a verdict: a reading at
 * or below it is noise (simulated noise reaches it about 1 time in 100 or more in every case measured,
 * several times in 100 at 30 rows or fewer: test/engine/drift-noise.test.ts), and a reading above it is
 * tested against simulated noise (./psi-null, as compareWithReference does). Null with no rows.
 */
export function psiNoiseLimit(reference: ArrayLike<number>, rows: number, referenceRows = Number.POSITIVE_INFINITY): number | null {
  if (!(rows > 0)) return null;
  const k = degreesOfFreedom(reference);
  if (k === 0) return 0;
  const a = 2 / (9 * k);
  return k * (1 - a + Z_99 * Math.sqrt(a)) ** 3 * sampleScale(rows, referenceRows);
}

/** Bins the reference fills, less one. A bin it never filled is left out: live rows there are a real novelty. */
function degreesOfFreedom(reference: ArrayLike<number>): number {
  let filled = 0;
  for (let k = 0; k < reference.length; k++) if (reference[k] > 0) filled++;
  return Math.max(0, filled - 1);
}

export function driftStatus(value: number): DriftStatus {
  if (value > PSI_SIGNIFICANT) return 'significant';
  return value >= PSI_MODERATE ? 'moderate' : 'stable';
}
