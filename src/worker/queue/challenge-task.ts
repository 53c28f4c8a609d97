/**
 * @module worker/queue/challenge-task
 * The champion/challenger comparison of a retraining job, run in a consumer invocation (never in the
 * coordinator): draws the job's held-out rows from its dataset exactly as the trials left them out (of a
 * forecast job: the latest points of every series, forecast by both models after the same history),
 * loads the challenger (the job's result) and the current champion as served, predicts both on those
 * rows through the engine Predictor and scores them with the job's metric, with a paired bootstrap of
 * the difference (engine/eval/paired-bootstrap: how much of it the held-out rows alone could make). Anything that stops a fair
 * comparison (an unreadable artifact, different class lists, a label the champion never saw) becomes a
 * failed report, which keeps the champion; only storage being down is thrown, so the queue retries.
 * One thing is no obstacle but an outcome: a forecast champion that cannot forecast the held-out points
 * at all (see compareForecasts) reports no score, and the challenger that can takes its place; one that
 * never saw some of the held-out series is compared on the series it knows, the new ones named. A forecast
 * job's report also carries the champion advanced to the job's data (./champion-advance), whatever the
 * comparison came to: the Registry makes it the champion if the champion stays.
 */
import { applyOverrides, type Dataset, METRICS, pairedDifference, type Predictor } from '../../engine';
import { outputWidth } from '../../engine/core/task';
import { datasetRows, truthFor } from '../../engine/data/dataset-rows';
import { holdoutPart } from '../../engine/data/holdout';
import { positiveClassIndex } from '../../engine/eval/positive-class';
import type { ChallengeReport, ChallengeWork, ForecastJobSpec, NewSeries } from '../../durable/protocol';
import { type Forecaster, type ForecastMetric, forecastMetricOf, scoreOnSeriesTail, type SeriesColumns, seriesKnownTo, unseenTailCategories, type UnseenTailCategories } from '../../engine/forecast';
import { listSome } from '../errors';
import { withForecasters, withPredictors } from '../model-cache';
import { isStorageUnavailable } from '../storage';
import { advanceChampion } from './champion-advance';
import { forecastColumns } from './forecast-columns';

/** Rows per Predictor call: bounds how many request-shaped row objects are alive at once. */
const WINDOW_ROWS = 1_000;

export async function compareWithChampion(work: ChallengeWork, env: Env, loadDataset: (key: string) => Promise<Dataset>): Promise<ChallengeReport> {
  let championVersion: number | undefined;
  try {
    const champion = await env.REGISTRY.getByName(work.tenant).resolveModel(work.model_name);
    if (!champion) return { status: 'failed', reason: `model "${work.model_name}" has no champion to compare with` };
    championVersion = champion.version;
    const { dataset } = applyOverrides(await loadDataset(work.dataset_key), work.columns);
    if (work.forecast) return await challengeForecast(work, work.forecast, env, dataset, champion);
    if (!work.holdout) return { status: 'failed', reason: 'the job has no holdout to compare on', champion_version: champion.version };
    const held = holdoutPart(dataset, work.target, work.task, work.holdout);
    if (held.rows === 0) return { status: 'failed', reason: 'the holdout has no rows', champion_version: champion.version };
    // Both held while they predict: loaded one after the other, the second's load could evict the first.
    return await withPredictors(env, [work.challenger.artifact_key, champion.artifact_key], ([challenger, incumbent]): ChallengeReport => {
      if (!challenger || !incumbent) throw new Error('two predictors were asked for');
      const mismatch = classMismatch(challenger, incumbent, work.task);
      if (mismatch) return { status: 'failed', reason: mismatch, champion_version: champion.version };
      const ours = predictOn(challenger, held, work);
      const theirs = predictOn(incumbent, held, work);
      const difference = pairedDifference(ours.truth, ours.output, theirs.output, ours.classes, work.metric, { positive: ours.positive });
      return {
        status: 'complete',
        challenger_score: ours.score,
        champion_score: theirs.score,
        champion_version: champion.version,
        holdout_rows: held.rows,
        ...(difference ? { difference } : {}),
      };
    });
  } catch (err) {
    return failedReport(err, championVersion);
  }
}

/** A comparison that could not be made, as a failed report; storage being down is thrown, so the queue retries. */
function failedReport(err: unknown, championVersion: number | undefined): ChallengeReport {
  if (isStorageUnavailable(err)) throw err;
  const reason = err instanceof Error ? err.message : String(err);
  return { status: 'failed', reason, ...(championVersion !== undefined ? { champion_version: championVersion } : {}) };
}

/**
 * A forecast job's comparison (compareForecasts), and the champion advanced to the job's data beside it:
 * a comparison that keeps the champion (or fails) still keeps a champion that should forecast from the
 * newest points of the series it knows.
 */
async function challengeForecast(work: ChallengeWork, spec: ForecastJobSpec, env: Env, dataset: Dataset, champion: { version: number; artifact_key: string; task?: string }): Promise<ChallengeReport> {
  const forecaster = champion.task === undefined || champion.task === 'forecast';
  // Not with the new job's shortest group (its min_length): advancing learns nothing, and a group the
  // champion models, too short for the job's threshold now (engine/forecast/group-length), still moves to
  // its newest points; only a group of one point, no series at all, is left as it was.
  const advance = forecaster ? await advanceChampion(env.STORE, work, dataset, { ...forecastColumns(work.target, spec), minLength: 2 }, champion) : undefined;
  const report = await compareForecasts(work, spec, env, dataset, champion).catch((err: unknown) => failedReport(err, champion.version));
  return advance ? { ...report, advance } : report;
}

/**
 * A forecast job's comparison: both models forecast the held-out latest points of every series after the
 * same history, scored by the job's metric (rmse unless it named mae, mase or mape). The champion must be a forecast model. A series
 * it never saw (a store opened since) it cannot forecast, and failing the comparison for it would keep
 * the champion, unable to forecast that series, on every run for good: both are scored on the series
 * they both know instead, and the report names the new ones with the challenger's score on them alone
 * (the Registry promotes a challenger not worse on the known ones by more than the margin). A champion
 * that knows none of the held-out series, or whose covariates lack a category the held-out points hold
 * (a new kind of promotion), cannot forecast them at all: it would refuse the same forecast from a
 * client. The report then carries the challenger's score on every held-out point (it must forecast them,
 * or the comparison fails as before), no champion score, and what stops the champion: the Registry
 * promotes a challenger over a champion that cannot forecast the new data (durable/retrain-rules).
 */
async function compareForecasts(work: ChallengeWork, spec: ForecastJobSpec, env: Env, dataset: Dataset, champion: { version: number; artifact_key: string; task?: string }): Promise<ChallengeReport> {
  if (champion.task !== undefined && champion.task !== 'forecast') return { status: 'failed', reason: `the champion is a ${champion.task} model and the job a forecast job`, champion_version: champion.version };
  const points = spec.holdout_points;
  if (!points) return { status: 'failed', reason: 'the job holds out no points to compare on', champion_version: champion.version };
  const columns = forecastColumns(work.target, spec);
  // Both held while they forecast: the second's load could otherwise evict the first (past the cache's bounds).
  return withForecasters(env, [work.challenger.artifact_key, champion.artifact_key], ([challenger, incumbent]): ChallengeReport => {
    if (!challenger || !incumbent) throw new Error('two forecasters were asked for');
    const metric = forecastMetricOf(work.metric);
    const challengerScore = scoreOnSeriesTail(challenger, dataset, columns, points, undefined, metric);
    const scored = { status: 'complete' as const, challenger_score: challengerScore.score, champion_version: champion.version, holdout_rows: challengerScore.points };
    const { known, unknown } = seriesKnownTo(incumbent, dataset, columns);
    const fresh = unknown.length > 0 ? newSeries(challenger, dataset, columns, points, known.length, unknown, metric) : undefined;
    const withFresh = fresh ? { new_series: fresh } : {};
    if (known.length === 0) return { ...scored, champion_score: null, reason: knowsNone(champion.version, unknown), ...withFresh };
    const unseen = unseenTailCategories(incumbent, dataset, columns, points);
    if (unseen.length > 0) return { ...scored, champion_score: null, reason: cannotForecast(champion.version, unseen) + (fresh ? `; it has never seen ${seriesNamed(unknown)} either` : ''), ...withFresh };
    if (!fresh) return { ...scored, champion_score: scoreOnSeriesTail(incumbent, dataset, columns, points, undefined, metric).score };
    // Both compared on the series both know: the same held-out points, the new series' left out.
    const both = new Set(known);
    const ours = scoreOnSeriesTail(challenger, dataset, columns, points, both, metric);
    return { ...scored, challenger_score: ours.score, holdout_rows: ours.points, champion_score: scoreOnSeriesTail(incumbent, dataset, columns, points, both, metric).score, new_series: fresh };
  });
}

/** Series shown by name in a report (the rest are counted). */
const SHOWN_SERIES = 20;

/** The held-out series the champion never saw, with the challenger's score on their points alone. */
function newSeries(challenger: Forecaster, dataset: Dataset, columns: SeriesColumns, points: number, knownCount: number, unknown: readonly string[], metric: ForecastMetric): NewSeries {
  const scored = scoreOnSeriesTail(challenger, dataset, columns, points, new Set(unknown), metric);
  return { groups: unknown.slice(0, SHOWN_SERIES), count: unknown.length, points: scored.points, challenger_score: Number.isFinite(scored.score) ? scored.score : null, known_series: knownCount };
}

/** "the series "west"" or "the series "west", "east" and 3 more" (at most 8 named, as cannotForecast lists). */
const seriesNamed = (groups: readonly string[]) => `the series ${listSome(groups.map((g) => JSON.stringify(g)), 8)}`;

/** Why a champion that knows none of the held-out series has no score. */
function knowsNone(version: number, unknown: readonly string[]): string {
  return `champion v${version} cannot forecast the held-out points: it has never seen any of their series (${listSome(unknown.map((g) => JSON.stringify(g)), 8)}), and it refuses a forecast naming one`;
}

/**
 * Why a champion cannot forecast the held-out points, naming each covariate with the categories it lacks
 * and the series holding them (at most 8 of each, as worker/champion-columns lists missing columns).
 */
function cannotForecast(version: number, unseen: readonly UnseenTailCategories[]): string {
  const quoted = (items: readonly string[]) => listSome(items.map((x) => JSON.stringify(x)), 8);
  // An ungrouped series is named '': there is no series to name.
  const each = unseen.map((u) => `"${u.covariate}" holds ${quoted(u.categories)}${u.groups.some((g) => g !== '') ? ` (series ${quoted(u.groups)})` : ''}`);
  const one = unseen.length === 1 && unseen[0].categories.length === 1;
  return `champion v${version} cannot forecast the held-out points: covariate ${each.join('; covariate ')}, ${one ? 'a category' : 'categories'} it was not trained with (it refuses a forecast naming ${one ? 'it' : 'one'})`;
}

/** Why the two models' scores would not compare, or null when they do. */
function classMismatch(challenger: Predictor, champion: Predictor, task: ChallengeWork['task']): string | null {
  if (champion.task !== task) return `the champion is a ${champion.task} model and the job a ${task} job`;
  const a = challenger.artifact.classes.join('\u0000');
  const b = champion.artifact.classes.join('\u0000');
  if (a !== b) return `the champion knows classes [${champion.artifact.classes.join(', ')}] and the challenger [${challenger.artifact.classes.join(', ')}]`;
  return null;
}

interface HeldOutPrediction {
  readonly truth: Float32Array;
  readonly output: Float32Array;
  readonly classes: number;
  readonly positive: number | undefined;
  /** The model's score (metric direction) on every held-out row. */
  readonly score: number;
}

/**
 * The model's raw output on every row of `held`, predicted a window of rows at a time, and its score.
 * Both models' outputs are kept: the paired bootstrap of their difference resamples the same rows.
 */
function predictOn(predictor: Predictor, held: Dataset, work: ChallengeWork): HeldOutPrediction {
  const { classes, columns } = predictor.artifact;
  const truth = truthFor(held, work.target, work.task, classes);
  const width = outputWidth(work.task, classes.length);
  const known = new Set(columns);
  const output = new Float32Array(held.rows * width);
  for (let from = 0; from < held.rows; from += WINDOW_ROWS) output.set(predictor.predictRaw(datasetRows(held, from, from + WINDOW_ROWS, known)), from * width);
  // Both models know the same classes (classMismatch), so f1 speaks for the job's positive class in both.
  const positive = work.task === 'binary' ? positiveClassIndex(classes, work.positive_class) : undefined;
  return { truth, output, classes: classes.length, positive, score: METRICS[work.metric].score(truth, output, classes.length, undefined, positive) };
}
