/**
 * @module client/forecast-types
 * What `models.forecast` sends and answers: its body, with the known-future covariates typed per step,
 * the covariates a forecast model's view lists, and the forecast with its prediction intervals.
 */
import type { ForecastBody as ForecastSchemaBody } from '../worker/schemas';

/**
 * `POST /v1/models/{name}/forecast` body. The route's schema takes `covariates` as any list (the engine,
 * which knows the model's covariates, checks each step); typed here as what it accepts: one object per
 * step ahead naming each covariate, a number for a numeric one and one of its levels for a categorical one.
 * `level` is any interval coverage from 0.5 to 0.995, `quantiles` up to 20 quantiles from 0.005 to 0.995.
 */
export type ForecastBody = Omit<ForecastSchemaBody, 'covariates'> & { covariates?: Record<string, number | string | boolean>[] };

/**
 * One series' validation score in the job's (or version's) metric over its own rolling-origin points, as the
 * job view's `series_scores` and the model view's `forecast.series_scores` list them, worst first.
 */
export interface SeriesScore {
  group: string;
  score: number;
  points: number;
}

/** One known-future (or past-only) covariate of a forecast model, as its view lists it. */
export interface ForecastCovariate {
  name: string;
  kind: 'numeric' | 'boolean' | 'categorical';
  /** Categorical covariates: the values a forecast request may give; boolean ones: false and true (any spelling of them is taken). */
  levels?: string[];
  /** Numeric known-future covariates: the range training saw (absent in models trained before it was kept). */
  min?: number;
  max?: number;
}

/** `POST /v1/models/{name}/forecast`: the next `horizon` points with prediction intervals. */
export interface Forecast {
  model: { name: string; version: number };
  group?: string;
  horizon: number;
  /** Coverage of each [lower, upper] interval: the `level` sent (any from 0.5 to 0.995), 0.8 by default. */
  level: number;
  /** With `quantiles` sent: the quantiles each point carries, ascending, each once. */
  quantiles?: number[];
  /**
   * One point per step. With `quantiles` sent, each carries them keyed by their shortest decimal text
   * (`{"0.1": v, "0.5": v, "0.9": v}`), from the same normal spread as the interval, never decreasing in q.
   */
  forecasts: { time: string | number; value: number; lower: number; upper: number; quantiles?: Record<string, number> }[];
  /** With `history: true`: the latest observed points the forecast starts from, oldest first. */
  history?: { time: string | number; value: number }[];
  /**
   * Set when the group was too short to validate on: a simple rule forecasts it from its own latest points instead of the model.
   * `covariates_ignored`: the request sent covariates, which the rule does not read.
   */
  fallback?: { rule: 'seasonal_naive' | 'last_value'; points: number; reason: string; covariates_ignored?: true };
}
