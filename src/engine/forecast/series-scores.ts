/**
 * @module engine/forecast/series-scores
 * Each series' own validation score: the job's metric (./forecast-metric) over that series' rolling-origin
 * validation points alone (rmse, mae and mape as usual; mase scaled by the series' own in-sample naive
 * error at each origin), so a job of many series shows which ones its model forecasts badly, where the
 * pooled score hides them. Listed worst first (every forecast metric is a loss). Computed once per trial
 * and per blend from the forecasts it already holds: one pass over the validation points.
 */
import { EngineError } from '../core/errors';
import { ForecastErrors, type ForecastMetric } from './forecast-metric';
import type { OriginTruth } from './origin-truth';

/** One series' validation score in the job's metric, over `points` validation points. */
export interface SeriesScore {
  readonly group: string;
  readonly score: number;
  readonly points: number;
}

/**
 * Names per-series scores (in series order, as ForecastErrors.seriesScores gives them) and sorts them
 * worst first (ties: series order); a series without a validation point is left out.
 */
export function worstFirst(groups: readonly string[], scores: readonly { readonly score: number; readonly points: number }[]): SeriesScore[] {
  return scores
    .map((s, g) => ({ group: groups[g], score: s.score, points: s.points, g }))
    .filter((s) => s.points > 0)
    .sort((a, b) => b.score - a.score || a.g - b.g)
    .map(({ group, score, points }) => ({ group, score, points }));
}

/**
 * The per-series scores of validation forecasts laid out as ./rolling-origin `predictions` (fold, series,
 * step) against the truth after each origin (./origin-truth), e.g. a blend's. `groups`: the series' names
 * in the truth's order.
 * @throws EngineError('invalid_params') when the layouts differ, or mase is asked of a truth without MASE scales
 */
export function originSeriesScores(truth: OriginTruth, predictions: ArrayLike<number>, metric: ForecastMetric, groups: readonly string[]): SeriesScore[] {
  if (predictions.length !== truth.actual.length || groups.length !== truth.groups) {
    throw new EngineError('invalid_params', `per-series scores need ${truth.actual.length} forecasts of ${truth.groups} series; got ${predictions.length} of ${groups.length}`);
  }
  const scales = truth.maseScales;
  if (metric === 'mase' && !scales) throw new EngineError('invalid_params', 'per-series mase needs the MASE scale of every series at every origin (originTruthOf with the season)');
  const errors = new ForecastErrors(metric, truth.groups);
  const h = truth.plan.horizon;
  for (let i = 0; i < predictions.length; i++) {
    const cell = Math.floor(i / h);
    errors.add(cell % truth.groups, truth.actual[i], predictions[i], scales ? scales[cell] : 1);
  }
  return worstFirst(groups, errors.seriesScores());
}

/** Most series a view lists (a job of thousands of series names the total instead of every one). */
export const MAX_LISTED_SERIES_SCORES = 1000;

/** As the job and model views show them: the first MAX_LISTED_SERIES_SCORES, worst first, and the total when more. */
export function listedSeriesScores(scores: readonly SeriesScore[]): { readonly series_scores: SeriesScore[]; readonly series_scores_total?: number } {
  const series_scores = scores.slice(0, MAX_LISTED_SERIES_SCORES).map((s) => ({ group: s.group, score: s.score, points: s.points }));
  return { series_scores, ...(scores.length > series_scores.length ? { series_scores_total: scores.length } : {}) };
}
