/**
 * @module engine/forecast/forecast-metric
 * The metrics a forecast job may be scored by, over its rolling-origin validation points (and the held-out
 * tail of a champion/challenger comparison): `rmse` (the default, pooled over every point of every series,
 * so the series with the largest values decide), `mae` (pooled too), `mape` (relative errors, for a target
 * never 0) and `mase`, the mean absolute scaled error: each series' absolute errors divided by that
 * series' in-sample mean absolute seasonal-naive difference on the part it was fitted on, averaged over
 * series equally, so a series counts the same whatever its size (as AutoGluon TimeSeries and the M4
 * competition score). Every one is a loss (lower is better). A job or artifact made before the choice
 * existed has none and is read as rmse.
 */
import { EngineError } from '../core/errors';

/** Metrics a forecast job accepts, the default first. */
export const FORECAST_METRICS = Object.freeze(['rmse', 'mae', 'mase', 'mape'] as const);
export type ForecastMetric = (typeof FORECAST_METRICS)[number];

export function isForecastMetric(value: unknown): value is ForecastMetric {
  return typeof value === 'string' && (FORECAST_METRICS as readonly string[]).includes(value);
}

/** The metric a forecast job is scored by: its own, or rmse for one made before the choice (or none given). */
export function forecastMetricOf(metric: string | undefined): ForecastMetric {
  return isForecastMetric(metric) ? metric : 'rmse';
}

/**
 * The floor of a MASE scale, as a share of the series' mean absolute value: a constant (training part of
 * a) series has no seasonal-naive differences, and dividing by 0 would make every forecast of it that is
 * off by any amount, round-off included, infinitely bad, so every trial would fail as non-finite. With the
 * floor, an error of 0.1% of the series' level weighs as a whole naive step of a moving series: a constant
 * series is the easiest to forecast, and a model that misses it still loses, without one series' rounding
 * deciding the whole job.
 */
export const MASE_RELATIVE_FLOOR = 1e-3;
/** The floor of a series that is 0 throughout (whose level gives none). */
export const MASE_ABSOLUTE_FLOOR = 1e-9;

/** As engine/eval/metrics-regression mape: a true value this close to 0 divides by this instead. */
const MAPE_EPS = 1e-8;

/**
 * The MASE scale of one series' training part: the mean absolute difference between each value and the
 * one `season` steps before (the in-sample seasonal-naive error); with a season of 1, or a part too
 * short to hold a whole season's difference, the step before. Floored (MASE_RELATIVE_FLOOR) when 0.
 */
export function maseScale(values: ArrayLike<number>, season: number): number {
  const n = values.length;
  const lag = season > 1 && n > season ? season : 1;
  let sum = 0;
  let level = 0;
  for (let i = 0; i < n; i++) {
    level += Math.abs(values[i]);
    if (i >= lag) sum += Math.abs(values[i] - values[i - lag]);
  }
  const naive = n > lag ? sum / (n - lag) : 0;
  if (naive > 0 && Number.isFinite(naive)) return naive;
  return Math.max(n > 0 ? (MASE_RELATIVE_FLOOR * level) / n : 0, MASE_ABSOLUTE_FLOOR);
}

/**
 * Errors of forecasts against what happened, series by series, summed as the metric needs them: `add`
 * each point with its series' index (and, for mase, its series' scale), then `score`.
 */
export class ForecastErrors {
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;

  constructor(
    readonly metric: ForecastMetric,
    groups: number,
  ) {
    if (!isForecastMetric(metric)) throw new EngineError('invalid_params', `unknown forecast metric "${String(metric)}"; known: ${FORECAST_METRICS.join(', ')}`, { field: 'metric' });
    this.sums = new Float64Array(groups);
    this.counts = new Float64Array(groups);
  }

  /** One validation point of series `g`; `scale` is the series' MASE scale (read by mase only). */
  add(g: number, actual: number, predicted: number, scale = 1): void {
    const err = actual - predicted;
    this.sums[g] += this.metric === 'rmse' ? err * err : this.metric === 'mase' ? Math.abs(err) / scale : this.metric === 'mape' ? Math.abs(err) / Math.max(Math.abs(actual), MAPE_EPS) : Math.abs(err);
    this.counts[g]++;
  }

  /** The metric over every point added: pooled, except mase, the mean of each series' own (series with no point left out). */
  score(): number {
    if (this.metric === 'mase') {
      let total = 0;
      let series = 0;
      for (let g = 0; g < this.sums.length; g++) {
        if (this.counts[g] === 0) continue;
        total += this.sums[g] / this.counts[g];
        series++;
      }
      return total / series;
    }
    let sum = 0;
    let n = 0;
    for (let g = 0; g < this.sums.length; g++) {
      sum += this.sums[g];
      n += this.counts[g];
    }
    return this.metric === 'rmse' ? Math.sqrt(sum / n) : sum / n;
  }

  /**
   * The metric of each series on its own points alone, in series order, with how many points it holds
   * (a series with none: NaN over 0 points). A series' mase is its own term of score()'s mean.
   */
  seriesScores(): { readonly score: number; readonly points: number }[] {
    return Array.from(this.sums, (sum, g) => {
      const n = this.counts[g];
      return { score: n === 0 ? Number.NaN : this.metric === 'rmse' ? Math.sqrt(sum / n) : sum / n, points: n };
    });
  }
}
