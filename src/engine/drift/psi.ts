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
 * The PSI that sampling noise alone gives, about (bins - 1) / rows, where `bins` counts the bins the
 * reference fills: n live rows drawn exactly like the training data read n·PSI close to a chi-square
 * statistic, whose mean is its degrees of freedom. With few rows it is large (one row over ten deciles:
 * 9), so a reading must stand well above it to mean a shift. Measured on rows drawn like the reference
 * (test/engine/drift.test.ts): the mean reading is 0.95-1.03 times it from 200 rows, about 1.3 times at
 * 50 rows. A bin the reference never filled is left out: live rows there are a real novelty, not noise.
 * Null with no rows.
 */
export function psiNoise(reference: ArrayLike<number>, rows: number): number | null {
  if (!(rows > 0)) return null;
  let filled = 0;
  for (let k = 0; k < reference.length; k++) if (reference[k] > 0) filled++;
  return Math.max(0, filled - 1) / rows;
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
    return { name: f.name, type: f.type, kind: f.kind, psi: value, status: value === null ? null : driftStatus(value), noise: psiNoise(f.proportions, total), bins: binLabels(f), reference: f.proportions, live: shares };
  });
  return out.sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
