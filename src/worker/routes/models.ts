/**
 * @module worker/routes/models
 * Model routes: list, describe (versions, champion, history, and the features, series or images of the
 * champion or of the `?version=N` asked for), predict, move the champion
 * (promote, rollback), export a version's artifact and delete the model (worker/model-deletion). Predict resolves the champion (or a pinned
 * version) in the tenant's registry, takes the warm model from the isolate cache and answers labels with
 * probabilities, or values for regression. Rows come as JSON, or as a CSV or Parquet body for batches; the answer is
 * JSON, or CSV when the client asks for it (`Accept: text/csv`, see csv-answer).
 */
import { type Context, Hono } from 'hono';
import type { AuthVars } from '../auth';
import { ApiError, listSome, notFound } from '../errors';
import { enforceRateLimit } from '../limits';
import { type ExplainResult, type PredictionResult, type Predictor, servingCostMicros } from '../../engine';
import { type CovariateSpec, type Forecaster, listedSeriesScores } from '../../engine/forecast';
import type { ModelVersionInfo, PointerChange } from '../../durable/registry';
import { recordForDrift, rowArray, type SampledRows } from '../drift-sampler';
import { checkPixelRows, headerGivesImages, imageRowsToArrays, imageRowsToColumns, imageShapeOf } from '../image-rows';
import { IMAGE_FILE_MAX_VALUE } from '../../engine/core/image-shape';
import { MAX_PIXEL_TABLE_COLUMNS } from '../../engine/data/images/image-table';
import { type Held, holdPredictor, loadForecaster, loadPredictor } from '../model-cache';
import { explainBytesPerRow, explainMicrosPerRow, maxExplainedRowsInMemory, maxExplainedRowsInTime } from '../../engine/explain/explain-cost';
import { describedVersion, loadOrCorrupt, servedModel, servedVersion, versionNotFound, versionParam } from '../model-versions';
import { forgetModel } from '../version-cache';
import { cleanUpDeletedModel, cleanUpDeletedVersion, forgetDeletedModel } from '../model-deletion';
import { settleEndedJobs } from '../settle-jobs';
import type { ModelDeletion } from '../../durable/model-deletion';
import { waitUntilOf } from '../refresh-ahead';
import { validName } from '../names';
import { mediaTypeOf } from '../csv-body';
import { isTableType, readTableColumnsBody, type TableFormat } from '../table-body';
import { namingRefusedRow } from '../row-refusals';
import type { CsvColumns } from '../../engine/data/csv-columns';
import { csvRowObject, csvRowObjects } from '../../engine/features/cells-to-dataset';
import { CSV_ANSWER_TYPE, predictionsCsv, prefersCsv } from '../csv-answer';
import { MAX_JSON_BYTES, MAX_PREDICT_ROWS, predictSchema } from '../schemas';
import { readJson } from '../read-json';
import { readObjectBytes } from '../storage';
import { readImportances } from '../feature-importance';
import { z } from 'zod';

type App = { Bindings: Env; Variables: AuthVars };

export const models = new Hono<App>();

models.get('/', async (c) => {
  return c.json({ models: await c.env.REGISTRY.getByName(c.get('tenant')).listModels() });
});

models.get('/:model', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  const version = versionParam(c.req.query('version'));
  const tenant = c.get('tenant');
  const info = await c.env.REGISTRY.getByName(tenant).getModel(name);
  if (!info) throw notFound('model', name);
  // What the artifact says (family, features, forecast, image, serving) is the champion's, or with
  // `?version=N` that version's, so a client pinning an older version sees what it takes; the rest is the model's.
  const described = info.versions.find((v) => v.version === (version ?? info.champion_version));
  if (version !== undefined && !described) throw versionNotFound(name, version);
  // Describing a model must work even when its artifact cannot be read: that is when people look.
  let predictor: Predictor | undefined;
  let artifactError: { code: string; message: string } | undefined;
  // A forecaster has no feature schema to describe: its series (below) takes the place of features. The
  // described version's own task decides (a pinned version may be of another task than the champion).
  const describedTask = described?.task ?? info.task;
  if (described && describedTask !== 'forecast') {
    try {
      predictor = await loadVersion(c.env, tenant, name, described);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status < 500) throw err;
      artifactError = { code: err.code, message: err.message };
    }
  }
  let forecaster: Forecaster | undefined;
  if (described && describedTask === 'forecast') {
    try {
      forecaster = await loadOrCorrupt(c.env, tenant, name, described, 'forecast', () => loadForecaster(c.env, described.artifact_key));
    } catch (err) {
      if (!(err instanceof ApiError) || err.status < 500) throw err;
      artifactError = { code: err.code, message: err.message };
    }
  }
  const env = predictor?.envelope;
  const importances = described && predictor ? (await readImportances(c.env, described.artifact_key))?.importances : undefined;
  return c.json({
    name: info.name,
    task: info.task,
    target: info.target,
    metric: info.metric,
    greater_is_better: info.greater_is_better,
    champion_version: info.champion_version,
    ...(described ? { described_version: described.version } : {}),
    classes: info.classes,
    family: described?.family,
    // Input columns the model reads; importance is the described version's permutation importance (share of the
    // total), null until the post-publication task has stored it (or for image models).
    // A datetime input trained on 03/15/2024-style dates says which layout predict reads (and ISO-8601).
    features: (env?.pipeline.inputs ?? []).map((input) => ({
      name: input.name,
      type: input.type,
      importance: importances && Object.hasOwn(importances, input.name) ? importances[input.name] : null,
      ...(input.dateOrder ? { date_order: input.dateOrder } : {}),
    })),
    versions: info.versions.map((v) => ({
      version: v.version,
      job_id: v.job_id,
      trial_id: v.trial_id,
      family: v.family,
      metric: v.metric,
      greater_is_better: v.greater_is_better,
      score: v.score,
      dataset: v.dataset,
      created_at: v.created_at,
      // What the version predicts, where stored (a version kept apart may predict another target than the champion).
      ...(v.task !== undefined && v.target !== undefined ? { task: v.task, target: v.target, classes: v.classes ?? [] } : {}),
      // A forecast champion advanced to newer data: whose fitted model it is (its dataset: the newer data).
      ...(v.advanced_from !== undefined ? { advanced_from: v.advanced_from } : {}),
    })),
    history: info.history,
    ...(forecaster ? { forecast: forecastView(forecaster) } : {}),
    // Image models take rows as image files too: the dashboard offers a file picker instead of pixel boxes.
    ...(imageView(predictor) ?? {}),
    // The described version's estimated single-row prediction time (see engine/serialize/serving-cost).
    ...(predictor ? { serving: { estimated_us_per_row: Math.round(servingCostMicros(predictor.artifact) * 10) / 10 } } : {}),
    updated_at: info.updated_at,
    ...(artifactError ? { artifact_error: artifactError } : {}),
  });
});

models.post('/:model/predict', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  await enforceRateLimit(c, c.env.PREDICT_LIMITER, 'predict');
  const tenant = c.get('tenant');
  const body = await readPredictBody(c).catch(async (err: unknown) => {
    // A forecast request sent to a forecaster's predict route fails to parse as rows; the useful answer
    // is where to ask instead.
    const champion = await servedVersion(c.env, tenant, name, undefined, waitUntilOf(c)).catch(() => undefined);
    if (champion) refuseForecaster(name, champion);
    throw err;
  });
  // Held while it answers: an eviction or a deletion meanwhile must not dispose its tensors under it.
  const { resolved, model: held } = await servedModel(c.env, tenant, name, body.version, waitUntilOf(c), (v) => holdVersion(c.env, tenant, name, v));
  try {
    return answerPredict(c, tenant, name, body, resolved, held.model);
  } finally {
    held.release();
  }
});

/** The answer of a predict request by `predictor`, the version `resolved` (synchronous: the model is held meanwhile). */
function answerPredict(c: Context<App>, tenant: string, name: string, body: PredictRequest, resolved: ModelVersionInfo, predictor: Predictor): Response {
  // Image models also take rows as {"image": base64} or {"pixels": [...]}; they become pixel columns here.
  const shape = imageShapeOf(predictor.envelope);
  // A CSV batch decodes straight from its columns (engine/features/cells-to-dataset, same answer and
  // errors as its row objects); those are built only for image models and for the few rows drift samples.
  // A column the model does not know is the file's header's fault, not its first row's.
  if (body.table && !shape) refuseUnknownHeaderColumn(predictor, body.table.header, body.format);
  let sampled: SampledRows;
  let result: PredictionResult;
  let explained = {};
  const width = predictor.envelope.columns.length;
  // An image model's CSV of pixel columns is checked a row at a time, then read from its columns: as row
  // objects its pixels would take 16 times the bytes they came in.
  const pixelTable = body.table && shape && !body.explain && !headerGivesImages(predictor.envelope.columns, body.table.header);
  if (body.table && (!shape || pixelTable) && !body.explain) {
    const table = body.table;
    if (shape) namingRefusedRow(body, () => checkPixelRows(shape, predictor.envelope.columns, table.rows, (i) => csvRowObject(table, i)));
    sampled = { length: table.rows, width: table.header.length, at: (i) => csvRowObject(table, i) };
    result = namingRefusedRow(body, () => predictor.predictTable(table));
  } else {
    const given = body.table ? csvRowObjects(body.table) : body.rows;
    if (body.explain) refuseCostlyExplanation(predictor, given.length);
    // Images and pixel arrays become one array per pixel column, not rows of thousands of properties.
    const batch = shape && !body.explain ? namingRefusedRow(body, () => imageRowsToArrays(shape, predictor.envelope.columns, given)) : undefined;
    const answer = batch && namingRefusedRow(body, () => predictor.predictWithColumns(batch.rows, batch.pixels));
    if (batch && answer) {
      sampled = { length: given.length, width, at: batch.rowAt };
      result = answer;
    } else {
      const rows = namingRefusedRow(body, () => (shape ? imageRowsToColumns(shape, predictor.envelope.columns, given) : given));
      sampled = rowArray(rows, width);
      result = namingRefusedRow(body, () => predictor.predictRows(rows));
      // Explanations are computed only on request: exact TreeSHAP costs far more than the prediction.
      if (body.explain) explained = explanationFields(namingRefusedRow(body, () => predictor.explainRows(rows)));
    }
  }
  recordForDrift(c, tenant, name, resolved, sampled);
  // CSV on request (explanations have no CSV form: an explained answer stays JSON).
  if (!body.explain && prefersCsv(c.req.header('accept'))) {
    return c.body(predictionsCsv(result, predictor.artifact.task === 'regression' ? [] : predictor.artifact.classes), 200, {
      'content-type': CSV_ANSWER_TYPE,
      'x-model-name': name,
      'x-model-version': String(resolved.version),
      // A CSV answer has no place for the cells listed in a JSON one (`unseen`): their count says to look.
      ...(result.unseen ? { 'x-unseen-categories': String(result.unseen_total ?? result.unseen.length) } : {}),
      // Likewise the columns the model reads that the batch did not send (`absent_columns`).
      ...(result.absent_columns ? { 'x-absent-columns': String(result.absent_columns_total ?? result.absent_columns.length) } : {}),
    });
  }
  return c.json({ model: { name, version: resolved.version }, ...result, ...explained });
}

/**
 * Refuses a CSV or Parquet batch whose header names a column the training data did not have, naming the
 * header (line 1 of a CSV) and the column: decoding would blame the first row for it.
 */
function refuseUnknownHeaderColumn(predictor: Predictor, header: readonly string[], format: TableFormat): void {
  const column = predictor.unknownColumn(header);
  if (column === undefined) return;
  const where = format === 'csv' ? 'the header (line 1) names' : 'the Parquet file has';
  throw new ApiError(400, 'invalid_input', `${where} column "${column}", which the model was trained without; leave it out, or check its spelling`, {
    field: 'header',
    column,
    ...(format === 'csv' ? { line: 1 } : {}),
  });
}

/**
 * Refuses, before any work, explanations that would run longer, or hold more memory, than one request
 * may (explain-cost): exact TreeSHAP over a forest of deep trees takes tens of milliseconds a row, and a
 * wide multiclass model's explanation holds some 100 KB a row. A model without explanations is refused
 * here too, as explaining it would be (422 explain_unavailable).
 */
function refuseCostlyExplanation(predictor: Predictor, rows: number): void {
  const work = predictor.explainWorkPerRow();
  const inTime = maxExplainedRowsInTime(work);
  const shape = predictor.explanationShape();
  const inMemory = maxExplainedRowsInMemory(shape);
  const max = Math.min(inTime, inMemory);
  if (rows <= max) return;
  const field = { field: 'explain', rows, max_rows: max };
  if (inTime <= inMemory) {
    const seconds = (rows * explainMicrosPerRow(work)) / 1e6;
    throw new ApiError(400, 'invalid_request', `explaining ${rows} rows of this model would take about ${Math.ceil(seconds)} s of CPU (${(explainMicrosPerRow(work) / 1000).toFixed(1)} ms a row: exact explanations walk every leaf of every tree), more than one request may use; explain at most ${max} rows per request, or predict without explain`, field);
  }
  const mb = (rows * explainBytesPerRow(shape)) / 2 ** 20;
  const outputs = shape.width > 1 ? ` for each of ${shape.width} classes` : '';
  throw new ApiError(400, 'invalid_request', `explaining ${rows} rows of this model would hold about ${Math.ceil(mb)} MB (a contribution of each of its ${shape.features} features and ${shape.columns} columns${outputs} per row), more than one request may use; explain at most ${max} rows per request, or predict without explain`, field);
}

/** A predict request: JSON rows, or a CSV or Parquet batch kept as columns of cells. */
type PredictRequest =
  | { readonly rows: readonly unknown[]; readonly table?: undefined; readonly format?: undefined; readonly version?: number; readonly explain?: boolean }
  | { readonly rows?: undefined; readonly table: CsvColumns; readonly format: TableFormat; readonly version?: number; readonly explain: boolean };

/**
 * A predict request as JSON (`{"rows", "version", "explain"}`) or as a CSV body (a header of column
 * names, one row per line) or Parquet body (`?version=N` pins a version, `?explain=true` asks for
 * explanations; an audit's `?explain=true` was silently ignored; with a JSON body they are refused, as
 * the body's own fields say it). CSV cells arrive as text, which
 * the model's feature schema reads as it reads JSON strings; an empty cell (a Parquet null) is a missing value.
 */
async function readPredictBody(c: Context<App>): Promise<PredictRequest> {
  const mediaType = mediaTypeOf(c.req.header('content-type'));
  if (!isTableType(mediaType)) {
    // A JSON body says version and explain itself; the query's would be ignored, answering another question.
    const inQuery = ['version', 'explain'].find((name) => c.req.query(name) !== undefined);
    if (inQuery) {
      const sent = c.req.query(inQuery) ?? '';
      const example = /^(true|false|[1-9]\d{0,8})$/.test(sent) ? sent : inQuery === 'version' ? '2' : 'true';
      throw new ApiError(400, 'invalid_request', `?${inQuery} is read with a CSV or Parquet body; a JSON body gives it as a field: {"rows": [...], "${inQuery}": ${example}}`, { field: inQuery });
    }
    return readJson(c, predictSchema, { tables: true, imageHint: 'an image model predicts from JSON rows holding the image as base64: {"rows": [{"image": "<base64 PNG or JPEG>"}]}' });
  }
  const version = versionParam(c.req.query('version'));
  // A CSV or Parquet body carries no JSON fields: `explain` comes as a query parameter, as `version` does.
  const explainParam = c.req.query('explain');
  if (explainParam !== undefined && explainParam !== 'true' && explainParam !== 'false') throw new ApiError(400, 'invalid_request', `explain: expected true or false, got "${explainParam}"`, { field: 'explain' });
  const { table, format } = await readTableColumnsBody(c.req.raw, mediaType, { maxBytes: MAX_JSON_BYTES, maxRows: MAX_PREDICT_ROWS, maxColumns: MAX_PREDICT_COLUMNS, rowsOf: 'one prediction request' });
  return { table, format, version, explain: explainParam === 'true' };
}

/**
 * Most columns a CSV or Parquet predict body may have: an image model's pixel columns at the largest
 * image an upload makes (64x64x3, 12,288), and a few more (an id, the label) beside them.
 */
const MAX_PREDICT_COLUMNS = MAX_PIXEL_TABLE_COLUMNS;

// `from_version`: move only while that version is the champion (409 champion_changed otherwise), so a
// client acting on what it last read cannot undo another client's move.
const fromVersion = z.int().positive().optional();
export const pointerSchema = z.strictObject({ version: z.int().positive(), from_version: fromVersion });
export const rollbackSchema = z.strictObject({ reason: z.string().max(500).optional(), from_version: fromVersion });

/** `POST /v1/models/{model}/promote {"version": N}`: makes version N the champion. */
models.post('/:model/promote', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  const { version, from_version } = await readJson(c, pointerSchema);
  return answerPointerChange(c, name, await c.env.REGISTRY.getByName(c.get('tenant')).promote(name, version, `promoted to version ${version} by request`, from_version), version, from_version);
});

/** `POST /v1/models/{model}/rollback`: restores the champion that preceded the current one. */
models.post('/:model/rollback', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  // The body is optional: an empty one asks for the default reason.
  const { reason, from_version } = await readJson(c, rollbackSchema, { empty: {} });
  return answerPointerChange(c, name, await c.env.REGISTRY.getByName(c.get('tenant')).rollback(name, reason ?? 'rolled back by request', from_version), undefined, from_version);
});

function answerPointerChange(c: Context<App>, name: string, change: PointerChange, version?: number, fromVersion?: number) {
  forgetModel(c.get('tenant'), name);
  if (change.ok) return c.json({ name, champion_version: change.champion_version, previous_version: change.previous_version });
  if (change.code === 'model_not_found') throw notFound('model', name);
  if (change.code === 'model_version_not_found') throw versionNotFound(name, version as number);
  if (change.code === 'champion_changed') {
    throw new ApiError(409, 'champion_changed', `model "${name}" is served by version ${change.champion_version}, not version ${fromVersion} as from_version says; nothing moved (read the model again)`, {
      model: name,
      field: 'from_version',
      champion_version: change.champion_version,
      from_version: fromVersion,
    });
  }
  throw new ApiError(409, 'nothing_to_roll_back', `model "${name}" has no earlier champion to roll back to`, { model: name });
}

/**
 * `DELETE /v1/models/{model}`: the model, every version, its history, schedule, drift counts and files.
 * The Registry deletes its rows at once or not at all, refusing while a job may still publish to the
 * model (409 naming it); what lies outside it is cleaned up after (see worker/model-deletion).
 */
models.delete('/:model', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  const tenant = c.get('tenant');
  const registry = c.env.REGISTRY.getByName(tenant);
  let outcome = await registry.deleteModel(name);
  // The jobs refused for may have ended without the Registry hearing of it: checked once, then asked again.
  if (outcome && !outcome.deleted && outcome.starting_run === null && (await settleEndedJobs(c.env, tenant, outcome.jobs))) outcome = await registry.deleteModel(name);
  if (!outcome) throw notFound('model', name);
  if (!outcome.deleted) throw modelInUse(name, outcome);
  forgetDeletedModel(tenant, name, outcome.artifact_keys);
  await cleanUpDeletedModel(c.env, tenant, name, outcome);
  return c.body(null, 204);
});

/** Seconds to wait for a scheduled run that is starting its job (it is settled within moments). */
const RUN_STARTING_RETRY_S = 5;

function modelInUse(name: string, busy: Extract<ModelDeletion, { deleted: false }>): ApiError {
  const { jobs, starting_run: run } = busy;
  if (jobs.length === 0) {
    return new ApiError(409, 'model_in_use', `a scheduled retraining run of model "${name}" is starting its job right now; retry in a few seconds (then cancel the job it started, if any)`, {
      model: name,
      jobs: [],
      scheduled_run: run,
      retry_after_seconds: RUN_STARTING_RETRY_S,
    });
  }
  const how =
    jobs.length === 1
      ? `job ${jobs[0]}, which would publish to it; cancel it (DELETE /v1/jobs/${jobs[0]}) or wait for it to end`
      : `jobs ${listSome(jobs, 5)}, which would publish to it; cancel them (DELETE /v1/jobs/{id} for each) or wait for them to end`;
  return new ApiError(409, 'model_in_use', `model "${name}" is still being trained by ${how}, then delete the model`, { model: name, jobs });
}

/**
 * `GET /v1/models/{model}/versions/{v}/artifact`: the version's artifact exactly as stored, for running
 * the model elsewhere with the portable loader (see the README).
 */
models.get('/:model/versions/:version/artifact', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  const version = versionParam(c.req.param('version'));
  const resolved = await describedVersion(c.env, c.get('tenant'), name, version);
  const bytes = await readObjectBytes(c.env.STORE, resolved.artifact_key, 'model artifact').catch(async (err: unknown) => {
    // Deleted (the version, or the model) between the lookup and the read: the 404 a moment later, not a 500.
    if (err instanceof ApiError && err.code === 'storage_missing') await describedVersion(c.env, c.get('tenant'), name, version);
    throw err;
  });
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': 'application/json',
    'content-disposition': `attachment; filename="${name}-v${version}.json"`,
    'cache-control': 'private, max-age=31536000, immutable',
    // One URL serves every tenant's model of that name (the key, or the admin key's X-Tenant, says
    // whose): a browser must not answer one tenant's request with another's cached artifact.
    vary: 'Authorization, X-Tenant',
  });
});

/**
 * `DELETE /v1/models/{model}/versions/{version}`: one version that is not the champion, with its files
 * (durable/version-deletion); its number is never given again, and a request pinning it gets 404.
 */
models.delete('/:model/versions/:version', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  const version = versionParam(c.req.param('version'));
  const tenant = c.get('tenant');
  const outcome = await c.env.REGISTRY.getByName(tenant).deleteVersion(name, version);
  if (!outcome.ok) {
    if (outcome.code !== 'version_is_champion') throw outcome.code === 'model_not_found' ? notFound('model', name) : versionNotFound(name, version);
    throw new ApiError(
      409,
      'version_is_champion',
      `version ${version} is the champion of model "${name}", which its predictions use; promote another version first (POST /v1/models/${name}/promote), or delete the model`,
      { model: name, version, champion_version: outcome.champion_version },
    );
  }
  await cleanUpDeletedVersion(c.env, tenant, name, version, outcome.artifact_key);
  return c.body(null, 204);
});

/**
 * Explanations in the response: one per row, `base + Σ contributions = output` in `explanation_space`
 * ("margin": log-odds / class scores; "probability"; "value"), `explained_class` naming the class a
 * binary model's single output speaks for.
 */
function explanationFields(result: ExplainResult) {
  return {
    explanation_space: result.space,
    ...(result.positiveClass !== undefined ? { explained_class: result.positiveClass } : {}),
    explanations: result.explanations,
  };
}

/** The warm predictor of one model version; an unusable artifact is named by model and version. */
async function loadVersion(env: Env, tenant: string, name: string, v: ModelVersionInfo): Promise<Predictor> {
  refuseForecaster(name, v);
  return loadOrCorrupt(env, tenant, name, v, 'predict', () => loadPredictor(env, v.artifact_key));
}

/** loadVersion held until released (model-cache holdPredictor): for predicting right after the load. */
async function holdVersion(env: Env, tenant: string, name: string, v: ModelVersionInfo): Promise<Held<Predictor>> {
  refuseForecaster(name, v);
  return loadOrCorrupt(env, tenant, name, v, 'predict', () => holdPredictor(env, v.artifact_key));
}

function refuseForecaster(name: string, v: ModelVersionInfo): void {
  if (v.task === 'forecast') {
    throw new ApiError(400, 'forecast_model', `model "${name}" forecasts a series and takes no rows; ask it with POST /v1/models/${name}/forecast {"horizon": N}`, { model: name });
  }
}

/** `image` of the model view: the shape and pixel range the described version takes, when it takes images. */
function imageView(predictor: Predictor | undefined): { image: { height: number; width: number; channels: number; max_value: number; min_value?: number } } | undefined {
  const shape = predictor && imageShapeOf(predictor.envelope);
  if (!shape) return undefined;
  return { image: { height: shape.height, width: shape.width, channels: shape.channels, max_value: shape.maxValue ?? IMAGE_FILE_MAX_VALUE, ...(shape.minValue !== undefined ? { min_value: shape.minValue } : {}) } };
}

/** Most group names the model view lists; a forecast request may name any group the model has. */
const MAX_LISTED_GROUPS = 1000;

/** `forecast` of the model view: the series a forecaster forecasts, where each ends, and how far ahead it may be asked. */
function forecastView(f: Forecaster) {
  const d = f.description;
  return {
    time_column: d.timeColumn,
    ...(d.groupColumn !== undefined ? { group_column: d.groupColumn, groups: f.groups.slice(0, MAX_LISTED_GROUPS) } : {}),
    // Groups too short to validate on, forecast by a simple rule: apart from `groups` (the model's own
    // series), so a client offering every series offers them too and can tell which forecasts are a rule's.
    ...(d.fallbackGroups ? { fallback_groups: d.fallbackGroups.slice(0, MAX_LISTED_GROUPS).map((g) => ({ group: g.group, rule: g.rule, points: g.points })) } : {}),
    frequency: d.frequency,
    // A fixed step in seconds and words: `frequency: "fixed"` alone does not say half-hourly from every 90 minutes.
    ...(d.step ? { step: { seconds: d.step.seconds, text: d.step.text } } : {}),
    season: d.season,
    horizon: d.horizon,
    max_horizon: d.maxHorizon,
    // A target never below 0 in training: forecasts and interval bounds never go below it either.
    ...(d.floor !== undefined ? { floor: d.floor } : {}),
    ...(d.covariates ? { covariates: d.covariates.map(covariateView) } : {}),
    ...(d.pastCovariates ? { past_covariates: d.pastCovariates.map(covariateView) } : {}),
    ...(d.localTime ? { local_time: d.localTime } : {}),
    // Where each series ends: its forecasts start the step after (newer data need a retraining to move it).
    series: f.ends.slice(0, MAX_LISTED_GROUPS).map((e) => ({ ...(d.groupColumn !== undefined ? { group: e.group } : {}), last_time: e.lastTime, points: e.points })),
    // Several series: each one's own validation score in the version's metric, worst first (stored in its artifact).
    ...(d.seriesScores ? listedSeriesScores(d.seriesScores) : {}),
  };
}

/**
 * A covariate as the model view lists it: as the model stores it, a boolean with the two values a request
 * gives (false and true; any spelling the upload reads as a boolean is taken too), so a client that
 * offers a category's levels offers those.
 */
function covariateView(c: CovariateSpec) {
  return c.kind === 'boolean' ? { ...c, levels: ['false', 'true'] } : c;
}
