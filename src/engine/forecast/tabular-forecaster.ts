/**
 * @module engine/forecast/tabular-forecaster
 * The `linear`, `gbdt` and `random_forest` forecast families: the tabular model specs of models/registry,
 * fitted as regressors on lag-feature rows (./lag-features) pooled over every series, predicting the next
 * transformed and differenced value; forecasts are recursive (./recursive). Features are standardised
 * with the training rows' means and deviations, which the ridge penalty of `linear` needs and trees ignore.
 * A job's known-future covariates are the last features of a row (./covariates): these families learn
 * from them (as the rnn does, ./rnn-covariates), so each forecast step needs their values
 * (SeriesState.covariates). Past-only covariates (./past-covariates) follow them, read `past_lags` times
 * from the job's horizon H back, so a model reading them forecasts at most H steps, from the values
 * observed up to its last point. On business hours whose days open for different hours, the seasonal
 * differencing and seasonal lags read the same time of day on earlier open days (./clock-alignment;
 * `clockAligned` in the artifact, absent in every one stored before and every one reading no season back).
 */
import { EngineError } from '../core/errors';
import { matrix } from '../core/matrix';
import { decodeF32, encodeF32 } from '../serialize/codec';
import type { FittedModel, ModelArtifact } from '../models/model';
import { getModelSpec } from '../models/registry';
import type { Params } from '../search/space';
import type { Calendar } from './calendar';
import { phaseAt, weekdayAt } from './calendar';
import { type BackReader, type ClockAlignment, clockAlignmentOf, readReach } from './clock-alignment';
import { differenceLag } from './differencing';
import type { FitSeries, FittedForecastModel, ForecastFitContext, ForecastModelArtifact, SeriesState } from './forecast-model';
import { clockAlignedParam, intParam, nestedModelParams, resolveLagLayout, resolveSeriesOptions } from './forecast-params';
import { covariateLagsOf, featureCount, lagWarmup, type LagLayout, pastReach, writeLagFeatures } from './lag-features';
import { defaultPastLags, pastCovariateLagsOf } from './past-covariates';
import { readerAt, recursiveForecast, transformedSeries } from './recursive';
import { fitTransform, type TargetTransform } from './target-transform';

export type TabularForecastFamily = 'linear' | 'gbdt' | 'random_forest';

export const TABULAR_ARTIFACT_VERSION = 1;

/** Fewest training rows a tabular forecaster accepts. */
const MIN_ROWS = 8;

interface TabularState {
  readonly family: TabularForecastFamily;
  readonly transform: TargetTransform;
  readonly lag: number;
  readonly layout: LagLayout;
  readonly colMean: Float32Array;
  readonly colStd: Float32Array;
  readonly calendar: Calendar;
  /** The clock its seasonal reads follow (./clock-alignment); null: positional, as every model stored before. */
  readonly align: ClockAlignment | null;
}

/** Points back the differencing and the lag features of a state reach (past covariates aside: pastReach). */
function reachOf(s: Pick<TabularState, 'lag' | 'layout' | 'align'>): number {
  return readReach(s.align, s.lag) + lagWarmup(s.layout, s.align);
}

/** Whether a layout differenced at `lag` reads anything a whole season back (so on the clock, when there is one). */
function readsSeasonBack(layout: LagLayout, lag: number, align: ClockAlignment): boolean {
  return lag === align.season || layout.seasonalLags.some((k) => k !== align.week && k % align.season === 0);
}

/** Most lags of each past covariate a trial may read (`past_lags`). */
const MAX_PAST_LAGS = 1000;

class TabularForecaster implements FittedForecastModel {
  readonly tailLength: number;
  readonly pastHorizon?: number;
  private readonly row: Float32Array;

  constructor(
    private readonly state: TabularState,
    private readonly model: FittedModel,
    readonly fitInfo: Readonly<Record<string, number>>,
  ) {
    this.tailLength = Math.max(reachOf(state), pastReach(state.layout));
    if (pastReach(state.layout) > 0) this.pastHorizon = (state.layout.pastCovariateLags as readonly number[])[0];
    this.row = new Float32Array(state.colMean.length);
  }

  get family(): TabularForecastFamily {
    return this.state.family;
  }

  forecast(series: SeriesState, steps: number): Float64Array {
    const { layout, colMean, colStd, transform, lag, calendar, align } = this.state;
    const row = this.row;
    const X = matrix(1, row.length, row);
    const width = layout.covariates ?? 0;
    const covariates = series.covariates;
    if (width > 0 && !(covariates && covariates.length === width && covariates.every((c) => c.length >= series.tail.length + steps))) {
      throw new EngineError('invalid_input', `this forecaster reads ${width} covariate column${width === 1 ? '' : 's'} at every step; the values of the series' recent points or of the ${steps} steps ahead are missing`, { field: 'covariates' });
    }
    const past = this.pastOf(series, steps);
    const predict = (d: Float64Array, t: number, phase: number, position: number, weekday: number, back?: BackReader) => {
      writeLagFeatures(layout, d, t, phase, position, weekday, row, 0, covariates, past, back);
      for (let j = 0; j < row.length; j++) row[j] = (row[j] - colMean[j]) / colStd[j];
      return this.model.predict(X)[0];
    };
    return recursiveForecast(series, steps, transform, lag, this.tailLength, calendar, predict, align);
  }

  /**
   * The past covariates a forecast of `steps` reads: the tail's observed values, checked to be there, and
   * `steps` at most pastHorizon, since a step further would need a value nobody has observed yet.
   */
  private pastOf(series: SeriesState, steps: number): readonly Float64Array[] | undefined {
    const width = this.state.layout.pastCovariates ?? 0;
    if (width === 0) return undefined;
    const horizon = this.pastHorizon as number;
    if (steps > horizon) {
      throw new EngineError('invalid_input', `this forecaster reads past covariates at least ${horizon} steps back, so it forecasts at most ${horizon} steps ahead; asked for ${steps}`, { field: 'horizon', max: horizon });
    }
    const past = series.pastCovariates;
    if (!(past && past.length === width && past.every((c) => c.length >= series.tail.length))) {
      throw new EngineError('invalid_input', `this forecaster reads ${width} past covariate column${width === 1 ? '' : 's'}; their values at the series' recent points are missing`, { field: 'past_covariates' });
    }
    return past;
  }

  toArtifact(): ForecastModelArtifact {
    const s = this.state;
    return {
      family: s.family,
      version: TABULAR_ARTIFACT_VERSION,
      transform: s.transform,
      lag: s.lag,
      layout: s.layout,
      colMean: encodeF32(s.colMean),
      colStd: encodeF32(s.colStd),
      model: this.model.toArtifact(),
      ...(s.align !== null ? { clockAligned: true } : {}),
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Fits a tabular forecaster on every series' lag-feature rows. */
export async function fitTabularForecaster(family: TabularForecastFamily, params: Params, series: readonly FitSeries[], ctx: ForecastFitContext): Promise<FittedForecastModel> {
  const { season } = ctx.calendar;
  const opts = resolveSeriesOptions(params);
  const lag = differenceLag(opts.differencing, season);
  const lagsOnly = resolveLagLayout(params, season, ctx.calendar.frequency);
  const clock = clockAlignedParam(params) ? clockAlignmentOf(ctx.calendar) : null;
  const align = clock !== null && readsSeasonBack(lagsOnly, lag, clock) ? clock : null;
  const width = series[0]?.covariates?.length ?? 0;
  const transform = fitTransform(opts.transform, series.map((s) => s.values.map((v) => v / s.scale)), ctx.target);
  // Covariates are read no further back than the lags or the differencing, so they do not move the start
  // (on the clock, whole seasons back within the lags may reach further: lagWarmup counts them given the
  // width); past covariates are read from the horizon back, which may.
  const pastWidth = series[0]?.pastCovariates?.length ?? 0;
  const past = pastWidth > 0 ? pastLagRange(params, ctx) : undefined;
  const start = Math.max(reachOf({ lag, layout: width > 0 ? { ...lagsOnly, covariates: width } : lagsOnly, align }), past ? past.horizon + past.count - 1 : 0);
  let rows = 0;
  for (const s of series) rows += Math.max(0, s.values.length - start);
  if (rows < MIN_ROWS) {
    const why = past ? ` (past covariates are read ${past.horizon} to ${past.horizon + past.count - 1} steps back: the horizon and past_lags)` : '';
    throw new EngineError('invalid_params', `the lag features reach back ${start} steps${why}, leaving ${rows} training rows (at least ${MIN_ROWS} needed); use fewer lags, a shorter window or less differencing${past ? ', fewer past_lags or a shorter horizon' : ''}`, { rows, reach: start });
  }
  const known: LagLayout = width > 0 ? { ...lagsOnly, covariates: width, covariateLags: covariateLagsOf(lagsOnly, lag, width, rows) } : lagsOnly;
  const knownFeatures = width * (known.covariateLags?.length ?? 0);
  const layout: LagLayout = past ? { ...known, pastCovariates: pastWidth, pastCovariateLags: pastCovariateLagsOf(past.horizon, past.count, pastWidth, rows, knownFeatures) } : known;
  const cols = featureCount(layout);
  const X = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  let r = 0;
  for (const s of series) {
    const back = readerAt(align, ctx.calendar, s.times[0]);
    const { d } = transformedSeries(s.values, s.scale, transform, lag, back);
    for (let t = start; t < s.values.length; t++, r++) {
      writeLagFeatures(layout, d, t, phaseAt(ctx.calendar, s.times[t]), t, weekdayAt(ctx.calendar, s.times[t]), X, r * cols, s.covariates, s.pastCovariates, back);
      y[r] = d[t];
    }
  }
  const { mean, std } = standardiseColumns(X, rows, cols);
  const spec = getModelSpec(family);
  const model = await spec.fit({ X: matrix(rows, cols, X), y }, nestedModelParams(params), {
    task: 'regression',
    nClasses: 0,
    rng: ctx.rng,
    yieldControl: ctx.yieldControl,
  });
  const state: TabularState = { family, transform, lag, layout, colMean: mean, colStd: std, calendar: ctx.calendar, align };
  return new TabularForecaster(state, model, { ...model.fitInfo, training_rows: rows, features: cols, boxcox_lambda: transform.lambda });
}

/** The past covariates' lags a fit reads: `past_lags` of them from the job's horizon on (refused without a horizon). */
function pastLagRange(params: Params, ctx: ForecastFitContext): { horizon: number; count: number } {
  const horizon = ctx.horizon;
  if (!(horizon !== undefined && Number.isInteger(horizon) && horizon >= 1)) {
    throw new EngineError('invalid_params', 'past covariates are read at least the horizon back: the fit needs the horizon the model forecasts', { field: 'horizon' });
  }
  return { horizon, count: intParam(params, 'past_lags', defaultPastLags(ctx.calendar.season), 1, MAX_PAST_LAGS) };
}

/** Standardises the columns in place; returns the means and deviations used (deviation 1 for constants). */
function standardiseColumns(X: Float32Array, rows: number, cols: number): { mean: Float32Array; std: Float32Array } {
  const sum = new Float64Array(cols);
  const sumSq = new Float64Array(cols);
  for (let i = 0, o = 0; i < rows; i++) for (let j = 0; j < cols; j++, o++) {
    sum[j] += X[o];
    sumSq[j] += X[o] * X[o];
  }
  const mean = new Float32Array(cols);
  const std = new Float32Array(cols);
  for (let j = 0; j < cols; j++) {
    mean[j] = sum[j] / rows;
    const sd = Math.sqrt(Math.max(0, sumSq[j] / rows - (sum[j] / rows) ** 2));
    std[j] = sd > 1e-9 ? sd : 1;
  }
  for (let i = 0, o = 0; i < rows; i++) for (let j = 0; j < cols; j++, o++) X[o] = (X[o] - mean[j]) / std[j];
  return { mean, std };
}

/** Rebuilds a tabular forecaster; throws EngineError('bad_artifact') on an unknown version or a corrupt shape. */
export async function loadTabularForecaster(artifact: ForecastModelArtifact, calendar: Calendar): Promise<FittedForecastModel> {
  const family = artifact.family as TabularForecastFamily;
  if (artifact.version !== TABULAR_ARTIFACT_VERSION) throw new EngineError('bad_artifact', `unknown ${family} forecast artifact version ${String(artifact.version)}`);
  const { transform, lag, layout, colMean, colStd, model, clockAligned } = artifact as Record<string, unknown>;
  const tr = transform as TargetTransform;
  const l = layout as LagLayout;
  if (
    typeof colMean !== 'string' || typeof colStd !== 'string' || typeof lag !== 'number' || typeof model !== 'object' || model === null ||
    typeof tr?.lambda !== 'number' || typeof l?.lags !== 'number' || !Array.isArray(l.seasonalLags) ||
    (l.covariates !== undefined && !(Number.isInteger(l.covariates) && l.covariates >= 0)) ||
    (l.weekdayColumns !== undefined && !(Number.isInteger(l.weekdayColumns) && l.weekdayColumns >= 0 && l.weekdayColumns <= 7)) ||
    (l.covariateLags !== undefined && !(Array.isArray(l.covariateLags) && l.covariateLags.every((k) => Number.isInteger(k) && k >= 0 && k <= (lag as number) + lagWarmup(l)))) ||
    !validPastLayout(l)
  ) {
    throw new EngineError('bad_artifact', `${family} forecast artifact is missing its transform, layout or model`);
  }
  const mean = decodeF32(colMean);
  const std = decodeF32(colStd);
  if (mean.length !== featureCount(l) || std.length !== mean.length) throw new EngineError('bad_artifact', `${family} forecast artifact has ${mean.length} feature scales for ${featureCount(l)} features`);
  const inner = model as ModelArtifact;
  if (inner.family !== family) throw new EngineError('bad_artifact', `${family} forecast artifact holds a ${String(inner.family)} model`);
  const align = clockAligned === undefined ? null : clockAlignmentOf(calendar);
  if (clockAligned !== undefined && (clockAligned !== true || align === null)) {
    throw new EngineError('bad_artifact', `${family} forecast artifact reads its season on the clock, but its frequency is not business hours whose days open for different hours`);
  }
  const fitted = await getModelSpec(family).load(inner);
  return new TabularForecaster({ family, transform: tr, lag, layout: l, colMean: mean, colStd: std, calendar, align }, fitted, {});
}

/** A stored layout's past covariates: none (as stored before them), or columns read at ascending lags of at least 1. */
function validPastLayout(l: LagLayout): boolean {
  if (l.pastCovariates === undefined && l.pastCovariateLags === undefined) return true;
  const lags = l.pastCovariateLags;
  return (
    Number.isInteger(l.pastCovariates) && (l.pastCovariates as number) >= 1 &&
    Array.isArray(lags) && lags.length >= 1 && lags.every((k, i) => Number.isInteger(k) && k >= 1 && (i === 0 || k > lags[i - 1]))
  );
}
