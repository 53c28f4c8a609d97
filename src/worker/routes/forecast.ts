/**
 * @module worker/routes/forecast
 * `POST /v1/models/{model}/forecast {"horizon": N}`: the next N points of a forecast model's series
 * (from the end of its training data) with prediction intervals. Resolves the champion or a pinned
 * version like predict, keeps the loaded forecaster warm in the isolate's model cache, and refuses models
 * that are not forecasters with a pointer to the predict route.
 */
import { Hono } from 'hono';
import { EngineError } from '../../engine';
import { DEFAULT_LEVEL } from '../../engine/forecast';
import type { AuthVars } from '../auth';
import { ApiError, notFound } from '../errors';
import { enforceRateLimit } from '../limits';
import { loadForecaster } from '../model-cache';
import { validName } from '../names';
import { forecastSchema, readJson } from '../schemas';
import { resolveVersion } from '../version-cache';

type App = { Bindings: Env; Variables: AuthVars };

export const forecast = new Hono<App>();

forecast.post('/:model/forecast', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  // Forecasts share the predict budget: both are the serving path of a model.
  await enforceRateLimit(c, c.env.PREDICT_LIMITER, 'predict');
  const body = await readJson(c, forecastSchema);
  const tenant = c.get('tenant');
  const resolved = await resolveVersion(tenant, name, body.version, () => c.env.REGISTRY.getByName(tenant).resolveModel(name, body.version));
  if (!resolved) {
    if (body.version !== undefined) throw new ApiError(404, 'model_version_not_found', `model "${name}" has no version ${body.version}`, { model: name, version: body.version });
    throw notFound('model', name);
  }
  if (resolved.task !== 'forecast') {
    throw new ApiError(400, 'not_a_forecast_model', `model "${name}" is a ${resolved.task ?? 'table'} model, not a forecaster; ask it with POST /v1/models/${name}/predict`, { model: name });
  }
  let forecaster;
  try {
    forecaster = await loadForecaster(c.env, resolved.artifact_key);
  } catch (err) {
    if (!(err instanceof EngineError && err.code === 'bad_artifact')) throw err;
    console.error(`model ${name} v${resolved.version}: ${err.message}`);
    throw new ApiError(500, 'model_artifact_corrupt', `the stored artifact of model "${name}" version ${resolved.version} cannot be loaded; forecast with another version or retrain`, {
      model: name,
      version: resolved.version,
    });
  }
  const level = body.level ?? DEFAULT_LEVEL;
  const points = forecaster.forecast(body.horizon, { level, ...(body.group !== undefined ? { group: body.group } : {}) });
  return c.json({
    model: { name, version: resolved.version },
    ...(body.group !== undefined ? { group: body.group } : {}),
    horizon: body.horizon,
    level,
    forecasts: points,
  });
});
