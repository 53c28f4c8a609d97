/**
 * @module engine/forecast/series-holdout
 * The holdout of a forecast retraining job: the latest `points` of every series, never a random share of
 * the rows (a model would otherwise be scored on points between ones it was fitted on). The search sees
 * each series without its tail; the champion/challenger comparison then asks both models for the tail
 * after the same history and scores them on what happened, and the published model takes its state from
 * the whole series (stateAtLatest). The cut depends only on the data and the number of points, so the
 * trial and the comparison (different invocations) hold out the same points. A model whose covariates
 * lack a category the held-out points hold cannot forecast them at all (unseenTailCategories), which the
 * comparison reports instead of a score; nor can it forecast a series it never saw (seriesKnownTo), so
 * the comparison can be restricted to the series both models know (scoreOnSeriesTail's `only`).
 */
import { EngineError } from '../core/errors';
import type { Dataset } from '../data/dataset';
import { findColumn } from '../data/dataset';
import { selectRows } from '../data/select-rows';
import { byName, storedCovariates } from './covariates';
import type { ForecastEnvelope } from './envelope';
import type { Forecaster, SeriesHistory } from './forecaster';
import { fallbackState } from './fallback';
import { valuesBefore } from './fill-missing';
import { naivePeriod } from './frequency';
import { ForecastErrors, type ForecastMetric, maseScale } from './forecast-metric';
import { stateAt } from './rolling-origin';
import type { ShortSeries } from './short-series';
import { extractSeries, groupKeys, timeValues } from './series';
import type { SeriesColumns, SeriesData, SeriesInfo } from './types';
import { floorStillHolds } from './value-floor';
import { groupDetail } from './group-details';

/** The dataset without the last `points` of each series (rows in their original order). */
export function withoutSeriesTail(ds: Dataset, columns: SeriesColumns, points: number): Dataset {
  checkPoints(points);
  const { info, series } = extractSeries(ds, columns);
  const cutTime = new Map<string, number>();
  for (const s of series) {
    if (s.values.length <= points) throw tooShort(s.group, s.values.length, points);
    // Times are unique within a series (extractSeries checks), so "before the cut time" is exact.
    cutTime.set(s.group, s.times[s.values.length - points]);
  }
  // The same numbers extractSeries compared (it reads the column the same way).
  const time = timeValues(findColumn(ds, info.timeColumn) as Extract<Dataset['columns'][number], { storage: 'f64' }>, info.timeKind === 'datetime');
  const keys = groupKeys(ds, info.groupColumn, [info.target, info.timeColumn]);
  const kept: number[] = [];
  for (let i = 0; i < ds.rows; i++) if (time[i] < (cutTime.get(keys[i]) as number)) kept.push(i);
  return selectRows(ds, Int32Array.from(kept));
}

/**
 * The envelope of a model fitted without the held-out tail, brought up to the latest point of every
 * series it knows: the fitted parameters stay, each series' state (its recent values, last time and
 * length) is read from the whole series, so the published model forecasts from the end of the data and
 * not from the cut. Scales and spread factors stay as fitted (the intervals are measured in them). A floor
 * (./value-floor) is dropped when the held-out points went below it: the target is no longer never negative.
 */
export function stateAtLatest(envelope: ForecastEnvelope, ds: Dataset, columns: SeriesColumns): ForecastEnvelope {
  const { info, series, short } = extractSeries(ds, columns);
  const byGroup = new Map(series.map((s) => [s.group, s]));
  const groups = envelope.groups.map((g) => {
    const s = byGroup.get(g.group);
    if (!s) return g;
    const st = stateAt(s.values, s.times, s.values.length, g.tail.length, g.scale);
    const n = s.values.length;
    const covariates = envelope.covariates && info.covariates && s.covariates ? { covariates: byName(envelope.covariates, info.covariates, storedCovariates(info.covariates, s.covariates, n - st.tail.length, n)) } : {};
    // The past covariates' latest observed values too: what the published model forecasts from.
    const past = envelope.pastCovariates && info.pastCovariates && s.pastCovariates ? { pastCovariates: byName(envelope.pastCovariates, info.pastCovariates, storedCovariates(info.pastCovariates, s.pastCovariates, n - st.tail.length, n)) } : {};
    return { group: g.group, lastTime: st.lastTime, scale: g.scale, ...(g.spreadFactor !== undefined ? { spreadFactor: g.spreadFactor } : {}), first: st.first, count: st.count, tail: Array.from(st.tail), ...covariates, ...past };
  });
  const { floor: _fitted, skippedGroups: _cut, fallbackGroups: _cutFallbacks, ...rest } = envelope;
  const left = leftOut(envelope, info, series, short ?? []);
  const floor = floorStillHolds(envelope.floor, [...series, ...(short ?? []).flatMap((s) => (s.series ? [s.series] : []))]);
  return { ...rest, ...(floor !== undefined ? { floor } : {}), groups, ...left };
}

/**
 * The groups the model was fitted without, read from the whole series: the search saw none of a group too
 * short to validate on (withoutSeriesTail leaves it out), nor one the held-out points left too short, so
 * each is listed with its length in the whole data, and forecast by a rule on its latest points there
 * when it can be read as a series (./fallback).
 */
function leftOut(envelope: ForecastEnvelope, info: SeriesInfo, series: readonly SeriesData[], short: readonly ShortSeries[]): Pick<ForecastEnvelope, 'skippedGroups' | 'fallbackGroups'> {
  const known = new Set(envelope.groups.map((g) => g.group));
  const names = [...new Set([...Object.keys(envelope.skippedGroups ?? {}), ...Object.keys(info.skipped ?? {})])].filter((g) => !known.has(g)).sort();
  if (names.length === 0) return {};
  const read = new Map<string, { readonly times: Float64Array; readonly values: Float64Array }>([...series.map((s) => [s.group, s] as const), ...short.flatMap((s) => (s.series ? [[s.group, s.series] as const] : []))]);
  const skippedGroups = Object.fromEntries(names.map((g) => [g, info.lengths[g] ?? info.skipped?.[g] ?? envelope.skippedGroups?.[g] ?? 0]));
  const fallbackGroups = names.flatMap((g) => {
    const s = read.get(g);
    return s ? [fallbackState(g, s.times, s.values, naivePeriod(envelope.frequency, envelope.season), envelope.horizon)] : [];
  });
  return { skippedGroups, ...(fallbackGroups.length > 0 ? { fallbackGroups } : {}) };
}

/** How a model forecast the held-out tail, over every held-out point of every series. */
export interface TailScore {
  readonly rmse: number;
  /** In the metric asked for (./forecast-metric; rmse, the same as `rmse`, when none was). */
  readonly score: number;
  readonly points: number;
}

/**
 * Scores a forecaster on the last `points` of every series of `ds` (of those in `only`, when given),
 * forecasting them after the rest of each series. A series the model has never seen cannot be scored
 * fairly: refused, naming it (seriesKnownTo tells them apart beforehand). `metric` (default rmse) is
 * what `score` is: a MASE divides each series' errors by its scale on the history before the tail.
 */
export function scoreOnSeriesTail(forecaster: Forecaster, ds: Dataset, columns: SeriesColumns, points: number, only?: ReadonlySet<string>, metric: ForecastMetric = 'rmse'): TailScore {
  checkPoints(points);
  const { info, series } = extractSeries(ds, columns);
  const known = new Set(forecaster.groups);
  let sumSq = 0;
  let n = 0;
  const errors = metric === 'rmse' ? undefined : new ForecastErrors(metric, series.length);
  for (const [g, s] of series.entries()) {
    if (only && !only.has(s.group)) continue;
    if (!known.has(s.group)) throw new EngineError('invalid_input', `the model has never seen the series ${JSON.stringify(s.group)}, so it cannot be scored on it`, groupDetail(s.group));
    const end = s.values.length - points;
    if (end < 1) throw tooShort(s.group, s.values.length, points);
    const predicted = forecaster.forecastAfter(historyBefore(info, s, end), points, columns.groupColumn === undefined ? undefined : s.group);
    const scale = metric === 'mase' ? maseScale(valuesBefore(s.values, s.missing, end), info.season) : 1;
    for (let h = 0; h < points; h++) {
      const err = s.values[end + h] - predicted[h];
      sumSq += err * err;
      n++;
      errors?.add(g, s.values[end + h], predicted[h], scale);
    }
  }
  const rmse = Math.sqrt(sumSq / n);
  return { rmse, score: errors ? errors.score() : rmse, points: n };
}

/** The series of `ds` a model knows and those it has never seen (data a retraining job's champion predates may hold new ones). */
export interface SeriesKnowledge {
  /** Both in the data's order. */
  readonly known: readonly string[];
  readonly unknown: readonly string[];
}

/** Which series of `ds` the forecaster was trained on, and which it has never seen. */
export function seriesKnownTo(forecaster: Forecaster, ds: Dataset, columns: SeriesColumns): SeriesKnowledge {
  const { series } = extractSeries(ds, columns);
  const groups = new Set(forecaster.groups);
  return { known: series.filter((s) => groups.has(s.group)).map((s) => s.group), unknown: series.filter((s) => !groups.has(s.group)).map((s) => s.group) };
}

/** Categories of one covariate in the held-out points that a model cannot forecast, and the series holding them. */
export interface UnseenTailCategories {
  readonly covariate: string;
  /** In order of first appearance (series by series). */
  readonly categories: readonly string[];
  readonly groups: readonly string[];
}

/**
 * The categories of the covariates that forecasting the last `points` of every series of `ds` (after the
 * rest of each, as scoreOnSeriesTail does) would read but the model was not trained with, by covariate:
 * a model that would refuse those forecasts, as it refuses a request naming such a category, cannot be
 * scored on them. Empty when it can forecast every series it knows; series it never saw are left to
 * scoreOnSeriesTail to refuse.
 */
export function unseenTailCategories(forecaster: Forecaster, ds: Dataset, columns: SeriesColumns, points: number): UnseenTailCategories[] {
  checkPoints(points);
  const { info, series } = extractSeries(ds, columns);
  if (!info.covariates) return [];
  const known = new Set(forecaster.groups);
  const byCovariate = new Map<string, { categories: Set<string>; groups: Set<string> }>();
  for (const s of series) {
    const end = s.values.length - points;
    if (!known.has(s.group) || end < 1) continue;
    for (const { covariate, category } of forecaster.unseenCategories(historyBefore(info, s, end), points)) {
      const entry = byCovariate.get(covariate) ?? { categories: new Set<string>(), groups: new Set<string>() };
      entry.categories.add(category);
      entry.groups.add(s.group);
      byCovariate.set(covariate, entry);
    }
  }
  return [...byCovariate].map(([covariate, e]) => ({ covariate, categories: [...e.categories], groups: [...e.groups] }));
}

/** The first `end` points of a series as a history; its covariates run on past them (the held-out points' values are known, as a request would give them). */
function historyBefore(info: SeriesInfo, s: SeriesData, end: number): SeriesHistory {
  const covariates = info.covariates && s.covariates ? { covariates: { specs: info.covariates, columns: s.covariates } } : {};
  // Past covariates are read up to the history's last point only (forecastAfter reads no later value).
  const past = info.pastCovariates && s.pastCovariates ? { pastCovariates: { specs: info.pastCovariates, columns: s.pastCovariates } } : {};
  // A gap running up to the held-out points is not interpolated towards them.
  return { values: valuesBefore(s.values, s.missing, end), times: s.times.subarray(0, end), ...covariates, ...past };
}

function checkPoints(points: number): void {
  if (!(Number.isInteger(points) && points >= 1)) throw new EngineError('invalid_params', `the held-out tail must be a whole number of points >= 1, got ${points}`);
}

function tooShort(group: string, length: number, points: number): EngineError {
  const where = group === '' ? 'the series' : `series ${JSON.stringify(group)}`;
  return new EngineError('invalid_dataset', `${where} has ${length} points; holding out its last ${points} would leave nothing to train on`, { ...groupDetail(group), length, points });
}
