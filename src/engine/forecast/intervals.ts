/**
 * @module engine/forecast/intervals
 * Prediction intervals from the rolling-origin validation: the root mean squared error of the h-step-ahead
 * forecasts (in units of each series' scale) gives a spread per step, smoothed and made non-decreasing so
 * intervals widen with the step ahead. Beyond the validated steps the spread grows like sqrt(h), as a
 * random walk's does. Intervals are value +/- z(level) * spread * scale: symmetric, so never crossing.
 */
import { EngineError } from '../core/errors';

/** Two-sided normal quantiles of the supported levels. */
const Z_BY_LEVEL: Readonly<Record<string, number>> = { '0.5': 0.6745, '0.8': 1.2816, '0.9': 1.6449, '0.95': 1.96, '0.99': 2.5758 };

export const DEFAULT_LEVEL = 0.8;

/** The normal quantile of an interval level; throws EngineError('invalid_input') for other levels. */
export function zForLevel(level: number): number {
  const z = Z_BY_LEVEL[String(level)];
  if (z === undefined) throw new EngineError('invalid_input', `level must be one of ${Object.keys(Z_BY_LEVEL).join(', ')}; got ${level}`, { field: 'level' });
  return z;
}

/**
 * Per-step spread from squared errors summed per step (`sumSq[h]`, `count[h]`): RMSE per step, averaged
 * over a window of +/-1 step (each step has only a few folds' errors), then a running maximum.
 */
export function stepSpread(sumSq: Float64Array, count: Float64Array): Float64Array {
  const n = sumSq.length;
  const raw = new Float64Array(n);
  for (let h = 0; h < n; h++) raw[h] = count[h] > 0 ? Math.sqrt(sumSq[h] / count[h]) : NaN;
  const out = new Float64Array(n);
  let peak = 0;
  for (let h = 0; h < n; h++) {
    let s = 0;
    let c = 0;
    for (let k = Math.max(0, h - 1); k <= Math.min(n - 1, h + 1); k++) if (Number.isFinite(raw[k])) {
      s += raw[k];
      c++;
    }
    peak = Math.max(peak, c > 0 ? s / c : 0);
    out[h] = peak;
  }
  return out;
}

/** Spread of step h (1-based), extrapolated beyond the validated steps by sqrt(h / validated). */
export function spreadAt(spread: Float64Array, h: number): number {
  const n = spread.length;
  if (n === 0) return 0;
  return h <= n ? spread[h - 1] : spread[n - 1] * Math.sqrt(h / n);
}
