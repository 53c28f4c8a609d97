/**
 * @module engine/forecast/lag-features
 * The feature row of one time step t for the tabular families, computed from the (transformed,
 * differenced) series d before t: lags d_{t-1..t-p}, seasonal lags d_{t-ks} beyond p, the mean and
 * standard deviation of the last w values, a one-hot seasonal phase of t (month of year, day of week,
 * hour of day, as the frequency allows), optionally a linear trend (the step's position in its series),
 * which lets an undifferenced model extrapolate a level change, for a series whose season is a day
 * optionally the week's second season (a one-hot day of the week, and the value a week before among the
 * seasonal lags), and last the known-future covariates (./covariates): their values at t, and at every
 * past step a lag or the differencing reads (a lagged value high from a promotion, or a drop when one
 * ended, can only be told apart from the series' own movement if the model sees the promotion was on),
 * then the past-only covariates (./past-covariates) at lags of at least the job's horizon, never later.
 * On business hours whose days open for different hours a layout may read the season on the clock
 * (./clock-alignment): its seasonal lags, and the covariates at whole seasons back, are then the same
 * time of day on earlier open days, through the BackReader its differencing uses. Rows are written into
 * flat Float32Arrays, no objects.
 */
import { EngineError } from '../core/errors';
import { type BackReader, type ClockAlignment, readReach } from './clock-alignment';

/** Which features a tabular forecaster uses. */
export interface LagLayout {
  readonly lags: number;
  /** Seasonal lag distances (multiples of the season larger than `lags`). */
  readonly seasonalLags: readonly number[];
  /** Rolling window length; 0 or 1 means no rolling features. */
  readonly rollingWindow: number;
  /** Columns of the one-hot phase (the season), 0 without calendar features. */
  readonly phaseColumns: number;
  /** Whether a column is the step's position in its series (before the covariates). */
  readonly trend: boolean;
  /** Columns of the one-hot day of the week (after the trend), 0 or absent (as stored before it) without. */
  readonly weekdayColumns?: number;
  /** Encoded covariate columns, last in the row; absent (as stored before covariates) or 0: none. */
  readonly covariates?: number;
  /** How far back each covariate is read (t - k for each k, 0 first); absent: at t only. */
  readonly covariateLags?: readonly number[];
  /** Encoded past-only covariate columns, after the known-future ones; absent (as stored before them) or 0: none. */
  readonly pastCovariates?: number;
  /** How far back each past covariate is read (t - k for each k, ascending, every k at least the job's horizon). */
  readonly pastCovariateLags?: readonly number[];
}

/** The week of a series with a weekly second season, as a layout may read it: its steps and days, and which features. */
export interface WeeklyOptions {
  readonly period: number;
  readonly days: number;
  /** A one-hot of the day of the week. */
  readonly weekday: boolean;
  /** The value one week before (a seasonal lag of `period` steps). */
  readonly lag: boolean;
}

export function lagLayout(lags: number, seasonalMultiples: number, rollingWindow: number, calendar: boolean, season: number, trend: boolean, weekly?: WeeklyOptions): LagLayout {
  if (!(Number.isInteger(lags) && lags >= 1)) throw new EngineError('invalid_params', `lags must be an integer >= 1, got ${lags}`, { param: 'lags' });
  if (!(Number.isInteger(rollingWindow) && rollingWindow >= 0)) throw new EngineError('invalid_params', `rolling_window must be an integer >= 0, got ${rollingWindow}`, { param: 'rolling_window' });
  const seasonalLags: number[] = [];
  if (season > 1) for (let k = 1; k <= seasonalMultiples; k++) if (k * season > lags) seasonalLags.push(k * season);
  if (weekly?.lag && weekly.period > lags && !seasonalLags.includes(weekly.period)) seasonalLags.push(weekly.period);
  seasonalLags.sort((a, b) => a - b);
  const weekdayColumns = weekly?.weekday ? weekly.days : 0;
  return { lags, seasonalLags, rollingWindow: rollingWindow >= 2 ? rollingWindow : 0, phaseColumns: calendar && season > 1 ? season : 0, trend, ...(weekdayColumns > 0 ? { weekdayColumns } : {}) };
}

export function featureCount(l: LagLayout): number {
  return (
    l.lags + l.seasonalLags.length + (l.rollingWindow > 0 ? 2 : 0) + l.phaseColumns + (l.trend ? 1 : 0) + (l.weekdayColumns ?? 0) +
    (l.covariates ?? 0) * (l.covariateLags?.length ?? 1) + (l.pastCovariates ?? 0) * (l.pastCovariateLags?.length ?? 0)
  );
}

/**
 * Past values a feature row reaches back to (covariates are read no further back than the lags or the
 * differencing); on the clock of `align`, as far as its seasonal lags' open days reach.
 */
export function lagWarmup(l: LagLayout, align: ClockAlignment | null = null): number {
  if (align === null) return Math.max(l.lags, l.seasonalLags.length > 0 ? l.seasonalLags[l.seasonalLags.length - 1] : 0, l.rollingWindow);
  let most = l.seasonalLags.reduce((m, k) => Math.max(m, readReach(align, k)), Math.max(l.lags, l.rollingWindow));
  // The covariates read at whole seasons within the lags are read on the clock too (writeLagFeatures).
  if ((l.covariates ?? 0) > 0) for (let k = align.season; k <= l.lags; k += align.season) most = Math.max(most, readReach(align, k));
  return most;
}

/** How far back the past covariates are read (their largest lag), 0 without them: a row needs their values that far back. */
export function pastReach(l: LagLayout): number {
  const lags = l.pastCovariateLags ?? [];
  return (l.pastCovariates ?? 0) > 0 && lags.length > 0 ? lags[lags.length - 1] : 0;
}

/**
 * Writes the features of step t (needs d[t - lagWarmup .. t-1] defined) at out[off ..]; the covariates
 * are read at t - k for each k of covariateLags, from `covariates` (one array per column, aligned with d),
 * and the past covariates at t - k for each k of pastCovariateLags, from `past` (the same alignment).
 * With `back` (a layout on the clock), the seasonal lags and the covariates are read at back(t, k).
 */
export function writeLagFeatures(
  l: LagLayout,
  d: Float64Array,
  t: number,
  phase: number,
  position: number,
  weekday: number,
  out: Float32Array,
  off: number,
  covariates?: readonly Float64Array[],
  past?: readonly Float64Array[],
  back?: BackReader,
): void {
  let o = off;
  for (let k = 1; k <= l.lags; k++) out[o++] = d[t - k];
  for (const k of l.seasonalLags) out[o++] = d[back === undefined ? t - k : back(t, k)];
  if (l.rollingWindow > 0) {
    let sum = 0;
    let sumSq = 0;
    for (let k = 1; k <= l.rollingWindow; k++) {
      sum += d[t - k];
      sumSq += d[t - k] * d[t - k];
    }
    const mean = sum / l.rollingWindow;
    out[o++] = mean;
    out[o++] = Math.sqrt(Math.max(0, sumSq / l.rollingWindow - mean * mean));
  }
  for (let p = 0; p < l.phaseColumns; p++) out[o++] = p === phase ? 1 : 0;
  if (l.trend) out[o++] = position;
  const days = l.weekdayColumns ?? 0;
  for (let w = 0; w < days; w++) out[o++] = w === weekday ? 1 : 0;
  const width = l.covariates ?? 0;
  const ks = l.covariateLags ?? [0];
  for (let j = 0; j < width; j++) {
    const c = (covariates as readonly Float64Array[])[j];
    for (const k of ks) out[o++] = c[back === undefined ? t - k : back(t, k)];
  }
  const pastWidth = l.pastCovariates ?? 0;
  const pastBack = l.pastCovariateLags ?? [];
  for (let j = 0; j < pastWidth; j++) {
    const c = (past as readonly Float64Array[])[j];
    for (const k of pastBack) out[o++] = c[t - k];
  }
}

/**
 * Most covariate feature columns a row may hold, reads at every lag included: beyond it (many lags of
 * many covariate columns, e.g. 48 hourly lags of a 10-level category) the covariates are read only now
 * and at the differencing lag, so a trial's training matrix stays within a Worker's memory.
 */
export const MAX_COVARIATE_FEATURES = 256;

/** Most bytes the covariate columns of a training matrix (Float32, every row) may take; the same fallback beyond it. */
export const MAX_COVARIATE_MATRIX_BYTES = 16 * 1024 * 1024;

/**
 * The steps back a layout's `width` covariate columns are read at, for a training matrix of `rows` rows:
 * now, every lag and seasonal lag, and the differencing lag; only now and the differencing lag when that
 * would be over MAX_COVARIATE_FEATURES or MAX_COVARIATE_MATRIX_BYTES.
 */
export function covariateLagsOf(l: LagLayout, differencingLag: number, width: number, rows = 0): number[] {
  const back = new Set<number>([0]);
  if (differencingLag > 0) back.add(differencingLag);
  const all = new Set(back);
  for (let k = 1; k <= l.lags; k++) all.add(k);
  for (const k of l.seasonalLags) all.add(k);
  const features = all.size * width;
  const fits = features <= MAX_COVARIATE_FEATURES && features * rows * 4 <= MAX_COVARIATE_MATRIX_BYTES;
  return [...(fits ? all : back)].sort((a, b) => a - b);
}
