/**
 * @module engine/forecast/run-forecast-trial
 * The forecast trial harness (the forecasting counterpart of run-trial): read the series, score the
 * configuration by rolling-origin validation (never a random split), refit on every point, and return
 * the envelope with the per-step error spread for intervals. Expected failures (bad data, bad params, a
 * non-finite score) are returned as a `failed` outcome, not thrown. Deterministic given the seed. A model
 * that reads past-only covariates forecasts at most the job's horizon (./past-covariates). A target never
 * below 0 is validated and forecast floored at 0 (./value-floor). A group too short to validate on keeps
 * its latest points to be forecast by a simple rule (./fallback). The score is the job's metric
 * (./forecast-metric: rmse unless the job names mae, mase or mape); the interval spreads are squared
 * errors whatever it is.
 */
import { EngineError } from '../core/errors';
import { Rng, seedFrom } from '../core/rng';
import type { Dataset } from '../data/dataset';
import type { Params } from '../search/space';
import type { Calendar } from './calendar';
import { explainLateStart, showTimeOf } from './covariate-start';
import { storedCovariates } from './covariates';
import { FORECAST_ENVELOPE_FORMAT, FORECAST_ENVELOPE_VERSION, type ForecastEnvelope } from './envelope';
import { seasonReach } from './clock-alignment';
import { fitForecastModel } from './families';
import { fallbackStates } from './fallback';
import type { ForecastMetric } from './forecast-metric';
import { naivePeriod, weekPeriod } from './frequency';
import { groupSpreadFactors } from './group-spread';
import { stepSpread } from './intervals';
import { flooredSpread, seriesFloors, spreadFloor } from './spread-floor';
import { rollingOrigin, stateAt } from './rolling-origin';
import { seriesPlan } from './origin-truth';
import { FORECAST_FAMILIES } from './space';
import { allPositive, extractSeries } from './series';
import { worstFirst } from './series-scores';
import { seriesScale } from './target-transform';
import { valueFloor } from './value-floor';
import type { ForecastFamily, ForecastShape, LocalClockInfo } from './types';


export interface ForecastTrialSpec {
  readonly family: ForecastFamily;
  readonly params: Params;
  readonly target: string;
  /** The time column; absent means the dataset's only datetime column. */
  readonly timeColumn?: string;
  readonly groupColumn?: string;
  /** Known-future covariate columns (see SeriesColumns.covariates). */
  readonly covariates?: readonly string[];
  /** Past-only covariate columns (see SeriesColumns.pastCovariates), read at least `horizon` steps back. */
  readonly pastCovariates?: readonly string[];
  /** Groups with fewer points are left out of the model (see SeriesColumns.minLength). */
  readonly minLength?: number;
  /** The time zone a series read on its local clock is forecast in (see SeriesColumns.timezone). */
  readonly timezone?: string;
  /** Steps ahead the job forecasts. */
  readonly horizon: number;
  readonly seed: number;
  /** Rolling origins (default 3). */
  readonly origins?: number;
  /** What the trial is scored by (./forecast-metric); absent: rmse. */
  readonly metric?: ForecastMetric;
  readonly yieldControl?: () => Promise<void>;
}

export type ForecastTrialOutcome =
  | {
      readonly status: 'complete';
      /** Rolling-origin score in the job's metric (rmse unless the spec names another; lower is better). */
      readonly score: number;
      /** The same as a loss, for samplers (every forecast metric already is one). */
      readonly loss: number;
      /** The metric per origin, latest first. */
      readonly foldScores: readonly number[];
      /** The validation forecasts behind the score (layout: ./rolling-origin predictions), for the job's blend. */
      readonly originForecasts: Float32Array;
      readonly fitInfo: Readonly<Record<string, number>>;
      readonly envelope: ForecastEnvelope;
    }
  | { readonly status: 'failed'; readonly code: string; readonly reason: string };

/** How far past the job's horizon a forecast may reach: 4 times the validated horizon (at least the job's). */
export const HORIZON_CAP_FACTOR = 4;

/** The data shape a forecast space depends on, from the dataset (for samplers; throws on bad data). */
export function forecastShapeOf(ds: Dataset, spec: Pick<ForecastTrialSpec, 'target' | 'timeColumn' | 'groupColumn' | 'horizon' | 'pastCovariates' | 'origins'>): ForecastShape {
  const { info, series } = extractSeries(ds, spec);
  const week = weekPeriod(info.frequency, info.season);
  const reach = seasonReach(info.frequency, info.season);
  return {
    length: Math.min(...series.map((s) => s.values.length)),
    season: info.season,
    groups: series.length,
    horizon: spec.horizon,
    positive: allPositive(series),
    ...(week > 0 ? { week } : {}),
    ...(reach > info.season ? { seasonReach: reach } : {}),
    ...(info.pastCovariates ? { pastCovariates: true } : {}),
    ...(spec.origins !== undefined ? { origins: spec.origins } : {}),
  };
}

export async function runForecastTrial(ds: Dataset, spec: ForecastTrialSpec): Promise<ForecastTrialOutcome> {
  try {
    return await runUnsafe(ds, spec);
  } catch (err) {
    if (err instanceof EngineError) return { status: 'failed', code: err.code, reason: err.message };
    return { status: 'failed', code: 'trial_error', reason: err instanceof Error ? err.message : String(err) };
  }
}

async function runUnsafe(ds: Dataset, spec: ForecastTrialSpec): Promise<ForecastTrialOutcome> {
  if (!FORECAST_FAMILIES.includes(spec.family)) {
    throw new EngineError('invalid_params', `unknown forecast family "${spec.family}"; known: ${FORECAST_FAMILIES.join(', ')}`, { family: spec.family });
  }
  const { info, series, short } = extractSeries(ds, spec);
  // A series a covariate's late start left too short is refused saying so (./covariate-start).
  const shortest = series.reduce((a, s) => (s.values.length < a.values.length ? s : a));
  const plan = explainLateStart(info.lateStarts, shortest.group, showTimeOf(info), () => seriesPlan(series, info.season, spec.horizon, spec.origins));
  const calendar: Calendar = { frequency: info.frequency, season: info.season, anchor: Math.min(...series.map((s) => s.times[0])) };

  // Decided on every series the trial fits on, so the validation forecasts are floored as the published
  // ones, and on the short groups forecast by a rule (./fallback): one target column, one floor.
  const fallbacks = fallbackStates(short ?? [], naivePeriod(info.frequency, info.season), spec.horizon);
  const least = valueFloor([...series, ...(short ?? []).flatMap((s) => (s.series ? [s.series] : []))]);
  const validation = await rollingOrigin({ family: spec.family, params: spec.params, series, calendar, plan, seed: spec.seed, target: spec.target, horizon: spec.horizon, ...(least !== undefined ? { floor: least } : {}), ...(spec.metric !== undefined ? { metric: spec.metric } : {}), yieldControl: spec.yieldControl });
  if (!Number.isFinite(validation.score)) return { status: 'failed', code: 'non_finite_score', reason: `the rolling-origin ${spec.metric ?? 'rmse'} is not a finite number (the model diverged)` };

  await spec.yieldControl?.();
  const floor = spreadFloor(series);
  // Several series: each one's intervals as wide as its own errors were (./group-spread).
  const spread = flooredSpread(stepSpread(validation.stepSumSq, validation.stepCount), floor);
  const factors = groupSpreadFactors(validation.seriesSumSq, validation.seriesCount, seriesFloors(series), spread);
  const fit = series.map((s) => ({ values: s.values, times: s.times, scale: seriesScale(s.values), ...(s.covariates ? { covariates: s.covariates } : {}), ...(s.pastCovariates ? { pastCovariates: s.pastCovariates } : {}) }));
  const model = await fitForecastModel(spec.family, spec.params, fit, { calendar, rng: new Rng(seedFrom(spec.seed, 'refit')), target: spec.target, horizon: spec.horizon, yieldControl: spec.yieldControl });
  try {
    const envelope: ForecastEnvelope = {
      format: FORECAST_ENVELOPE_FORMAT,
      version: FORECAST_ENVELOPE_VERSION,
      family: spec.family,
      target: info.target,
      timeColumn: info.timeColumn,
      timeKind: info.timeKind,
      ...(info.groupColumn !== undefined ? { groupColumn: info.groupColumn } : {}),
      frequency: info.frequency,
      season: info.season,
      anchor: calendar.anchor,
      horizon: spec.horizon,
      // A model reading past covariates has observed values for the job's horizon only (its pastHorizon).
      maxHorizon: model.pastHorizon ?? Math.max(spec.horizon, HORIZON_CAP_FACTOR * plan.horizon),
      score: validation.score,
      // Written only for another metric than rmse: an rmse job's artifact stays as it was.
      ...(spec.metric !== undefined && spec.metric !== 'rmse' ? { metric: spec.metric } : {}),
      // Never narrower than the floor of the series' own variation (./spread-floor): an exact fit has no errors.
      stepSpread: Array.from(spread),
      spreadFloor: floor,
      ...(least !== undefined ? { floor: least } : {}),
      ...(info.skipped ? { skippedGroups: info.skipped } : {}),
      ...(fallbacks.length > 0 ? { fallbackGroups: fallbacks } : {}),
      // Several series: each one's own validation score, worst first (./series-scores); one series has only the pooled score.
      ...(info.groupColumn !== undefined ? { seriesScores: worstFirst(series.map((s) => s.group), validation.seriesScores) } : {}),
      ...(info.covariates ? { covariates: info.covariates } : {}),
      ...(info.pastCovariates ? { pastCovariates: info.pastCovariates } : {}),
      ...(info.localClock ? { localClock: envelopeClock(info.localClock) } : {}),
      ...(info.utcOffset !== undefined ? { utcOffset: info.utcOffset } : {}),
      groups: series.map((s, g) => {
        const st = stateAt(s.values, s.times, s.values.length, model.tailLength, fit[g].scale);
        const spreadFactor = factors ? { spreadFactor: factors[g] } : {};
        const n = s.values.length;
        const covariates = info.covariates && s.covariates ? { covariates: storedCovariates(info.covariates, s.covariates, n - st.tail.length, n) } : {};
        const past = info.pastCovariates && s.pastCovariates ? { pastCovariates: storedCovariates(info.pastCovariates, s.pastCovariates, n - st.tail.length, n) } : {};
        return { group: s.group, lastTime: st.lastTime, scale: st.scale, ...spreadFactor, first: st.first, count: st.count, tail: Array.from(st.tail), ...covariates, ...past };
      }),
      model: model.toArtifact(),
    };
    const interpolated = series.reduce((a, s) => a + s.interpolated, 0);
    const fitInfo = { ...model.fitInfo, validation_horizon: plan.horizon, origins: plan.origins, origin_step: plan.step, season: info.season, interpolated };
    return { status: 'complete', score: validation.score, loss: validation.score, foldScores: validation.foldScores, originForecasts: validation.predictions, fitInfo, envelope };
  } finally {
    model.dispose();
  }
}

/** What an envelope keeps of how the series was read on its local clock: the zone, and whether it placed offset-less times. */
function envelopeClock(clock: LocalClockInfo): { timezone?: string; placed?: true } {
  return { ...(clock.timezone ? { timezone: clock.timezone } : {}), ...(clock.placed ? { placed: true as const } : {}) };
}
