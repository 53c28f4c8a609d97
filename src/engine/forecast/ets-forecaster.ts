/**
 * @module engine/forecast/ets-forecaster
 * The `ets` forecast family: exponential smoothing (additive errors, in the state-space form of Hyndman
 * et al.) of the transformed series, with no, a linear or a damped trend and an optional additive season
 * (multiplicative in effect on the log or Box-Cox scale). It is the classic strong model of short
 * seasonal series, and unlike the lag-feature families it weighs recent points more by construction.
 * The search chooses the structure (transform, trend, season); the smoothing weights are fitted to the
 * one-step errors by Nelder-Mead, shared by every series of a grouped job.
 *
 * A fitted model keeps no per-series state: it runs the smoothing over the last `window` points of
 * whatever history it is given (the envelope's tail, or a champion's new history), starting from a
 * simple initialisation, and the weights were fitted on windows of that same length. So serving, rolling
 * origins and champion/challenger comparisons all see one model, and the envelope stays small.
 */
import { EngineError } from '../core/errors';
import { minimize } from '../core/nelder-mead';
import type { Params } from '../search/space';
import type { FitSeries, FittedForecastModel, ForecastFitContext, ForecastModelArtifact, SeriesState } from './forecast-model';
import { resolveSeriesOptions } from './forecast-params';
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

function mean(z: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += z[i];
  return s / (to - from);
}

/** Runs the smoothing over z: the one-step squared errors and the states after the last point. */
function smooth(z: Float64Array, s: EtsStructure, w: EtsWeights): Smoothed {
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
    for (let i = 0; i < m; i++) seasons[i] = z[i] - (first + (i - (m - 1) / 2) * slope);
    const centre = mean(seasons, 0, m);
    for (let i = 0; i < m; i++) seasons[i] -= centre;
    // The level one step before the first point: the first season's mean, moved back from its middle.
    level = first - ((m + 1) / 2) * slope;
  } else {
    const k = Math.min(n, 4);
    if (trend && k > 1) slope = (z[k - 1] - z[0]) / (k - 1);
    level = z[0] - slope;
  }
  let sse = 0;
  for (let t = 0; t < n; t++) {
    const j = t % m;
    const e = z[t] - (level + phi * slope + seasons[j]);
    sse += e * e;
    level = level + phi * slope + w.alpha * e;
    if (trend) slope = phi * slope + w.beta * e;
    if (m > 1) seasons[j] += w.gamma * e;
  }
  return { sse, level, slope: trend ? slope : 0, seasons, count: n };
}

/** The next `steps` transformed values after a smoothed history. */
function extrapolate(sm: Smoothed, s: EtsStructure, w: EtsWeights, steps: number): Float64Array {
  const phi = s.trend === 'damped' ? w.phi : 1;
  const out = new Float64Array(steps);
  let damped = 0;
  let power = 1;
  for (let h = 1; h <= steps; h++) {
    power *= phi;
    damped += power;
    out[h - 1] = sm.level + damped * sm.slope + (s.season > 1 ? sm.seasons[(sm.count + h - 1) % s.season] : 0);
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

  constructor(
    private readonly structure: EtsStructure,
    private readonly weights: EtsWeights,
    readonly fitInfo: Readonly<Record<string, number>>,
  ) {
    this.tailLength = structure.window;
  }

  forecast(state: SeriesState, steps: number): Float64Array {
    const { transform, window } = this.structure;
    const n = Math.min(state.tail.length, window);
    if (n < minPoints(this.structure.season)) throw new EngineError('invalid_input', `exponential smoothing needs the last ${minPoints(this.structure.season)} values of the series, got ${n}`);
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = forward(transform, state.tail[state.tail.length - n + i], state.scale);
    const path = extrapolate(smooth(z, this.structure, this.weights), this.structure, this.weights, steps);
    return path.map((v) => inverse(transform, v, state.scale));
  }

  toArtifact(): ForecastModelArtifact {
    return { family: 'ets', version: ETS_ARTIFACT_VERSION, ...this.structure, ...this.weights };
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
  const structure: EtsStructure = { transform, trend, season, window };
  const z = windows.map((v, g) => v.map((x) => forward(transform, x, series[g].scale)));
  const points = z.reduce((a, v) => a + v.length, 0);
  const loss = (u: Float64Array) => z.reduce((a, v) => a + smooth(v, structure, weightsOf(u)).sse, 0) / points;
  await ctx.yieldControl?.();
  const best = minimize(loss, START, { maxEvaluations: 600 });
  const weights = weightsOf(best.x);
  return new EtsForecaster(structure, weights, { ...weights, window, season, one_step_rmse: Math.sqrt(best.value), evaluations: best.evaluations, boxcox_lambda: transform.lambda });
}

/** Rebuilds an ets forecaster; throws EngineError('bad_artifact') naming what is missing or out of range. */
export async function loadEtsForecaster(artifact: ForecastModelArtifact): Promise<FittedForecastModel> {
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
  return new EtsForecaster({ transform: tr, trend: a.trend as EtsTrend, season, window }, weights, {});
}
