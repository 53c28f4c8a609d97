/**
 * @module engine/forecast/select-blend
 * The end-of-search blend of a forecast job: greedy selection with replacement (engine/ensemble/
 * greedy-selection) over the trials' rolling-origin forecasts, scored by RMSE against what happened
 * (./origin-truth). Measured on held-out continuations (`npm run bench:forecast-blend -- --real
 * --airpassengers ../shared/data`; 60 trials of the default linear, gbdt and random_forest plus the two
 * baselines per search), the published blend's test RMSE over the best trial's (geometric mean; searches
 * where it was lower/higher):
 *   - airpassengers x 5 seeds: 0.707 (4/1);
 *   - 30 simulated seasonal series: 0.963 (17/13);
 *   - 7 real series (co2, elnino, realgdp, cpi, unemp, sunspots, nile) x 3 seeds: 1.001 (9/12).
 * With ets searched too: 0.661 (5/0), 1.002 (18/12), 0.911 (17/4). A plain mean of the best 3 or 5 trials
 * did better on the simulated series (0.930, 0.941) but worse on airpassengers (1.108, 1.062): greedy
 * selection mixes families whose errors run in opposite directions, where the best few are often near
 * copies. Neither the member cap (6 or none) nor 50 rounds instead of 25 changed the results by more
 * than 0.006.
 *
 * A job scored by another metric (./forecast-metric) blends by it: mae and mape as the table metrics of
 * the same names; mase as the mae of every value divided by its fold's and series' MASE scale, which is
 * the mean of each series' MASE (every series holds as many validation points), and a blend of scaled
 * forecasts is the scaled blend, so the selection weighs the trials' own forecasts.
 */
import { greedyEnsembleSelection } from '../ensemble/greedy-selection';
import { EngineError } from '../core/errors';
import type { MetricName } from '../eval/metrics';
import type { ForecastMetric } from './forecast-metric';
import type { OriginTruth } from './origin-truth';

/** One finished trial: its validation forecasts (./rolling-origin `predictions` layout). */
export interface ForecastBlendCandidate {
  readonly id: string;
  readonly predictions: Float32Array;
}

export interface ForecastBlendSelection {
  /** Heaviest first; the weights sum to 1. */
  readonly members: readonly { readonly id: string; readonly weight: number }[];
  /** The metric (rmse unless another is named) of the blended validation forecasts. */
  readonly score: number;
  readonly bestSingle: { readonly id: string; readonly score: number };
  /** True when the blend has two or more members and a strictly lower score than the best single trial. */
  readonly improves: boolean;
  /** The blended validation forecasts (the blend's interval spreads are measured on them). */
  readonly predictions: Float64Array;
}

/** Most distinct members: each adds a model to load and run per request. */
export const FORECAST_BLEND_MAX_MEMBERS = 6;
/** Picks of the greedy selection (as for tables: AutoGluon's and auto-sklearn's choice). */
const ROUNDS = 25;

/**
 * @throws EngineError('invalid_params') when a candidate's forecasts do not match the truth's layout, or a
 *   mase blend's truth has no MASE scales
 */
export function selectForecastBlend(truth: OriginTruth, candidates: readonly ForecastBlendCandidate[], metric: ForecastMetric = 'rmse'): ForecastBlendSelection {
  const scaled = metric === 'mase' ? maseScaling(truth) : undefined;
  const by: MetricName = metric === 'mase' ? 'mae' : metric;
  const selection = greedyEnsembleSelection(
    { y: scaled ? scaled(truth.actual) : truth.actual, task: 'regression', nClasses: 0 },
    by,
    candidates.map((c) => ({ id: c.id, oof: scaled && c.predictions.length === truth.actual.length ? scaled(c.predictions) : c.predictions })),
    { rounds: ROUNDS, maxMembers: FORECAST_BLEND_MAX_MEMBERS },
  );
  const predictions = new Float64Array(truth.actual.length);
  for (const m of selection.members) {
    const own = candidates[m.index].predictions;
    for (let i = 0; i < predictions.length; i++) predictions[i] += m.weight * own[i];
  }
  return {
    members: selection.members.map((m) => ({ id: m.id, weight: m.weight })),
    score: selection.score,
    bestSingle: { id: selection.bestSingle.id, score: selection.bestSingle.score },
    improves: selection.members.length > 1 && selection.score < selection.bestSingle.score,
    predictions,
  };
}

/** Divides every value of the validation layout (fold, series, step) by its fold's and series' MASE scale. */
function maseScaling(truth: OriginTruth): (values: Float32Array) => Float32Array {
  const scales = truth.maseScales;
  if (!scales) throw new EngineError('invalid_params', 'a blend by mase needs the MASE scale of every series at every origin (originTruthOf with the season)');
  const h = truth.plan.horizon;
  return (values) => Float32Array.from(values, (v, i) => v / scales[Math.floor(i / h)]);
}
