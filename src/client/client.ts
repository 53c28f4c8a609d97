/**
 * @module client/client
 * `createClient({url, key})`: one typed method per route of the HTTP API (see the README's route table
 * and API.md), grouped by resource, plus `waitForJob`. Methods return the parsed answer and throw
 * ApiClientError for any 4xx/5xx, carrying the server's code, message and details.
 */
import { type ClientOptions, createTransport, type RawBody, segment } from './transport';
import type {
  AppendedVersion,
  CancelledJob,
  ChampionChange,
  CreatedJob,
  CreatedKey,
  CreateJobBody,
  DatasetList,
  DatasetVersion,
  DriftReport,
  Forecast,
  ForecastBody,
  Health,
  Job,
  JobList,
  KeyList,
  Model,
  ModelList,
  Prediction,
  PredictRow,
  Schedule,
  ScheduleBody,
  ScheduleWithRuns,
  TrialRecord,
} from './types';
import { waitForJob, type WaitOptions } from './wait-for-job';

export interface UploadOptions {
  /** Defaults to `text/csv`; send a Parquet file as `application/vnd.apache.parquet`. */
  contentType?: string;
}

export function createClient(options: ClientOptions) {
  const http = createTransport(options);
  const model = (name: string) => `/v1/models/${segment(name)}`;

  const jobs = {
    /** Starts an AutoML search (`202`); only `dataset` and `target` are required. */
    create: (body: CreateJobBody) => http.json<CreatedJob>({ method: 'POST', path: '/v1/jobs', json: body }),
    get: (id: string) => http.json<Job>({ method: 'GET', path: `/v1/jobs/${segment(id)}` }),
    /** Newest first. */
    list: () => http.json<JobList>({ method: 'GET', path: '/v1/jobs' }),
    /** Every trial's full record. */
    trials: async (id: string) => (await http.json<{ trials: TrialRecord[] }>({ method: 'GET', path: `/v1/jobs/${segment(id)}/trials` })).trials,
    /** Cancels a running job, keeping finished trials and the best model so far; `cancel` says what it did (`already_ended` when too late). */
    cancel: (id: string) => http.json<CancelledJob>({ method: 'DELETE', path: `/v1/jobs/${segment(id)}` }),
  };

  return {
    /** `GET /health` (needs no key, but sends it anyway). */
    health: () => http.json<Health>({ method: 'GET', path: '/health' }),

    /** Tenant API keys; admin key only. */
    keys: {
      /** Mints a key for `tenant` (default: the tenant the admin acts on); the key is in the answer once. */
      create: (body: { name: string; tenant?: string }) => http.json<CreatedKey>({ method: 'POST', path: '/v1/keys', json: body }),
      list: () => http.json<KeyList>({ method: 'GET', path: '/v1/keys' }),
      revoke: (name: string, opts: { tenant?: string } = {}) => http.json<void>({ method: 'DELETE', path: `/v1/keys/${segment(name)}`, query: { tenant: opts.tenant } }),
    },

    datasets: {
      /** Uploads a file as a new version of the dataset: CSV text, bytes, or a stream (not buffered). */
      upload: (name: string, body: RawBody, opts: UploadOptions = {}) =>
        http.json<DatasetVersion>({ method: 'PUT', path: `/v1/datasets/${segment(name)}`, body, contentType: opts.contentType ?? 'text/csv' }),
      /** Appends rows (CSV by default; the dataset's columns in any order) as a new version. */
      appendRows: (name: string, body: RawBody, opts: UploadOptions = {}) =>
        http.json<AppendedVersion>({ method: 'POST', path: `/v1/datasets/${segment(name)}/rows`, body, contentType: opts.contentType ?? 'text/csv' }),
      /** A zip of images, one folder per class; `size` ("32x32") and `channels` (1 or 3) resize them. */
      uploadZip: (name: string, body: RawBody, opts: { size?: string; channels?: 1 | 3 } = {}) =>
        http.json<DatasetVersion>({ method: 'PUT', path: `/v1/datasets/${segment(name)}`, query: { size: opts.size, channels: opts.channels }, body, contentType: 'application/zip' }),
      list: () => http.json<DatasetList>({ method: 'GET', path: '/v1/datasets' }),
      /** The latest version's profile with per-column statistics, or `version`'s. */
      get: (name: string, opts: { version?: number } = {}) => http.json<DatasetVersion>({ method: 'GET', path: `/v1/datasets/${segment(name)}`, query: { version: opts.version } }),
      delete: (name: string) => http.json<void>({ method: 'DELETE', path: `/v1/datasets/${segment(name)}` }),
    },

    jobs,

    models: {
      list: () => http.json<ModelList>({ method: 'GET', path: '/v1/models' }),
      /** Champion, versions, features, history and serving cost; `version` describes that version's features, series and serving instead of the champion's. */
      get: (name: string, opts: { version?: number } = {}) => http.json<Model>({ method: 'GET', path: model(name), query: { version: opts.version } }),
      /**
       * Deletes the model: every version, its history, schedule and files (`204`). `409 model_in_use`
       * names the unfinished jobs that would publish to it (`details.jobs`): cancel them first.
       */
      delete: (name: string) => http.json<void>({ method: 'DELETE', path: model(name) }),
      /** Deletes one version that is not the champion, with its files (`204`; `409 version_is_champion` for the champion). */
      deleteVersion: (name: string, version: number) => http.json<void>({ method: 'DELETE', path: `${model(name)}/versions/${segment(version)}` }),
      /** Predicts JSON rows (up to 10,000) with the champion, or `version`; an image model also takes `{image}` or `{pixels}` rows. */
      predict: (name: string, rows: PredictRow[], opts: { version?: number; explain?: boolean } = {}) =>
        http.json<Prediction>({ method: 'POST', path: `${model(name)}/predict`, json: { rows, ...opts } }),
      /**
       * Predicts a CSV batch (a header row, then up to 10,000 rows; empty cells are missing values);
       * `contentType: 'text/tab-separated-values'` for a tab-separated one, whose separator is then not guessed.
       */
      predictCsv: (name: string, csv: RawBody, opts: { version?: number; contentType?: string } = {}) =>
        http.json<Prediction>({ method: 'POST', path: `${model(name)}/predict`, query: { version: opts.version }, body: csv, contentType: opts.contentType ?? 'text/csv' }),
      /** A batch of rows as a Parquet file (a null is a missing value). */
      predictParquet: (name: string, parquet: RawBody, opts: { version?: number } = {}) =>
        http.json<Prediction>({ method: 'POST', path: `${model(name)}/predict`, query: { version: opts.version }, body: parquet, contentType: 'application/vnd.apache.parquet' }),
      /** Predicts with per-row contributions (`422 explain_unavailable` for kNN and MLP models). */
      explain: (name: string, rows: PredictRow[], opts: { version?: number } = {}) =>
        http.json<Required<Pick<Prediction, 'explanations' | 'explanation_space'>> & Prediction>({ method: 'POST', path: `${model(name)}/predict`, json: { rows, ...opts, explain: true } }),
      /** The next points of a forecast model's series with prediction intervals. */
      forecast: (name: string, body: ForecastBody) => http.json<Forecast>({ method: 'POST', path: `${model(name)}/forecast`, json: body }),
      /** Makes a version the champion; with `fromVersion`, only while that version is the champion (`409 champion_changed` otherwise). */
      promote: (name: string, version: number, opts: { fromVersion?: number } = {}) =>
        http.json<ChampionChange>({ method: 'POST', path: `${model(name)}/promote`, json: { version, from_version: opts.fromVersion } }),
      /** Restores the champion before the current one (`409 nothing_to_roll_back` at the first); `fromVersion` as for promote. */
      rollback: (name: string, opts: { reason?: string; fromVersion?: number } = {}) =>
        http.json<ChampionChange>({ method: 'POST', path: `${model(name)}/rollback`, json: { reason: opts.reason, from_version: opts.fromVersion } }),
      /** The version's artifact exactly as stored (JSON text), for the portable loader. */
      artifact: (name: string, version: number) => http.text({ method: 'GET', path: `${model(name)}/versions/${segment(version)}/artifact` }),
      /** Live input drift against the training data (PSI per feature; an image's pixels as one `px_*` entry, or each with `detail: 'pixels'`). */
      drift: (name: string, opts: { version?: number; hours?: number; detail?: 'pixels' } = {}) =>
        http.json<DriftReport>({ method: 'GET', path: `${model(name)}/drift`, query: { version: opts.version, hours: opts.hours, detail: opts.detail } }),
    },

    /** Scheduled retraining of a model. */
    schedules: {
      /** Sets or replaces the schedule. */
      put: (modelName: string, body: ScheduleBody) => http.json<Schedule>({ method: 'PUT', path: `${model(modelName)}/schedule`, json: body }),
      /** The schedule with its last 50 runs (`404 schedule_not_found` when none). */
      get: (modelName: string) => http.json<ScheduleWithRuns>({ method: 'GET', path: `${model(modelName)}/schedule` }),
      delete: (modelName: string) => http.json<void>({ method: 'DELETE', path: `${model(modelName)}/schedule` }),
    },

    /** Polls the job until it ends (see client/wait-for-job). */
    waitForJob: (id: string, opts?: WaitOptions) => waitForJob(jobs.get, id, opts),
  };
}

/** The client `createClient` returns. */
export type EdgeAutoMLClient = ReturnType<typeof createClient>;
