/**
 * @module worker/routes/jobs
 * Job routes. Creating a job checks everything that can be checked before any work starts (dataset,
 * target, task, metric, families, budget, column overrides) so that a bad request creates nothing, then
 * hands the job to its own SearchCoordinator.
 */
import { Hono } from 'hono';
import { applyOverrides, decodeDataset, defaultMetric, METRICS, MODEL_FAMILIES, type MetricName, type ModelFamily, prepareTarget, type Task } from '../../engine';
import type { JobConfig } from '../../durable/protocol';
import type { AuthVars } from '../auth';
import { coordinatorFor, isJobId } from '../coordinator';
import { ApiError, notFound } from '../errors';
import { enforceConcurrentJobs, enforceRateLimit, readLimits } from '../limits';
import { validName } from '../names';
import { createJobSchema, readJson } from '../schemas';
import { readObjectBytes } from '../storage';

type App = { Bindings: Env; Variables: AuthVars };

export const jobs = new Hono<App>();

/** Families named by the contract that are not available yet (they arrive with the unstructured-data work). */
const PLANNED_FAMILIES = new Set(['cnn', 'rnn']);
/** Every strategy the schema accepts is available; the set stays as the one place to retire or stage one. */
const AVAILABLE_STRATEGIES = new Set(['auto', 'random', 'grid', 'bayes', 'asha', 'hyperband']);

jobs.post('/', async (c) => {
  // Attempts count, refused ones included: the limit protects the dataset reads validation does.
  await enforceRateLimit(c, c.env.JOB_LIMITER, 'job creation');
  const body = await readJson(c, createJobSchema);
  const tenant = c.get('tenant');
  const datasetName = validName(body.dataset, 'dataset');
  const modelName = validName(body.model ?? datasetName, 'model');

  if (body.task === 'image' || body.task === 'forecast') {
    throw new ApiError(400, 'unsupported_task', `task "${body.task}" is not available yet; use binary, multiclass or regression`, { field: 'task' });
  }
  const strategy = body.strategy ?? 'auto';
  if (!AVAILABLE_STRATEGIES.has(strategy)) {
    throw new ApiError(400, 'invalid_request', `strategy "${strategy}" is not available yet; use one of ${[...AVAILABLE_STRATEGIES].map((s) => `"${s}"`).join(', ')}`, { field: 'strategy' });
  }
  const families = resolveFamilies(body.models);

  const registry = c.env.REGISTRY.getByName(tenant);
  const dataset = await registry.getDataset(datasetName, body.dataset_version);
  if (!dataset) throw notFound('dataset', datasetName);

  // Read the typed data once to validate the target the way a trial will see it.
  const stored = decodeDataset(await readObjectBytes(c.env.STORE, dataset.data_key, 'dataset'));
  const { dataset: ds, ignore } = applyOverrides(stored, body.columns ?? {});
  if (ignore.includes(body.target)) throw new ApiError(400, 'invalid_target', `the target "${body.target}" cannot also be ignored`, { field: 'columns', column: body.target });
  const target = prepareTarget(ds, body.target, body.task as Task | undefined);

  const metric: MetricName = body.metric ?? defaultMetric(target.task);
  if (!METRICS[metric].tasks.includes(target.task)) {
    throw new ApiError(400, 'invalid_metric', `metric "${metric}" does not apply to a ${target.task} task; use one of ${applicableMetrics(target.task).join(', ')}`, {
      field: 'metric',
    });
  }

  const seconds = body.budget?.seconds ?? (body.budget?.trials !== undefined ? 3600 : 60);
  const id = crypto.randomUUID();
  const now = Date.now();
  const featureCols = ds.columns.length - 1 - ignore.length;
  const config: JobConfig = {
    id,
    tenant,
    dataset: { name: datasetName, version: dataset.version, key: dataset.data_key, rows: target.rows.length, cols: Math.max(1, featureCols) },
    target: body.target,
    task: target.task,
    classes: target.classes,
    metric,
    greater_is_better: METRICS[metric].greaterIsBetter,
    budget: { seconds, ...(body.budget?.trials !== undefined ? { trials: body.budget.trials } : {}) },
    strategy: strategy as JobConfig['strategy'],
    families,
    columns: body.columns ?? {},
    seed: body.seed ?? 42,
    model_name: modelName,
    parallelism: body.parallelism ?? Math.max(1, Number(c.env.TRIAL_PARALLELISM || 2)),
    // Five folds where data is scarce and estimates are noisy; fewer as rows (and each fit's cost) grow.
    folds: target.rows.length <= 1_000 ? 5 : target.rows.length <= 20_000 ? 3 : 1,
    lease_ms: Math.max(5, Number(c.env.TRIAL_LEASE_SECONDS || 300)) * 1000,
    created_at: now,
  };
  // Checked last, right before the job is recorded, so a bad request is told what is wrong with it first
  // and the window between the count and the insert stays short.
  enforceConcurrentJobs(await registry.listJobs(), readLimits(c.env).maxConcurrentJobs);
  await registry.recordJob({ id, dataset: datasetName, target: body.target, status: 'queued', model_name: modelName, created_at: new Date(now).toISOString() });
  await coordinatorFor(c.env, tenant, id).start(config);
  return c.json({ id, status: 'queued' }, 202);
});

jobs.get('/', async (c) => {
  return c.json({ jobs: await c.env.REGISTRY.getByName(c.get('tenant')).listJobs() });
});

jobs.get('/:id', async (c) => {
  const view = isJobId(c.req.param('id')) ? await coordinatorFor(c.env, c.get('tenant'), c.req.param('id')).view() : null;
  if (!view) throw notFound('job', c.req.param('id'));
  return c.json(view);
});

jobs.get('/:id/trials', async (c) => {
  const trials = isJobId(c.req.param('id')) ? await coordinatorFor(c.env, c.get('tenant'), c.req.param('id')).trials() : null;
  if (!trials) throw notFound('job', c.req.param('id'));
  return c.json({ trials });
});

jobs.delete('/:id', async (c) => {
  const view = isJobId(c.req.param('id')) ? await coordinatorFor(c.env, c.get('tenant'), c.req.param('id')).cancel() : null;
  if (!view) throw notFound('job', c.req.param('id'));
  return c.json(view);
});

function resolveFamilies(requested: readonly string[] | undefined): ModelFamily[] {
  if (!requested) return [...MODEL_FAMILIES];
  const unique = [...new Set(requested)];
  for (const f of unique) {
    if (PLANNED_FAMILIES.has(f)) throw new ApiError(400, 'invalid_request', `model family "${f}" is not available yet; available: ${MODEL_FAMILIES.join(', ')}`, { field: 'models' });
    if (!MODEL_FAMILIES.includes(f as ModelFamily)) throw new ApiError(400, 'invalid_request', `unknown model family "${f}"; available: ${MODEL_FAMILIES.join(', ')}`, { field: 'models' });
  }
  // Keep the registry's priority order so the portfolio tries the strongest family first.
  return MODEL_FAMILIES.filter((f) => unique.includes(f));
}

function applicableMetrics(task: Task): string[] {
  return Object.values(METRICS)
    .filter((m) => m.tasks.includes(task))
    .map((m) => m.name);
}
