/**
 * @module engine/forecast/spread-floor
 * The least spread a forecast's intervals may claim. Intervals come from validation errors (./intervals);
 * on a series that repeats exactly, or with a model that fits its validation points exactly, there are
 * none, and an interval of zero width claims a certainty no forecast has.
 *
 * The floor is a small fraction (SPREAD_FLOOR_FRACTION) of the series' own step-to-step variation: the
 * in-sample RMSE of the one-step naive forecast (each point forecast by the one before), in units of
 * each series' scale and pooled over the series, as the spread itself is. Naive, not seasonal naive: an
 * exactly periodic series has no seasonal-naive error at all, yet it moves from step to step. A series
 * that never moves has no naive error either; its magnitude (1 in units of its scale) stands in. The
 * floor of step h is that times sqrt(h), as a random walk's spread grows and as ./intervals extrapolates
 * past the validated steps, so floored intervals still widen with the horizon.
 *
 * It is measured and applied when a trial builds its envelope (run-forecast-trial; a blend reuses its
 * members' floor), never when serving: an envelope stored before it keeps exactly the intervals it had
 * (stored artifacts behave as they did), and the floor is measured on the whole series rather than on
 * the few recent points an envelope keeps; the job's widening (publicationWidening) then scales it like
 * the measured spread. The spread of a step above its floor is kept as it is, bit for bit.
 */
import { seriesScale } from './target-transform';

/**
 * The floor's share of the one-step naive RMSE. A model's h-step error would have to be under 1% of the
 * naive one-step error times sqrt(h) for the floor to touch it: far better than forecasts of noisy series
 * get (noise alone keeps the error at the noise's size, and the naive error is at least that). Measured
 * over 378 trials (every family but rnn, defaults and sampled configurations) on airpassengers, the
 * store-sales demo (grouped, with covariates: the least noisy, 5%) and seven real series (co2, elnino,
 * realgdp, cpi, unemp, sunspots, nile), the measured spread of every validated step stayed at least 6.4
 * times its floor (store-sales, linear), 11.8 on co2: the floor changed none of them
 * (`npx tsx scripts/bench-spread-floor.ts`).
 */
export const SPREAD_FLOOR_FRACTION = 0.01;

/**
 * The one-step spread floor of a trial's series, in units of each series' scale: SPREAD_FLOOR_FRACTION
 * of their pooled one-step naive RMSE, or of their magnitude when no series ever moves.
 */
export function spreadFloor(series: readonly { readonly values: Float64Array }[]): number {
  let sumSq = 0;
  let n = 0;
  for (const s of series) {
    const scale = seriesScale(s.values);
    for (let t = 1; t < s.values.length; t++) {
      const d = (s.values[t] - s.values[t - 1]) / scale;
      sumSq += d * d;
      n++;
    }
  }
  const naive = n > 0 ? Math.sqrt(sumSq / n) : 0;
  return SPREAD_FLOOR_FRACTION * (naive > 0 && Number.isFinite(naive) ? naive : 1);
}

/** Each series' own floor, as spreadFloor of it alone (./group-spread). */
export function seriesFloors(series: readonly { readonly values: Float64Array }[]): Float64Array {
  return Float64Array.from(series, (s) => spreadFloor([s]));
}

/**
 * The per-step spread (index 0 = one step) raised to at least floor * sqrt(h) at step h; steps above it
 * keep their value exactly. Unchanged without a floor (envelopes made before it had none).
 */
export function flooredSpread(spread: Float64Array, floor: number | undefined): Float64Array {
  if (floor === undefined) return spread;
  return spread.map((s, i) => Math.max(s, floor * Math.sqrt(i + 1)));
}
