/**
 * @module engine/forecast/types
 * Shared vocabulary of the forecasting engine (task "forecast"): the model families, the data shape a
 * search space depends on, the detected sampling frequency, and one extracted series per group. Kept
 * apart from the implementations so every forecast file, the trial and the envelope agree on one shape.
 */
import type { LateCovariateStart } from './covariate-start';
import type { CovariateSpec } from './covariates';
import type { ExactRepeats } from './duplicate-rows';
import type { RepeatedTime } from './local-clock';
import type { PastCovariateFill } from './past-covariate-fill';
import type { RevisedPlan } from './placeholder-rows';

/** Forecast model families, in priority order (see FORECAST_FAMILIES in ./space). */
export type ForecastFamily = 'seasonal_naive' | 'drift' | 'linear' | 'ets' | 'gbdt' | 'random_forest' | 'rnn';

/** What a forecast envelope may hold: one searched family, or a weighted blend of their forecasts (./blend-model). */
export type ForecastModelKind = ForecastFamily | 'ensemble';

/** What a forecast search space may depend on. */
export interface ForecastShape {
  /** Points in the shortest series (per group). */
  readonly length: number;
  /** Seasonal period in steps (1 when the frequency implies none). */
  readonly season: number;
  /** Number of series (groups); 1 when there is no group column. */
  readonly groups: number;
  /** Steps ahead the job forecasts. */
  readonly horizon: number;
  /** Whether every value is above 0, so log and Box-Cox transforms apply (taken as true when absent). */
  readonly positive?: boolean;
  /** Steps in a week when the season is a day (hourly 168; see frequency weekPeriod); absent or 0: none. */
  readonly week?: number;
  /**
   * Points back a seasonal difference may reach when it is read on the clock (business hours whose days
   * open for different hours; ./clock-alignment seasonReach), when more than the season; absent: the season.
   */
  readonly seasonReach?: number;
  /** Whether the job names past-only covariates (./past-covariates): the tabular spaces then search how many lags of them to read. */
  readonly pastCovariates?: boolean;
  /** Rolling origins the trials validate on (./validation-plan): more leave the earliest fold fewer points to reach back into; absent: the default. */
  readonly origins?: number;
}

/**
 * How consecutive timestamps are spaced. Calendar months vary in milliseconds, so month-based steps are
 * their own kind: the next timestamp is computed on the calendar, not by adding a fixed duration.
 */
export type SeriesFrequency =
  /** A datetime column with a constant step in milliseconds (hourly, daily, weekly, or any fixed step). */
  | { readonly kind: 'fixed'; readonly name: 'minutely' | 'hourly' | 'daily' | 'weekly' | 'fixed'; readonly stepMs: number }
  /**
   * A datetime column stepping by whole calendar months, on the same day of the month or on month ends;
   * `day` (29 or 30): on that day, or on the month's last when it is shorter ("2025-01-30, 2025-02-28,
   * 2025-03-30", as a spreadsheet's EDATE writes it); absent on series stored before it.
   */
  | { readonly kind: 'months'; readonly name: 'monthly' | 'quarterly' | 'yearly' | 'months'; readonly months: number; readonly monthEnd: boolean; readonly day?: number }
  /**
   * A datetime column stepping by one working day at the same time of day, the closed days skipped: five
   * days a week (`business_daily`, the weekend skipped: Friday to Monday is three days; `workDays` absent,
   * as in envelopes stored before six-day weeks) or six (`working_daily`, a shop closed on Sundays:
   * Saturday to Monday is two days). `weekStart` is the UTC day of the week (0 = Sunday) the working week
   * starts on: 1 (Monday) for dates; 0 when local midnights east of UTC put Monday on the UTC Sunday, or
   * for a week starting on Sunday (see ./business-days).
   */
  | { readonly kind: 'business_days'; readonly name: 'business_daily'; readonly weekStart: number; readonly workDays?: 5 }
  | { readonly kind: 'business_days'; readonly name: 'working_daily'; readonly weekStart: number; readonly workDays: 6 }
  /**
   * A datetime column of points during opening hours only, every hour (`business_hourly`: a call centre
   * open 09:00 to 17:00 Monday to Friday, a shop 10:00 to 19:00 Monday to Saturday), half hour
   * (`business_half_hourly`) or quarter hour (`business_quarter_hourly`): every working day holds the
   * same `hours` consecutive points (unless `days`, below, says otherwise), `stepMinutes` apart (absent:
   * 60, as in every frequency stored before shorter steps; the name agrees with it), the first at
   * `firstHour`:`minute` on the UTC clock. `hours`
   * counts points, which are hours when the step is an hour (09:00 to 17:00: 9 hourly, 17 half-hourly
   * with 17:00). A run may pass UTC midnight: the day is the UTC day of its first point. After the last
   * point of a day comes the first point of the next working day. The working days are `workDays` (5, 6
   * or 7) consecutive UTC days from `weekStart` (0 = Sunday), as for business days; a seven-day week is
   * stored with 1. A day may close once in between, the same every working day (open 09:00 to 12:00 and
   * 13:00 to 17:00, a lunch break): `breakAfter` points (1..hours-1) come before it and `breakPoints`
   * slots (at least 1) are closed, and `hours` counts the open points only (8 there, hourly). Both absent:
   * no break, as in every frequency stored before breaks. A day closing more than once (08:00 to 10:00,
   * 10:30 to 12:30, 13:30 to 17:00) has `breaks` instead, one `{ after, slots }` per break in order
   * (`after`: the day's points before it); absent in frequencies stored before. Or the days may open for
   * different hours (09:00 to 17:00 Monday to Friday, 10:00 to 15:00 on Saturday): `days` holds one
   * `{ open, points, breaks? }` per working day (0 = `weekStart`), its first point `open` steps after
   * `firstHour`:`minute` (then the week's earliest opening), its number of points and its own breaks
   * (absent when it has none, as in every schedule stored before days had breaks); `hours` is then the
   * clock slots from the earliest opening to the latest last point, less those every day is closed in
   * between (the season; 9 there, hourly), and the phase of a point its clock slot from that opening,
   * counting on across those. Absent: every day alike, as in every frequency stored before; never with
   * `breakAfter`, `breakPoints` or `breaks`. See ./business-hours, ./opening-schedule and ./opening-day.
   */
  | {
      readonly kind: 'business_hours';
      readonly name: 'business_hourly' | 'business_half_hourly' | 'business_quarter_hourly';
      readonly weekStart: number;
      readonly workDays: 5 | 6 | 7;
      readonly firstHour: number;
      readonly minute: number;
      readonly hours: number;
      readonly stepMinutes?: 15 | 30 | 60;
      readonly breakAfter?: number;
      readonly breakPoints?: number;
      readonly breaks?: readonly { readonly after: number; readonly slots: number }[];
      readonly days?: readonly { readonly open: number; readonly points: number; readonly breaks?: readonly { readonly after: number; readonly slots: number }[] }[];
    }
  /** A numeric time index with a constant step. */
  | { readonly kind: 'index'; readonly name: 'index'; readonly step: number };

/** One series, sorted by time, its target missing values already filled (see ./series). */
export interface SeriesData {
  /** Group key ('' when the dataset has no group column). */
  readonly group: string;
  /** Time of each point: epoch milliseconds for datetime columns, the index value for numeric ones. */
  readonly times: Float64Array;
  /** Target values in time order. */
  readonly values: Float64Array;
  /** How many target values were missing and filled by linear interpolation (or the nearest value at the ends). */
  readonly interpolated: number;
  /** 1 where the value was filled (an empty cell or an added gap point); absent when none was (./fill-missing). */
  readonly missing?: Uint8Array;
  /**
   * The encoded known-future covariates (./covariates), one array per feature column, aligned with
   * `times`; absent when the job names none. An added gap point carries the values of the point before.
   */
  readonly covariates?: readonly Float64Array[];
  /** The encoded past-only covariates (./past-covariates), laid out as `covariates`; absent when the job names none. */
  readonly pastCovariates?: readonly Float64Array[];
}

/** What describeSeries reports about a dataset's time series. */
export interface SeriesInfo {
  readonly target: string;
  readonly timeColumn: string;
  /** 'datetime' series answer forecasts with ISO timestamps, 'numeric' ones with numbers. */
  readonly timeKind: 'datetime' | 'numeric';
  readonly groupColumn?: string;
  readonly frequency: SeriesFrequency;
  /** Seasonal period implied by the frequency: monthly 12, quarterly 4, daily 7, business days 5, working days 6, hourly 24, business hours the points of an opening day (of the longest, when days differ); 1 if none. */
  readonly season: number;
  /** Points per group, in the order of `series` (added timestamps included). */
  readonly lengths: Readonly<Record<string, number>>;
  /** Empty target cells filled per group (0 when none); the points of `added` are filled too, not counted here. */
  readonly interpolated: Readonly<Record<string, number>>;
  /** Per group with any, the timestamps added to fill its short gaps (see ./fill-gaps), in order. */
  readonly added?: Readonly<Record<string, readonly number[]>>;
  /** Per group with any, the rows at its end without a target value, left out: the series ends at its last value. */
  readonly trailingMissing?: Readonly<Record<string, number>>;
  /** Per group with any, the planned rows (no target) a later planned row of their time revised, left out (./placeholder-rows). */
  readonly revisedPlans?: Readonly<Record<string, number>>;
  /** The first of them (lowest data row), with the row that revised it; set with revisedPlans. */
  readonly firstRevisedPlan?: RevisedPlan;
  /** Per group with any, the planned rows written after the observation of their time (a plan for a time already past), left out. */
  readonly latePlans?: Readonly<Record<string, number>>;
  /** Per group with any, the rows before its first target value, left out: the series starts at its first value. */
  readonly leadingMissing?: Readonly<Record<string, number>>;
  /**
   * Groups left out for having fewer than SeriesColumns.minLength points, with their lengths: their rows,
   * or for those in `lateSkipped` the points left from where their covariates start.
   */
  readonly skipped?: Readonly<Record<string, number>>;
  /**
   * Of the groups in `skipped`, those long enough by their rows that a covariate's late start left too
   * short (./covariate-start), each with the column that set its start (the latest); absent when none.
   */
  readonly lateSkipped?: readonly LateCovariateStart[];
  /** The known-future covariates read (SeriesColumns.covariates), in the order named; absent when none. */
  readonly covariates?: readonly CovariateSpec[];
  /** The past-only covariates read (SeriesColumns.pastCovariates), in the order named; absent when none. */
  readonly pastCovariates?: readonly CovariateSpec[];
  /**
   * The covariates (either list) empty at a series' first points, series by series: each series is read
   * from the first point where every covariate has a value, and `lengths` counts from there
   * (./covariate-start); absent when every series starts at its first row.
   */
  readonly lateStarts?: readonly LateCovariateStart[];
  /** The runs of empty past-covariate cells filled (./past-covariate-fill), series by series; absent when none. */
  readonly pastFilled?: readonly PastCovariateFill[];
  /** Rows identical in every column to an earlier row of their series, dropped (./duplicate-rows); absent when none. */
  readonly exactRepeats?: ExactRepeats;
  /**
   * Set when the series is read on its local clock (./local-clock: a sub-daily series whose timestamps
   * carry UTC offsets that change); its times, `frequency` and `added` are then local wall-clock times.
   */
  readonly localClock?: LocalClockInfo;
  /**
   * The one UTC offset other than UTC, in minutes, every timestamp was written with (`+05:30` throughout
   * is 330; ./local-clock SeriesTimes.utcOffset): the times are instants, and forecasts are written at it.
   */
  readonly utcOffset?: number;
}

/** How a series read on its local clock was read (SeriesInfo.localClock). */
export interface LocalClockInfo {
  /** The UTC offsets its timestamps were written with, in minutes east of UTC, ascending. */
  readonly offsets: readonly number[];
  /** The zone its forecasts are written in (SeriesColumns.timezone, canonical); absent: local times without an offset. */
  readonly timezone?: string;
  /** Per group with any, the local times the autumn change repeated, each read as one point. */
  readonly repeated?: Readonly<Record<string, readonly RepeatedTime[]>>;
  /** Set when the timestamps carried no offset and `timezone` placed them (./naive-local-times). */
  readonly placed?: true;
}

/** Options naming the columns of a forecasting dataset. */
export interface SeriesColumns {
  readonly target: string;
  /** The time column; when absent, the dataset's only datetime column. */
  readonly timeColumn?: string;
  /** Optional column splitting the rows into independent series. */
  readonly groupColumn?: string;
  /**
   * Groups with fewer points are left out (listed in SeriesInfo.skipped) rather than holding every other
   * group to what they can validate; a new store's three months must not stop the chain's forecast.
   */
  readonly minLength?: number;
  /** Columns whose values are known ahead of time, read at the step predicted (./covariates). */
  readonly covariates?: readonly string[];
  /** Columns observed only up to each point, read at lags of at least the horizon (./past-covariates). */
  readonly pastCovariates?: readonly string[];
  /**
   * Steps ahead the job forecasts: each past covariate may be empty at up to half this many of a series'
   * newest points, which are then filled (./past-covariate-fill); Infinity for a caller that checks the
   * newest runs against a horizon it decides from the series (checkNewestFills). Absent: none may be.
   */
  readonly horizon?: number;
  /**
   * The IANA time zone (a job's forecast.timezone) a series read on its local clock is forecast in: its
   * forecast times are written with the zone's offsets (./local-clock). Refused for any other series.
   */
  readonly timezone?: string;
}
