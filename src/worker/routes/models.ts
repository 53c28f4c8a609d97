/**
 * @module worker/routes/models
 * Model routes: list, describe (versions, champion, features) and predict. Predict resolves the champion
 * (or a pinned version) in the tenant's registry, takes the warm model from the isolate cache and answers
 * labels with probabilities, or values for regression.
 */
import { Hono } from 'hono';
import type { AuthVars } from '../auth';
import { ApiError, notFound } from '../errors';
import { enforceRateLimit } from '../limits';
import { EngineError, type Predictor } from '../../engine';
import type { ModelVersionInfo } from '../../durable/registry';
import { loadPredictor } from '../model-cache';
import { validName } from '../names';
import { predictSchema, readJson } from '../schemas';

type App = { Bindings: Env; Variables: AuthVars };

export const models = new Hono<App>();

models.get('/', async (c) => {
  return c.json({ models: await c.env.REGISTRY.getByName(c.get('tenant')).listModels() });
});

models.get('/:model', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  const info = await c.env.REGISTRY.getByName(c.get('tenant')).getModel(name);
  if (!info) throw notFound('model', name);
  const champion = info.versions.find((v) => v.version === info.champion_version);
  // Describing a model must work even when its artifact cannot be read: that is when people look.
  let predictor: Predictor | undefined;
  let artifactError: { code: string; message: string } | undefined;
  if (champion) {
    try {
      predictor = await loadVersion(c.env, name, champion);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status < 500) throw err;
      artifactError = { code: err.code, message: err.message };
    }
  }
  const env = predictor?.envelope;
  return c.json({
    name: info.name,
    task: info.task,
    target: info.target,
    metric: info.metric,
    greater_is_better: info.greater_is_better,
    champion_version: info.champion_version,
    classes: info.classes,
    family: champion?.family,
    features: (env?.pipeline.inputs ?? []).map((input) => ({ name: input.name, type: input.type, importance: env?.importances?.[input.name] ?? null })),
    versions: info.versions.map((v) => ({
      version: v.version,
      job_id: v.job_id,
      trial_id: v.trial_id,
      family: v.family,
      metric: v.metric,
      score: v.score,
      dataset: v.dataset,
      created_at: v.created_at,
    })),
    updated_at: info.updated_at,
    ...(artifactError ? { artifact_error: artifactError } : {}),
  });
});

models.post('/:model/predict', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  await enforceRateLimit(c, c.env.PREDICT_LIMITER, 'predict');
  const body = await readJson(c, predictSchema);
  const resolved = await c.env.REGISTRY.getByName(c.get('tenant')).resolveModel(name, body.version);
  if (!resolved) {
    if (body.version !== undefined) throw new ApiError(404, 'model_version_not_found', `model "${name}" has no version ${body.version}`, { model: name, version: body.version });
    throw notFound('model', name);
  }
  if (body.explain) throw new ApiError(400, 'invalid_request', 'explain is not available yet', { field: 'explain' });
  const predictor = await loadVersion(c.env, name, resolved);
  const result = predictor.predictRows(body.rows);
  return c.json({ model: { name, version: resolved.version }, ...result });
});

/** The warm predictor of one model version; an unusable artifact is named by model and version. */
async function loadVersion(env: Env, name: string, v: ModelVersionInfo): Promise<Predictor> {
  try {
    return await loadPredictor(env, v.artifact_key);
  } catch (err) {
    if (!(err instanceof EngineError && err.code === 'bad_artifact')) throw err;
    console.error(`model ${name} v${v.version}: ${err.message}`);
    throw new ApiError(500, 'model_artifact_corrupt', `the stored artifact of model "${name}" version ${v.version} cannot be loaded; predict with another version or retrain`, {
      model: name,
      version: v.version,
    });
  }
}
