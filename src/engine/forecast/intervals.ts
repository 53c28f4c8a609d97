/**
 * @module engine/forecast/intervals
 * Prediction intervals from the rolling-origin validation: the root mean squared error of the h-step-ahead
 * forecasts (in units of each series' scale) gives a spread per step, smoothed and made non-decreasing so
 * intervals widen with the step ahead. Beyond the validated steps the spread grows like sqrt(h), as a
 * random walk's does. Intervals are value +/- z(level) * spread * scale: symmetric, so never crossing. A
 * forecast quantile q is value + z(q) * spread * scale from the same spread (./forecast-point).
 */
import { EngineError } from '../core/errors';
import { normalQuantile } from './normal-quantile';

/**
 * The levels offered before any level was: each with its interval's two tails (one-sided probabilities) and
 * its z rounded to 4 decimals. Those z stay exactly as they were, so an answer at these levels never changes.
 */
const TABLE: readonly { readonly level: number; readonly tails: readonly [number, number]; readonly z: number }[] = [
  { level: 0.5, tails: [0.25, 0.75], z: 0.6745 },
  { level: 0.8, tails: [0.1, 0.9], z: 1.2816 },
  { level: 0.9, tails: [0.05, 0.95], z: 1.6449 },
  { level: 0.95, tails: [0.025, 0.975], z: 1.96 },
  { level: 0.99, tails: [0.005, 0.995], z: 2.5758 },
];

/** Two-sided normal quantiles of the table's levels. */
const Z_BY_LEVEL: Readonly<Record<string, number>> = Object.fromEntries(TABLE.map((t) => [String(t.level), t.z]));

/** The table's z at each tail (negative at lower tails), by ascending probability. */
const ANCHORS: readonly (readonly [p: number, z: number])[] = [...TABLE.map((t) => [t.tails[0], -t.z] as const).reverse(), ...TABLE.map((t) => [t.tails[1], t.z] as const)];

export const DEFAULT_LEVEL = 0.8;

/**
 * The levels `level` may take. Below 0.5 an "interval" holds less than half the outcomes and is mostly
 * noise; above 0.995 it rests on the normal tails of a spread measured on a few rolling origins, which are
 * not trustworthy that far out.
 */
export const MIN_LEVEL = 0.5;
export const MAX_LEVEL = 0.995;

/**
 * The quantiles a forecast may be asked for, and how many at once: the tails of the 0.99 interval at most,
 * for the reason MAX_LEVEL gives.
 */
export const MIN_QUANTILE = 0.005;
export const MAX_QUANTILE = 0.995;
export const MAX_QUANTILES = 20;

/**
 * The z of a one-sided probability p: the table's at its tails, else the normal quantile held between the
 * table's z at the tails either side of p. The table's z are rounded, so within about 1e-5 of a tail the
 * exact quantile can lie on the wrong side of it; held there, z never decreases as p grows, so intervals
 * nest by level and quantiles are ordered by q, and a quantile at a level's tail is exactly its bound.
 */
function anchoredZ(p: number): number {
  let below = -Infinity;
  let above = Infinity;
  for (const [tail, z] of ANCHORS) {
    if (tail === p) return z;
    if (tail < p) below = z;
    else if (above === Infinity) above = z;
  }
  return Math.min(Math.max(normalQuantile(p), below), above);
}

/**
 * The normal quantile of an interval level from MIN_LEVEL to MAX_LEVEL (the table's exactly at its levels);
 * throws EngineError('invalid_input') naming `level` for others.
 */
export function zForLevel(level: number): number {
  const z = Z_BY_LEVEL[String(level)];
  if (z !== undefined) return z;
  if (!(typeof level === 'number' && level >= MIN_LEVEL && level <= MAX_LEVEL)) {
    throw new EngineError('invalid_input', `level must be a number from ${MIN_LEVEL} to ${MAX_LEVEL} (the interval's coverage, e.g. 0.8 for 80%); got ${level}`, { field: 'level', min: MIN_LEVEL, max: MAX_LEVEL });
  }
  return tailZ((1 + level) / 2);
}

/**
 * The z of a one-sided probability p, read on its lower tail (an upper one mirrored) and at 12 significant
 * digits, so a level's tails and the quantiles at them get one z to the last bit: (1 + 0.85) / 2 is not
 * the 0.925 a client sends, nor 1 − 0.925 the 0.075, in binary; at 12 digits all three are what they say.
 */
function tailZ(p: number): number {
  const lower = Number((p > 0.5 ? 1 - p : p).toPrecision(12));
  return p > 0.5 ? -anchoredZ(lower) : anchoredZ(lower);
}

/** A forecast quantile: its key in a point's `quantiles` (the number's shortest decimal text, "0.1") and its z. */
export interface QuantileZ {
  readonly key: string;
  readonly z: number;
}

/**
 * The z of forecast quantiles, each from MIN_QUANTILE to MAX_QUANTILE, at most MAX_QUANTILES distinct ones
 * (a value given twice counts once), sorted ascending; throws EngineError('invalid_input') naming the field.
 */
export function quantileZs(quantiles: readonly number[]): QuantileZ[] {
  quantiles.forEach((q, i) => {
    if (!(typeof q === 'number' && q >= MIN_QUANTILE && q <= MAX_QUANTILE)) {
      throw new EngineError('invalid_input', `quantiles[${i}] must be a number from ${MIN_QUANTILE} to ${MAX_QUANTILE}; got ${q}`, { field: 'quantiles', index: i, min: MIN_QUANTILE, max: MAX_QUANTILE });
    }
  });
  const sorted = [...new Set(quantiles)].sort((a, b) => a - b);
  if (sorted.length > MAX_QUANTILES) throw new EngineError('invalid_input', `quantiles may hold at most ${MAX_QUANTILES} distinct values; got ${sorted.length}`, { field: 'quantiles', max: MAX_QUANTILES });
  return sorted.map((q) => ({ key: String(q), z: tailZ(q) }));
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
