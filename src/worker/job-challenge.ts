/**
 * @module worker/job-challenge
 * A job started by hand that challenges its model's champion (`"challenge"` in POST /v1/jobs) instead of
 * replacing it: like a scheduled retraining job (worker/retrain) it holds rows out of its search, and when
 * the search ends its result and the champion are scored on them and the Registry decides as it decides a
 * retraining's (durable/retrain-rules decideChallenge): the champion only if it wins, else a version kept
 * with the decision recorded. What this module owns is what such a request must be: a model that exists,
 * with a champion to compare with, and no `replace_model` (which asks to replace the champion whatever
 * the result: the opposite); its margin and promotion rule, resolved as a schedule resolves them; which
 * rows to hold out (half of those appended since the champion's data when the job's data grew from it by
 * appends, rows the champion never saw, as a scheduled run does); the champion's image, which an image
 * challenger takes where the request leaves it out (challenge-image), and a forecaster's series, which a
 * forecast challenger takes likewise (challenge-forecast); and what to say when the comparison cannot be
 * fair to the challenger (the job trains on the very data the champion was trained on).
 */
import { DEFAULT_PROMOTION } from '../durable/challenge-noise';
import type { DatasetVersion, ModelVersionInfo } from '../durable/registry';
import type { ForecastJobSpec, JobConfig, PromotionRule } from '../durable/protocol';
import type { ImageShape } from '../engine/core/image-shape';
import { defaultMargin, marginProblem } from '../durable/retrain-rules';
import { METRICS, type MetricName, type Task } from '../engine';
import { coordinatorFor, isJobId } from './coordinator';
import { ApiError } from './errors';
import type { CreateJobBody } from './schemas';

/** The champion a challenge job is compared with, and the rows of the job's data it never saw (when known). */
export interface ChallengedChampion {
  readonly champion: ModelVersionInfo;
  /** Where the rows appended since the champion's data start in the job's data version. */
  readonly fresh_from_row?: number;
  /** The champion's image, when it takes images: the challenger's unless the request says otherwise. */
  readonly image?: ImageShape;
  /** A forecaster's series settings, as its job recorded them (absent when its job is not known). */
  readonly forecast?: ForecastJobSpec;
  /** The kind of job a challenger without `task` is: the champion's (a table's task is read from the data). */
  readonly kind?: 'image' | 'forecast';
}

/** Whether the request asks for a comparison with the champion (`true` or terms; `false` is no challenge). */
export const wantsChallenge = (body: CreateJobBody): boolean => body.challenge !== undefined && body.challenge !== false;

/**
 * The champion the job will challenge, or a 400 naming what stops it (read before anything is trained,
 * so a bad request creates nothing): `replace_model` beside it, or a model with no champion yet.
 */
export async function championToChallenge(env: Env, tenant: string, body: CreateJobBody, model: string, dataset: DatasetVersion): Promise<ChallengedChampion> {
  if (body.replace_model === true) {
    throw new ApiError(
      400,
      'invalid_request',
      '"challenge" and "replace_model" contradict each other: "challenge" makes the result the champion only if it beats the champion on held-out rows, "replace_model" replaces the champion with a different model whatever it scores; send one of the two',
      { field: 'challenge', fields: ['challenge', 'replace_model'] },
    );
  }
  const registry = env.REGISTRY.getByName(tenant);
  const champion = await registry.resolveModel(model);
  if (!champion) {
    throw new ApiError(400, 'invalid_request', `challenge: model "${model}" has no champion to compare with (it does not exist yet); leave "challenge" out to publish its first version`, {
      field: 'challenge',
      model,
    });
  }
  // Rows appended since the champion's data are rows it never trained on: half of them are held out.
  const same = champion.dataset.name === dataset.name && champion.dataset.version !== dataset.version;
  const [fresh, config] = await Promise.all([same ? registry.rowsAppendedSince(dataset.name, champion.dataset.version, dataset.version) : null, championJob(env, tenant, champion)]);
  const { image, forecast } = config ?? {};
  // A forecaster is one by its task even when its job is no longer known (the request's series alone then).
  const kind = image ? 'image' : forecast || champion.task === 'forecast' ? 'forecast' : undefined;
  return { champion, ...(fresh ? { fresh_from_row: fresh.from_row } : {}), ...(image ? { image } : {}), ...(forecast ? { forecast } : {}), ...(kind ? { kind } : {}) };
}

/**
 * The champion's job as it recorded it (the coordinator holds the job's config, as retrain reads it): its
 * image and its series; undefined when the job is not known.
 */
async function championJob(env: Env, tenant: string, champion: ModelVersionInfo): Promise<JobConfig | undefined> {
  if (!isJobId(champion.job_id)) return undefined;
  return (await coordinatorFor(env, tenant, champion.job_id).retrainBasis(champion.trial_id))?.config;
}

/**
 * The metric a challenge job searches and compares by when the request names none: the champion's (when
 * it applies to the job's task), so the decision speaks of what the model was chosen by.
 */
export function challengeMetric(champion: ModelVersionInfo, task: Task): MetricName | undefined {
  const metric = champion.metric as MetricName;
  return METRICS[metric]?.tasks.includes(task) ? metric : undefined;
}

/** The comparison's terms: `margin` (default per metric) and `promotion` (default "beyond_noise"), as a schedule takes them. */
export function challengeTerms(body: CreateJobBody, metric: MetricName): { margin: number; promotion: PromotionRule } {
  const terms = typeof body.challenge === 'object' ? body.challenge : {};
  const margin = terms.margin ?? defaultMargin(metric);
  const problem = marginProblem(metric, margin);
  if (problem) throw new ApiError(400, 'invalid_request', `challenge.margin: ${problem}`, { field: 'challenge.margin' });
  return { margin, promotion: terms.promotion ?? DEFAULT_PROMOTION };
}

/**
 * What the job's user should know about its comparison: held-out rows the champion trained on (the job's
 * data is the champion's own: the comparison leans the champion's way), and a metric other than the
 * champion's (both are scored by the job's; a promoted challenger makes it the model's).
 */
export function challengeWarnings(model: string, target: ChallengedChampion, dataset: DatasetVersion, metric: MetricName, forecast: boolean): string[] {
  const { champion } = target;
  const warnings: string[] = [];
  if (champion.dataset.name === dataset.name && champion.dataset.version === dataset.version) {
    const held = forecast ? 'the latest points of every series' : 'a fifth of its rows';
    warnings.push(
      `"challenge": dataset "${dataset.name}" v${dataset.version} is the data champion v${champion.version} was trained on, so the comparison holds out ${held}, which the champion learned from: it favours the champion, which a challenger must beat on rows it has seen; append new rows (POST /v1/datasets/${dataset.name}/rows) and train on the new version for a fair comparison`,
    );
  }
  if (champion.metric !== metric) {
    warnings.push(`"challenge": both models are compared by ${metric}, this job's metric; model "${model}" was chosen by ${champion.metric}, and a promoted challenger makes it ${metric}`);
  }
  return warnings;
}
