/**
 * @module durable/cancel-outcome
 * What a cancel did, said in the answer to DELETE /v1/jobs/{id} beside the job view (API.md: `200` with
 * the job; the `cancel` field is an addition). Without it a cancel that came too late looked like one
 * that worked: a job that had already succeeded answered 200 with `status: "succeeded"` and nothing more,
 * a job cancelled before any trial finished ended with no model and no word, and a cancel that arrived
 * while the end-of-search ensemble was being built published the best single trial without saying the
 * ensemble was dropped. A cancelled job's result over a champion is kept beside it unless it beats it
 * (durable/cancelled-publication): the answer says which, with the route that promotes the version kept
 * or rolls back the one replaced. The job view itself says the lasting part (published-notes: the warning
 * of a cancelled job that published nothing, the ensemble block's reason; job-view: the champion kept or
 * replaced); this is the answer's summary.
 */
import type { JobState } from './job-journal';
import type { JobView } from './protocol';

export interface CancelOutcome {
  /** The job had ended (succeeded, failed or cancelled) before this request: nothing was cancelled. */
  readonly already_ended: boolean;
  /** What the cancel did, in words: what was published, or why nothing was. */
  readonly message: string;
}

/** DELETE /v1/jobs/{id}: the job after the cancel, with what the cancel did. */
export type CancelledJobView = JobView & { readonly cancel: CancelOutcome };

/** What the job was doing when the cancel arrived, read before it was applied. */
export interface BeforeCancel {
  readonly ended: boolean;
  /** The end-of-search ensemble was being built (a cancelled job publishes without it). */
  readonly ensemble_running: boolean;
}

/** The outcome of a cancel, from what the job was doing before it, and its journal state and view after. */
export function cancelOutcome(s: JobState, view: JobView, before: BeforeCancel): CancelOutcome {
  const model = view.model ? `model "${view.model.name}" v${view.model.version}` : null;
  if (before.ended) {
    const published = model ? `; it published ${model}` : '; it published no model';
    return { already_ended: true, message: `job ${view.id} had already ended (${view.status} at ${view.finished_at}): nothing was cancelled${published}` };
  }
  if (view.status !== 'cancelled') {
    // The job's ending is under way in another step (the end of its budget), or its publication waits for a
    // retry (storage or the Registry unreachable): either finishes it, the cancel recorded.
    return { already_ended: false, message: `the cancel is recorded; job ${view.id} is publishing its result and ends shortly (GET /v1/jobs/${view.id} says how)` };
  }
  if (!model) {
    const failed = view.progress.trials_failed;
    return {
      already_ended: false,
      message: `cancelled before any trial finished${failed > 0 ? ` successfully (${failed} failed)` : ''}: nothing was published, and model "${s.config?.model_name}" got no version from this job`,
    };
  }
  const id = s.publishing?.trial_id;
  const trial = id !== undefined && id !== 'ensemble' ? s.trials.get(id) : undefined;
  const best = trial ? `its best trial so far, ${trial.trial_id} (${trial.family}),` : 'its best result so far';
  const ensemble = before.ensemble_running ? ', without the ensemble that was being built (dropped by the cancel)' : '';
  // Whether it is the champion: a cancelled result kept beside a better champion, or one that replaced a
  // champion, says which version and the route that promotes it or rolls back (durable/cancelled-publication).
  const said = !s.config?.challenge ? s.finished?.decision?.reason : undefined;
  const champion = said ? `; ${said}` : view.model?.promoted === false || view.challenge?.promoted === false ? `; it is not the champion (see ${view.challenge ? 'challenge.decision' : 'warnings'})` : '';
  return { already_ended: false, message: `cancelled: ${best} is published as ${model}${ensemble}${champion}` };
}

