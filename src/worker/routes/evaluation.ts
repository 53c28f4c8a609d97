/**
 * @module worker/routes/evaluation
 * `GET /v1/models/{model}/evaluation[?version=N]`: how a model version did on rows it never trained on,
 * for the dashboard's model page. The predictions are the out-of-fold ones its job's search wrote (the
 * published trial's, or for an ensemble its members' combined as it combines them: the weighted blend,
 * or the log-linear pool), lined up with the target
 * exactly as the trials prepared it (same column overrides, without a retraining job's holdout). The
 * answer holds every metric of the task (a binary one names the positive class its F1 and ROC curve speak
 * for, the job's), the ROC curve (binary), the confusion matrix (classification),
 * a residual sample (regression) and the version's feature importances (worker/feature-importance). A
 * job run on a single split shared by its trials (JobConfig.shared_holdout) is scored on that holdout's
 * rows alone, the only ones its trials predicted without training on them (`folds: 1`). A job run on a
 * single split of each trial's own writes no such predictions, and a forecast model is validated on
 * rolling origins instead: the answer is then `available: false` with the reason.
 */
import { Hono } from 'hono';
import { applyOverrides, decodeDataset, prepareTarget } from '../../engine';
import { outputWidth } from '../../engine/core/task';
import { trainingPart } from '../../engine/data/holdout';
import { holdoutPositions, takeRows } from '../../engine/data/shared-holdout';
import { logLinearPool } from '../../engine/ensemble/log-linear-pool';
import { blendOutputs, type WeightedOutput } from '../../engine/eval/blend';
import { evaluatePredictions } from '../../engine/eval/evaluation';
import type { ModelVersionInfo } from '../../durable/registry';
import type { JobConfig } from '../../durable/protocol';
import type { AuthVars } from '../auth';
import { coordinatorFor } from '../coordinator';
import { describedVersion, versionParam } from '../model-versions';
import { validName } from '../names';
import { readObjectBytes } from '../storage';
import { readImportances } from '../feature-importance';

type App = { Bindings: Env; Variables: AuthVars };

export const evaluation = new Hono<App>();

evaluation.get('/:model/evaluation', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  const version = versionParam(c.req.query('version'));
  const tenant = c.get('tenant');
  const resolved = await describedVersion(c.env, tenant, name, version);
  const head = { model: name, version: resolved.version, job_id: resolved.job_id, trial_id: resolved.trial_id, family: resolved.family, metric: resolved.metric };
  if (resolved.task === 'forecast') {
    const reason = `a forecast model is validated on rolling origins, not on out-of-fold rows: its score, ${Number(resolved.score.toPrecision(4))}, is the ${resolved.metric} of forecasts made from each origin; ask it with POST /v1/models/${name}/forecast`;
    return c.json({ ...head, available: false, reason, importances: null });
  }
  const importances = await importancesOf(c.env, resolved);
  const source = await outOfFold(c.env, tenant, resolved);
  if (!source.ok) return c.json({ ...head, available: false, reason: source.reason, importances });
  const { config, parts, members, combine } = source;
  // The training data may have been deleted since (DELETE /v1/datasets): then there are no truths to score against.
  const stored = await c.env.STORE.head(config.dataset.key).catch(() => undefined);
  if (stored === null) {
    const reason = `the training data (dataset "${config.dataset.name}" v${config.dataset.version}) has been deleted, so its out-of-fold predictions have no truths to be scored against`;
    return c.json({ ...head, available: false, reason, importances });
  }
  const { dataset: all } = applyOverrides(decodeDataset(await readObjectBytes(c.env.STORE, config.dataset.key, 'dataset')), config.columns);
  const dataset = config.holdout ? trainingPart(all, config.target, config.task, config.holdout) : all;
  const target = prepareTarget(dataset, config.target, config.task);
  // A shared holdout's trials predicted its rows only (the rest of each array is zeros, not predictions):
  // those rows are scored, as the job's ensemble was selected on them.
  const rows = config.shared_holdout ? holdoutPositions(target.y, target.task, config.seed) : undefined;
  const width = outputWidth(target.task, target.classes.length);
  const y = rows ? takeRows(target.y, rows, 1) : target.y;
  const scored = rows ? parts.map((p) => ({ ...p, output: takeRows(p.output, rows, width) })) : parts;
  // Combined as the ensemble combines its members (a pool is never a single member: see select-for-job).
  const output = combine === 'log_linear' ? logLinearPool(scored.map((p) => p.output), scored.map((p) => p.weight), target.classes.length) : scored.length === 1 ? scored[0].output : blendOutputs(scored);
  // F1 and the ROC curve speak for the job's positive class (class index 1 for a job made before it was recorded).
  const result = evaluatePredictions(target.task, y, output, target.classes, config.task === 'binary' ? config.positive_class : undefined);
  return c.json({
    ...head,
    available: true,
    task: target.task,
    source: 'out_of_fold',
    folds: config.folds,
    dataset: { name: config.dataset.name, version: config.dataset.version },
    ...(members ? { members } : {}),
    ...(combine ? { combine } : {}),
    ...result,
    importances,
  });
});

type OutOfFold =
  | { ok: true; config: JobConfig; parts: WeightedOutput[]; members?: { trial_id: string; weight: number }[]; combine?: 'log_linear' }
  | { ok: false; reason: string };

/** The version's out-of-fold output, read from the keys its job's trials wrote. */
async function outOfFold(env: Env, tenant: string, v: ModelVersionInfo): Promise<OutOfFold> {
  const coordinator = coordinatorFor(env, tenant, v.job_id);
  // The job's configuration (dataset key, target, overrides, holdout, folds), as a retraining job reads it.
  const basis = await coordinator.retrainBasis(v.trial_id);
  if (!basis) return { ok: false, reason: `the job ${v.job_id} that made version ${v.version} is no longer known` };
  const config = basis.config as JobConfig;
  // Before the split was shared (JobConfig.shared_holdout), each trial held out rows of its own and kept no predictions.
  if (config.folds <= 1 && !config.shared_holdout) return { ok: false, reason: `the job evaluated its trials on a single split (folds = 1, chosen for large data) drawn for each trial, so it kept no out-of-fold predictions` };
  let members: { trial_id: string; weight: number }[] | undefined;
  let combine: 'log_linear' | undefined;
  if (v.trial_id === 'ensemble') {
    const ensemble = (await coordinator.view())?.ensemble;
    members = ensemble?.members?.map((m) => ({ trial_id: m.trial_id, weight: m.weight }));
    combine = ensemble?.combine;
    if (!members?.length) return { ok: false, reason: `the job ${v.job_id} lists no members for its ensemble` };
  }
  const parts = [];
  for (const m of members ?? [{ trial_id: v.trial_id, weight: 1 }]) {
    const key = `models/${tenant}/${v.job_id}/${m.trial_id}.oof`;
    const object = await env.STORE.get(key);
    if (!object) return { ok: false, reason: `trial ${m.trial_id} has no out-of-fold predictions (it ran on a fraction of the rows, or they were removed)` };
    const bytes = await object.arrayBuffer();
    parts.push({ id: m.trial_id, weight: m.weight, output: new Float32Array(bytes, 0, bytes.byteLength >> 2) });
  }
  return { ok: true, config, parts, ...(members ? { members } : {}), ...(combine ? { combine } : {}) };
}

/** The version's feature importances (worker/feature-importance), largest first; null when it has none. */
async function importancesOf(env: Env, v: ModelVersionInfo): Promise<{ feature: string; importance: number }[] | null> {
  const stored = await readImportances(env, v.artifact_key);
  if (!stored) return null;
  return Object.entries(stored.importances)
    .map(([feature, importance]) => ({ feature, importance }))
    .sort((a, b) => b.importance - a.importance);
}
