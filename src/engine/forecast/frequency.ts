/**
 * @module engine/forecast/frequency
 * Sampling frequency of a series: detected from sorted timestamps (calendar months first, since their
 * length in milliseconds varies, then working weeks of five or six days (./business-days), then a fixed
 * step, or opening hours (./business-hours) when hourly, half-hourly or quarter-hourly points jump closed
 * hours), the seasonal period it implies, the calendar phase of a timestamp (month of year, day of week,
 * hour of day) and the timestamp k steps after another. Everything is computed in UTC so results never
 * depend on the machine's time zone; a series read on its local clock (./local-clock) holds wall-clock
 * times as UTC fields, and its messages show them without a zone.
 */
import { EngineError } from '../core/errors';
import { MAX_ADDED_SHARE, MAX_GAP_POINTS, SHORT_GAPS_RULE } from './gap-limits';
import { addBusinessDays, businessIndex, detectBusinessWeek, isBusinessDay, workDaysOf } from './business-days';
import { addOpeningHours, isOpeningHour, isOpeningStep, type OpeningHours, openingHourIndex, openingPhase, openingStepName, openingUnit, openingWeekday, stepMinutesOf } from './business-hours';
import { detectOpeningHours } from './opening-hours-reading';
import { describeOpeningHours, openingHoursRemedy } from './opening-hours-words';
import { instantAtOffset, wallClockText } from '../data/utc-offsets';
import type { Clock } from './local-clock';
import { weekPoints } from './opening-schedule';
import type { SeriesFrequency } from './types';
import { minTrainLength } from './validation-plan';
import { groupDetail } from './group-details';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Months since year 0 of a UTC timestamp, and what is left within the month. */
function monthParts(t: number): { month: number; day: number; timeOfDay: number; monthEnd: boolean; lastDay: number } {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return { month: y * 12 + m, day, timeOfDay: t - Date.UTC(y, m, day), monthEnd: day === lastDay, lastDay };
}

function describeStep(freq: SeriesFrequency, clock: Clock, utcOffset?: number): string {
  if (freq.kind === 'months') return freq.months === 1 ? '1 month' : `${freq.months} months`;
  if (freq.kind === 'index') return `${freq.step}`;
  if (freq.kind === 'business_days') return freq.name === 'working_daily' ? '1 working day' : '1 business day';
  if (freq.kind === 'business_hours') return `1 opening ${openingUnit(freq)} (${describeOpeningHours(freq, clock, utcOffset)})`;
  if (freq.stepMs % DAY === 0) return `${freq.stepMs / DAY} day(s)`;
  return freq.stepMs % HOUR === 0 ? `${freq.stepMs / HOUR} hour(s)` : `${freq.stepMs / 60_000} minute(s)`;
}

/**
 * Most steps a day a sub-daily series gets a daily season for: 15-minute data (96). Finer steps (5
 * minutes, a minute) get none: a one-hot of every 5 minutes of a day, or a lag a day back, would be
 * learned from a few days of points.
 */
const MAX_STEPS_PER_DAY = 96;

/** Steps in a day of a fixed step shorter than a day that divides it (30 minutes: 48, an hour: 24); 0 for any other. */
function stepsPerDay(freq: SeriesFrequency): number {
  if (freq.kind !== 'fixed' || !(freq.stepMs < DAY) || DAY % freq.stepMs !== 0) return 0;
  return DAY / freq.stepMs;
}

/**
 * How a time value is shown in messages and forecasts: a number, an instant in UTC
 * (`2024-03-15T09:00:00.000Z`), or a local wall-clock time without a zone (`2024-03-15T09:00:00`). With
 * `utcOffset` (minutes; a series whose timestamps all carry that one offset: ./local-clock
 * SeriesTimes.utcOffset), an instant is written at it, as the data and the forecasts write it
 * (`2024-04-15T00:00:00+05:30`); a time on the local clock has no offset to take.
 */
export function formatTime(t: number, datetime: boolean, clock: Clock = 'utc', utcOffset?: number): string {
  if (!datetime) return String(t);
  if (clock === 'local') return wallClockText(t);
  return utcOffset === undefined ? new Date(t).toISOString() : instantAtOffset(t, utcOffset);
}

/** The most frequent value and how often it occurs (ties: the smallest value). */
function modeOf(values: Iterable<number>): { value: number; count: number } {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = { value: NaN, count: 0 };
  for (const [value, count] of counts) if (count > best.count || (count === best.count && value < best.value)) best = { value, count };
  return best;
}

/** Share of points that must follow a calendar rule for the series to be read as calendar months. */
const CALENDAR_MAJORITY = 0.8;

/**
 * Calendar-month frequency of sorted datetimes, or null when the points are not whole months apart. The
 * day of the month and the time of day most points share decide (a stray point does not hide the
 * frequency: checkRegular then names it), as does the most common step in months.
 */
function detectMonths(times: Float64Array): SeriesFrequency | null {
  const parts = Array.from(times, monthParts);
  const tod = modeOf(parts.map((p) => p.timeOfDay)).value;
  const onTime = parts.filter((p) => p.timeOfDay === tod);
  const day = modeOf(onTime.map((p) => p.day));
  const monthEnds = onTime.filter((p) => p.monthEnd).length;
  const enough = CALENDAR_MAJORITY * parts.length;
  // A day past the 28th that is not a month end cannot be kept in every month: the 29th or 30th is kept
  // where the month has it and falls back to its last day where not (a spreadsheet's EDATE from Jan 30).
  const sameDay = day.value <= 28 && day.count >= enough;
  const clamped = day.value === 29 || day.value === 30 ? onTime.filter((p) => p.day === Math.min(day.value, p.lastDay)).length : 0;
  const clampedDay = !sameDay && clamped >= enough && clamped > monthEnds;
  if (!sameDay && !clampedDay && monthEnds < enough) return null;
  const step = modeOf(parts.slice(1).map((p, i) => p.month - parts[i].month).filter((d) => d >= 1)).value;
  if (!(step >= 1)) return null;
  const name = step === 1 ? 'monthly' : step === 3 ? 'quarterly' : step === 12 ? 'yearly' : 'months';
  if (clampedDay) return { kind: 'months', name, months: step, monthEnd: false, day: day.value };
  return { kind: 'months', name, months: step, monthEnd: !sameDay };
}

function fixedName(stepMs: number): 'minutely' | 'hourly' | 'daily' | 'weekly' | 'fixed' {
  if (stepMs === 60_000) return 'minutely';
  if (stepMs === HOUR) return 'hourly';
  if (stepMs === DAY) return 'daily';
  if (stepMs === 7 * DAY) return 'weekly';
  return 'fixed';
}

/**
 * Detects the frequency of one group's strictly increasing times (at least 2 points). The step is the
 * most common one, so a gap or a stray timestamp shows up as a step that differs, which checkRegular
 * then names by its rows.
 */
export function detectFrequency(times: Float64Array, datetime: boolean): SeriesFrequency {
  if (datetime) {
    const months = detectMonths(times);
    if (months !== null) return months;
    // Before the most common step, which for Monday-to-Friday points is one day and refuses every Monday.
    const week = detectBusinessWeek(times, CALENDAR_MAJORITY);
    if (week !== null && week.workDays === 6) return { kind: 'business_days', name: 'working_daily', weekStart: week.weekStart, workDays: 6 };
    if (week !== null) return { kind: 'business_days', name: 'business_daily', weekStart: week.weekStart };
  }
  // A decimal index steps by what its differences round to: 0.3 - 0.2 is 0.09999999999999998 in binary.
  const step = modeOf(Array.from({ length: times.length - 1 }, (_, i) => (datetime ? times[i + 1] - times[i] : decimalStep(times[i], times[i + 1])))).value;
  const open = datetime ? openingHoursAt(times, step) : null;
  if (open !== null) return { kind: 'business_hours', name: openingStepName(stepMinutesOf(open)), ...open };
  return datetime ? { kind: 'fixed', name: fixedName(step), stepMs: step } : { kind: 'index', name: 'index', step };
}

/**
 * The opening hours of sorted datetimes whose most common step is an hour, half an hour or a quarter,
 * when their points jump closed hours (evenings, weekends) each day; else null. A series of that step
 * whose few short gaps fill by themselves stays a fixed step, even when it misses the same point every day.
 */
function openingHoursAt(times: Float64Array, step: number): OpeningHours | null {
  const minutes = step / MINUTE;
  if (!isOpeningStep(minutes) || fixedWithShortGaps(times, step)) return null;
  return detectOpeningHours(times, minutes, CALENDAR_MAJORITY);
}

/** Whether sorted times are whole steps apart with only gaps that fill by themselves (see ./fill-gaps). */
function fixedWithShortGaps(times: Float64Array, step: number): boolean {
  let missing = 0;
  for (let i = 1; i < times.length; i++) {
    const steps = (times[i] - times[i - 1]) / step;
    if (!Number.isInteger(steps) || steps - 1 > MAX_GAP_POINTS) return false;
    missing += steps - 1;
  }
  return missing <= MAX_ADDED_SHARE * (times.length + missing);
}

const timeOfDay = (t: number) => ((t % DAY) + DAY) % DAY;

/**
 * Whether some two distinct times are less than 22 hours apart: a sub-daily series, whose times are not
 * local dates (alignDaylightSaving leaves them as they are; ./local-clock may read them on their local clock).
 */
export function hasSubDailySteps(times: Float64Array): boolean {
  const sorted = times.filter((t) => !Number.isNaN(t)).sort();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] > sorted[i - 1] && sorted[i] - sorted[i - 1] < DAY - 2 * HOUR) return true;
  return false;
}

/**
 * Timestamps written with a UTC offset that follows daylight saving time (local midnights in Paris are
 * 23:00Z in winter and 22:00Z in summer) step by 23 or 25 hours across a change, and a monthly series lands
 * on month ends in some months and on the 1st in others. When the times of day take exactly two values an
 * hour apart and no two points are less than a day apart, they are read as local times: near midnight,
 * each is rounded to the nearest UTC midnight (its local date); otherwise the less frequent time of day is
 * moved by the hour to the other. Any other column is returned as it is (the same array).
 */
export function alignDaylightSaving(times: Float64Array): Float64Array {
  const tods = new Map<number, number>();
  for (const t of times) {
    if (Number.isNaN(t)) continue;
    tods.set(timeOfDay(t), (tods.get(timeOfDay(t)) ?? 0) + 1);
    if (tods.size > 2) return times;
  }
  if (tods.size !== 2) return times;
  const [a, b] = [...tods.keys()].sort((x, y) => x - y);
  if (b - a !== HOUR && !(a === 0 && b === DAY - HOUR)) return times;
  if (hasSubDailySteps(times)) return times;
  const nearMidnight = (tod: number) => tod <= 3 * HOUR || tod >= DAY - 3 * HOUR;
  if (nearMidnight(a) && nearMidnight(b)) return times.map((t) => Math.round(t / DAY) * DAY);
  const keep = (tods.get(a) as number) >= (tods.get(b) as number) ? a : b;
  return times.map((t) => t + keep - timeOfDay(t));
}

/** Significant digits an index time stepped by a decimal keeps: the rounding error of a sum is past them. */
const INDEX_DIGITS = 15;

/**
 * The difference of two decimal index times, rounded past the error binary fractions leave: 12
 * significant digits of the larger time (2000.1 - 2000 is 0.09999999999990905: 0.1).
 */
function decimalStep(a: number, b: number): number {
  const d = b - a;
  if (Number.isInteger(d)) return d;
  const places = Math.max(0, 12 - Math.ceil(Math.log10(Math.max(1, Math.abs(a), Math.abs(b)))));
  return places > 100 ? d : Number(d.toFixed(places));
}

/** The time `k` steps after `t` (k may be negative). */
export function stepTime(freq: SeriesFrequency, t: number, k: number): number {
  switch (freq.kind) {
    case 'fixed':
      return t + k * freq.stepMs;
    case 'index':
      // A decimal step lands on the decimal the data writes (0.1 + 0.2 is 0.30000000000000004, not 0.3).
      return Number.isInteger(freq.step) ? t + k * freq.step : Number((t + k * freq.step).toPrecision(INDEX_DIGITS));
    case 'business_days':
      return addBusinessDays(t, k, freq);
    case 'business_hours':
      return addOpeningHours(t, k, freq);
    case 'months': {
      const p = monthParts(t);
      const target = p.month + k * freq.months;
      const y = Math.floor(target / 12);
      const m = target - 12 * y;
      const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      const day = freq.monthEnd ? lastDay : freq.day !== undefined ? Math.min(freq.day, lastDay) : p.day;
      return Date.UTC(y, m, day) + p.timeOfDay;
    }
  }
}


/** What the user can do about a time that is not the expected next one. */
function remedy(freq: SeriesFrequency, t: number, expected: number, datetime: boolean, clock: Clock, utcOffset?: number): string {
  if (freq.kind === 'business_hours') return openingHoursRemedy(t, expected, freq, clock, utcOffset);
  if (freq.kind === 'business_days') {
    // A holiday is a missing point like any other: the row is added with an empty target and interpolated.
    const unit = freq.name === 'working_daily' ? 'working day' : 'business day';
    if (isBusinessDay(t, freq)) return `the next ${unit} is ${formatTime(expected, datetime, clock, utcOffset)}: add the missing ${unit}s, holidays too, with an empty target (they are interpolated; ${SHORT_GAPS_RULE}) or resample the series`;
    if (freq.name === 'working_daily') return 'it falls on the closed day of the week, which a working-day series skips: remove the row or resample the series';
    return 'it falls on a weekend, which a business-day series skips: remove the row or resample the series';
  }
  return `add the missing timestamps with an empty target (they are interpolated; ${SHORT_GAPS_RULE}) or resample the series`;
}

/** How checkRegular shows a series' times and what it may add to a refusal. */
export interface RegularityWords {
  /** The clock the times are on (./local-clock); 'utc' when absent. */
  readonly clock?: Clock;
  /** On the UTC clock, the one offset the series' timestamps carry (./local-clock SeriesTimes.utcOffset): times are written at it. */
  readonly utcOffset?: number;
  /** A sentence to end the refusal of position `i` (after position i-1) with, or '' (./local-clock offsetChangeNote). */
  readonly note?: (i: number) => string;
}

/**
 * Throws EngineError('invalid_dataset') naming the column, group and rows where consecutive times are not
 * exactly one step apart (a gap or an irregular spacing). `rowOf` maps a position to its 1-based data row.
 */
export function checkRegular(freq: SeriesFrequency, times: Float64Array, column: string, group: string, rowOf: (i: number) => number, datetime: boolean, words: RegularityWords = {}): void {
  const clock = words.clock ?? 'utc';
  const show = (t: number) => formatTime(t, datetime, clock, words.utcOffset);
  const where = group === '' ? '' : ` in group "${group}"`;
  // Stepping from a closed hour or day lands on the next open one, so a first point on one would pass.
  const closedStart = freq.kind === 'business_hours' ? !isOpeningHour(times[0], freq) : freq.kind === 'business_days' && !isBusinessDay(times[0], freq);
  if (closedStart) {
    const off = freq.kind === 'business_hours' ? 'off its opening hours' : 'on a day the series skips';
    throw new EngineError(
      'invalid_dataset',
      `time column "${column}" is irregular${where}: row ${rowOf(0)} (${show(times[0])}) starts the series ${off}, ` +
        `and the series steps by ${describeStep(freq, clock, words.utcOffset)}; ${remedy(freq, times[0], times[0], datetime, clock, words.utcOffset)}`,
      { column, ...groupDetail(group), row: rowOf(0) },
    );
  }
  for (let i = 1; i < times.length; i++) {
    const expected = stepTime(freq, times[i - 1], 1);
    if (times[i] === expected) continue;
    throw new EngineError(
      'invalid_dataset',
      `time column "${column}" is irregular${where}: row ${rowOf(i)} (${show(times[i])}) follows row ${rowOf(i - 1)} (${show(times[i - 1])}), ` +
        `but the series steps by ${describeStep(freq, clock, words.utcOffset)}; ${remedy(freq, times[i], expected, datetime, clock, words.utcOffset)}${words.note?.(i) ?? ''}`,
      { column, ...groupDetail(group), row: rowOf(i) },
    );
  }
}

/**
 * The seasonal period a frequency implies: monthly 12, quarterly 4, whole-month steps dividing a year
 * 12/k, a day of steps for fixed steps that divide one (hourly 24, half-hourly 48, down to 15 minutes),
 * daily 7, business or working days 5 or 6 (the working week), weekly 52, business hours the points of an
 * opening day (the daily shape; see phaseOf), or with days of different hours the clock slots from the
 * week's earliest opening to its latest last point, less those every day is closed in between
 * (./opening-schedule); everything else has none (1).
 */
export function naturalSeason(freq: SeriesFrequency): number {
  switch (freq.kind) {
    case 'months':
      return freq.months < 12 && 12 % freq.months === 0 ? 12 / freq.months : 1;
    case 'fixed': {
      if (freq.name === 'daily') return 7;
      if (freq.name === 'weekly') return 52;
      // Hourly 24, half-hourly 48, quarter-hourly 96, two-hourly 12: the shape of a day.
      const perDay = stepsPerDay(freq);
      return perDay > 1 && perDay <= MAX_STEPS_PER_DAY ? perDay : 1;
    }
    case 'business_days':
      return workDaysOf(freq);
    case 'business_hours':
      return freq.hours;
    case 'index':
      return 1;
  }
}

/**
 * The season the models use: the natural one when the shortest series can validate with it (four seasons
 * to fit on, at least 20 points, plus one to score: weekly data four years and a week), else none. A
 * 30-month series is then forecast without a yearly season rather than refused. The rule is
 * validation-plan's own: weekly series of three to four years, given a season they could not validate
 * with, used to be refused as too short, where shorter ones were taken.
 */
export function seasonFor(freq: SeriesFrequency, shortestLength: number): number {
  const season = naturalSeason(freq);
  return shortestLength > minTrainLength(season) ? season : 1;
}

/**
 * Steps in a week of a series whose season is a day, the second season of hourly data (168), of other
 * steps of a day (half-hourly 336) and of business hours (the points of a working week, the sum of its
 * days' points when they differ: a lag of it is the same clock time a week before): a weekly pattern
 * (busier Mondays, quiet weekends) on top of the daily shape. 0 for every other series (a daily series'
 * season already is the week).
 */
export function weekPeriod(freq: SeriesFrequency, season: number): number {
  if (freq.kind === 'fixed' && season > 1 && season === stepsPerDay(freq)) return 7 * season;
  if (freq.kind === 'business_hours' && season === freq.hours) return weekPoints(freq);
  return 0;
}

/**
 * The period seasonal naive repeats: the season, but a whole week for business hours whose days open for
 * different hours, where a season back is not the same clock time (a 17-point season reaches into another
 * day's hours). The leaderboard's baseline and the rule of a short group (./fallback) both read it.
 */
export function naivePeriod(freq: SeriesFrequency, season: number): number {
  return freq.kind === 'business_hours' && freq.days !== undefined ? weekPeriod(freq, season) || season : season;
}

/** Days in the week of weekPeriod: 7, or a business-hours series' working days. */
export function weekDays(freq: SeriesFrequency): number {
  return freq.kind === 'business_hours' ? freq.workDays : 7;
}

/**
 * The day of the week (0..weekDays-1) of a timestamp of such a series: the UTC weekday (0 = Sunday) of
 * hourly and other sub-daily data, the working day counted from the start of the working week for business hours (the day
 * of the run's first point, as the opening-slot count has it). 0 for other frequencies.
 */
export function weekdayOf(freq: SeriesFrequency, t: number): number {
  if (freq.kind === 'fixed' && stepsPerDay(freq) > 1) return new Date(t).getUTCDay();
  if (freq.kind === 'business_hours') return openingWeekday(t, freq);
  return 0;
}

/**
 * The seasonal phase (0..season-1) of a timestamp, from the calendar where the frequency has one (month
 * of year, quarter, day of week, weekday of a business day, hour of day, slot of an opening day) so that phases agree across
 * groups that start at different times; otherwise from the number of steps since `anchor`.
 */
export function phaseOf(freq: SeriesFrequency, season: number, t: number, anchor: number): number {
  if (season <= 1) return 0;
  if (freq.kind === 'months') return Math.floor((monthParts(t).month % 12) / freq.months) % season;
  // The step of the UTC day (the hour for hourly data), whatever the anchor: groups agree on it.
  if (freq.kind === 'fixed' && season === stepsPerDay(freq)) return Math.floor(timeOfDay(t) / freq.stepMs) % season;
  if (freq.kind === 'fixed' && freq.name === 'daily') return new Date(t).getUTCDay() % season;
  // Working days are counted from a fixed start of a week, so a season of a week gives Monday 0 .. Friday 4
  // (or Saturday 5) whatever the anchor (the same at training and at forecast time, and across groups).
  if (freq.kind === 'business_days') return ((businessIndex(t, freq) % season) + season) % season;
  // Opening hours likewise: a season of a working day gives the open slot of the day (its hour, half
  // hour or quarter), 0 at opening, counting on after each daily break; with days of different hours, the
  // clock slot from the week's earliest opening, counting on across the slots every day closes
  // (Saturday 10:00 as Monday 10:00; ./opening-schedule).
  // The weekday is not folded in (a slot-of-week one-hot, 45 columns and more, would be learned from a
  // few weeks of data): the tabular families may read it as a one-hot of its own (weekdayOf).
  if (freq.kind === 'business_hours' && freq.days !== undefined) return openingPhase(t, freq) % season;
  if (freq.kind === 'business_hours') return ((openingHourIndex(t, freq) % season) + season) % season;
  const step = freq.kind === 'fixed' ? freq.stepMs : freq.step;
  const k = Math.round((t - anchor) / step);
  return ((k % season) + season) % season;
}
