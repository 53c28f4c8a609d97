/**
 * @module engine/forecast/target-transform
 * The searchable target transforms. Each series is first divided by its own scale (mean absolute value
 * of the values a model is fitted on), so series of different sizes share one pooled model and one
 * interval spread; then `log` or a Box-Cox power (lambda by maximum likelihood on the fitting values)
 * stabilises a variance that grows with the level, as in airline-passenger-like data.
 */
import { EngineError } from '../core/errors';

export type TransformKind = 'none' | 'log' | 'boxcox';

export const TRANSFORM_KINDS: readonly TransformKind[] = ['none', 'log', 'boxcox'];

/** A fitted transform: the kind and, for Box-Cox, its exponent. */
export interface TargetTransform {
  readonly kind: TransformKind;
  readonly lambda: number;
}

/** Mean absolute value of a series, 1 when that is 0 (so an all-zero series still divides safely). */
export function seriesScale(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.abs(values[i]);
  s /= values.length;
  return s > 0 && Number.isFinite(s) ? s : 1;
}

/** Box-Cox exponents tried when estimating lambda: -1 to 2 in steps of 0.05. */
const LAMBDA_GRID = Array.from({ length: 61 }, (_, i) => -1 + i * 0.05);

/**
 * Fits the transform to scaled series. log and Box-Cox need positive values; a non-positive one is
 * refused with the target's name rather than producing NaNs later.
 */
export function fitTransform(kind: TransformKind, scaled: readonly Float64Array[], target: string): TargetTransform {
  if (kind === 'none') return { kind, lambda: 1 };
  for (const s of scaled) {
    for (let i = 0; i < s.length; i++) {
      if (!(s[i] > 0)) throw new EngineError('invalid_params', `transform "${kind}" needs positive values, but target column "${target}" has ${s[i] === 0 ? 'a zero' : 'a negative value'}; use transform "none"`, { column: target, param: 'transform' });
    }
  }
  if (kind === 'log') return { kind, lambda: 0 };
  return { kind, lambda: boxCoxLambda(scaled) };
}

/** Box-Cox profile log-likelihood maximised over the grid (pooled over series). */
function boxCoxLambda(scaled: readonly Float64Array[]): number {
  let n = 0;
  let sumLog = 0;
  for (const s of scaled) for (let i = 0; i < s.length; i++) {
    sumLog += Math.log(s[i]);
    n++;
  }
  let best = 1;
  let bestLl = -Infinity;
  for (const lambda of LAMBDA_GRID) {
    let sum = 0;
    let sumSq = 0;
    for (const s of scaled) for (let i = 0; i < s.length; i++) {
      const z = power(s[i], lambda);
      sum += z;
      sumSq += z * z;
    }
    const variance = sumSq / n - (sum / n) ** 2;
    const ll = -0.5 * n * Math.log(Math.max(variance, 1e-300)) + (lambda - 1) * sumLog;
    if (ll > bestLl) {
      bestLl = ll;
      best = lambda;
    }
  }
  return best;
}

function power(x: number, lambda: number): number {
  return Math.abs(lambda) < 1e-9 ? Math.log(x) : (Math.pow(x, lambda) - 1) / lambda;
}

/** Transformed value of a raw value of a series with the given scale. */
export function forward(tr: TargetTransform, value: number, scale: number): number {
  const x = value / scale;
  if (tr.kind === 'none') return x;
  // Forecast tails may hold a non-positive value the fit never saw; clamp instead of producing NaN.
  return power(Math.max(x, 1e-9), tr.lambda);
}

/** Raw value back from a transformed one. */
export function inverse(tr: TargetTransform, z: number, scale: number): number {
  if (tr.kind === 'none') return z * scale;
  if (Math.abs(tr.lambda) < 1e-9) return Math.exp(Math.min(z, 700)) * scale;
  // Outside the transform's range the power is undefined; the boundary is the closest valid value.
  const base = Math.max(tr.lambda * z + 1, 0);
  return Math.pow(base, 1 / tr.lambda) * scale;
}
