/**
 * @module engine/drift/compare
 * Live counts against a drift reference, feature by feature: the PSI (./psi) with its reading, and how
 * it stands against sampling noise at that many rows: the mean noise (psiNoise), and whether noise alone
 * reaches the reading more than 1 time in 100 (withinNoise). A reading at or under the chi-square limit
 * (psiNoiseLimit) is noise at once; one above it is tested against simulated noise (./psi-null), which at
 * few rows reaches far past that limit. Testing costs a few dozen draws for a reading within noise and
 * 399 for one beyond it; a comparison spends at most NOISE_TEST_DRAWS (a fraction of a second), so a
 * model of thousands of inputs (an image's pixels) drifting all at once cannot stall a request: features
 * left when it is spent read against the chi-square limit alone, as before simulation.
 */
import { EngineError } from '../core/errors';
import { driftStatus, type DriftStatus, psi, psiNoise, psiNoiseLimit } from './psi';
import { psiNoiseTest } from './psi-null';
import { binLabels, type DriftReference, type FeatureReference } from './reference';
import type { SketchCounts } from './sketch';

/** withinNoise's level: a reading noise alone reaches at most 1 time in 100 is beyond noise. */
export const WITHIN_NOISE_LEVEL = 0.01;
/** Most simulated draws one comparison spends on withinNoise (see the module comment). */
export const NOISE_TEST_DRAWS = 200_000;

export interface FeatureDrift {
  readonly name: string;
  readonly type: FeatureReference['type'];
  readonly kind: FeatureReference['kind'];
  /** null when no live rows were counted. */
  readonly psi: number | null;
  readonly status: DriftStatus | null;
  /** What sampling noise alone would read at this many live rows (psiNoise); null when none were counted. */
  readonly noise: number | null;
  /**
   * The chi-square approximation of the reading noise stays under 99 times in 100 (psiNoiseLimit): a
   * floor, too low at few rows; null when no live rows were counted.
   */
  readonly noiseLimit: number | null;
  /**
   * True when noise alone reaches the PSI more than 1 time in 100 at this many rows (at or under
   * noiseLimit, or by simulation above it): no evidence of a shift, whatever `status` says.
   */
  readonly withinNoise: boolean | null;
  /** Training rows the reference shares were counted on (their own sampling noise counts too). */
  readonly referenceRows: number;
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
  let budget = NOISE_TEST_DRAWS;
  /** Whether noise alone reaches `value` more than 1 time in 100 (see the module comment). */
  const withinNoise = (proportions: readonly number[], rows: number, value: number, limit: number): boolean => {
    if (value <= limit) return true;
    if (budget <= 0) return false;
    const test = psiNoiseTest(proportions, rows, reference.rows, value, WITHIN_NOISE_LEVEL);
    budget -= test.draws;
    return !test.beyond;
  };
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
      withinNoise: value === null || noiseLimit === null ? null : withinNoise(f.proportions, total, value, noiseLimit),
      referenceRows: reference.rows,
      bins: binLabels(f),
      reference: f.proportions,
      live: shares,
    };
  });
  return out.sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
