/**
 * @module durable/reproducibility
 * Whether a job's result is reproducible, and why or why not, as the job view says it (`reproducible`).
 * What decides it, read from the code rather than promised:
 * - the order of proposals: only a budget of trials alone (config.reproducible, worker/start-job) proposes
 *   each trial from the trials numbered before it (durable/search-order); a time budget proposes from
 *   whichever results have arrived, and how many trials fit in it depends on the machine's speed;
 * - the seed: always set (42 when the request gives none, stored in the config), and every random draw of
 *   the search and of the trials comes from it (the engine takes no clock and no Math.random; the network
 *   families, mlp, cnn and rnn on tfjs, draw initial weights, shuffles and dropout from the same seeded Rng);
 * - a scheduled retraining run starts from the champion of its time and holds out rows drawn from its own
 *   id, so no request repeats it;
 * - the run itself, after the fact: a trial or ensemble failed by the runtime rather than by its
 *   configuration (its invocation died, its lease ran out, it was lost in restarts, its artifact went
 *   missing), a trials-only search cut by its cap of seconds, or a cancel, give a result its settings
 *   alone would not give again.
 * Every reason starts with its cause, up to the first ": " (the CLI's status line shows that much).
 */
import { ENSEMBLE_DIED, ENSEMBLE_TIMED_OUT, stepStorageFailed } from './final-steps';
import { type JobState, searchDeadline } from './job-journal';
import type { JobView } from './protocol';
import { LOST_IN_RESTARTS, MAX_RESTART_RESENDS } from './restart-recovery';

/** The seed a job gets when its request gives none (worker/start-job). */
const DEFAULT_SEED = 42;

/** The seconds a budget of trials alone is capped at (worker/start-job), which older configs stored without the mark. */
const TRIALS_ONLY_CAP_SECONDS = 3600;

/** Trial error codes the runtime causes, not the trial's configuration: a rerun would not repeat them. */
const RUNTIME_FAILURES: ReadonlySet<string> = new Set(['lease_expired', LOST_IN_RESTARTS, 'artifact_corrupt', 'invocation_died', 'storage_unavailable']);

/** Whether the job is reproducible, and why (or why not), at `now`. */
export function reproducibleView(s: JobState, now: number): NonNullable<JobView['reproducible']> {
  const c = s.config;
  if (!c) throw new Error('reproducibleView needs a created job');
  const seed = `seed ${c.seed}${c.seed === DEFAULT_SEED ? ' (the default when a request gives none)' : ''}`;
  const trials = c.budget.trials;
  // A job stored before budgets with trials were marked (worker/start-job) whose seconds are the cap the route set: trials alone.
  if (c.reproducible === undefined && trials !== undefined && c.budget.seconds === TRIALS_ONLY_CAP_SECONDS) {
    return {
      value: false,
      reason: `it was started by an earlier edge-automl version, before a budget of trials alone proposed its trials in a fixed order: they followed whichever results arrived first (the same only at parallelism 1), and this version proposes differently; start it again to get a reproducible job`,
    };
  }
  if (!c.reproducible || trials === undefined) {
    return {
      value: false,
      reason: `its budget has a time limit (budget.seconds ${c.budget.seconds}): how many trials fit depends on the machine's speed and load, and each trial is proposed from whichever results have arrived, so the same ${seed} gives a similar search, not the same trials; a budget of trials alone (budget.trials without seconds) is reproducible`,
    };
  }
  if (c.warm_start !== undefined) {
    return {
      value: false,
      reason: `a scheduled retraining run: it starts from the configurations of the champion of its time and holds out rows drawn for this run (from its id), so no request repeats it, although its trials follow from its ${seed} in a fixed order`,
    };
  }
  const broken = brokenBy(s, now);
  if (broken !== null) return { value: false, reason: `${broken}; without that, its budget of trials alone and its ${seed} would give the same run again` };
  const champion = c.challenge ? '; whether it replaces the champion depends on the champion it is compared with' : '';
  return {
    value: true,
    reason:
      `a budget of trials alone (${trials}) with ${seed}: the same seed, trial budget, parallelism (${c.parallelism}), dataset version (${c.dataset.name} v${c.dataset.version}) and request, on the same edge-automl version, give the same trials, leaderboard, ensemble and model whichever trial finishes first` +
      `, unless a trial fails for the runtime rather than its configuration (its invocation dies or its lease runs out), the search reaches its cap of ${c.budget.seconds} s, or the job is cancelled${champion}`,
  };
}

/** What in this run departs from what its settings reproduce (see the module comment), or null. */
function brokenBy(s: JobState, now: number): string | null {
  const c = s.config!;
  if (s.cancel_requested_at !== undefined) return 'it was cancelled, and what it kept depends on when';
  const lost = s.order.filter((t) => t.report?.status === 'failed' && RUNTIME_FAILURES.has(t.report.code));
  if (lost.length > 0) {
    const named = lost.slice(0, 3).map((t) => `${t.trial_id} (${(t.report as { code: string }).code})`).join(', ');
    return `${lost.length === 1 ? 'a trial' : `${lost.length} trials`} failed for the runtime, not for ${lost.length === 1 ? 'its' : 'their'} configuration: ${named}${lost.length > 3 ? ', …' : ''}`;
  }
  const ens = s.ensemble;
  const runtimeReasons = [ENSEMBLE_TIMED_OUT, ENSEMBLE_DIED, stepStorageFailed('ensemble')];
  if (ens?.state === 'failed' && ens.report?.status === 'failed' && (runtimeReasons.includes(ens.report.reason) || (ens.restart_resends ?? 0) >= MAX_RESTART_RESENDS)) {
    return `its ensemble build failed for the runtime (${ens.report.reason}), so its best single trial was published`;
  }
  const end = s.finished?.at ?? now;
  const trials = c.budget.trials ?? Number.POSITIVE_INFINITY;
  const cut = s.order.length < trials || s.order.some((t) => t.state === 'cancelled');
  if (cut && end >= searchDeadline(s)) {
    return `its search reached the cap of ${c.budget.seconds} s of its trial budget after starting ${s.order.length} of its ${trials} trials, and how far it got depends on the machine's speed`;
  }
  return null;
}
