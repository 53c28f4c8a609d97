/**
 * @module worker/rival-jobs
 * model-conflict compares a job with the champion its result would replace; two jobs started together
 * for one name both pass that check (for a new name there is no champion yet), and whichever finished
 * last would silently become the champion with another target. So job creation also compares the job with
 * the unfinished jobs that will publish to the same name, on the two differences that make another model
 * whatever the data (target, and task as the job view names it: forecast, image, or a table task), and
 * refuses it with the same `409 model_conflict`, naming the other job, unless the request says
 * `"replace_model": true` (its warnings then name that job). The Registry repeats the comparison in the
 * step that records the job (recordJobWithin), so two creations at the same moment cannot both pass; and
 * a result whose model changed under it anyway is kept beside the champion, not over it (durable/publish-conflict).
 * Unfinished jobs publishing the same target and task are not refused (retraining by hand), but the job is
 * warned: of such jobs, the last to finish becomes the champion whatever it scores, unless it was sent with
 * `challenge` (then compared with the champion in place when it ends), so the warning names them and
 * suggests `"challenge": true`.
 * Scheduled retraining jobs are not checked (they publish to their own model; their comparison decides).
 */
import type { JobSummary } from '../durable/registry';
import { coordinatorFor } from './coordinator';
import { ApiError } from './errors';
import type { PublishedShape } from './model-conflict';

/** How the job differs from an unfinished job publishing to the same model name. */
export interface RivalDifferences {
  readonly job_id: string;
  readonly target?: { readonly unfinished_job: string; readonly job: string };
  readonly task?: { readonly unfinished_job: string; readonly job: string };
  /** What the other job publishes (its task null when unknown). */
  readonly rival: { readonly target: string; readonly task: string | null };
}

/** The unfinished jobs publishing to the job's model name, as job creation weighs them. */
export interface UnfinishedRivals {
  /** The first (oldest) whose target or task differs, or null. */
  readonly rival: RivalDifferences | null;
  /** The ids of those publishing the same target and task, oldest first. */
  readonly alike: readonly string[];
}

/**
 * The unfinished jobs publishing to the job's model name (see UnfinishedRivals). A job recorded before
 * jobs kept their task is asked for it (its view), and compared by target alone if it cannot answer.
 */
export async function rivalJobs(env: Env, tenant: string, job: PublishedShape): Promise<UnfinishedRivals> {
  const unfinished = await env.REGISTRY.getByName(tenant).unfinishedJobsFor(job.model);
  let rival: RivalDifferences | null = null;
  const alike: string[] = [];
  for (const other of unfinished) {
    const task = other.task ?? (await coordinatorFor(env, tenant, other.id).view().catch(() => null))?.task ?? undefined;
    const d = rivalDifferences(job, { ...other, ...(task !== undefined ? { task } : {}) });
    if (!d) alike.push(other.id);
    else rival ??= d;
  }
  return { rival, alike };
}

/** How `job` differs from the unfinished job `other` (its task compared when known), or null. */
export function rivalDifferences(job: PublishedShape, other: JobSummary): RivalDifferences | null {
  const target = other.target !== job.target;
  const task = other.task !== undefined && other.task !== job.task;
  if (!target && !task) return null;
  return {
    job_id: other.id,
    ...(target ? { target: { unfinished_job: other.target, job: job.target } } : {}),
    ...(task ? { task: { unfinished_job: other.task as string, job: job.task } } : {}),
    rival: { target: other.target, task: other.task ?? null },
  };
}

/** The 409 refusing a job that would race an unfinished job of another target or task for the model's champion. */
export function rivalConflict(job: PublishedShape, d: RivalDifferences): ApiError {
  const what = [...(d.target ? [`the target differs ("${d.target.unfinished_job}" → "${d.target.job}")`] : []), ...(d.task ? [`the task differs (${d.task.unfinished_job} → ${d.task.job})`] : [])];
  return new ApiError(
    409,
    'model_conflict',
    `job ${d.job_id}, not finished yet, will also publish to model "${job.model}", and this job's result would be a different model: ${what.join(' and ')}; whichever finished last would replace the other as the champion. Publish under another name ("model": "…"), wait for job ${d.job_id} to finish (or cancel it), or send "replace_model": true to replace its result`,
    {
      field: 'model',
      model: job.model,
      unfinished_job: d.job_id,
      ...(d.target ? { target: d.target } : {}),
      ...(d.task ? { task: d.task } : {}),
    },
  );
}

/** The job's warning when `"replace_model": true` let it race an unfinished job of another target or task. */
export function rivalWarning(job: PublishedShape, d: RivalDifferences): string {
  const what = `predicts "${d.rival.target}"${d.rival.task !== null ? ` (${d.rival.task})` : ''}`;
  return `"replace_model": job ${d.job_id}, not finished yet, also publishes to model "${job.model}" and ${what}: this job's result replaces it as the champion when it finishes; a result job ${d.job_id} publishes after that is kept as a version beside it, unless that job also sent "replace_model": true`;
}

/**
 * The job's warning when unfinished jobs (`alike`) publish the same target and task to its model name:
 * which result will serve (of jobs sent without "challenge", the last to finish, whatever it scores), and
 * what to do instead. `challenging`: this job was sent with "challenge". Empty when there are none.
 */
export async function alikeJobsWarning(env: Env, tenant: string, job: PublishedShape, alike: readonly string[], challenging: boolean): Promise<string[]> {
  if (alike.length === 0) return [];
  const named = alike.length === 1 ? `job ${alike[0]}, not finished yet, also publishes` : `jobs ${alike.slice(0, -1).join(', ')} and ${alike.at(-1)}, not finished yet, also publish`;
  const others = alike.length === 1 ? `job ${alike[0]}` : 'one of them';
  const race = `${named} to model "${job.model}" (target "${job.target}")`;
  if (challenging) {
    return [`${race}: this job's result is compared with the champion in place when it ends; if ${others} ends later and was sent without "challenge", its result becomes the champion whatever either scores`];
  }
  const champion = await env.REGISTRY.getByName(tenant).resolveModel(job.model);
  if (!champion) {
    return [
      `${race}, which has no champion yet: whichever finishes last becomes the champion, whatever it scores. "challenge" needs a champion to compare with: to keep the better result, publish this job under another name ("model": "…"), or start it once ${others} has finished, with "challenge": true`,
    ];
  }
  return [
    `${race}: of jobs sent without "challenge", the last to finish becomes the champion whatever it scores, so the result of whichever ends last will serve. Send "challenge": true for this job's result to become the champion only if it beats the champion in place when it ends (on held-out rows)`,
  ];
}
