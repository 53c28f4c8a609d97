/**
 * @module durable/publish-conflict
 * A job is compared with its model's champion, and with the unfinished jobs that publish to the same
 * name, when it is created (worker/model-conflict, worker/rival-jobs); the model can still change while
 * it runs (a job that said "replace_model" finished first, a version was promoted by hand). Publishing
 * its result then would silently swap the model's clients to another question. So inside the Registry's
 * publish transaction, a result whose target or task differs from the champion now in place, from a job
 * that did not say "replace_model", is not made the champion: it is stored as a version beside it, and a
 * `kept_apart` event (and the job's warnings) say why and how to make it the champion on purpose.
 * Retraining jobs are not checked here (their comparison with the champion decides, and refuses a
 * champion that changed meanwhile), nor jobs made before jobs carried replace_model (they publish as they did).
 */
import { championDescription } from './model-description';
import type { PublishRequest } from './protocol';

/**
 * Why version `version`, the job's result, must not become the champion of `name`, or null when it may
 * (no champion yet, the same target and task, or the job said "replace_model").
 */
export function keptApartReason(sql: SqlStorage, name: string, version: number, req: PublishRequest): string | null {
  if (req.replace_model !== false) return null;
  const champion = championDescription(sql, name);
  if (!champion || (champion.target === req.target && champion.task === req.task)) return null;
  const by = sql
    .exec<{ job_id: string | null }>("SELECT job_id FROM model_events WHERE name = ? AND version = ? AND kind IN ('published', 'promoted', 'rolled_back', 'advanced') ORDER BY seq DESC LIMIT 1", name, champion.version)
    .toArray()[0]?.job_id;
  return (
    `job ${req.job_id}'s result predicts "${req.target}" (${req.task}), but while it ran the champion of model "${name}" became v${champion.version}${by ? ` (from job ${by})` : ''}, ` +
    `which predicts "${champion.target}" (${champion.task}); the job did not send "replace_model": true, so its result is kept as v${version} beside the champion, which stays v${champion.version}. ` +
    `To make v${version} the champion on purpose: POST /v1/models/${name}/promote {"version": ${version}}`
  );
}

/** The reason a job's version was kept apart, when an earlier publication of the job did so (a publication repeated), else null. */
export function keptApartOf(sql: SqlStorage, name: string, jobId: string): string | null {
  const row = sql.exec<{ reason: string }>("SELECT reason FROM model_events WHERE name = ? AND job_id = ? AND kind = 'kept_apart' ORDER BY seq LIMIT 1", name, jobId).toArray()[0];
  return row ? String(row.reason) : null;
}
