/**
 * @module worker/routes/forecast
 * `POST /v1/models/{model}/forecast {"horizon": N}`: the next N points of a forecast model's series
 * (from the end of its training data) with prediction intervals at `level` (any from 0.5 to 0.995), with
 * `"quantiles": [0.1, 0.5, 0.9]` each point's quantiles too, and with `"history": true` the latest
 * observed points the forecast starts from. Resolves the champion or a pinned
 * version like predict, keeps the loaded forecaster warm in the isolate's model cache, and refuses models
 * that are not forecasters with a pointer to the predict route. Every refusal of `horizon` is
 * `invalid_request`, whether the schema or the model makes it.
 */
import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import { EngineError } from '../../engine';
import { DEFAULT_LEVEL, type Forecaster, localTimeNote } from '../../engine/forecast';
import type { ModelVersionInfo } from '../../durable/registry';
import type { AuthVars } from '../auth';
import { ApiError } from '../errors';
import { enforceRateLimit } from '../limits';
import { holdForecaster } from '../model-cache';
import { loadOrCorrupt, servedModel } from '../model-versions';
import { validName } from '../names';
import { forecastSchema } from '../schemas';
import { readJson } from '../read-json';

type App = { Bindings: Env; Variables: AuthVars };
type ForecastBody = z.infer<typeof forecastSchema>;

export const forecast = new Hono<App>();

forecast.post('/:model/forecast', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  // Forecasts share the predict budget: both are the serving path of a model.
  await enforceRateLimit(c, c.env.PREDICT_LIMITER, 'predict');
  const body = await readJson(c, forecastSchema);
  const tenant = c.get('tenant');
  // Held while it answers: an eviction or a deletion meanwhile must not dispose an rnn's tensors under it.
  const { resolved, model: held } = await servedModel(c.env, tenant, name, body.version, undefined, (v) => {
    if (v.task !== 'forecast') {
      throw new ApiError(400, 'not_a_forecast_model', `model "${name}" is a ${v.task ?? 'table'} model, not a forecaster; ask it with POST /v1/models/${name}/predict`, { model: name });
    }
    return loadOrCorrupt(c.env, tenant, name, v, 'forecast', () => holdForecaster(c.env, v.artifact_key));
  });
  try {
    return answerForecast(c, name, body, resolved, held.model);
  } finally {
    held.release();
  }
});

/** The answer of a forecast request by `forecaster`, the version `resolved` (synchronous: it is held meanwhile). */
function answerForecast(c: Context<App>, name: string, body: ForecastBody, resolved: ModelVersionInfo, forecaster: Forecaster): Response {
  const level = body.level ?? DEFAULT_LEVEL;
  const local = forecaster.description.localTime;
  let points;
  try {
    points = forecaster.forecast(body.horizon, {
      level,
      ...(body.quantiles !== undefined ? { quantiles: body.quantiles } : {}),
      ...(body.group !== undefined ? { group: body.group } : {}),
      ...(body.covariates !== undefined ? { covariates: body.covariates } : {}),
    });
  } catch (err) {
    throw asHorizonRefusal(err);
  }
  const fallback = forecaster.fallback(body.group);
  return c.json({
    model: { name, version: resolved.version },
    ...(body.group !== undefined ? { group: body.group } : {}),
    horizon: body.horizon,
    level,
    // The quantiles each point carries, as its keys order them: ascending, each once.
    ...(body.quantiles !== undefined ? { quantiles: [...new Set(body.quantiles)].sort((a, b) => a - b) } : {}),
    forecasts: points,
    // A series read on its local clock: how its times are written (local, with or without the zone's offsets).
    ...(local ? { local_time: { ...local, note: localTimeNote(local.timezone, local.placed) } } : {}),
    // Asked for only: most callers want the points, and the history can be as long as a few seasons.
    ...(body.history ? { history: forecaster.recent(body.group) } : {}),
    // A group too short to validate on is forecast by a simple rule instead of the model (engine/forecast/fallback),
    // which reads no covariates: those sent are checked as any group's (clients send them for every group), and said unused.
    ...(fallback ? { fallback: { ...fallback, ...(body.covariates?.length ? { covariates_ignored: true } : {}) } } : {}),
  });
}

/**
 * The model's refusal of `horizon` (over its longest forecast, or too many steps to compute) under the
 * code the schema refuses the field with (under 1, not a whole number): one field, one code, so a client
 * tells a bad request field from a bad covariate value (invalid_input) alike. Message and details stay.
 */
function asHorizonRefusal(err: unknown): unknown {
  if (err instanceof EngineError && err.code === 'invalid_input' && err.details.field === 'horizon') return new ApiError(400, 'invalid_request', err.message, err.details);
  return err;
}
