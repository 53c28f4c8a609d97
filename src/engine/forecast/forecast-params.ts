/**
 * @module engine/forecast/forecast-params
 * Reads a forecast trial's flat Params: the series options every learned family shares (target transform,
 * differencing), the lag-feature options of the tabular families, and the tabular model's own parameters,
 * which are nested under the `m_` prefix (`m_C`, `m_learning_rate`, ...) so they never collide with ours.
 */
import { EngineError } from '../core/errors';
import type { Params } from '../search/space';
import type { Differencing } from './differencing';
import { lagLayout, type LagLayout } from './lag-features';
import { weekDays, weekPeriod } from './frequency';
import { TRANSFORM_KINDS, type TransformKind } from './target-transform';
import type { SeriesFrequency } from './types';

/** Prefix of the nested tabular model parameters. */
export const MODEL_PARAM_PREFIX = 'm_';

export interface SeriesOptions {
  readonly transform: TransformKind;
  readonly differencing: Differencing;
}

const DIFFERENCING: readonly Differencing[] = ['none', 'first', 'seasonal'];

function choice<T extends string>(params: Params, key: string, allowed: readonly T[], fallback: T): T {
  const v = params[key] ?? fallback;
  if (!allowed.includes(v as T)) throw new EngineError('invalid_params', `${key} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}`, { param: key });
  return v as T;
}

/** An integer parameter within [low, high]. */
export function intParam(params: Params, key: string, fallback: number, low: number, high: number): number {
  const v = params[key] ?? fallback;
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= low && v <= high)) {
    throw new EngineError('invalid_params', `${key} must be an integer in [${low}, ${high}]; got ${JSON.stringify(v)}`, { param: key });
  }
  return v;
}

/** A number parameter within [low, high]. */
export function numberParam(params: Params, key: string, fallback: number, low: number, high: number): number {
  const v = params[key] ?? fallback;
  if (!(typeof v === 'number' && v >= low && v <= high)) throw new EngineError('invalid_params', `${key} must be a number in [${low}, ${high}]; got ${JSON.stringify(v)}`, { param: key });
  return v;
}

export function resolveSeriesOptions(params: Params): SeriesOptions {
  return {
    transform: choice(params, 'transform', TRANSFORM_KINDS, 'none'),
    differencing: choice(params, 'differencing', DIFFERENCING, 'none'),
  };
}

/**
 * The lag-feature layout of a tabular trial (`lags`, `seasonal_lags`, `rolling_window`, `calendar`,
 * `trend`, and for a series with a weekly second season `weekday` and `weekly_lag`; see frequency weekPeriod).
 */
export function resolveLagLayout(params: Params, season: number, frequency?: SeriesFrequency): LagLayout {
  const calendar = params.calendar ?? true;
  if (typeof calendar !== 'boolean') throw new EngineError('invalid_params', `calendar must be true or false; got ${JSON.stringify(calendar)}`, { param: 'calendar' });
  const trend = params.trend ?? false;
  if (typeof trend !== 'boolean') throw new EngineError('invalid_params', `trend must be true or false; got ${JSON.stringify(trend)}`, { param: 'trend' });
  const period = frequency ? weekPeriod(frequency, season) : 0;
  const weekday = flag(params, 'weekday');
  const weeklyLag = flag(params, 'weekly_lag');
  if (period === 0 && (weekday || weeklyLag)) {
    throw new EngineError('invalid_params', `${weekday ? 'weekday' : 'weekly_lag'} applies to hourly and business-hours series only (a season of a day, within a week)`, { param: weekday ? 'weekday' : 'weekly_lag' });
  }
  return lagLayout(
    intParam(params, 'lags', Math.max(1, season), 1, 10_000),
    intParam(params, 'seasonal_lags', 0, 0, 10),
    intParam(params, 'rolling_window', 0, 0, 10_000),
    calendar,
    season,
    trend,
    period > 0 ? { period, days: weekDays(frequency as SeriesFrequency), weekday, lag: weeklyLag } : undefined,
  );
}

/**
 * Whether a trial on business hours whose days open for different hours reads its season on the clock
 * (`clock_aligned`, true when absent; ./clock-alignment): false reads it `season` points back, as models
 * did before, and is there to compare the two. Every other series reads it so either way.
 */
export function clockAlignedParam(params: Params): boolean {
  const v = params.clock_aligned ?? true;
  if (typeof v !== 'boolean') throw new EngineError('invalid_params', `clock_aligned must be true or false; got ${JSON.stringify(v)}`, { param: 'clock_aligned' });
  return v;
}

/** A boolean parameter, false when absent. */
function flag(params: Params, key: string): boolean {
  const v = params[key] ?? false;
  if (typeof v !== 'boolean') throw new EngineError('invalid_params', `${key} must be true or false; got ${JSON.stringify(v)}`, { param: key });
  return v;
}

/** The nested tabular model parameters with their prefix removed. */
export function nestedModelParams(params: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(params)) if (k.startsWith(MODEL_PARAM_PREFIX)) out[k.slice(MODEL_PARAM_PREFIX.length)] = v;
  return out;
}

/** Prefixes tabular model parameters for the forecast space. */
export function prefixParams<T>(params: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(params)) out[MODEL_PARAM_PREFIX + k] = v;
  return out;
}
