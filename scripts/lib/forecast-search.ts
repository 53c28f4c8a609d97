/**
 * A forecast job's search and publication run in process, for the forecast benchmarks (bench-forecast-blend,
 * bench-forecast-covariates, bench-forecast-weekly): one plan (the baselines, each family's defaults, then
 * random configurations of the job's space), the end-of-search blend published only when it beats the best
 * trial on the rolling origins, the publication widening, and the published forecaster and the best trial
 * scored on held-out continuations no trial saw (every group of a grouped dataset, with the steps'
 * known-future covariates).
 */
import type { Dataset } from '../../src/engine/data/dataset';
import { Rng } from '../../src/engine/core/rng';
import { DEFAULT_POOL_TOP, ensembleCandidatePool } from '../../src/engine/ensemble/candidate-pool';
import { foldSelectionEstimate } from '../../src/engine/eval/fold-selection-estimate';
import {
  buildForecastBlendEnvelope,
  type ForecastEnvelope,
  type ForecastFamily,
  type ForecastOptions,
  type ForecastShape,
  forecastDefaults,
  forecastOriginTruth,
  forecastShapeOf,
  forecastSpace,
  loadForecaster,
  publicationWidening,
  runForecastTrial,
  selectForecastBlend,
  withWidenedSpread,
} from '../../src/engine/forecast';
import type { Params } from '../../src/engine/search/space';
import { sampleSpace } from '../../src/engine/search/sample-distribution';

/** Every job runs these parameter-free trials first. */
export const BASELINES: readonly ForecastFamily[] = ['seasonal_naive', 'drift'];

/** What every search of a benchmark shares. */
export interface SearchSettings {
  /** Learned trials (after the baselines), cycling through `families`. */
  readonly trials: number;
  readonly families: readonly ForecastFamily[];
  /** Rolling origins every trial validates on, as a forecast job's `folds`. */
  readonly origins: number;
}

/** One job: its columns and horizon. */
export interface SearchSpec {
  readonly target: string;
  readonly horizon: number;
  /** Draws the random configurations and seeds every trial. */
  readonly seed: number;
  readonly groupColumn?: string;
  /** Known-future covariate columns every trial is given, as the job gives them (the baselines ignore them). */
  readonly covariates?: readonly string[];
  /**
   * Rewrites the data shape the plan draws its spaces and defaults from (bench-forecast-weekly drops
   * `week` to search as before the weekly options); absent, the shape is forecastShapeOf's, as the job's.
   */
  readonly shape?: (shape: ForecastShape) => ForecastShape;
  /** Parameters every learned trial is given on top of its own (bench-forecast-schedule's `clock_aligned`). */
  readonly params?: Params;
}

/** A cell of a known-future covariate, as a forecast request gives it. */
export type CovariateValue = number | string;

/** What one series did after the searched data: the truth a forecast is scored on. */
export interface Continuation {
  /** The group's key; absent for an ungrouped dataset. */
  readonly group?: string;
  readonly values: readonly number[];
  /** Each step's covariates by column (a superset of any search's): the forecast is given the ones it names. */
  readonly covariates?: readonly Readonly<Record<string, CovariateValue>>[];
}

interface FinishedTrial {
  readonly id: string;
  readonly family: ForecastFamily;
  readonly loss: number;
  readonly foldScores: readonly number[];
  readonly originForecasts: Float32Array;
  readonly envelope: ForecastEnvelope;
}

/** How a published forecaster did on the continuations (pooled over the groups). */
export interface HeldOut {
  readonly rmse: number;
  /** Share of the continuation inside the 80% and 95% intervals. */
  readonly inside80: number;
  readonly inside95: number;
  /** The publication widening applied to its intervals. */
  readonly widening: number;
}

export interface SearchResult {
  readonly best: HeldOut & { readonly family: string };
  /** What the job publishes: the blend when it beat the best trial on the origins, else the best trial. */
  readonly published: HeldOut;
  readonly blendPublished: boolean;
  /** Distinct models in the published forecaster (1 for a single trial). */
  readonly members: number;
  /** The seasonal naive baseline's test RMSE: a yardstick that lets searches over other families be compared. */
  readonly naiveRmse: number;
}

/** The columns a trial and the origin truth read, without absent keys. */
function columnsOf(spec: SearchSpec) {
  return {
    target: spec.target,
    horizon: spec.horizon,
    ...(spec.groupColumn !== undefined ? { groupColumn: spec.groupColumn } : {}),
    ...(spec.covariates && spec.covariates.length > 0 ? { covariates: spec.covariates } : {}),
  };
}

/** The configurations a search tries, in order: baselines, each family's defaults, then random draws. */
function searchPlan(ds: Dataset, spec: SearchSpec, settings: SearchSettings) {
  // The same shape the job stores (worker/job-inputs resolveForecast), `positive` included: a series with
  // a zero (sunspots) is searched without log and Box-Cox, as the job would search it.
  const found = forecastShapeOf(ds, columnsOf(spec));
  const shape = spec.shape ? spec.shape(found) : found;
  const rng = new Rng(spec.seed);
  const { families } = settings;
  const learned = Array.from({ length: settings.trials }, (_, k) => {
    const family = families[k % families.length];
    const params = k < families.length ? forecastDefaults(family, shape) : sampleSpace(forecastSpace(family, shape), rng);
    return { family, params: { ...params, ...spec.params } };
  });
  return [...BASELINES.map((family) => ({ family, params: forecastDefaults(family, shape) })), ...learned];
}

async function runSearch(ds: Dataset, spec: SearchSpec, settings: SearchSettings): Promise<FinishedTrial[]> {
  const finished: FinishedTrial[] = [];
  for (const [k, { family, params }] of searchPlan(ds, spec, settings).entries()) {
    const out = await runForecastTrial(ds, { family, params, ...columnsOf(spec), seed: spec.seed, origins: settings.origins });
    if (out.status !== 'complete') continue;
    finished.push({ id: `t${k}`, family, loss: out.score, foldScores: out.foldScores, originForecasts: out.originForecasts, envelope: out.envelope });
  }
  if (finished.length === 0) throw new Error('every trial of the search failed');
  return finished;
}

/** What the job publishes (engine/forecast publicationWidening): intervals widened by the selection estimate over the model's own RMSE. */
function published(envelope: ForecastEnvelope, estimate: number | undefined, score: number): { envelope: ForecastEnvelope; widening: number } {
  const widening = publicationWidening(estimate, score);
  return widening > 1 ? { envelope: withWidenedSpread(envelope, widening), widening } : { envelope, widening };
}

/** The request options of a continuation's forecast: its group, and the values of the covariates the model reads. */
function requestOf(c: Continuation, covariates: readonly string[]): ForecastOptions {
  const group = c.group !== undefined ? { group: c.group } : {};
  if (covariates.length === 0) return group;
  if (!c.covariates || c.covariates.length < c.values.length) throw new Error(`the continuation of group ${JSON.stringify(c.group ?? '')} lacks the covariates of its steps`);
  // A request naming a column the model does not read is refused, so each search's are picked out.
  return { ...group, covariates: c.covariates.map((row) => Object.fromEntries(covariates.map((name) => [name, row[name]]))) };
}

async function heldOut(model: { envelope: ForecastEnvelope; widening: number }, future: readonly Continuation[], covariates: readonly string[]): Promise<HeldOut> {
  const forecaster = await loadForecaster(model.envelope);
  try {
    let sumSq = 0;
    let inside80 = 0;
    let inside95 = 0;
    let n = 0;
    for (const c of future) {
      const request = requestOf(c, covariates);
      const truth = c.values;
      const inside = (level: number) => forecaster.forecast(truth.length, { ...request, level }).filter((p, h) => truth[h] >= p.lower && truth[h] <= p.upper).length;
      sumSq = forecaster.forecast(truth.length, { ...request, level: 0.8 }).reduce((a, p, h) => a + (p.value - truth[h]) ** 2, sumSq);
      inside80 += inside(0.8);
      inside95 += inside(0.95);
      n += truth.length;
    }
    return { rmse: Math.sqrt(sumSq / n), inside80: inside80 / n, inside95: inside95 / n, widening: model.widening };
  } finally {
    forecaster.dispose();
  }
}

/** One job end to end on `ds`: search, blend, publication, and both candidates scored on `future`. */
export async function searchAndScore(ds: Dataset, future: readonly Continuation[], spec: SearchSpec, settings: SearchSettings): Promise<SearchResult> {
  const covariates = spec.covariates ?? [];
  const trials = await runSearch(ds, spec, settings);
  const best = trials.reduce((a, t) => (t.loss < a.loss ? t : a));
  const estimate = foldSelectionEstimate(trials.map((t) => t.foldScores), spec.seed)?.score;
  const bestHeldOut = { ...(await heldOut(published(best.envelope, estimate, best.loss), future, covariates)), family: best.family };
  const naive = trials.find((t) => t.family === 'seasonal_naive') as FinishedTrial;
  const naiveRmse = (await heldOut({ envelope: naive.envelope, widening: 1 }, future, covariates)).rmse;

  const truth = forecastOriginTruth(ds, { ...columnsOf(spec), origins: settings.origins });
  const pool = ensembleCandidatePool(trials, DEFAULT_POOL_TOP);
  const selection = selectForecastBlend(truth, pool.map((t) => ({ id: t.id, predictions: t.originForecasts })));
  if (!selection.improves) return { best: bestHeldOut, published: bestHeldOut, blendPublished: false, members: 1, naiveRmse };
  const byId = new Map(trials.map((t) => [t.id, t]));
  const members = selection.members.map((m) => ({ envelope: (byId.get(m.id) as FinishedTrial).envelope, weight: m.weight }));
  const blend = buildForecastBlendEnvelope(members, truth, selection.predictions, selection.score);
  const blendHeldOut = await heldOut(published(blend, estimate, selection.score), future, covariates);
  return { best: bestHeldOut, published: blendHeldOut, blendPublished: true, members: members.length, naiveRmse };
}
