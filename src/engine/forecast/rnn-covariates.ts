/**
 * @module engine/forecast/rnn-covariates
 * What the `rnn` family reads of a job's covariates, beside each window step's value and phase (./rnn-net).
 * They are differenced as the target is (at the differencing lag, when there is one): a step's difference
 * of sales is explained by the difference of its covariates, a promotion today against none a week ago,
 * and a difference lowered by last week's promotion is then not taken for a fall. (Giving the network the
 * values now and a lag back as two channels instead left it to learn that subtraction from a hundred or
 * two windows: on the promotion days of test/engine/forecast-rnn-covariates.test.ts, fitted on the first
 * 140, 154 or 168 days and forecasting the next 28 or 14, its RMSE was 1.3 to 2.1 times as large, 16 to
 * 30 against 8 to 24; measured with a scratch harness not kept.) Known-future covariates (./covariates):
 * every window step gets its own, and the step being predicted gets its own as a second input beside the
 * recurrent state, so a promotion tomorrow moves tomorrow's forecast. Past-only covariates
 * (./past-covariates): window step t - k gets those observed H - 1 points before it, so the network reads
 * none later than H steps before the step it predicts, and forecasts at most the job's horizon H from the
 * values observed at its origin.
 * Every channel is standardised with its mean and deviation over the training points, which the artifact
 * keeps (optional fields: an artifact stored before covariates has neither and reads none). A model that
 * reads its season on the clock (./clock-alignment) differences them through the BackReader its target's
 * differencing uses.
 */
import { EngineError } from '../core/errors';
import { type BackReader, type ClockAlignment, readReach } from './clock-alignment';
import type { FitSeries, SeriesState } from './forecast-model';

/** The covariate inputs of a fitted rnn; `known` and `past` 0 when it reads none. */
export interface RnnCovariates {
  /** Encoded known-future columns. */
  readonly known: number;
  /** Encoded past-only columns. */
  readonly past: number;
  /** The job's horizon H: the fewest steps back from the predicted step a past covariate is read at (0 without them). */
  readonly pastHorizon: number;
  /** The lag both are differenced at, the target's (0: not differenced). */
  readonly lag: number;
  /** Means and deviations of the (differenced) known-future columns, then of the past-only ones. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export const NO_COVARIATES: RnnCovariates = Object.freeze({ known: 0, past: 0, pastHorizon: 0, lag: 0, mean: [], std: [] });

/** Extra input channels of each window step: the known-future columns, then the past-only ones. */
export function covariateChannels(c: RnnCovariates): number {
  return c.known + c.past;
}

/** Width of the predicted step's own input (its known-future covariates); 0 without them. */
export function stepInputWidth(c: RnnCovariates): number {
  return c.known;
}

/**
 * Raw points before the predicted step the covariates are read back to: the window and the lag (as far as
 * it reaches on the clock of `align`), and H - 1 more for past-only ones.
 */
export function covariateReach(c: RnnCovariates, window: number, align: ClockAlignment | null = null): number {
  const lag = readReach(align, c.lag);
  return Math.max(c.known > 0 ? window + lag : 0, c.past > 0 ? window + c.pastHorizon - 1 + lag : 0);
}

/** A column at point u, differenced at `lag` (as is, for 0), through `back` when given. */
const at = (col: Float64Array, u: number, lag: number, back?: BackReader) => (lag === 0 ? col[u] : col[u] - col[back === undefined ? u - lag : back(u, lag)]);

/**
 * The covariate inputs of a fit on `series` differenced at `lag`: their widths, and every column's mean
 * and deviation over the training points where its difference exists (deviation 1 for a constant; through
 * each series' reader in `backs`, on the clock). Past-only ones need the job's horizon (refused without
 * it, as the tabular families refuse it).
 */
export function fitRnnCovariates(series: readonly FitSeries[], lag: number, horizon: number | undefined, backs: readonly (BackReader | undefined)[] = []): RnnCovariates {
  const known = series[0]?.covariates?.length ?? 0;
  const past = series[0]?.pastCovariates?.length ?? 0;
  if (known === 0 && past === 0) return NO_COVARIATES;
  if (past > 0 && !(horizon !== undefined && Number.isInteger(horizon) && horizon >= 1)) {
    throw new EngineError('invalid_params', 'past covariates are read at least the horizon back: the fit needs the horizon the model forecasts', { field: 'horizon' });
  }
  const mean: number[] = [];
  const std: number[] = [];
  const add = (columns: (s: FitSeries) => readonly Float64Array[] | undefined, width: number) => {
    for (let j = 0; j < width; j++) {
      let sum = 0;
      let sumSq = 0;
      let n = 0;
      for (const [g, s] of series.entries()) {
        const col = (columns(s) as readonly Float64Array[])[j];
        const back = backs[g];
        for (let u = lag; u < s.values.length; u++) {
          if (back !== undefined && back(u, lag) < 0) continue;
          n++;
          const x = at(col, u, lag, back);
          sum += x;
          sumSq += x * x;
        }
      }
      const m = n > 0 ? sum / n : 0;
      const sd = n > 0 ? Math.sqrt(Math.max(0, sumSq / n - m * m)) : 0;
      mean.push(m);
      std.push(sd > 1e-9 ? sd : 1);
    }
  };
  add((s) => s.covariates, known);
  add((s) => s.pastCovariates, past);
  return { known, past, pastHorizon: past > 0 ? (horizon as number) : 0, lag, mean, std };
}

/** Writes the standardised, differenced known-future covariates of step u at out[o ..] (through `back`, on the clock); returns the offset after them. */
export function writeKnownCovariates(c: RnnCovariates, covariates: readonly Float64Array[] | undefined, u: number, out: Float32Array, o: number, back?: BackReader): number {
  for (let j = 0; j < c.known; j++) out[o++] = (at((covariates as readonly Float64Array[])[j], u, c.lag, back) - c.mean[j]) / c.std[j];
  return o;
}

/**
 * Writes the covariate channels of a window ending before step t: for window step u = t - k (k = window
 * .. 1) at out[off + (window - k) * stride + skip ..], its known-future covariates, then the past-only
 * ones observed at u - (H - 1), so none is read later than H steps before t (differenced, none earlier
 * than the lag before that; through `back`, on the clock).
 */
export function writeCovariateWindow(
  c: RnnCovariates,
  covariates: readonly Float64Array[] | undefined,
  past: readonly Float64Array[] | undefined,
  t: number,
  window: number,
  stride: number,
  skip: number,
  out: Float32Array,
  off: number,
  back?: BackReader,
): void {
  for (let k = window; k >= 1; k--) {
    const u = t - k;
    let o = writeKnownCovariates(c, covariates, u, out, off + (window - k) * stride + skip, back);
    for (let j = 0; j < c.past; j++) out[o++] = (at((past as readonly Float64Array[])[j], u - c.pastHorizon + 1, c.lag, back) - c.mean[c.known + j]) / c.std[c.known + j];
  }
}

/**
 * Checks that a forecast of `steps` from `series` has the covariates the model reads: the known-future
 * ones at the tail and every step ahead, the past-only ones at the tail, and `steps` at most the horizon
 * the past-only ones are read from (a step further would need a value nobody has observed yet). Throws
 * EngineError('invalid_input') naming the field, as the tabular families do.
 */
export function checkForecastCovariates(c: RnnCovariates, series: SeriesState, steps: number): void {
  const n = series.tail.length;
  const known = series.covariates;
  if (c.known > 0 && !(known && known.length === c.known && known.every((col) => col.length >= n + steps))) {
    throw new EngineError('invalid_input', `this forecaster reads ${c.known} covariate column${c.known === 1 ? '' : 's'} at every step; the values of the series' recent points or of the ${steps} steps ahead are missing`, { field: 'covariates' });
  }
  if (c.past === 0) return;
  if (steps > c.pastHorizon) {
    throw new EngineError('invalid_input', `this forecaster reads past covariates at least ${c.pastHorizon} steps back, so it forecasts at most ${c.pastHorizon} steps ahead; asked for ${steps}`, { field: 'horizon', max: c.pastHorizon });
  }
  const past = series.pastCovariates;
  if (!(past && past.length === c.past && past.every((col) => col.length >= n))) {
    throw new EngineError('invalid_input', `this forecaster reads ${c.past} past covariate column${c.past === 1 ? '' : 's'}; their values at the series' recent points are missing`, { field: 'past_covariates' });
  }
}

/**
 * The artifact fields of the covariate inputs: none without covariates (an artifact as stored before
 * them). The lag they are differenced at is the artifact's own.
 */
export function storedRnnCovariates(c: RnnCovariates): Record<string, unknown> {
  const stats = (from: number, to: number) => ({ mean: c.mean.slice(from, to), std: c.std.slice(from, to) });
  return {
    ...(c.known > 0 ? { covariates: { columns: c.known, ...stats(0, c.known) } } : {}),
    ...(c.past > 0 ? { pastCovariates: { columns: c.past, horizon: c.pastHorizon, ...stats(c.known, c.known + c.past) } } : {}),
  };
}

/**
 * The covariate inputs an artifact stores, differenced at its `lag` (NO_COVARIATES for one stored before
 * them); throws EngineError('bad_artifact') on malformed ones.
 */
export function readRnnCovariates(artifact: Readonly<Record<string, unknown>>, lag: number): RnnCovariates {
  const known = artifact.covariates === undefined ? undefined : storedColumns(artifact.covariates, 'covariates');
  const past = artifact.pastCovariates === undefined ? undefined : storedColumns(artifact.pastCovariates, 'pastCovariates');
  if (!known && !past) return NO_COVARIATES;
  if (past && !(Number.isInteger(past.horizon) && (past.horizon as number) >= 1)) throw new EngineError('bad_artifact', "rnn forecast artifact's pastCovariates.horizon must be an integer >= 1");
  return {
    known: known?.columns ?? 0,
    past: past?.columns ?? 0,
    pastHorizon: past ? (past.horizon as number) : 0,
    lag,
    mean: [...(known?.mean ?? []), ...(past?.mean ?? [])],
    std: [...(known?.std ?? []), ...(past?.std ?? [])],
  };
}

/** One stored list of columns: their count and a finite mean and a positive deviation for each. */
function storedColumns(value: unknown, field: string): { columns: number; mean: number[]; std: number[]; horizon?: unknown } {
  const v = value as Record<string, unknown> | null;
  const numbers = (a: unknown, n: number, ok: (x: number) => boolean) => Array.isArray(a) && a.length === n && a.every((x) => typeof x === 'number' && ok(x));
  if (
    typeof v !== 'object' || v === null || !(Number.isInteger(v.columns) && (v.columns as number) >= 1) ||
    !numbers(v.mean, v.columns as number, Number.isFinite) || !numbers(v.std, v.columns as number, (x) => Number.isFinite(x) && x > 0)
  ) {
    throw new EngineError('bad_artifact', `rnn forecast artifact's ${field} must hold a column count and each column's mean and deviation`);
  }
  return v as { columns: number; mean: number[]; std: number[]; horizon?: unknown };
}
