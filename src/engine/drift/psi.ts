/**
 * @module engine/drift/psi
 * The population stability index per feature: PSI = sum over bins of (p_live - p_ref) * ln(p_live / p_ref).
 * It is a symmetric divergence between the training (reference) and live shares, 0 when they agree.
 * Usual reading: below 0.1 stable, 0.1 to 0.25 a moderate shift worth watching, above 0.25 a significant
 * shift (the model now sees inputs unlike its training data; consider retraining).
 * Shares of 0 are raised to PSI_EPSILON, so an empty bin counts as very rare instead of dividing by zero:
 * a value range or category that training never had, once it shows up live, weighs heavily (as it should).
 * With n live rows and k bins, sampling noise alone gives a PSI of roughly (k - 1) / n, so a few hundred
 * sampled rows are needed before "stable" means much.
 */
import { EngineError } from '../core/errors';
import { binLabels, type DriftReference, type FeatureReference } from './reference';
import type { SketchCounts } from './sketch';

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
 * to mean a shift (see psiNoiseLimit). Measured on rows drawn from known shares (m infinite;
 * test/engine/drift.test.ts): the mean reading is 0.95-1.03 times it from 200 rows, about 1.3 times at 50
 * rows. Null with no rows.
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

/** z of the upper 1% of a standard normal: the noise limit is the reading noise stays under 99 times in 100. */
const Z_99 = 2.3263;

/**
 * The PSI that sampling noise alone stays under 99 times in 100: the 99th percentile of a chi-square
 * statistic with (bins - 1) degrees of freedom (Wilson-Hilferty's cube approximation), times
 * (1/rows + 1/referenceRows). A reading at or below it is no evidence of a shift, whatever its label: with
 * ten deciles that is 2.4 times psiNoise, with two bins 6.6 times. Measured on rows drawn from known
 * shares (test/engine/drift.test.ts): 0.9-1.6% of readings exceed it from 200 rows. At 50 rows over ten
 * deciles 5.9% do, mostly when a decile gets no row at all (its share floored at PSI_EPSILON reads 0.69
 * alone); the retraining trigger's default min_rows is 200. Null with no rows.
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

export interface FeatureDrift {
  readonly name: string;
  readonly type: FeatureReference['type'];
  readonly kind: FeatureReference['kind'];
  /** null when no live rows were counted. */
  readonly psi: number | null;
  readonly status: DriftStatus | null;
  /** What sampling noise alone would read at this many live rows (psiNoise); null when none were counted. */
  readonly noise: number | null;
  /** The reading noise stays under 99 times in 100 (psiNoiseLimit); null when no live rows were counted. */
  readonly noiseLimit: number | null;
  /** True when the PSI is no higher than noiseLimit: no evidence of a shift, whatever `status` says. */
  readonly withinNoise: boolean | null;
  /** Bin names, in the order of `reference` and `live`. */
  readonly bins: readonly string[];
  /** Training shares per bin. */
  readonly reference: readonly number[];
  /** Live shares per bin (all 0 when no rows were counted). */
  readonly live: readonly number[];
}

/**
 * Compares live counts with the reference, feature by feature, most drifted first. Counts of another
 * layout are not comparable: the caller must pass counts gathered against this reference.
 */
export function compareWithReference(reference: DriftReference, live: SketchCounts): FeatureDrift[] {
  if (live.layout !== reference.layout || live.counts.length !== reference.features.length) {
    throw new EngineError('invalid_input', `drift counts of layout ${live.layout} do not belong to reference ${reference.layout}`, { layout: live.layout });
  }
  const out = reference.features.map((f, i): FeatureDrift => {
    const counts = live.counts[i];
    const total = counts.reduce((s, c) => s + c, 0);
    const shares = counts.map((c) => (total > 0 ? c / total : 0));
    const value = total > 0 ? psi(f.proportions, shares) : null;
    const noiseLimit = psiNoiseLimit(f.proportions, total, reference.rows);
    return {
      name: f.name,
      type: f.type,
      kind: f.kind,
      psi: value,
      status: value === null ? null : driftStatus(value),
      noise: psiNoise(f.proportions, total, reference.rows),
      noiseLimit,
      withinNoise: value === null || noiseLimit === null ? null : value <= noiseLimit,
      bins: binLabels(f),
      reference: f.proportions,
      live: shares,
    };
  });
  return out.sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
