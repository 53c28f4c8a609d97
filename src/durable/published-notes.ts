/**
 * @module durable/published-notes
 * What a job view says about its published result when it is less than a search normally gives: a
 * model trained on a fraction of the rows (a multi-fidelity job whose budget ended before any trial
 * finished at full fidelity publishes its best lower rung, fidelity-plan), and no ensemble (only
 * full-fidelity trials with out-of-fold predictions are blended, and a cancelled job publishes its best
 * trial as it is, also when the cancel came while the ensemble was being built), an image job that
 * published no convolutional network because no CNN trial finished, and a job cancelled before it had
 * anything to publish. Read from the journal alone, so jobs finished before these notes existed show them too.
 */
import { fidelityUnitOf } from '../engine/models/registry';
import { CNN_DEFAULTS } from '../engine/models/nn/cnn/cnn-options';
import { cnnTrialCostMs } from '../engine/models/nn/cnn/cnn-trial-cost';
import { fidelityOf, isFullFidelity, type JobState, type TrialEntry } from './job-journal';
import type { JobView } from './protocol';

/** The trial the job published (or is publishing), when that is a single trial. */
function publishedTrial(s: JobState): TrialEntry | undefined {
  const id = s.publishing?.trial_id;
  return id === undefined || id === 'ensemble' ? undefined : s.trials.get(id);
}

/** "1/3" for fidelities on the ladder (1/9, 1/3), else a rounded fraction. */
function fidelityText(f: number): string {
  const inverse = 1 / f;
  return Math.abs(inverse - Math.round(inverse)) < 1e-9 ? `1/${Math.round(inverse)}` : String(Number(f.toPrecision(3)));
}

/**
 * The warning of a job that published a model trained on a fraction of its rows: its fidelity, and that
 * a longer budget gives one trained on every row. Empty otherwise (and while the job still searches).
 */
export function lowFidelityWarning(s: JobState): string[] {
  const t = publishedTrial(s);
  if (!t || isFullFidelity(t)) return [];
  const f = fidelityOf(t);
  const why = s.cancel_requested_at !== undefined ? 'the job was cancelled before any trial finished at full fidelity' : 'no trial finished at full fidelity within the budget';
  return [
    fidelityUnitOf(t.family) === 'epochs'
      ? `the published model (${t.trial_id}, ${t.family}) was trained for ${Math.round(f * 100)}% of its epochs (fidelity ${fidelityText(f)}): ${why}, so it is weaker than one trained for all of them and its score does not compare with full-fidelity scores; give a longer budget (budget.seconds, or more budget.trials) for a full-fidelity model`
      : `the published model (${t.trial_id}, ${t.family}) was trained on ${Math.round(f * 100)}% of the rows (fidelity ${fidelityText(f)}): ${why}, so it is weaker than a model trained on every row and its score does not compare with full-fidelity scores; give a longer budget (budget.seconds, or more budget.trials) for a full-fidelity model`,
  ];
}

/**
 * The view's `ensemble` of a job that published without starting one: skipped, and why (no
 * `best_estimate` either, which comes with it). Undefined while the job searches, or when it started one.
 */
export function ensembleNotTried(s: JobState): JobView['ensemble'] | undefined {
  if (s.ensemble || !s.publishing || s.publishing.trial_id === 'ensemble') return undefined;
  if (s.cancel_requested_at !== undefined) return { status: 'skipped', reason: 'the job was cancelled: its best trial is published as it is, without an ensemble' };
  const full = s.order.filter((t) => isFullFidelity(t) && t.report?.status === 'complete' && t.report.oof_key !== undefined).length;
  const finished = full === 0 ? 'no trial finished at full fidelity' : 'only one trial finished at full fidelity';
  // A forecast job's best_estimate comes from its trials' errors per origin, not from the ensemble step.
  const estimate = s.config?.forecast ? '' : ' (nor a best_estimate, which is computed with it)';
  return { status: 'skipped', reason: `${finished}, and an ensemble blends at least two full-fidelity trials' out-of-fold predictions: none was built${estimate}` };
}

/**
 * The view's `ensemble` of a job that ended while its ensemble was being built (a cancel arriving just
 * after the budget ended: the best trial is published as it is, and the build's report is refused once
 * the job has ended): skipped, and why, rather than "running" forever. Undefined otherwise.
 */
export function ensembleDropped(s: JobState): JobView['ensemble'] | undefined {
  if (!s.finished || s.ensemble?.state !== 'running') return undefined;
  const why = s.cancel_requested_at !== undefined ? 'the job was cancelled while its ensemble was being built' : 'the job ended while its ensemble was being built';
  const published = s.finished.model ? 'its best trial is published as it is, without an ensemble' : 'nothing was published';
  return { status: 'skipped', reason: `${why}: ${published}` };
}

/**
 * The warning of a job cancelled before any trial finished (successfully): it published nothing, which
 * its `model` (absent) alone does not say. Empty otherwise.
 */
export function nothingPublishedWarning(s: JobState): string[] {
  const f = s.finished;
  if (!f || f.status !== 'cancelled' || f.model || !s.config) return [];
  const failed = s.order.filter((t) => t.state === 'failed').length;
  const finished = failed > 0 ? `finished successfully (${failed} failed)` : 'finished';
  return [`the job was cancelled before any trial ${finished}: nothing was published, and model "${s.config.model_name}" got no version from this job (a champion it already had keeps serving)`];
}

/** Budgets are suggested in whole half-minutes. */
const SUGGESTED_STEP_S = 30;

/**
 * The warning of an image job that published an MLP, a linear model or their ensemble because no CNN
 * trial finished: a 60 s job on 90 RGB images had its only CNN cancelled at the end of the budget and said
 * nothing, while README promises architectures searched. It counts the CNN trials started, cancelled
 * (with how long the longest ran), failed and still running, and suggests a budget: twice what a trial of
 * the default architecture needs on this dataset (cnnTrialCostMs, modelled CPU time; or what the longest
 * ran without finishing, when more), room for that trial and the search around it. Empty otherwise, also
 * when a CNN finished and simply scored worse.
 */
export function noCnnWarning(s: JobState): string[] {
  const c = s.config;
  if (!c?.image || !c.families.includes('cnn') || !s.publishing) return [];
  const cnn = s.order.filter((t) => t.family === 'cnn');
  if (cnn.some((t) => t.state === 'complete' && isFullFidelity(t))) return [];
  const cancelled = cnn.filter((t) => t.state === 'cancelled');
  const failed = cnn.filter((t) => t.state === 'failed').length;
  const unfinished = cnn.length - cancelled.length - failed;
  const ranS = Math.max(0, ...cancelled.map((t) => ((t.finished_at ?? t.started_at) - t.started_at) / 1000));
  const counts = [
    cancelled.length > 0 ? `${cancelled.length} cancelled when the ${s.cancel_requested_at !== undefined ? 'job was cancelled' : 'budget ended'} (the longest after ${Math.round(ranS)} s)` : '',
    failed > 0 ? `${failed} failed` : '',
    unfinished > 0 ? `${unfinished} without a full-fidelity result` : '',
  ].filter(Boolean);
  const started = cnn.length === 0 ? 'no cnn trial started' : `no cnn trial finished: ${cnn.length} started, ${counts.join(', ')}`;
  const id = s.publishing.trial_id;
  const published = id === 'ensemble' ? 'an ensemble of other families' : `${id} (${s.trials.get(id)?.family ?? 'another family'})`;
  const trialS = cnnTrialCostMs({ ...CNN_DEFAULTS }, c.image, c.dataset.rows, c.folds, c.task, c.classes.length) / 1000;
  const suggested = Math.ceil((2 * Math.max(trialS, ranS)) / SUGGESTED_STEP_S) * SUGGESTED_STEP_S;
  return [
    `${started}; the published model is ${published} on the pixels, not a convolutional network. A cnn trial of the default architecture needs up to about ${Math.round(trialS)} s of CPU on this dataset (${c.folds} folds and a refit): give budget.seconds of at least ${Math.max(suggested, c.budget.seconds + SUGGESTED_STEP_S)} for the search to train convolutional networks`,
  ];
}

/**
 * The warning of a job whose search tried every configuration its families allow (op "search_exhausted":
 * only spaces of a few choices, such as ets or the forecast baselines alone, run out): when, and that it
 * ended before its budget, with how to search further. Empty otherwise.
 */
export function exhaustedWarning(s: JobState): string[] {
  const c = s.config;
  if (!c || !s.exhausted) return [];
  const after = Math.max(0, (s.exhausted.at - c.created_at) / 1000).toFixed(1);
  const budget = c.budget.trials !== undefined && c.reproducible ? `${c.budget.trials} trials` : `${c.budget.seconds} s`;
  return [
    `the search tried all ${s.exhausted.configurations} configurations its families (${c.families.join(', ')}) allow, after ${after} s, and ended without spending the rest of its budget (${budget}): trying one again would only repeat its result; name more families in \`models\` to search further`,
  ];
}
