/**
 * @module engine/forecast/forecaster
 * Serving: a loaded forecast envelope answers "the next N points" of a series with prediction intervals.
 * Horizons up to the envelope's maxHorizon (4 times the validated horizon, at least the job's) are
 * allowed: forecasts are recursive, but errors compound and the measured spread is extrapolated, so a
 * request above the cap is refused rather than answered with intervals nobody measured. A model of a job
 * with known-future covariates needs their values for every step asked for (./covariates), and a step may
 * carry the series' time and group columns beside them, checked against the step (./step-columns). One reading
 * past-only covariates needs none: it reads each series' stored recent values, and forecasts at most the
 * job's horizon, the steps those values reach (./past-covariates). A forecast that comes out as no finite
 * number, or so large that its interval has no width left, is refused rather than answered. A target
 * never below 0 (the envelope's `floor`, ./value-floor) is forecast at 0 or above, interval bounds included.
 * Intervals at any level from 0.5 to 0.995, and quantiles asked for, come from the same spread (./forecast-point).
 * A group too short to validate on that the envelope keeps points of is forecast by a simple rule on them
 * (./fallback), and says so (Forecaster.fallback); one it keeps none of is refused, naming its length.
 */
import { EngineError } from '../core/errors';
import { nearNamesDetail, nearNamesHint } from '../core/near-names';
import { parseNumberCell } from '../data/column-types';
import { float32Text } from '../data/numeric-precision';
import { instantAtOffset } from '../data/utc-offsets';
import type { Calendar } from './calendar';
import { timeAfter } from './calendar';
import { levelIndex, truthValue } from './covariate-values';
import { appendColumns, byName, type CovariateSpec, encodeCovariateSteps, encodeStoredCovariates, type StoredCovariate, storedCovariates } from './covariates';
import type { ForecastEnvelope } from './envelope';
import { parseForecastEnvelope } from './envelope';
import { loadForecastModel } from './families';
import { formatTime, naivePeriod } from './frequency';
import { localTimeText } from './local-clock';
import { DEFAULT_LEVEL, quantileZs, spreadAt, zForLevel } from './intervals';
import { type ForecastPoint, forecastPoint, type PointZ } from './forecast-point';
import { type FallbackGroupState, fallbackForecast, type FallbackRule, fallbackRule, fallbackSpread } from './fallback';
import { MIN_FALLBACK_POINTS } from './short-series';
import type { SeriesScore } from './series-scores';
import { stateAt } from './rolling-origin';
import { withoutStepColumns } from './step-columns';
import { type FixedStep, fixedStepOf } from './step-words';
import { floorForecast } from './value-floor';
import { groupDetail } from './group-details';

export type { ForecastPoint } from './forecast-point';

export interface ForecastOptions {
  /** Which series (required when the model was trained with a group column). */
  readonly group?: string;
  /** Interval level: 0.8 (default), or any from MIN_LEVEL to MAX_LEVEL (./intervals). */
  readonly level?: number;
  /** Quantiles each point also gives (ForecastPoint.quantiles), each from MIN_QUANTILE to MAX_QUANTILE. */
  readonly quantiles?: readonly number[];
  /**
   * The covariates of each step ahead, one object per step naming every covariate: required by a model
   * with covariates (description.covariates), refused by one without.
   */
  readonly covariates?: readonly unknown[];
}

/** Observed points of one series, oldest first (a history to forecast after). */
export interface SeriesHistory {
  readonly values: Float64Array;
  readonly times: Float64Array;
  /**
   * The series' known-future covariates as read from data (SeriesData.covariates, with the specs they
   * were encoded by), aligned with `values` and running on past them over the horizon forecast.
   */
  readonly covariates?: { readonly specs: readonly CovariateSpec[]; readonly columns: readonly Float64Array[] };
  /** The series' past-only covariates as read from data (SeriesData.pastCovariates), aligned with `values`; later values are not read. */
  readonly pastCovariates?: { readonly specs: readonly CovariateSpec[]; readonly columns: readonly Float64Array[] };
}

/** What a forecaster forecasts, for describing it (the model view, the dashboard's forecast form). */
export interface ForecastDescription {
  readonly target: string;
  readonly timeColumn: string;
  readonly groupColumn?: string;
  /** The frequency's name: monthly, quarterly, yearly, daily, business_daily, working_daily, business_hourly, business_half_hourly, business_quarter_hourly, hourly, weekly, minutely, fixed, months or index. */
  readonly frequency: string;
  /** A fixed-step frequency's step in seconds and words (a name of `fixed` says neither); absent for calendar, working-day, opening-hour and index steps. */
  readonly step?: FixedStep;
  readonly season: number;
  /** The horizon the job validated, and the longest a request may ask for. */
  readonly horizon: number;
  readonly maxHorizon: number;
  /** The known-future covariates every forecast request gives the values of; absent when none. */
  readonly covariates?: readonly CovariateSpec[];
  /** The past-only covariates the model was trained with (it keeps their recent values; a request gives none); absent when none. */
  readonly pastCovariates?: readonly CovariateSpec[];
  /**
   * Set when the series were read on their local clock (./local-clock): times are local, written with the
   * offsets of `timezone` when the job named one, else without an offset; `placed` when the timestamps had no
   * offset and `timezone` placed them (./naive-local-times). Absent: times in UTC.
   */
  readonly localTime?: { readonly timezone?: string; readonly placed?: true };
  /** The least value forecasts and interval bounds take: the target never went below it in training (./value-floor); absent when none. */
  readonly floor?: number;
  /** Groups too short to validate on, which a rule forecasts (Forecaster.fallback), not among Forecaster.groups; absent when none. */
  readonly fallbackGroups?: readonly FallbackGroup[];
  /** Each series' own validation score in the model's metric, worst first (ForecastEnvelope.seriesScores); absent without a group column. */
  readonly seriesScores?: readonly SeriesScore[];
}

/** A group a rule forecasts (./fallback): its key, the rule and its points in the training data. */
export interface FallbackGroup {
  readonly group: string;
  readonly rule: FallbackRule;
  readonly points: number;
}

/** A category of a known-future covariate that a model was not trained with. */
export interface UnseenCategory {
  readonly covariate: string;
  readonly category: string;
}

/** An observed point of a series. */
export interface ObservedPoint {
  readonly time: string | number;
  readonly value: number;
}

/** How a group too short to validate a model on is forecast instead (./fallback). */
export interface ForecastFallback {
  readonly rule: FallbackRule;
  /** The group's points in the training data (or, once advanced, in the data it was advanced with). */
  readonly points: number;
  readonly reason: string;
}

/** Where a series the model knows ends: its latest observed point (a forecast starts the step after) and how many points it has. */
export interface SeriesEnd {
  readonly group: string;
  readonly lastTime: string | number;
  readonly points: number;
}

export interface Forecaster {
  /** Group keys the model can forecast ('' for an ungrouped series). */
  readonly groups: readonly string[];
  /** Where each of those series ends, in the same order. */
  readonly ends: readonly SeriesEnd[];
  readonly description: ForecastDescription;
  /** The latest observed points the model keeps of a series (what its forecast starts from), oldest first. */
  recent(group?: string): ObservedPoint[];
  forecast(horizon: number, options?: ForecastOptions): ForecastPoint[];
  /**
   * How `group` is forecast when it was too short to validate on and a simple rule forecasts it
   * (./fallback); undefined for a series the model forecasts (or cannot: forecast refuses it).
   */
  fallback(group?: string): ForecastFallback | undefined;
  /**
   * Point forecasts of the `horizon` steps after a given history of one of the model's series, instead
   * of after the history it was trained on: how a champion and a challenger are compared on the same
   * latest points (engine/forecast/series-holdout). The series keeps the scale the model learned.
   */
  forecastAfter(history: SeriesHistory, horizon: number, group?: string): Float64Array;
  /**
   * The categories of a history's covariates that forecastAfter(history, horizon) reads (the points its
   * forecast starts from and the steps ahead) but the model was not trained with, each once: what makes
   * it refuse that forecast, as it refuses a forecast request naming one. Empty for a model without
   * covariates, or a history without their values (forecastAfter refuses that itself).
   */
  unseenCategories(history: SeriesHistory, horizon: number): UnseenCategory[];
  dispose(): void;
}

/** Loads an envelope (parsed or as JSON) into a forecaster; throws EngineError('bad_artifact') on a bad one. */
export async function loadForecaster(input: ForecastEnvelope | unknown): Promise<Forecaster> {
  const env = parseForecastEnvelope(input);
  const calendar: Calendar = { frequency: env.frequency, season: env.season, anchor: env.anchor };
  const model = await loadForecastModel(env.model, calendar);
  const spread = Float64Array.from(env.stepSpread);
  const byGroup = new Map(env.groups.map((g) => [g.group, g]));
  // Groups too short to validate on, forecast by a rule on their stored points (./fallback).
  // The rule repeats a week where a season back is another clock time (frequency naivePeriod).
  const period = naivePeriod(env.frequency, env.season);
  const fallbacks = new Map((env.fallbackGroups ?? []).map((f) => [f.group, { state: f, rule: fallbackRule(f.values.length, period) }]));
  /** The fallback of a named group the model does not forecast itself, if it has one. */
  const fallbackOf = (group: string | undefined) => (group === undefined || byGroup.has(group) ? undefined : fallbacks.get(group));
  /** The groups fallbackOf answers for, in the envelope's order (what the description lists). */
  const ruled = [...fallbacks.values()].filter((f) => !byGroup.has(f.state.group));
  const datetime = env.timeKind === 'datetime';
  const local = env.localClock;
  const step = fixedStepOf(env.frequency);
  // The state of every forecast carries the floor, which a blend applies to each member (./blend-model).
  const floor = env.floor;
  const floorState = floor !== undefined ? { floor } : {};
  const offset = env.utcOffset;
  /**
   * A time as forecasts and history show it: a number, an instant in UTC or at the one offset the data
   * were written at (envelope utcOffset), or a local time (./local-clock).
   */
  const showTime = (t: number): string | number => (!datetime ? t : local ? localTimeText(t, local.timezone) : offset !== undefined ? instantAtOffset(t, offset) : formatTime(t, true));
  /** Up to 10 group names, quoted, with "…" when there are more. */
  const someGroups = (names: readonly string[]) => `${names.slice(0, 10).map((n) => JSON.stringify(n)).join(', ')}${names.length > 10 ? ', …' : ''}`;
  const ruledNames = ruled.map((f) => f.state.group);
  const knownGroup = (key: string) => byGroup.has(key) || fallbacks.has(key) || (env.skippedGroups !== undefined && Object.hasOwn(env.skippedGroups, key));
  /**
   * A group as the model names it: as asked, or, when only its number is known, the number's text: a
   * group column of numbers keeps them as numbers, so "001", "1.0" and "1e0" are group "1".
   */
  const named = (group: string | undefined): string | undefined => {
    if (group === undefined || knownGroup(group)) return group;
    const n = parseNumberCell(group);
    if (Number.isNaN(n)) return group;
    return [String(n), float32Text(n)].find(knownGroup) ?? group;
  };
  const groupState = (group: string | undefined) => {
    const key = group ?? (env.groupColumn === undefined ? '' : undefined);
    if (key === undefined) throw new EngineError('invalid_input', `the model forecasts one series per "${env.groupColumn}": name the group (one of ${someGroups([...env.groups.map((g) => g.group), ...ruledNames])})`, { field: 'group' });
    const g = byGroup.get(key);
    // Own keys only: a group named "toString" is unknown, not a short group with an inherited count.
    const skipped = env.skippedGroups !== undefined && Object.hasOwn(env.skippedGroups, key) ? env.skippedGroups[key] : undefined;
    if (!g && skipped !== undefined) {
      // Reached by a group forecast by a rule only where the model itself is asked (forecastAfter).
      const why = skipped < MIN_FALLBACK_POINTS ? ` or to forecast by a simple rule (at least ${MIN_FALLBACK_POINTS} are needed)` : '';
      const how = fallbacks.has(key) ? ` (a simple rule forecasts it: ${fallbacks.get(key)!.rule})` : '';
      throw new EngineError('invalid_input', `group ${JSON.stringify(key)} had ${skipped} point${skipped === 1 ? '' : 's'}, too few to validate a forecast on${why}, so this model was trained without it${how}`, { field: 'group', group: key });
    }
    if (!g) {
      const why =
        env.groupColumn === undefined
          ? 'this model forecasts one series, without groups: leave group out'
          : `"${env.groupColumn}" has ${env.groups.length} group${env.groups.length === 1 ? '' : 's'} (${someGroups(env.groups.map((x) => x.group))})${ruledNames.length > 0 ? ` and ${ruledNames.length} more forecast by a simple rule (${someGroups(ruledNames)})` : ''}`;
      const known = [...env.groups.map((x) => x.group), ...ruledNames];
      throw new EngineError('invalid_input', `unknown group ${JSON.stringify(key)}${nearNamesHint(key, known)}; ${why}`, { field: 'group', group: key, ...nearNamesDetail(key, known) });
    }
    return g;
  };
  const specs = env.covariates;
  // Each group's stored covariates, encoded once per loaded model rather than on every forecast request.
  const encodedTails = new Map<string, Float64Array[]>();
  /**
   * The state's covariates of a forecast from a group's stored tail: the request's steps after the tail's.
   * A step may also carry the time and group columns, held to the steps' `times` (./step-columns).
   */
  const covariatesAhead = (g: ForecastEnvelope['groups'][number], steps: readonly unknown[] | undefined, times: readonly (string | number)[]) => {
    if (!specs) {
      if (steps !== undefined) throw new EngineError('invalid_input', 'this model was trained without covariates; leave covariates out', { field: 'covariates' });
      return {};
    }
    const series = { timeColumn: env.timeColumn, times, ...(env.groupColumn !== undefined ? { groupColumn: env.groupColumn, group: g.group } : {}) };
    const ahead = encodeCovariateSteps(specs, steps === undefined ? undefined : withoutStepColumns(steps, series), times.length);
    let tail = encodedTails.get(g.group);
    if (!tail) {
      tail = encodeStoredCovariates(specs, g.covariates ?? []);
      encodedTails.set(g.group, tail);
    }
    return { covariates: appendColumns(tail, ahead) };
  };
  /**
   * A fallback group's covariates (./fallback reads none) checked as a model group's are, when sent: a
   * model without covariates refuses them, and a step's date, group, values and count are read alike, so a
   * client's mistake is the same mistake whichever group it asks for. None sent is accepted, as before.
   */
  const checkFallbackCovariates = (group: string, lastTime: number, steps: readonly unknown[] | undefined, horizon: number): void => {
    if (steps === undefined) return;
    if (!specs) throw new EngineError('invalid_input', 'this model was trained without covariates; leave covariates out', { field: 'covariates' });
    const times = Array.from({ length: horizon }, (_, i) => showTime(timeAfter(calendar, lastTime, i + 1)));
    const series = { timeColumn: env.timeColumn, times, ...(env.groupColumn !== undefined ? { groupColumn: env.groupColumn, group } : {}) };
    encodeCovariateSteps(specs, withoutStepColumns(steps, series), horizon);
  };
  /** Where a forecast after the first `n` points of a history starts reading it: its state's tail. */
  const readFrom = (n: number) => Math.max(0, n - Math.max(1, model.tailLength));
  /**
   * A given history's covariates at points [from, to), as stored values in the order of the model's own
   * specs (the data may have been read with others), or undefined when the history lacks them.
   */
  const historyWindow = (history: SeriesHistory, from: number, to: number): StoredCovariate[] | undefined => {
    const given = history.covariates;
    if (!specs || !given || given.columns.some((c) => c.length < to)) return undefined;
    return byName(specs, given.specs, storedCovariates(given.specs, given.columns, from, to));
  };
  /**
   * The covariates a forecast after a given history reads, encoded by the model's specs: only from its
   * state's tail on, so a category the model never saw further back does not stop it.
   */
  const historyCovariates = (history: SeriesHistory, from: number, to: number) => {
    if (!specs) return {};
    const window = historyWindow(history, from, to);
    if (!window) {
      const n = history.values.length;
      throw new EngineError('invalid_input', `this model forecasts from covariates; the history needs their values at its ${n} points and the ${to - n} steps ahead`, { field: 'covariates' });
    }
    return { covariates: encodeStoredCovariates(specs, window, 'invalid_input') };
  };
  const past = env.pastCovariates;
  // Each group's stored past covariates, encoded once per loaded model, as the covariates' tails are.
  const encodedPast = new Map<string, Float64Array[]>();
  /** The state's past covariates of a forecast from a group's stored tail: their stored values, nothing ahead. */
  const pastOfGroup = (g: ForecastEnvelope['groups'][number]) => {
    if (!past) return {};
    let tail = encodedPast.get(g.group);
    if (!tail) {
      tail = encodeStoredCovariates(past, g.pastCovariates ?? []);
      encodedPast.set(g.group, tail);
    }
    return { pastCovariates: tail };
  };
  /** A given history's past covariates at points [from, to), its state's tail, encoded by the model's specs: nothing later is read. */
  const historyPast = (history: SeriesHistory, from: number, to: number) => {
    if (!past) return {};
    const given = history.pastCovariates;
    if (!given || given.columns.some((c) => c.length < to)) {
      throw new EngineError('invalid_input', `this model forecasts from past covariates; the history needs their values at its ${to} points`, { field: 'past_covariates' });
    }
    return { pastCovariates: encodeStoredCovariates(past, byName(past, given.specs, storedCovariates(given.specs, given.columns, from, to)), 'invalid_input') };
  };
  // Why the longest horizon is what it is when past covariates set it, said in the refusal.
  const pastLimit =
    model.pastHorizon !== undefined && past
      ? `; it reads the past covariates ${past.map((c) => JSON.stringify(c.name)).join(', ')} at least ${model.pastHorizon} steps back, and nothing later is observed yet: for longer forecasts, retrain with a longer forecast.horizon`
      : '';
  /**
   * The forecast of a group by its rule (./fallback), from its stored points alone: covariates given for
   * it are not read. Floored and checked like the model's own forecasts.
   */
  const fallbackPoints = (state: FallbackGroupState, horizon: number, zs: PointZ): ForecastPoint[] => {
    const values = fallbackForecast(state.values, period, horizon);
    const spreads = fallbackSpread(state.values, period, horizon, spread);
    const out: ForecastPoint[] = [];
    // The rule's spreads are in the target's units already: a scale of 1.
    for (let h = 1; h <= horizon; h++) out.push(forecastPoint(showTime(timeAfter(calendar, state.lastTime, h)), values[h - 1], spreads[h - 1], 1, zs, floor, h, false));
    return out;
  };
  /**
   * Runs a series' forecast; a refusal of what was asked for it (a covariate value, a forecast that
   * overflowed) names the series in details.group (./group-details: none for the one series of a model
   * without a group column), as every refusal about one of a group column's series does.
   */
  const ofSeries = <T>(group: string, run: () => T): T => {
    try {
      return run();
    } catch (err) {
      const named = groupDetail(group);
      if (named.group === undefined || !(err instanceof EngineError) || err.code !== 'invalid_input' || Object.hasOwn(err.details, 'group')) throw err;
      throw new EngineError(err.code, err.message, { ...err.details, ...named }, { cause: err });
    }
  };
  const checkHorizon = (horizon: number) => {
    if (!(Number.isInteger(horizon) && horizon >= 1 && horizon <= env.maxHorizon)) {
      throw new EngineError('invalid_input', `horizon must be an integer from 1 to ${env.maxHorizon} (the longest this model forecasts${pastLimit}); got ${horizon}`, { field: 'horizon', max: env.maxHorizon });
    }
  };
  return {
    groups: env.groups.map((g) => g.group),
    ends: env.groups.map((g) => ({ group: g.group, lastTime: showTime(g.lastTime), points: g.count })),
    description: {
      target: env.target,
      timeColumn: env.timeColumn,
      ...(env.groupColumn !== undefined ? { groupColumn: env.groupColumn } : {}),
      frequency: env.frequency.name,
      ...(step ? { step } : {}),
      season: env.season,
      horizon: env.horizon,
      maxHorizon: env.maxHorizon,
      ...(env.covariates ? { covariates: env.covariates } : {}),
      ...(past ? { pastCovariates: past } : {}),
      ...(local ? { localTime: { ...(local.timezone ? { timezone: local.timezone } : {}), ...(local.placed ? { placed: true as const } : {}) } } : {}),
      ...(floor !== undefined ? { floor } : {}),
      ...(ruled.length > 0 ? { fallbackGroups: ruled.map(({ state, rule }) => ({ group: state.group, rule, points: state.count })) } : {}),
      ...(env.seriesScores ? { seriesScores: env.seriesScores } : {}),
    },
    recent(asked) {
      const group = named(asked);
      const fb = fallbackOf(group);
      if (fb) return fb.state.values.map((value, i, all) => ({ time: showTime(timeAfter(calendar, fb.state.lastTime, i - all.length + 1)), value }));
      const g = groupState(group);
      const n = g.tail.length;
      return g.tail.map((value, i) => ({ time: showTime(timeAfter(calendar, g.lastTime, i - n + 1)), value }));
    },
    forecast(horizon, options = {}) {
      checkHorizon(horizon);
      const zs: PointZ = { z: zForLevel(options.level ?? DEFAULT_LEVEL), ...(options.quantiles !== undefined ? { quantiles: quantileZs(options.quantiles) } : {}) };
      const group = named(options.group);
      const fb = fallbackOf(group);
      if (fb) {
        checkFallbackCovariates(fb.state.group, fb.state.lastTime, options.covariates, horizon);
        return ofSeries(fb.state.group, () => fallbackPoints(fb.state, horizon, zs));
      }
      const g = groupState(group);
      if (g.tail.length < model.tailLength) throw new EngineError('bad_artifact', `group ${JSON.stringify(g.group)} keeps ${g.tail.length} past values, the model needs ${model.tailLength}`);
      return ofSeries(g.group, () => {
        const times = Array.from({ length: horizon }, (_, i) => showTime(timeAfter(calendar, g.lastTime, i + 1)));
        const covariates = covariatesAhead(g, options.covariates, times);
        const values = model.forecast({ tail: Float64Array.from(g.tail), lastTime: g.lastTime, scale: g.scale, first: g.first, count: g.count, ...covariates, ...pastOfGroup(g), ...floorState }, horizon);
        const out: ForecastPoint[] = [];
        for (let h = 1; h <= horizon; h++) out.push(forecastPoint(times[h - 1], values[h - 1], spreadAt(spread, h) * (g.spreadFactor ?? 1), g.scale, zs, floor, h, specs !== undefined));
        return out;
      });
    },
    fallback(asked) {
      const group = named(asked);
      const fb = fallbackOf(group);
      if (!fb) return undefined;
      const { count, trainedCount } = fb.state;
      const read = fb.rule === 'seasonal_naive' ? `repeating its last season of ${period} points` : 'repeating its last value';
      // Advanced to newer data (./advance-fallback): it was short at training, and has more points now.
      const had = trainedCount === undefined ? `had ${count} points` : `had ${trainedCount} points when the model was trained`;
      const now = trainedCount === undefined ? '' : `; advanced to newer data, it now has ${count}, and`;
      return {
        rule: fb.rule,
        points: count,
        reason: `group ${JSON.stringify(group)} ${had}, too few to validate a forecast on, so the model was trained without it${now || ';'} it is forecast by the rule ${fb.rule} (${read}), with intervals from the rule's own errors, never narrower than the model's`,
      };
    },
    forecastAfter(history, horizon, asked) {
      checkHorizon(horizon);
      const g = groupState(named(asked));
      const n = history.values.length;
      if (n < model.tailLength || n < 1) throw new EngineError('invalid_input', `the history of series ${JSON.stringify(g.group)} has ${n} points; the model needs ${Math.max(1, model.tailLength)}`, groupDetail(g.group));
      return floorForecast(model.forecast({ ...stateAt(history.values, history.times, n, model.tailLength, g.scale), ...historyCovariates(history, readFrom(n), n + horizon), ...historyPast(history, readFrom(n), n), ...floorState }, horizon), floor);
    },
    unseenCategories(history, horizon) {
      const window = historyWindow(history, readFrom(history.values.length), history.values.length + horizon);
      if (!specs || !window) return [];
      const unseen: UnseenCategory[] = [];
      specs.forEach((spec, i) => {
        if (spec.kind === 'numeric') return;
        // Values of a covariate the data holds as numbers are no categories: forecastAfter refuses them as it is.
        const values = window[i] as readonly unknown[];
        const unknown =
          spec.kind === 'boolean'
            ? values.filter((v) => typeof v === 'string' && truthValue(v) === undefined)
            : values.filter((v) => (typeof v === 'string' || typeof v === 'boolean') && levelIndex(spec, v) < 0);
        for (const category of new Set(unknown.map(String))) unseen.push({ covariate: spec.name, category });
      });
      return unseen;
    },
    dispose: () => model.dispose(),
  };
}
