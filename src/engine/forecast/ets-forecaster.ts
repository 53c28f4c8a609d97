/**
 * @module engine/forecast/ets-forecaster
 * The `ets` forecast family: exponential smoothing (additive errors, in the state-space form of Hyndman
 * et al.) of the transformed series, with no, a linear or a damped trend and an optional additive season
 * (multiplicative in effect on the log or Box-Cox scale). It is the classic strong model of short
 * seasonal series, and unlike the lag-feature families it weighs recent points more by construction.
 * The search chooses the structure (transform, trend, season); the smoothing weights are fitted to the
 * one-step errors by Nelder-Mead, shared by every series of a grouped job. A job's known-future
 * covariates enter as a regression with smoothing errors (./ets-regression): its coefficients are fitted
 * with the weights and shared as they are, the smoothing runs on what the regression leaves, and each
 * forecast step adds the regression on that step's covariates (SeriesState.covariates). On business
 * hours whose days open for different hours, the season is indexed by the clock slot rather than by
 * position (./clock-alignment; `phased` in the artifact, absent in every one stored before), with or
 * without covariates: a smoothing on fixed phases is as linear in what it smooths as a positional one,
 * so the regression's errors (./ets-regression) are read on the same clock, each series' with its phases.
 *
 * A fitted model keeps no per-series state: it runs the smoothing over the last `window` points of
 * whatever history it is given (the envelope's tail, or a champion's new history), starting from a
 * simple initialisation, and the weights were fitted on windows of that same length. So serving, rolling
 * origins and champion/challenger comparisons all see one model, and the envelope stays small.
 */
import { EngineError } from '../core/errors';
import { minimize } from '../core/nelder-mead';
import type { Params } from '../search/space';
import type { Calendar } from './calendar';
import { type ClockAlignment, clockAlignmentOf, phasesFrom, weekPositionAt } from './clock-alignment';
import type { FitSeries, FittedForecastModel, ForecastFitContext, ForecastModelArtifact, SeriesState } from './forecast-model';
import { covariateCoefficients, regressionAt } from './ets-regression';
import { clockAlignedParam, resolveSeriesOptions } from './forecast-params';
import { fitTransform, forward, inverse, type TargetTransform } from './target-transform';

export const ETS_ARTIFACT_VERSION = 1;

export type EtsTrend = 'none' | 'additive' | 'damped';
export const ETS_TRENDS: readonly EtsTrend[] = ['none', 'additive', 'damped'];

/** The smoothing weights: level, trend, season, and the trend's damping. */
export interface EtsWeights {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
}

interface EtsStructure {
  readonly transform: TargetTransform;
  readonly trend: EtsTrend;
  /** Season length when seasonal, else 1. */
  readonly season: number;
  /** Points of history the smoothing runs over. */
  readonly window: number;
  /** The season is indexed by clock slot (./clock-alignment); absent: by position. */
  readonly phased?: true;
}

/** A phased model's clock: the alignment and the calendar that places a series' points on it. */
interface Phasing {
  readonly align: ClockAlignment;
  readonly calendar: Calendar;
}

/**
 * How much history a model smooths over: eight seasons (or 60 points), at most 400, so that the simple
 * start is forgotten by the end and an envelope's tails stay small.
 */
export function etsWindow(season: number): number {
  return Math.min(400, Math.max(60, 8 * season));
}

/** Fewest points: two full seasons to start a seasonal model, four otherwise. */
function minPoints(season: number): number {
  return season > 1 ? 2 * season : 4;
}

interface Smoothed {
  readonly sse: number;
  readonly level: number;
  readonly slope: number;
  readonly seasons: Float64Array;
  /** Points smoothed (the next point's season is seasons[count % season]). */
  readonly count: number;
}

/**
 * The seasonal start of a phased smoothing: the first season's deviations from its trend line, averaged
 * per clock phase (a phase the first season does not hold stays 0) and centred over the phases it holds.
 */
function phasedStart(z: Float64Array, m: number, first: number, slope: number, phases: Int32Array, seasons: Float64Array): void {
  const seen = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    seasons[phases[i]] += z[i] - (first + (i - (m - 1) / 2) * slope);
    seen[phases[i]]++;
  }
  let centre = 0;
  let held = 0;
  for (let p = 0; p < m; p++) {
    if (seen[p] === 0) continue;
    seasons[p] /= seen[p];
    centre += seasons[p];
    held++;
  }
  for (let p = 0; p < m; p++) if (seen[p] > 0) seasons[p] -= centre / held;
}

function mean(z: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += z[i];
  return s / (to - from);
}

/**
 * Runs the smoothing over z: the one-step squared errors and the states after the last point; with
 * `errors`, writes each one-step error there too (what ./ets-regression regresses); with `phases`, point
 * t updates the season of phase phases[t] rather than t % season.
 */
function smooth(z: Float64Array, s: EtsStructure, w: EtsWeights, errors?: Float64Array, phases?: Int32Array): Smoothed {
  const m = s.season;
  const n = z.length;
  const trend = s.trend !== 'none';
  const phi = s.trend === 'damped' ? w.phi : 1;
  const seasons = new Float64Array(m);
  let slope = 0;
  let level: number;
  if (m > 1) {
    const first = mean(z, 0, m);
    if (trend) slope = (mean(z, m, 2 * m) - first) / m;
    if (phases !== undefined) phasedStart(z, m, first, slope, phases, seasons);
    else {
      for (let i = 0; i < m; i++) seasons[i] = z[i] - (first + (i - (m - 1) / 2) * slope);
      const centre = mean(seasons, 0, m);
      for (let i = 0; i < m; i++) seasons[i] -= centre;
    }
    // The level one step before the first point: the first season's mean, moved back from its middle.
    level = first - ((m + 1) / 2) * slope;
  } else {
    const k = Math.min(n, 4);
    if (trend && k > 1) slope = (z[k - 1] - z[0]) / (k - 1);
    level = z[0] - slope;
  }
  let sse = 0;
  for (let t = 0; t < n; t++) {
    const j = phases === undefined ? t % m : phases[t];
    const e = z[t] - (level + phi * slope + seasons[j]);
    sse += e * e;
    if (errors) errors[t] = e;
    level = level + phi * slope + w.alpha * e;
    if (trend) slope = phi * slope + w.beta * e;
    if (m > 1) seasons[j] += w.gamma * e;
  }
  return { sse, level, slope: trend ? slope : 0, seasons, count: n };
}

/** The next `steps` transformed values after a smoothed history (with `phases`, of the history and the steps). */
function extrapolate(sm: Smoothed, s: EtsStructure, w: EtsWeights, steps: number, phases?: Int32Array): Float64Array {
  const phi = s.trend === 'damped' ? w.phi : 1;
  const out = new Float64Array(steps);
  let damped = 0;
  let power = 1;
  for (let h = 1; h <= steps; h++) {
    power *= phi;
    damped += power;
    const j = phases === undefined ? (sm.count + h - 1) % s.season : phases[sm.count + h - 1];
    out[h - 1] = sm.level + damped * sm.slope + (s.season > 1 ? sm.seasons[j] : 0);
  }
  return out;
}

const logistic = (u: number) => 1 / (1 + Math.exp(-u));
const logit = (p: number) => Math.log(p / (1 - p));

/** Weights from unconstrained variables: 0 < alpha < 1, beta < alpha, gamma < 1 - alpha, 0.8 <= phi <= 0.98. */
function weightsOf(u: Float64Array): EtsWeights {
  const alpha = 1e-4 + (1 - 2e-4) * logistic(u[0]);
  return { alpha, beta: alpha * logistic(u[1]), gamma: (1 - alpha) * logistic(u[2]), phi: 0.8 + 0.18 * logistic(u[3]) };
}

/** The start of the weights' search: alpha 0.3, beta and gamma a tenth of their room, phi 0.95. */
const START = Float64Array.from([logit((0.3 - 1e-4) / (1 - 2e-4)), logit(0.1), logit(0.1), logit((0.95 - 0.8) / 0.18)]);

class EtsForecaster implements FittedForecastModel {
  readonly family = 'ets' as const;
  readonly tailLength: number;

  /**
   * @param coefficients the regression on the covariates' encoded columns (./ets-regression); absent for
   *   a model fitted without covariates, as every one stored before ets read them, which reads none.
   * @param phasing the clock of a phased model; absent: the season is positional.
   */
  constructor(
    private readonly structure: EtsStructure,
    private readonly weights: EtsWeights,
    private readonly coefficients: Float64Array | undefined,
    readonly fitInfo: Readonly<Record<string, number>>,
    private readonly phasing?: Phasing,
  ) {
    this.tailLength = structure.window;
  }

  forecast(state: SeriesState, steps: number): Float64Array {
    const { transform, window } = this.structure;
    const n = Math.min(state.tail.length, window);
    if (n < minPoints(this.structure.season)) throw new EngineError('invalid_input', `exponential smoothing needs the last ${minPoints(this.structure.season)} values of the series, got ${n}`);
    const coef = this.coefficients;
    const columns = coef ? this.covariatesOf(state, coef.length, steps) : undefined;
    const from = state.tail.length - n;
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = forward(transform, state.tail[from + i], state.scale);
    // The smoothing sees what the regression leaves of the series, and each step gets the regression back.
    if (coef && columns) for (let i = 0; i < n; i++) z[i] -= regressionAt(coef, columns, from + i);
    // A phased model's points take their phases from the clock: the tail's first is n - 1 before its last.
    const ph = this.phasing;
    const phases = ph === undefined ? undefined : phasesFrom(ph.align, weekPositionAt(ph.align, ph.calendar, state.lastTime) - (n - 1), n + steps);
    const path = extrapolate(smooth(z, this.structure, this.weights, undefined, phases), this.structure, this.weights, steps, phases);
    if (coef && columns) for (let h = 0; h < steps; h++) path[h] += regressionAt(coef, columns, state.tail.length + h);
    return path.map((v) => inverse(transform, v, state.scale));
  }

  /** The state's covariates, checked to cover the tail and the steps ahead (refused naming `covariates`). */
  private covariatesOf(state: SeriesState, width: number, steps: number): readonly Float64Array[] {
    const c = state.covariates;
    if (!(c && c.length === width && c.every((col) => col.length >= state.tail.length + steps))) {
      throw new EngineError('invalid_input', `this forecaster reads ${width} covariate column${width === 1 ? '' : 's'} at every step; the values of the series' recent points or of the ${steps} steps ahead are missing`, { field: 'covariates' });
    }
    return c;
  }

  toArtifact(): ForecastModelArtifact {
    // The coefficients come last and only with covariates: an artifact without them is as before.
    const coef = this.coefficients ? { coefficients: Array.from(this.coefficients) } : {};
    return { family: 'ets', version: ETS_ARTIFACT_VERSION, ...this.structure, ...this.weights, ...coef };
  }

  dispose(): void {}
}

/** The trend a trial asks for (`trend`: none, additive or damped). */
function trendParam(params: Params): EtsTrend {
  const v = params.trend ?? 'damped';
  if (!ETS_TRENDS.includes(v as EtsTrend)) throw new EngineError('invalid_params', `trend must be one of ${ETS_TRENDS.join(', ')}; got ${JSON.stringify(v)}`, { param: 'trend' });
  return v as EtsTrend;
}

export async function fitEtsForecaster(params: Params, series: readonly FitSeries[], ctx: ForecastFitContext): Promise<FittedForecastModel> {
  const seasonal = params.seasonal ?? ctx.calendar.season > 1;
  if (typeof seasonal !== 'boolean') throw new EngineError('invalid_params', `seasonal must be true or false; got ${JSON.stringify(seasonal)}`, { param: 'seasonal' });
  const season = seasonal && ctx.calendar.season > 1 ? ctx.calendar.season : 1;
  const trend = trendParam(params);
  const shortest = Math.min(...series.map((s) => s.values.length));
  if (shortest < minPoints(season)) {
    throw new EngineError('invalid_params', `exponential smoothing${season > 1 ? ` with a season of ${season}` : ''} needs at least ${minPoints(season)} points per series; the shortest has ${shortest}`, { param: 'seasonal' });
  }
  const window = Math.min(shortest, etsWindow(season));
  const windows = series.map((s) => s.values.subarray(s.values.length - window));
  const transform = fitTransform(resolveSeriesOptions(params).transform, windows.map((v, g) => v.map((x) => x / series[g].scale)), ctx.target);
  const covariates = series.some((s) => s.covariates && s.covariates.length > 0);
  // The season on the clock (business hours whose days differ).
  const align = season > 1 && clockAlignedParam(params) ? clockAlignmentOf(ctx.calendar) : null;
  const phasing = align === null ? undefined : { align, calendar: ctx.calendar };
  const phases = series.map((s) => phasesOf(phasing, s, s.values.length - window));
  const structure: EtsStructure = { transform, trend, season, window, ...(align !== null ? { phased: true as const } : {}) };
  const z = windows.map((v, g) => v.map((x) => forward(transform, x, series[g].scale)));
  const points = z.reduce((a, v) => a + v.length, 0);
  await ctx.yieldControl?.();
  const best = fitWeights(z, structure, points, phases);
  const weights = weightsOf(best.x);
  const info = { ...weights, window, season, one_step_rmse: Math.sqrt(best.value), evaluations: best.evaluations, boxcox_lambda: transform.lambda };
  if (!covariates) return new EtsForecaster(structure, weights, undefined, info, phasing);
  await ctx.yieldControl?.();
  return fitWithCovariates(series, structure, z, weights, info, phasing);
}

/** The clock phases of a series' points from index `from` to its last (none when positional). */
function phasesOf(phasing: Phasing | undefined, s: FitSeries, from: number): Int32Array | undefined {
  return phasing === undefined ? undefined : phasesFrom(phasing.align, weekPositionAt(phasing.align, phasing.calendar, s.times[from]), s.values.length - from);
}

/** The smoothing weights that minimise the one-step errors of the series z (Nelder-Mead from START), each with its phases when phased. */
function fitWeights(z: readonly Float64Array[], structure: EtsStructure, points: number, phases?: readonly (Int32Array | undefined)[]): ReturnType<typeof minimize> {
  const loss = (u: Float64Array) => z.reduce((a, v, g) => a + smooth(v, structure, weightsOf(u), undefined, phases?.[g]).sse, 0) / points;
  return minimize(loss, START, { maxEvaluations: 600 });
}

/**
 * Most points of each series the covariates' coefficients are fitted on. Longer than the smoothing's
 * window, because a covariate's effect does not fade as a level does, and rare events (holidays) need
 * more than a window to be seen a few times: on the simulated shops of bench-forecast-covariates, fitted
 * over the window (60 days) ets with covariates scored 0.63 of ets without (held-out RMSE, geometric
 * mean), over 240 days 0.51, over all 351 the same.
 */
const ETS_REGRESSION_SPAN = 1000;

/**
 * The regression with smoothing errors (./ets-regression), shared by every series as the weights are:
 * the coefficients regress the target's one-step errors on the covariates' under the weights fitted
 * without them (over each series' last ETS_REGRESSION_SPAN points), then the weights are fitted again to
 * the windows of what the regression leaves. Repeating the two steps, or minimising both at once,
 * forecast no better on the simulated shops (0.51 either way) at several times the work.
 */
function fitWithCovariates(series: readonly FitSeries[], structure: EtsStructure, z: readonly Float64Array[], first: EtsWeights, info: Record<string, number>, phasing?: Phasing): FittedForecastModel {
  const width = series[0].covariates?.length ?? 0;
  const spans = series.map((s, g) => {
    const c = s.covariates;
    if (!(c && c.length === width && c.every((col) => col.length === s.values.length))) {
      throw new EngineError('invalid_input', `series ${g + 1} has ${c?.length ?? 0} covariate columns of ${s.values.length} points; every series needs ${width}, one value per point`, { field: 'covariates' });
    }
    const from = regressionStart(s.values, structure);
    return { z: s.values.subarray(from).map((v) => forward(structure.transform, v, s.scale)), x: c.map((col) => col.subarray(from)), phases: phasesOf(phasing, s, from) };
  });
  // A series' span and its columns are smoothed on that span's phases (the span starts before the window).
  const coefficients = covariateCoefficients(spans.map((s) => s.z), spans.map((s) => s.x), (v, out, g) => smooth(v, structure, first, out, spans[g].phases));
  const window = structure.window;
  const residuals = z.map((v, g) => {
    const x = spans[g].x;
    const offset = x[0].length - window;
    return v.map((zt, t) => zt - regressionAt(coefficients, x, offset + t));
  });
  const best = fitWeights(residuals, structure, residuals.reduce((a, v) => a + v.length, 0), series.map((s) => phasesOf(phasing, s, s.values.length - window)));
  const weights = weightsOf(best.x);
  const used = coefficients.reduce((a, c) => a + (c !== 0 ? 1 : 0), 0);
  return new EtsForecaster(structure, weights, coefficients, { ...info, ...weights, one_step_rmse: Math.sqrt(best.value), evaluations: info.evaluations + best.evaluations, covariate_columns: used }, phasing);
}

/**
 * Where a series' regression span starts: ETS_REGRESSION_SPAN points back, and for a log or Box-Cox
 * transform after its last value of 0 or below (only the window is checked to be positive, and such a
 * value would enter the regression as a huge negative outlier).
 */
function regressionStart(values: Float64Array, s: EtsStructure): number {
  const from = Math.max(0, values.length - Math.max(s.window, ETS_REGRESSION_SPAN));
  if (s.transform.kind === 'none') return from;
  for (let i = values.length - s.window - 1; i >= from; i--) if (!(values[i] > 0)) return i + 1;
  return from;
}

/** Rebuilds an ets forecaster; throws EngineError('bad_artifact') naming what is missing or out of range. */
export async function loadEtsForecaster(artifact: ForecastModelArtifact, calendar: Calendar): Promise<FittedForecastModel> {
  if (artifact.version !== ETS_ARTIFACT_VERSION) throw new EngineError('bad_artifact', `unknown ets forecast artifact version ${String(artifact.version)}`);
  const a = artifact as Record<string, unknown>;
  const tr = a.transform as TargetTransform | undefined;
  const num = (k: string) => typeof a[k] === 'number' && Number.isFinite(a[k]);
  if (typeof tr?.lambda !== 'number' || !ETS_TRENDS.includes(a.trend as EtsTrend) || !['alpha', 'beta', 'gamma', 'phi', 'season', 'window'].every(num)) {
    throw new EngineError('bad_artifact', 'ets forecast artifact is missing its transform, trend, weights or window');
  }
  const season = a.season as number;
  const window = a.window as number;
  if (!(Number.isInteger(season) && season >= 1 && Number.isInteger(window) && window >= minPoints(season))) {
    throw new EngineError('bad_artifact', `ets forecast artifact has a season of ${season} and a window of ${window}`);
  }
  const weights = { alpha: a.alpha as number, beta: a.beta as number, gamma: a.gamma as number, phi: a.phi as number };
  const align = a.phased === undefined ? null : clockAlignmentOf(calendar);
  if (a.phased !== undefined && (a.phased !== true || align === null || align.season !== season)) {
    throw new EngineError('bad_artifact', `ets forecast artifact indexes its season of ${season} by phase, but its frequency is not business hours whose days open for different hours with that season`);
  }
  const structure: EtsStructure = { transform: tr, trend: a.trend as EtsTrend, season, window, ...(align !== null ? { phased: true as const } : {}) };
  return new EtsForecaster(structure, weights, storedCoefficients(a.coefficients), {}, align === null ? undefined : { align, calendar });
}

/** An artifact's regression coefficients: none (as stored before ets read covariates), or finite numbers, one per encoded column. */
function storedCoefficients(v: unknown): Float64Array | undefined {
  if (v === undefined) return undefined;
  if (!(Array.isArray(v) && v.length >= 1 && v.every((c) => typeof c === 'number' && Number.isFinite(c)))) {
    throw new EngineError('bad_artifact', 'ets forecast artifact has coefficients that are not a list of finite numbers, one per covariate column');
  }
  return Float64Array.from(v);
}
