/**
 * @module engine/forecast/space
 * The forecast families in priority order and their search spaces and defaults, declared with the
 * search/space types so the existing samplers (TPE, random, grid) search them unchanged. Bounds follow the
 * data: how far lags and windows may reach back is capped so that the earliest rolling-origin fold still
 * keeps rows to learn from (./validation-plan maxReach). Tabular model parameters are the model registry's
 * own spaces, nested under the `m_` prefix (./forecast-params). A job with past-only covariates also
 * searches how many lags of them the tabular families read (`past_lags`, from the horizon back), and
 * offers the rnn shorter windows, which it reads them beyond.
 */
import type { DataShape } from '../models/model';
import { getModelSpec } from '../models/registry';
import { categorical, type Distribution, float, int, type Params, type SearchSpace } from '../search/space';
import { ETS_TRENDS } from './ets-forecaster';
import { defaultPastLags } from './past-covariates';
import { prefixParams } from './forecast-params';
import type { ForecastFamily, ForecastShape } from './types';
import { maxReach, validationPlan } from './validation-plan';

/**
 * Priority order: the parameter-free baselines first so every leaderboard shows them, then the cheap and
 * (on short seasonal series) strongest linear model and exponential smoothing, the tree ensembles, and the
 * slowest, the recurrent net.
 */
export const FORECAST_FAMILIES: readonly ForecastFamily[] = ['seasonal_naive', 'drift', 'linear', 'ets', 'gbdt', 'random_forest', 'rnn'];

/**
 * What a forecast job searches when it names no families: all but `ets`, which is searched on request.
 * Added to the search it made the published model no better on held-out data: test RMSE over seasonal
 * naive's 0.779 -> 0.786 on seven real series x 3 seeds, 0.395 -> 0.443 on airpassengers x 5 seeds,
 * though 0.806 -> 0.774 on 30 simulated series, which are generated much as exponential smoothing models
 * them (`npm run bench:forecast-blend -- --real --airpassengers ../shared/data --families …`). It wins
 * on the rolling origins more often than it then wins on the continuation.
 */
export const DEFAULT_FORECAST_FAMILIES: readonly ForecastFamily[] = FORECAST_FAMILIES.filter((f) => f !== 'ets');

/** How far back the largest differencing the space offers reaches: a season (on the clock, maybe more), or a step. */
const differencingReach = (shape: ForecastShape) => (shape.season > 1 ? (shape.seasonReach ?? shape.season) : 1);

/** Values a lag or window may take: the reach left after the largest differencing the space offers. */
function lagBound(shape: ForecastShape): number {
  const reach = maxReach(validationPlan(shape, shape.origins));
  return Math.max(1, Math.min(reach - differencingReach(shape), Math.max(2 * shape.season, 12)));
}

/**
 * Whether a value a week back (ForecastShape.week steps) is within the reach of the earliest origin after
 * the largest differencing the space offers, so a weekly lag leaves rows to learn from.
 */
function weeklyLagFits(shape: ForecastShape): boolean {
  const week = shape.week ?? 0;
  return week > 0 && maxReach(validationPlan(shape, shape.origins)) - differencingReach(shape) >= week;
}

/** A series whose season is a day, in a week (hourly, business hours): the weekly second season's options. */
function weeklySpace(shape: ForecastShape): Record<string, Distribution> {
  if (!(shape.week ?? 0)) return {};
  return { weekday: categorical(true, false), ...(weeklyLagFits(shape) ? { weekly_lag: categorical(true, false) } : {}) };
}

/**
 * Most lags of each past covariate a trial may read (`past_lags`): read from the horizon back, the
 * farthest within the reach of the earliest origin, and at most defaultPastLags. Below 1 the series are
 * too short to read them at all at this horizon (a job is refused; see worker/job-inputs).
 */
export function pastLagBound(shape: ForecastShape): number {
  return Math.min(defaultPastLags(shape.season), maxReach(validationPlan(shape, shape.origins)) - shape.horizon + 1);
}

/** The past covariates' lag count to search, for a job that names them. */
function pastSpace(shape: ForecastShape): Record<string, Distribution> {
  return shape.pastCovariates ? { past_lags: int(1, Math.max(1, pastLagBound(shape))) } : {};
}

/**
 * The longest input window of an rnn trial: the lag bound, less the horizon's steps for a job with past
 * covariates, which the rnn reads from the horizon back beyond the window (./rnn-covariates), so the
 * earliest origin still keeps windows to learn from.
 */
function rnnWindowBound(shape: ForecastShape, bound: number): number {
  if (!shape.pastCovariates) return bound;
  return Math.max(1, Math.min(bound, maxReach(validationPlan(shape, shape.origins)) - differencingReach(shape) - shape.horizon + 1));
}

/** The tabular model's view of the lag-feature matrix, for the bounds of its own space. */
function tabularShape(shape: ForecastShape): DataShape {
  const lags = lagBound(shape);
  return { rows: Math.max(1, (shape.length - lags) * shape.groups), cols: lags + 2 + shape.season, task: 'regression', nClasses: 0 };
}

/** log and Box-Cox are offered only for a series whose every value is above 0 (else every such trial fails). */
const transforms = (shape: ForecastShape): readonly string[] => (shape.positive === false ? ['none'] : ['none', 'log', 'boxcox']);

function seriesSpace(shape: ForecastShape): Record<string, Distribution> {
  return {
    transform: categorical(...transforms(shape)),
    differencing: shape.season > 1 ? categorical('none', 'first', 'seasonal') : categorical('none', 'first'),
  };
}

/** The search space of a family; empty for the baselines. */
export function forecastSpace(family: ForecastFamily, shape: ForecastShape): SearchSpace {
  if (family === 'seasonal_naive' || family === 'drift') return {};
  if (family === 'ets') {
    // The smoothing weights are fitted, not searched: the search picks the structure.
    return { transform: categorical(...transforms(shape)), trend: categorical(...ETS_TRENDS), ...(shape.season > 1 ? { seasonal: categorical(true, false) } : {}) };
  }
  const bound = lagBound(shape);
  if (family === 'rnn') {
    const window = rnnWindowBound(shape, bound);
    return {
      ...seriesSpace(shape),
      cell: categorical('gru', 'lstm'),
      units: int(4, 48, true),
      input_window: int(Math.min(2, window), window),
      layers: int(1, 2),
      dropout: float(0, 0.3),
      learning_rate: float(1e-3, 3e-2, true),
      epochs: int(20, 200, true),
    };
  }
  const space: Record<string, Distribution> = { ...seriesSpace(shape), lags: int(1, bound), trend: categorical(false, true) };
  if (shape.season > 1) {
    const multiples = Math.min(2, Math.floor(bound / shape.season));
    if (multiples >= 1) space.seasonal_lags = int(0, multiples);
    space.calendar = categorical(true, false);
  }
  const windows = [0, 3, 6, shape.season].filter((w, i, all) => w <= bound && (w === 0 || w >= 2) && all.indexOf(w) === i);
  if (windows.length > 1) space.rolling_window = categorical(...windows);
  return { ...space, ...weeklySpace(shape), ...pastSpace(shape), ...prefixParams(getModelSpec(family).space(tabularShape(shape))) };
}

/**
 * A strong default per family (the zero-shot start). Learned families default to a log transform (level-
 * proportional noise is the common case for positive series; none for a series with a zero or below); the linear model sees a full season of
 * lags of the first differences plus the calendar phase, trees learn seasonal differences, which they
 * cannot get wrong by extrapolating a level they never saw.
 */
export function forecastDefaults(family: ForecastFamily, shape: ForecastShape): Params {
  if (family === 'seasonal_naive' || family === 'drift') return {};
  const bound = lagBound(shape);
  const seasonal = shape.season > 1;
  const lags = Math.min(bound, seasonal ? shape.season : 4);
  const transform = shape.positive === false ? 'none' : 'log';
  // A damped trend is the safe default of exponential smoothing: it never extrapolates a slope for ever.
  if (family === 'ets') return { transform, trend: 'damped', ...(seasonal ? { seasonal: true } : {}) };
  if (family === 'rnn') {
    return {
      transform,
      differencing: seasonal ? 'seasonal' : 'first',
      cell: 'gru',
      units: 16,
      input_window: Math.min(lags, rnnWindowBound(shape, bound)),
      layers: 1,
      dropout: 0,
      learning_rate: 0.01,
      epochs: 50,
    };
  }
  // Hourly and business-hours series: the day of the week and the value a week before, when it fits.
  const weekly = shape.week ? { weekday: true, ...(weeklyLagFits(shape) ? { weekly_lag: true } : {}) } : {};
  // Past covariates: every lag the space allows, from the horizon back (a leading indicator's lead is unknown).
  const past: Params = shape.pastCovariates ? { past_lags: Math.max(1, pastLagBound(shape)) } : {};
  const base: Params = { transform, lags, ...(seasonal ? { calendar: true, seasonal_lags: 0 } : {}), rolling_window: 0, ...weekly, ...past };
  const model = prefixParams(getModelSpec(family).defaults(tabularShape(shape)));
  if (family === 'linear') return { ...base, differencing: 'first', ...model };
  return { ...base, differencing: seasonal ? 'seasonal' : 'first', ...model };
}
