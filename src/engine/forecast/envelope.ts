/**
 * @module engine/forecast/envelope
 * The forecast artifact: one tagged, versioned JSON envelope holding what serving needs and nothing of
 * the training data beyond each series' recent tail: the columns, the frequency and season, the fitted
 * model's artifact, the per-group state a forecast starts from, and the per-step error spread measured
 * in rolling-origin validation (for intervals). With past-only covariates, each series also keeps their
 * values at the points of its tail, which is all a forecast reads of them (./past-covariates).
 * parseForecastEnvelope refuses anything else.
 */
import { EngineError } from '../core/errors';
import { isOpeningStep, openingStepName, validOpeningDay, validRun } from './business-hours';
import { type DayBreak, type DayHours, validBreaks } from './opening-day';
import { scheduleSpan, validSchedule } from './opening-schedule';
import { type CovariateSpec, type StoredCovariate, validCovariateSpecs } from './covariates';
import type { FallbackGroupState } from './fallback';
import type { ForecastModelArtifact } from './forecast-model';
import { FORECAST_METRICS, type ForecastMetric, isForecastMetric } from './forecast-metric';
import type { SeriesScore } from './series-scores';
import { FORECAST_FAMILIES } from './space';
import { canonicalZone } from './time-zone';
import type { ForecastFamily, ForecastModelKind, SeriesFrequency } from './types';

export const FORECAST_ENVELOPE_FORMAT = 'edge-automl/forecast';
export const FORECAST_ENVELOPE_VERSION = 1;

/** Where one series' forecast starts. */
export interface ForecastGroupState {
  readonly group: string;
  /** Time of the last observed point (epoch ms for datetime series). */
  readonly lastTime: number;
  /** The series' scale (mean absolute value), which the spread is measured in. */
  readonly scale: number;
  /**
   * The series' own share of the pooled spread (./group-spread): its intervals are stepSpread times this
   * times its scale. Absent: 1 (one series, and every envelope made before it).
   */
  readonly spreadFactor?: number;
  /** First value and length of the series (the drift baseline's slope). */
  readonly first: number;
  readonly count: number;
  /** The most recent raw values, oldest first. */
  readonly tail: readonly number[];
  /** With covariates: each covariate's values at the points of `tail` (in ForecastEnvelope.covariates order). */
  readonly covariates?: readonly StoredCovariate[];
  /** With past covariates: each one's observed values at the points of `tail` (in ForecastEnvelope.pastCovariates order). */
  readonly pastCovariates?: readonly StoredCovariate[];
}

export interface ForecastEnvelope {
  readonly format: typeof FORECAST_ENVELOPE_FORMAT;
  readonly version: typeof FORECAST_ENVELOPE_VERSION;
  /** The family of the trial it was fitted by, or "ensemble" for a job's blend of several (./blend-envelope). */
  readonly family: ForecastModelKind;
  readonly target: string;
  readonly timeColumn: string;
  readonly timeKind: 'datetime' | 'numeric';
  readonly groupColumn?: string;
  readonly frequency: SeriesFrequency;
  readonly season: number;
  /** Reference time of index-based seasonal phases (the first training timestamp). */
  readonly anchor: number;
  /** The horizon the job asked for, and the largest one a forecast may request (see ./forecaster). */
  readonly horizon: number;
  readonly maxHorizon: number;
  /** Rolling-origin score of this configuration (the trial's score), in `metric`. */
  readonly score: number;
  /** What `score` is (./forecast-metric), written when not rmse; absent (rmse, and every artifact made before the choice): rmse. */
  readonly metric?: ForecastMetric;
  /** Per step ahead (index 0 = one step), the validation error spread in units of a series' scale. */
  readonly stepSpread: readonly number[];
  /**
   * The factor stepSpread was widened by when the job published this model: the optimism of picking it
   * among the search's trials (durable/forecast-estimate). Absent: the trial's own spread.
   */
  readonly spreadScale?: number;
  /**
   * The least one-step spread stepSpread may hold (./spread-floor; step h: this times sqrt(h)), in units
   * of a series' scale, before any widening: a small share of the series' own variation, so an exact fit
   * does not claim intervals of zero width. Absent in envelopes made before it (their spread is as measured).
   */
  readonly spreadFloor?: number;
  /**
   * The least value a forecast and its interval bounds take (./value-floor): 0 for a target never below 0
   * in the training data, whose validation forecasts were floored alike. Absent: a target with a negative
   * value, or an envelope made before the floor (its forecasts are as the model gives them).
   */
  readonly floor?: number;
  readonly groups: readonly ForecastGroupState[];
  /** Groups of the training data left out for being too short to validate, with their lengths. */
  readonly skippedGroups?: Readonly<Record<string, number>>;
  /**
   * Of the skippedGroups, those forecast by a simple rule on their latest points instead (./fallback).
   * Absent in envelopes made before it (and when none could be read): their skipped groups are refused.
   */
  readonly fallbackGroups?: readonly FallbackGroupState[];
  /**
   * With a group column: each series' own rolling-origin score in `metric` and its validation points,
   * worst first (./series-scores), of this model (a blend's: of the blended forecasts). Absent: one
   * series, or an envelope made before it.
   */
  readonly seriesScores?: readonly SeriesScore[];
  /**
   * The job's known-future covariates (./covariates): a forecast request gives their values for every
   * step it asks for. Absent: the job named none.
   */
  readonly covariates?: readonly CovariateSpec[];
  /**
   * The job's past-only covariates (./past-covariates): a model reading them forecasts from each series'
   * stored values (ForecastGroupState.pastCovariates), at most `horizon` steps. Absent: the job named none.
   */
  readonly pastCovariates?: readonly CovariateSpec[];
  /**
   * Set when the series were read on their local clock (./local-clock): `lastTime`, `anchor` and the
   * frequency are local wall-clock times, and forecasts are written as local times, with the offsets of
   * `timezone` when the job named one, else without an offset; `placed` when the timestamps had no offset
   * and `timezone` placed them (./naive-local-times). Absent: UTC, as every envelope before.
   */
  readonly localClock?: { readonly timezone?: string; readonly placed?: true };
  /**
   * The one UTC offset other than UTC, in minutes east of UTC, every timestamp of the training data was
   * written with (`+05:30` throughout is 330): `lastTime` and `anchor` stay instants, and forecasts and
   * history are written at this offset (`2024-04-05T00:00:00+05:30`). Absent: UTC, as every envelope
   * before, and one of a series on its local clock.
   */
  readonly utcOffset?: number;
  readonly model: ForecastModelArtifact;
}

function fail(what: string): never {
  throw new EngineError('bad_artifact', `not a usable forecast artifact: ${what}`);
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Parses and checks an envelope (a JSON string or an already parsed value); throws
 * EngineError('bad_artifact') naming the first thing that is foreign, missing or corrupt.
 */
export function parseForecastEnvelope(json: unknown): ForecastEnvelope {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      fail('the text is not JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected a JSON object');
  const e = value as Record<string, unknown>;
  if (e.format !== FORECAST_ENVELOPE_FORMAT) fail(`format is ${JSON.stringify(e.format)}, expected "${FORECAST_ENVELOPE_FORMAT}"`);
  if (e.version !== FORECAST_ENVELOPE_VERSION) fail(`version ${JSON.stringify(e.version)} is not supported (expected ${FORECAST_ENVELOPE_VERSION})`);
  if (e.family !== 'ensemble' && !FORECAST_FAMILIES.includes(e.family as ForecastFamily)) fail(`unknown family ${JSON.stringify(e.family)}`);
  if (typeof e.target !== 'string' || typeof e.timeColumn !== 'string') fail('target or timeColumn is missing');
  if (e.timeKind !== 'datetime' && e.timeKind !== 'numeric') fail('timeKind must be "datetime" or "numeric"');
  if (e.groupColumn !== undefined && typeof e.groupColumn !== 'string') fail('groupColumn must be a string');
  checkFrequency(e.frequency);
  if (!(Number.isInteger(e.season) && (e.season as number) >= 1)) fail('season must be an integer >= 1');
  if (!finite(e.anchor)) fail('anchor must be a number');
  if (!(Number.isInteger(e.horizon) && (e.horizon as number) >= 1)) fail('horizon must be an integer >= 1');
  if (!(Number.isInteger(e.maxHorizon) && (e.maxHorizon as number) >= (e.horizon as number))) fail('maxHorizon must be an integer >= horizon');
  if (!finite(e.score)) fail('score must be a number');
  if (e.metric !== undefined && !isForecastMetric(e.metric)) fail(`metric must be one of ${FORECAST_METRICS.join(', ')}`);
  if (!Array.isArray(e.stepSpread) || e.stepSpread.length === 0 || !e.stepSpread.every((s) => finite(s) && s >= 0)) fail('stepSpread must be a non-empty list of numbers >= 0');
  if (e.spreadScale !== undefined && !(finite(e.spreadScale) && e.spreadScale >= 1)) fail('spreadScale must be a number >= 1');
  if (e.spreadFloor !== undefined && !(finite(e.spreadFloor) && e.spreadFloor > 0)) fail('spreadFloor must be a number > 0');
  if (e.floor !== undefined && !finite(e.floor)) fail('floor must be a number');
  if (e.covariates !== undefined && !(validCovariateSpecs(e.covariates) && e.covariates.length > 0)) fail('covariates must be a non-empty list of numeric (with a valid range, when stored), boolean or categorical covariates');
  if (e.pastCovariates !== undefined && !(validCovariateSpecs(e.pastCovariates) && e.pastCovariates.length > 0)) fail('pastCovariates must be a non-empty list of numeric (with a valid range, when stored), boolean or categorical covariates');
  if (e.localClock !== undefined) checkLocalClock(e.localClock);
  if (e.utcOffset !== undefined && !(Number.isInteger(e.utcOffset) && e.utcOffset !== 0 && Math.abs(e.utcOffset as number) <= 18 * 60)) fail('utcOffset must be a whole number of minutes other than 0, within 18 hours of UTC');
  if (e.utcOffset !== undefined && e.localClock !== undefined) fail('utcOffset and localClock exclude each other');
  if (!Array.isArray(e.groups) || e.groups.length === 0) fail('groups must be a non-empty list');
  e.groups.forEach((g, i) => checkGroup(g, i, (e.covariates as CovariateSpec[] | undefined)?.length ?? 0, (e.pastCovariates as CovariateSpec[] | undefined)?.length ?? 0));
  if (e.skippedGroups !== undefined && (typeof e.skippedGroups !== 'object' || e.skippedGroups === null || !Object.values(e.skippedGroups).every((n) => Number.isInteger(n)))) {
    fail('skippedGroups must map groups to their lengths');
  }
  if (e.fallbackGroups !== undefined) checkFallbackGroups(e.fallbackGroups, (e.skippedGroups ?? {}) as Record<string, number>);
  if (e.seriesScores !== undefined) checkSeriesScores(e.seriesScores);
  if (typeof e.model !== 'object' || e.model === null || typeof (e.model as Record<string, unknown>).family !== 'string') fail('model is missing');
  if ((e.model as ForecastModelArtifact).family !== e.family) fail(`model family ${JSON.stringify((e.model as ForecastModelArtifact).family)} does not match ${JSON.stringify(e.family)}`);
  return value as ForecastEnvelope;
}

/** A local clock: an object, with a time zone the runtime knows or none. */
function checkLocalClock(c: unknown): void {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) fail('localClock must be an object');
  const zone = (c as Record<string, unknown>).timezone;
  if (zone !== undefined && (typeof zone !== 'string' || canonicalZone(zone) === undefined)) fail(`localClock.timezone ${JSON.stringify(zone)} is no known time zone`);
  const placed = (c as Record<string, unknown>).placed;
  if (placed !== undefined && (placed !== true || zone === undefined)) fail('localClock.placed must be true, and only with a timezone');
}

function checkFrequency(f: unknown): void {
  const freq = f as Record<string, unknown> | null;
  if (typeof freq !== 'object' || freq === null) fail('frequency is missing');
  const ok =
    (freq.kind === 'fixed' && finite(freq.stepMs) && freq.stepMs > 0) ||
    (freq.kind === 'months' && Number.isInteger(freq.months) && (freq.months as number) >= 1 && typeof freq.monthEnd === 'boolean' &&
      (freq.day === undefined || (!freq.monthEnd && (freq.day === 29 || freq.day === 30)))) ||
    (freq.kind === 'business_days' && Number.isInteger(freq.weekStart) && (freq.weekStart as number) >= 0 && (freq.weekStart as number) <= 6 &&
      // Five-day weeks were stored without workDays; the name says the week, so the two must agree.
      ((freq.name === 'business_daily' && (freq.workDays === undefined || freq.workDays === 5)) || (freq.name === 'working_daily' && freq.workDays === 6))) ||
    (freq.kind === 'business_hours' && validOpeningHours(freq)) ||
    (freq.kind === 'index' && finite(freq.step) && freq.step > 0);
  if (!ok) fail(`frequency ${JSON.stringify(freq)} is not valid`);
}

/** Whether an integer field lies within [min, max]. */
const integerIn = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/**
 * A business-hours frequency's fields (see ./business-hours): a week, and a day of at least 2 points from
 * an hour and minute, with or without one daily break (`breakAfter`/`breakPoints`) or more (`breaks`),
 * shorter than 24 hours from its first point to its last. The step is absent in frequencies stored before
 * shorter steps (an hour), the break in those stored before breaks, and `breaks` in those stored before
 * days closed more than once; the name says the step, so the two must agree. Days of different hours
 * (`days`, absent in those stored before schedules) come without the daily break fields, one per working
 * day, each with its own breaks or none, the week of season `hours` shorter than 24 hours.
 */
function validOpeningHours(freq: Record<string, unknown>): boolean {
  const step = freq.stepMinutes === undefined ? 60 : freq.stepMinutes;
  return (
    typeof step === 'number' &&
    isOpeningStep(step) &&
    freq.name === openingStepName(step) &&
    integerIn(freq.weekStart, 0, 6) &&
    (freq.workDays === 5 || freq.workDays === 6 || freq.workDays === 7) &&
    integerIn(freq.firstHour, 0, 23) &&
    integerIn(freq.minute, 0, 59) &&
    (freq.days === undefined ? validAlikeDays(freq, step) : validDays(freq, step))
  );
}

/** Days alike: `hours` points and one daily break, or none, or a list of more (./opening-day), never both. */
function validAlikeDays(freq: Record<string, unknown>, step: number): boolean {
  if (freq.breaks === undefined) return validOpeningDay(freq.hours, step, freq.breakAfter, freq.breakPoints);
  if (freq.breakAfter !== undefined || freq.breakPoints !== undefined || !Array.isArray(freq.breaks) || freq.breaks.length === 0) return false;
  if (!validBreaks(freq.breaks, freq.hours as number)) return false;
  return validRun(freq.hours, step, (freq.breaks as DayBreak[]).reduce((sum, b) => sum + b.slots, 0));
}

/** A schedule (./opening-schedule) without the daily break fields, its span shorter than 24 hours. */
function validDays(freq: Record<string, unknown>, step: number): boolean {
  if (freq.breakAfter !== undefined || freq.breakPoints !== undefined || freq.breaks !== undefined) return false;
  if (!validSchedule(freq.days, freq.workDays, freq.hours)) return false;
  return validRun(freq.hours, step, scheduleSpan(freq.days as DayHours[]) - (freq.hours as number));
}

function checkGroup(g: unknown, i: number, covariates: number, past: number): void {
  const s = g as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null) fail(`groups[${i}] is not an object`);
  if (typeof s.group !== 'string') fail(`groups[${i}].group must be a string`);
  if (!finite(s.lastTime) || !finite(s.first) || !(finite(s.scale) && s.scale > 0) || !(Number.isInteger(s.count) && (s.count as number) >= 1)) {
    fail(`groups[${i}] has a bad lastTime, scale, first or count`);
  }
  if (!Array.isArray(s.tail) || s.tail.length === 0 || !s.tail.every(finite)) fail(`groups[${i}].tail must be a non-empty list of numbers`);
  if (s.spreadFactor !== undefined && !(finite(s.spreadFactor) && s.spreadFactor > 0)) fail(`groups[${i}].spreadFactor must be a number > 0`);
  if (!storedAtTail(s.covariates, covariates, s.tail as unknown[])) fail(`groups[${i}].covariates must hold each covariate's value at every point of its tail`);
  if (!storedAtTail(s.pastCovariates, past, s.tail as unknown[])) fail(`groups[${i}].pastCovariates must hold each past covariate's value at every point of its tail`);
}

/** Per-series scores (./series-scores): a list of {group, score, points}, each score a number >= 0 over at least one point. */
function checkSeriesScores(list: unknown): void {
  if (!Array.isArray(list)) fail('seriesScores must be a list');
  list.forEach((s: Record<string, unknown> | null, i) => {
    if (typeof s !== 'object' || s === null || typeof s.group !== 'string' || !(finite(s.score) && s.score >= 0) || !(Number.isInteger(s.points) && (s.points as number) >= 1)) {
      fail(`seriesScores[${i}] must be {group, score >= 0, points >= 1}`);
    }
  });
}

/** Fallback groups (./fallback): each one of the skippedGroups, once, with its last time, length and latest values (at least 2, at most its length). */
function checkFallbackGroups(list: unknown, skipped: Record<string, number>): void {
  if (!Array.isArray(list) || list.length === 0) fail('fallbackGroups must be a non-empty list');
  const seen = new Set<string>();
  list.forEach((g, i) => {
    const s = g as Record<string, unknown> | null;
    if (typeof s !== 'object' || s === null || typeof s.group !== 'string' || skipped[s.group] === undefined || seen.has(s.group)) fail(`fallbackGroups[${i}] must name one of the skippedGroups, once`);
    seen.add(s.group);
    const values = s.values;
    if (!finite(s.lastTime) || !Number.isInteger(s.count) || !Array.isArray(values) || values.length < 2 || values.length > (s.count as number) || !values.every(finite)) {
      fail(`fallbackGroups[${i}] needs a lastTime, a count and at least 2 of its latest values`);
    }
    if (s.trainedCount !== undefined && !(Number.isInteger(s.trainedCount) && (s.trainedCount as number) <= (s.count as number))) fail(`fallbackGroups[${i}].trainedCount must be a whole number, at most its count`);
  });
}

/** Whether a group's stored covariates are absent when there are none, else a list per covariate as long as the tail. */
function storedAtTail(stored: unknown, count: number, tail: readonly unknown[]): boolean {
  if (count === 0) return stored === undefined;
  return Array.isArray(stored) && stored.length === count && stored.every((c) => Array.isArray(c) && c.length === tail.length);
}

/**
 * How much a job widens the intervals of the forecaster it publishes: the estimated error of its pick on
 * new data (the job's `best_estimate`, durable/forecast-estimate) over the published model's own
 * rolling-origin RMSE, the winning trial's or the blend's; 1 (unchanged) when there is no estimate or it
 * is no larger. The coordinator publishes by this rule and bench:forecast-blend measures it.
 */
export function publicationWidening(estimate: number | undefined, ownScore: number): number {
  return estimate !== undefined && ownScore > 0 ? Math.max(1, estimate / ownScore) : 1;
}

/**
 * The envelope with its intervals widened by `scale` (>= 1): what a job publishes when picking the model
 * among many made its validation errors optimistic. Widening an already widened envelope replaces the
 * earlier factor, so publishing again never compounds it.
 */
export function withWidenedSpread(envelope: ForecastEnvelope, scale: number): ForecastEnvelope {
  if (!(Number.isFinite(scale) && scale >= 1)) throw new EngineError('invalid_input', `the spread can only be widened, by a factor >= 1; got ${scale}`);
  const factor = scale / (envelope.spreadScale ?? 1);
  return { ...envelope, stepSpread: envelope.stepSpread.map((s) => s * factor), spreadScale: scale };
}
