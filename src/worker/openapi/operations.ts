/**
 * @module worker/openapi/operations
 * Every route of the Worker as data: one entry per method and path, with the zod schemas the handler
 * validates its body with (imported from where the handler imports them) and the schemas of what it
 * answers (worker/openapi/responses). worker/openapi/document turns the table into OpenAPI 3.1. A route
 * added to the app without an entry here (or an entry without a route) fails test/worker/openapi.test.ts.
 */
import { z } from 'zod';
import { RETENTION_HOURS } from '../../durable/drift-monitor';
import { createKeySchema } from '../routes/keys';
import { pointerSchema, rollbackSchema } from '../routes/models';
import { scheduleSchema } from '../routes/schedules';
import { createJobSchema, forecastSchema, predictSchema } from '../schemas';
import { fail, noContent, ok, type Operation } from './operation';
import { type ParamSpec, versionQuery } from './params';
import * as r from './responses';

const notFound = (what: string) => fail(`${what}_not_found: no such ${what} in this tenant`);
const badName = fail('invalid_name: a name in the path breaks the naming rule');
const badBody = (more = '') => fail(`invalid_json: the body is not JSON; invalid_request: a field is wrong (details.field names it)${more}`);
const tooLarge = fail('payload_too_large: over the size limit (details.limit)');

const hoursQuery: ParamSpec = { schema: z.int().min(1).max(RETENTION_HOURS), description: `window of live predictions, in whole hours (1 to ${RETENTION_HOURS}; default 24)` };

const meta: Operation[] = [
  {
    method: 'get', path: '/health', operationId: 'health', tag: 'meta', access: 'public',
    summary: 'Liveness and version',
    responses: { 200: ok('the Worker answers', r.healthResponse) },
  },
  {
    method: 'get', path: '/openapi.json', operationId: 'openapi', tag: 'meta', access: 'public',
    summary: 'This OpenAPI 3.1 document',
    description: 'Generated from the schemas the routes validate requests with; the interactive reference is at /docs.',
    responses: { 200: ok('the OpenAPI document', z.record(z.string(), z.unknown())) },
  },
];

const datasets: Operation[] = [
  {
    method: 'put', path: '/v1/datasets/{dataset}', operationId: 'uploadDataset', tag: 'datasets', access: 'key',
    summary: 'Upload a dataset (a new immutable version)',
    description:
      'The file is parsed, typed and profiled whole before the version becomes visible; a bad file leaves nothing behind. A date column is ISO-8601 or one spreadsheet layout throughout (03/15/2024, 15/03/2024, 15.03.2024, 2024/03/15, optionally with a time); the order of day and month is decided per column and given as its `date_order`, with a warning when no value told it. Dates with the month named (15-Mar-2024, Mar 15, 2024, March 2024) need no order and may mix with ISO-8601 ones (`date_order` named).',
    query: {
      size: { schema: z.string().regex(/^[1-9]\d{0,3}x[1-9]\d{0,3}$/), description: 'zip uploads only (refused with a CSV or Parquet body): resize every image to WIDTHxHEIGHT pixels (e.g. 32x32)' },
      channels: { schema: z.literal([1, 3]), description: 'zip uploads only (refused with a CSV or Parquet body): 1 (grayscale) or 3 (RGB)' },
    },
    body: {
      required: true,
      content: {
        'text/csv': { binary: 'CSV with a header row (RFC 4180 quoting, UTF-8); an empty field is a missing value' },
        'application/vnd.apache.parquet': {
          binary: 'a Parquet file (any codec: snappy, gzip, zstd, brotli, lz4; flat columns only); null is a missing value. Also recognised when sent as application/octet-stream',
        },
        'application/zip': { binary: 'images (PNG or JPEG) in one folder per class; the folder name is the label' },
      },
    },
    responses: {
      201: ok('the new version with its column profile', r.datasetUploadResponse),
      400: fail(
        'invalid_csv (details name the line), invalid_parquet (details name the column where there is one), invalid_encoding, field_too_long, invalid_request (size, channels), invalid_dataset (a bad zip or image, named by file): the whole upload is refused',
      ),
      413: tooLarge,
      415: fail('unsupported_media_type: send text/csv, application/vnd.apache.parquet or application/zip'),
    },
  },
  {
    method: 'post', path: '/v1/datasets/{dataset}/rows', operationId: 'appendRows', tag: 'datasets', access: 'key',
    summary: 'Append rows as a new version',
    description:
      'The newest version plus these rows, typed and profiled again as an upload of the longer file would be. The rows must have the dataset\'s columns (any order), and numbers or dates in its numeric and date columns (dates in the column\'s `date_order` layout, or ISO-8601). The file sent is kept as the version\'s raw file. When a forecast model reads the dataset (its retraining schedule trains on it, or its champion was trained on it), a row at a time its series (group) already has is refused (400 invalid_dataset naming the line, time, group, the row it repeats and the model), and no version is added. Image datasets take new images as a new zip upload instead.',
    body: {
      required: true,
      content: {
        'text/csv': { binary: 'the new rows as CSV with a header row' },
        'application/vnd.apache.parquet': { binary: 'the new rows as a Parquet file' },
      },
    },
    responses: {
      201: ok('the new version with its column profile', r.datasetAppendResponse),
      400: fail('invalid_dataset (a missing or unknown column, or a value of the wrong kind: details name the line or row and the column), invalid_csv, invalid_parquet, field_too_long, invalid_name'),
      404: notFound('dataset'),
      409: fail('not_appendable (an image dataset) or version_conflict (another version was added meanwhile: send the rows again)'),
      413: tooLarge,
      415: fail('unsupported_media_type: send text/csv or application/vnd.apache.parquet'),
    },
  },
  {
    method: 'get', path: '/v1/datasets', operationId: 'listDatasets', tag: 'datasets', access: 'key',
    summary: 'List datasets (newest version of each)',
    responses: { 200: ok('the datasets', r.datasetListResponse) },
  },
  {
    method: 'get', path: '/v1/datasets/{dataset}', operationId: 'getDataset', tag: 'datasets', access: 'key',
    summary: 'A dataset version\'s profile with per-column statistics',
    description:
      'Every column with its statistics; a run of numbered columns that looks like an image\'s pixels without being named px_* (p0..p63, pixel1..pixel784) is also summarised as one `pixel_like` entry, with a guessed square shape and how to train it as images.',
    query: { version: versionQuery('dataset') },
    responses: { 200: ok('the profile', r.datasetProfileResponse), 400: badName, 404: fail('dataset_not_found, or dataset_version_not_found (details: version, latest_version)') },
  },
  {
    method: 'delete', path: '/v1/datasets/{dataset}', operationId: 'deleteDataset', tag: 'datasets', access: 'key',
    summary: 'Delete every version of a dataset',
    responses: { 204: noContent('deleted'), 400: badName, 404: notFound('dataset'), 409: fail('dataset_in_use: a job is still training on it (details: job); cancel it or wait') },
  },
];

const jobs: Operation[] = [
  {
    method: 'post', path: '/v1/jobs', operationId: 'createJob', tag: 'jobs', access: 'key',
    summary: 'Start an AutoML search',
    description:
      'Only `dataset` and `target` are required. Everything checkable is checked first, so a refused request creates no job. A job publishing to an existing model makes its result the champion; with `challenge` it is compared with the champion on held-out rows, as a scheduled retraining is, and becomes the champion only if it wins (the job\'s `challenge` and the model\'s history record the decision). Unfinished jobs publishing the same target to the model are named in `warnings`: of jobs sent without `challenge`, the last to finish becomes the champion.',
    body: { required: true, content: { 'application/json': { json: createJobSchema, example: { dataset: 'credit', target: 'class', budget: { seconds: 60 } } } } },
    responses: {
      202: ok('the job is queued', r.jobCreatedResponse),
      400: badBody('; with `challenge`: details.field "challenge" for a model with no champion yet, or beside replace_model (details.fields names both), "challenge.margin" for a margin the metric cannot use; invalid_target, invalid_metric, unsupported_task, invalid_dataset, invalid_name'),
      404: fail('dataset_not_found, dataset_version_not_found (a dataset_version the dataset does not have)'),
      409: fail('model_conflict: `model` names an existing model whose champion the job\'s result would replace with a different model: another target, another task, or a dataset lacking feature columns the champion reads; for a forecast over a forecast champion also another time column, group column, step (the frequency the data was read with: a horizon counts steps), set of known-future covariates (added or dropped: forecast requests give exactly the model\'s) or time zone (details: model, champion_version, and what differs: target, task, time_column, group_column (null: none), frequency (e.g. "daily", "every 90 minutes"; not compared when the champion\'s stored artifact cannot be read), covariates (the two lists) and timezone (null: none) as {champion, job}, missing_columns); or an unfinished job will publish to the same name with another target or task (details: model, unfinished_job (its id), target and task as {unfinished_job, job}); publish under another name, or send "replace_model": true'),
      413: tooLarge,
      429: fail('rate_limited (details.retry_after_seconds; Retry-After header) or too_many_jobs (details.active, details.limit; no wait is named: an unfinished job must end or be cancelled first)'),
      503: fail('job_not_started: the job\'s coordinator did not take it; nothing was trained or kept and the request may be sent again as it was (Retry-After header)'),
    },
  },
  {
    method: 'get', path: '/v1/jobs', operationId: 'listJobs', tag: 'jobs', access: 'key',
    summary: 'List jobs, newest first',
    responses: { 200: ok('the jobs', r.jobListResponse) },
  },
  {
    method: 'get', path: '/v1/jobs/{id}', operationId: 'getJob', tag: 'jobs', access: 'key',
    summary: 'A job\'s status, progress and leaderboard',
    responses: { 200: ok('the job', r.jobViewResponse), 404: notFound('job') },
  },
  {
    method: 'get', path: '/v1/jobs/{id}/trials', operationId: 'listTrials', tag: 'jobs', access: 'key',
    summary: 'Every trial of a job with its full record',
    responses: { 200: ok('the trials', r.trialListResponse), 404: notFound('job') },
  },
  {
    method: 'get', path: '/v1/jobs/{id}/events', operationId: 'jobEvents', tag: 'jobs', access: 'key',
    summary: 'The job as server-sent events',
    description: '`event: job` carries the whole job (as GET /v1/jobs/{id}) first and whenever it changes; `event: end` with `{"reason": "finished" | "time_limit" | "unavailable" | "revoked"}` closes the stream (`revoked`: the tenant key was revoked while the stream ran).',
    responses: { 200: { description: 'an event stream', schema: z.string(), contentType: 'text/event-stream' }, 404: notFound('job') },
  },
  {
    method: 'delete', path: '/v1/jobs/{id}', operationId: 'cancelJob', tag: 'jobs', access: 'key',
    summary: 'Cancel a job, keeping finished trials and the best model so far',
    description:
      'Answers the job with `cancel`: what this request did. A job that had already ended is left as it was (`cancel.already_ended: true`, still `200`). A job cancelled before any trial finished publishes nothing (its `warnings` say so); one cancelled while its ensemble was being built publishes its best trial, and its `ensemble` is `skipped` with the reason. Over an existing champion, the cancelled job\'s result becomes the champion only if it scores better on the same dataset version, target, metric and validation (folds, every row, the same rows held out): it then says which version it replaced and the rollback route (`model.promoted: true`); otherwise it is kept as a version beside the champion (`model.promoted: false`, a `kept_apart` history event), and `cancel.message` and `warnings` name the version and the promote route that makes it the champion.',
    responses: { 200: ok('the job after cancellation, with what the cancel did', r.cancelledJobResponse), 404: notFound('job') },
  },
];

const models: Operation[] = [
  {
    method: 'get', path: '/v1/models', operationId: 'listModels', tag: 'models', access: 'key',
    summary: 'List models with their champion\'s score',
    responses: { 200: ok('the models', r.modelListResponse) },
  },
  {
    method: 'get', path: '/v1/models/{model}', operationId: 'getModel', tag: 'models', access: 'key',
    summary: 'A model: versions, champion, features, history',
    description:
      'The versions, champion and history are the model\'s; family, features, forecast, image and serving describe the champion, or with `?version=N` that version (what a request pinning it takes: a version trained with other covariates lists those), named by `described_version`.',
    query: { version: { ...versionQuery('model'), description: 'the version whose family, features, forecast, image and serving to describe (default: the champion)' } },
    responses: { 200: ok('the model', r.modelDetailResponse), 400: fail('invalid_name, invalid_request (version)'), 404: fail('model_not_found, model_version_not_found') },
  },
  {
    method: 'delete', path: '/v1/models/{model}', operationId: 'deleteModel', tag: 'models', access: 'key',
    summary: 'Delete a model: every version, its history, schedule, drift counts and files',
    description:
      'The model disappears at once (a second DELETE answers 404); the jobs that made it keep their records. Refused while a job may still publish to it. A model published again under the same name continues the version numbers where the deleted one stopped, so a version number never names two models.',
    responses: {
      204: noContent('deleted'),
      400: badName,
      404: notFound('model'),
      409: fail('model_in_use: a queued or running job (one started by hand, a scheduled retraining, a champion/challenger comparison) would publish to it (details.jobs); cancel them (DELETE /v1/jobs/{id}) or wait. With details.jobs empty, a scheduled run is starting its job: retry after details.retry_after_seconds (Retry-After header)'),
    },
  },
  {
    method: 'post', path: '/v1/models/{model}/predict', operationId: 'predict', tag: 'models', access: 'key',
    summary: 'Predict rows with the champion (or a pinned version)',
    description:
      'JSON rows, or a CSV body (a header of column names, one row per line; `?version=N` pins a version, `?explain=true` explains), or a Parquet file of rows. A missing feature is a missing value, and so is a category the model never saw (no error: the model treats it as it treats an empty cell), except that an image model refuses a row without an image (neither `image`, `pixels` nor every pixel column) and pixel values outside its training range; a wrong type or unknown column is a 400 naming the row and column. The answer is JSON; with `Accept: text/csv` it is CSV instead (not with `explain`): a header `prediction` (and `probability_<class>` per class for classification), then one line per row in order, the model and version in the `X-Model-Name` and `X-Model-Version` headers. CSV is the cheaper answer for big batches.',
    query: {
      version: { ...versionQuery('model'), description: 'CSV and Parquet bodies only (JSON bodies send `version`, and are refused with this parameter): the model version to use (default: the champion)' },
      explain: { schema: z.enum(['true', 'false']), description: 'CSV and Parquet bodies only (JSON bodies send `explain`, and are refused with this parameter): `true` adds per-row explanations, as `explain: true` does' },
    },
    body: {
      required: true,
      content: {
        'application/json': { json: predictSchema, example: { rows: [{ age: 42, housing: 'own' }] } },
        'text/csv': { text: 'rows as CSV with a header row; an empty cell is a missing value' },
        'application/vnd.apache.parquet': { binary: 'rows as a Parquet file; a null is a missing value' },
      },
    },
    responses: {
      200: { ...ok('one prediction per row', r.predictResponse), alternatives: { 'text/csv': r.predictCsvResponse } },
      400: badBody('; invalid_input names the row and column: `rows[3]` of a JSON body (details.row: the index, from 0), `line 5` of a CSV body (details.line), `row 4 of the Parquet file` (details.row: from 1); details.index is the row\'s position in the batch from 0 whatever the format; invalid_csv, invalid_parquet; forecast_model (a forecaster: ask its forecast route); with explain, details.field "explain" and details.max_rows when the batch\'s explanations would take longer than one request may'),
      404: fail('model_not_found, model_version_not_found'),
      413: tooLarge,
      415: fail('unsupported_media_type (details.field: content-type): a file that is not a table of rows (an image, zip, gzip or spreadsheet file; the message says what to send instead), a Parquet file sent as CSV, or a CSV charset other than UTF-8 and windows-1252'),
      422: fail('explain_unavailable: this model cannot give exact explanations'),
      429: fail('rate_limited (details.retry_after_seconds; Retry-After header)'),
    },
  },
  {
    method: 'post', path: '/v1/models/{model}/forecast', operationId: 'forecast', tag: 'models', access: 'key',
    summary: 'Forecast the next points of a forecast model\'s series',
    description: 'From the end of the training data, with prediction intervals at `level` (any from 0.5 to 0.995; 0.5, 0.8, 0.9, 0.95 and 0.99 answer as they always did), and with `quantiles` each point\'s quantiles from the same normal spread. A model trained with a group column needs `group`.',
    body: { required: true, content: { 'application/json': { json: forecastSchema, example: { horizon: 7 } } } },
    responses: {
      200: ok('one point per step ahead', r.forecastResponse),
      400: badBody(', every refusal of horizon included (one over the model\'s limit with details.max), a level outside 0.5 to 0.995 (details.field: level), a quantile outside 0.005 to 0.995 or more than 20 distinct (details.field: quantiles or quantiles.i); not_a_forecast_model (use predict); invalid_input (a missing or unknown group; a covariate value, or a step\'s time or group column that is not the step\'s, named as covariates[i].column)'),
      404: fail('model_not_found, model_version_not_found'),
      413: tooLarge,
      429: fail('rate_limited (shared with predict; details.retry_after_seconds)'),
    },
  },
  {
    method: 'post', path: '/v1/models/{model}/promote', operationId: 'promoteModel', tag: 'models', access: 'key',
    summary: 'Make a version the champion',
    description:
      "The model's task, target, classes and metric become that version's (a version of another target, such as one kept apart, changes what the model predicts). Promoting the current champion moves nothing: `200` with `previous_version` equal to `champion_version`, and no history event (a later rollback has nothing of it to undo).",
    body: { required: true, content: { 'application/json': { json: pointerSchema } } },
    responses: {
      200: ok('the champion moved', r.pointerChangeResponse),
      400: badBody(),
      404: fail('model_not_found, model_version_not_found'),
      409: fail('champion_changed: `from_version` is not the champion (details.champion_version names it); nothing moved'),
    },
  },
  {
    method: 'post', path: '/v1/models/{model}/rollback', operationId: 'rollbackModel', tag: 'models', access: 'key',
    summary: 'Restore the champion that preceded the current one',
    description: "The model's task, target, classes and metric become that version's again (after a replace_model, the model replaced).",
    body: { required: false, content: { 'application/json': { json: rollbackSchema } } },
    responses: {
      200: ok('the champion moved back', r.pointerChangeResponse),
      400: badBody(),
      404: notFound('model'),
      409: fail('nothing_to_roll_back: no earlier champion; champion_changed: `from_version` is not the champion (details.champion_version names it); nothing moved'),
    },
  },
  {
    method: 'get', path: '/v1/models/{model}/versions/{version}/artifact', operationId: 'exportArtifact', tag: 'models', access: 'key',
    summary: 'Download a version\'s artifact (for the portable loader)',
    responses: {
      200: ok('the artifact exactly as stored (a versioned, tagged envelope)', z.record(z.string(), z.unknown())),
      400: fail('invalid_name, invalid_request (version)'),
      404: fail('model_not_found, model_version_not_found'),
    },
  },
  {
    method: 'delete', path: '/v1/models/{model}/versions/{version}', operationId: 'deleteModelVersion', tag: 'models', access: 'key',
    summary: 'Delete one version that is not the champion, with its files',
    description:
      'For versions kept apart, challengers kept out, old champions. The number is never given again: a request pinning it gets `404 model_version_not_found`. The history keeps the version\'s events and adds a `version_deleted` one; rollback steps over it to the champion before.',
    responses: {
      204: noContent('deleted'),
      400: fail('invalid_name, invalid_request (version)'),
      404: fail('model_not_found, model_version_not_found'),
      409: fail('version_is_champion: predictions use it; promote another version first, or delete the model (details.champion_version)'),
    },
  },
  {
    method: 'get', path: '/v1/models/{model}/evaluation', operationId: 'getEvaluation', tag: 'models', access: 'key',
    summary: 'How a version did on rows it never trained on (out-of-fold)',
    description: 'Every metric of the task, the ROC curve (binary), the confusion matrix (classification), residuals (regression) and feature importances. A binary evaluation names its `positive_class`, the class f1 and the ROC curve speak for. A job run on a single split (over 20,000 rows) is scored on the holdout its trials shared (`folds: 1`, `rows` its rows); one made before the split was shared kept no predictions: `available: false` with the reason.',
    query: { version: versionQuery('model') },
    responses: { 200: ok('the evaluation, or why there is none', r.evaluationResponse), 400: fail('invalid_name, invalid_request (version)'), 404: fail('model_not_found, model_version_not_found') },
  },
  {
    method: 'put', path: '/v1/models/{model}/schedule', operationId: 'putSchedule', tag: 'retraining', access: 'key',
    summary: 'Set or replace the model\'s retraining schedule',
    body: { required: true, content: { 'application/json': { json: scheduleSchema } } },
    responses: {
      200: ok('the schedule', r.scheduleResponse),
      400: badBody('; invalid_target: the dataset lacks the model\'s target'),
      404: fail('model_not_found, dataset_not_found'),
      503: fail('schedule_not_registered: the schedule is stored but the cron scheduler could not be told of it; send the same PUT again'),
    },
  },
  {
    method: 'get', path: '/v1/models/{model}/schedule', operationId: 'getSchedule', tag: 'retraining', access: 'key',
    summary: 'The schedule with its run history',
    responses: { 200: ok('the schedule and its runs', r.scheduleWithRunsResponse), 404: fail('model_not_found, schedule_not_found') },
  },
  {
    method: 'delete', path: '/v1/models/{model}/schedule', operationId: 'deleteSchedule', tag: 'retraining', access: 'key',
    summary: 'Remove the schedule',
    responses: { 204: noContent('removed'), 404: fail('model_not_found, schedule_not_found') },
  },
  {
    method: 'get', path: '/v1/models/{model}/drift', operationId: 'getDrift', tag: 'monitoring', access: 'key',
    summary: 'Drift of live inputs from the training data (PSI per feature)',
    description: "An image's pixel columns are one `px_*` entry summarising the grid (its `pixels`); a model whose pixel columns are named otherwise (an image job given its shape) has one entry named after them, such as `p0..p63`. `?detail=pixels` lists every pixel column instead.",
    query: {
      version: versionQuery('model'),
      hours: hoursQuery,
      detail: { schema: z.literal('pixels'), description: 'pixels: every pixel column of an image model as its own entry, instead of the one px_* summary' },
    },
    responses: {
      200: ok('PSI per feature; without sampled rows, a note and no PSI', r.driftResponse),
      400: fail('invalid_request (version, hours, detail)'),
      404: fail('model_not_found, model_version_not_found'),
      409: fail('drift_reference_unavailable: the training data is gone, or the model forecasts a series (it takes no input rows to compare)'),
    },
  },
];

const keys: Operation[] = [
  {
    method: 'post', path: '/v1/keys', operationId: 'createKey', tag: 'keys', access: 'admin',
    summary: 'Create a tenant API key (shown once)',
    body: { required: true, content: { 'application/json': { json: createKeySchema } } },
    responses: { 201: ok('the key', r.keyCreatedResponse), 400: badBody('; invalid_name'), 409: fail('key_exists: revoke it first or pick another name') },
  },
  {
    method: 'get', path: '/v1/keys', operationId: 'listKeys', tag: 'keys', access: 'admin',
    summary: 'List the acting tenant\'s keys (never the keys themselves)',
    responses: { 200: ok('the keys', r.keyListResponse) },
  },
  {
    method: 'delete', path: '/v1/keys/{name}', operationId: 'revokeKey', tag: 'keys', access: 'admin',
    summary: 'Revoke a key',
    query: { tenant: { schema: z.string(), description: 'tenant of the key (default: the acting tenant); must agree with X-Tenant when both are sent' } },
    responses: { 204: noContent('revoked'), 400: fail('invalid_name, invalid_request'), 404: notFound('key') },
  },
];

/** The table, grouped by resource in the order the document lists them. */
export const OPERATIONS: readonly Operation[] = [...meta, ...datasets, ...jobs, ...models, ...keys];
