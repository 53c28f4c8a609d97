/**
 * @module worker/model-conflict
 * A job that publishes to a model name already in use replaces its champion when it ends. That is what
 * retraining a model by hand on newer data means, but with another target, another task, or data lacking
 * columns the champion reads, the model's clients would silently get answers to another question, or
 * have their rows refused ("unknown column"). An image model's clients send images of its size (or its
 * pixel columns), which a model of another size or channels refuses. A forecast's clients depend on more (forecast-contract):
 * its time and group columns, its step, its known-future covariates and its time zone. So job creation
 * refuses such a job (409 model_conflict, naming each difference) unless the request says
 * `"replace_model": true`. Retraining jobs publish to their own model by design and are not checked
 * here (their data's columns are checked by champion-columns; a forecast's series are the champion's).
 */
import type { DatasetVersion } from '../durable/registry';
import type { JobConfig } from '../durable/protocol';
import { ignoredColumns, missingChampionColumns } from './champion-columns';
import { coordinatorFor, isJobId } from './coordinator';
import { ApiError, listSome } from './errors';
import { championContract, type ForecastContract, type ForecastDifferences, forecastDifferences, forecastDifferenceTexts, replacedForecastTexts } from './forecast-contract';
import { isImageUploadProfile } from './image-upload';
import type { ImageShape } from '../engine/core/image-shape';
import { pixelColumnNames } from '../engine/data/images/pixel-columns';

/** Missing columns a refusal names by name. */
const MISSING_SHOWN = 8;

/**
 * What a job would publish: its model name, target, task as shown (forecast and image jobs by their
 * kind), data, and a forecast job's contract with its clients.
 */
export interface PublishedShape {
  readonly model: string;
  readonly target: string;
  readonly task: string;
  readonly dataset: DatasetVersion;
  readonly forecast?: ForecastContract;
  /** An image job's shape (height, width, channels, pixel columns). */
  readonly image?: ImageShape;
}

/** How the job's result would differ from the model's champion (a forecast's contract too); empty when it would not. */
export interface ModelDifferences extends ForecastDifferences {
  readonly champion_version: number;
  readonly target?: { readonly champion: string; readonly job: string };
  readonly task?: { readonly champion: string; readonly job: string };
  readonly missing_columns?: readonly string[];
  /** An image champion's and an image job's shapes (height x width x channels), when they read other images or pixel columns. */
  readonly image?: { readonly champion: string; readonly job: string };
}

/**
 * How the job's result differs from the champion of the model it publishes to, or null when the model
 * does not exist or nothing differs. The champion's job (when its coordinator still holds it) gives the
 * columns it ignored and whether it was an image job; without it, the model's own target and task. A
 * forecast champion's contract with its clients is read from its envelope (forecast-contract) and
 * compared with a forecast job's.
 */
export async function modelDifferences(env: Env, tenant: string, job: PublishedShape): Promise<ModelDifferences | null> {
  const registry = env.REGISTRY.getByName(tenant);
  const model = await registry.getModel(job.model);
  const champion = model?.versions.find((v) => v.version === model.champion_version);
  if (!model || !champion) return null;
  const [basis, championData] = await Promise.all([
    isJobId(champion.job_id) ? coordinatorFor(env, tenant, champion.job_id).retrainBasis(champion.trial_id) : null,
    registry.getTrainingDataRecord(champion.dataset.name, champion.dataset.version),
  ]);
  const config: JobConfig | undefined = basis?.config;
  const imageChampion = config ? config.image !== undefined : championData !== null && isImageUploadProfile(championData.columns);
  const championTask = model.task === 'forecast' ? 'forecast' : imageChampion ? 'image' : model.task;
  const tables = championTask !== 'forecast' && championTask !== 'image' && job.task !== 'forecast' && job.task !== 'image';
  const missing = tables && championData ? missingChampionColumns(championData.columns, job.dataset.columns, model.target, ignoredColumns(config?.columns)) : [];
  // A forecast's series are compared with a forecast champion's (another task already says everything changes).
  const contract = championTask === 'forecast' && job.forecast ? await championContract(env.STORE, champion.artifact_key, config?.forecast) : null;
  const differences: ModelDifferences = {
    champion_version: champion.version,
    ...(model.target !== job.target ? { target: { champion: model.target, job: job.target } } : {}),
    ...(championTask !== job.task ? { task: { champion: championTask, job: job.task } } : {}),
    ...(missing.length > 0 ? { missing_columns: missing } : {}),
    ...(contract && job.forecast ? forecastDifferences(contract, job.forecast) : {}),
    ...(championTask === 'image' && job.image && config?.image ? imageDifference(config.image, job.image) : {}),
  };
  // Anything besides the champion's version is a difference.
  return Object.keys(differences).length > 1 ? differences : null;
}

/** The image difference of an image champion and an image job: other sides or channels, or other pixel columns. */
function imageDifference(champion: ImageShape, job: ImageShape): Pick<ModelDifferences, 'image'> {
  const text = (s: ImageShape) => `${s.height}x${s.width}x${s.channels}`;
  const theirs = pixelColumnNames(champion);
  const ours = pixelColumnNames(job);
  const same = text(champion) === text(job) && theirs.every((name, k) => name === ours[k]);
  return same ? {} : { image: { champion: text(champion), job: text(job) } };
}

/**
 * The 409 refusing a job whose result would replace a champion it differs from, naming each difference. A
 * job that challenges the champion (`challenge`) is not told to replace it: a challenger must answer the
 * champion's question to be compared with it.
 */
export function modelConflict(job: PublishedShape, d: ModelDifferences, challenge = false): ApiError {
  const what = [
    ...(d.target ? [`the target differs ("${d.target.champion}" → "${d.target.job}")`] : []),
    ...(d.task ? [`the task differs (${d.task.champion} → ${d.task.job})`] : []),
    ...(d.missing_columns ? [missingText(job.dataset, d.missing_columns)] : []),
    ...(d.image ? [d.image.champion === d.image.job ? `the images' pixel columns differ (${d.image.job})` : `the images differ (height x width x channels ${d.image.champion} → ${d.image.job})`] : []),
    ...forecastDifferenceTexts(d),
  ];
  const refused = forecastChampion(job, d) ? 'requests' : 'rows';
  return new ApiError(
    409,
    'model_conflict',
    `model "${job.model}" exists and this job would replace its champion (v${d.champion_version}) with a different model: ${joinAll(what)}; its clients would get answers to another question or have their ${refused} refused. ${challenge ? 'A challenger is compared with the champion on the same question: publish under another name ("model": "…"), or leave "challenge" out and send "replace_model": true to replace it' : 'Publish under another name ("model": "…"), or send "replace_model": true to replace it'}`,
    {
      field: 'model',
      model: job.model,
      champion_version: d.champion_version,
      ...(d.target ? { target: d.target } : {}),
      ...(d.task ? { task: d.task } : {}),
      ...(d.missing_columns ? { missing_columns: d.missing_columns.slice(0, MISSING_SHOWN) } : {}),
      ...(d.image ? { image: d.image } : {}),
      ...(d.time_column ? { time_column: d.time_column } : {}),
      ...(d.group_column ? { group_column: d.group_column } : {}),
      ...(d.frequency ? { frequency: d.frequency } : {}),
      ...(d.covariates ? { covariates: d.covariates } : {}),
      ...(d.timezone ? { timezone: d.timezone } : {}),
    },
  );
}

/** The job's warning when `"replace_model": true` let it replace a champion it differs from. */
export function replacedModelWarning(job: PublishedShape, d: ModelDifferences): string {
  const was = [
    ...[
      d.target ? `predicts "${d.target.champion}"` : '',
      d.task ? `is ${d.task.champion}` : '',
      d.missing_columns ? `reads ${d.missing_columns.length === 1 ? 'a column' : 'columns'} this dataset lacks` : '',
      d.image ? `reads ${d.image.champion} images${d.image.champion === d.image.job ? ' from other pixel columns' : ''}` : '',
    ].filter(Boolean),
    ...replacedForecastTexts(d),
  ];
  return `"replace_model": this job's result replaces the champion of model "${job.model}" (v${d.champion_version}), which ${joinAll(was)}: clients sending that model's ${forecastChampion(job, d) ? 'forecast requests' : 'rows'} must change them`;
}

/** Whether the champion is a forecaster, whose clients send forecast requests, not rows (its task is the job's unless it differs). */
const forecastChampion = (job: PublishedShape, d: ModelDifferences) => (d.task ? d.task.champion : job.task) === 'forecast';

function missingText(dataset: DatasetVersion, missing: readonly string[]): string {
  const shown = listSome(missing.map((n) => `"${n}"`), MISSING_SHOWN);
  return `dataset "${dataset.name}" v${dataset.version} lacks ${missing.length === 1 ? 'a column' : `${missing.length} columns`} the champion reads (${shown})`;
}

const joinAll = (parts: readonly string[]) => (parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`);
