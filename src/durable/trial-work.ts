/**
 * @module durable/trial-work
 * What a consumer is handed when it claims a step of a job: a trial's work (its configuration, seed,
 * data, and where to write its artifact and out-of-fold predictions), the end-of-search ensemble's
 * candidates, and a retraining job's comparison with the champion. Built from the job's config and
 * journaled state alone, so a queue message carries ids only and a redelivered one gets the same work.
 */
import { seedFrom } from '../engine';
import { outputWidth } from '../engine/core/task';
import { ensembleCandidatePool, poolSizeLimit } from '../engine/ensemble/candidate-pool';
import { type ChallengerRef, fidelityOf, isFullFidelity, type JobState, type TrialEntry } from './job-journal';
import type { ChallengeWork, EnsembleWork, JobConfig, TrialReport, TrialWork } from './protocol';

/** The best this many trials, plus each family's best, are offered to the ensemble (bounds its reads and its time). */
const MAX_ENSEMBLE_CANDIDATES = 20;

/** The work of running trial `trialId` (its entry `trial`). */
export function trialWork(config: JobConfig, trialId: string, trial: TrialEntry): TrialWork {
  return {
    job_id: config.id,
    tenant: config.tenant,
    trial_id: trialId,
    family: trial.family,
    params: trial.params,
    seed: seedFrom(config.seed, trialId),
    dataset_key: config.dataset.key,
    target: config.target,
    task: config.task,
    metric: config.metric,
    ...(config.positive_class !== undefined ? { positive_class: config.positive_class } : {}),
    folds: config.folds,
    columns: config.columns,
    artifact_key: `models/${config.tenant}/${config.id}/${trialId}.json`,
    oof_key: `models/${config.tenant}/${config.id}/${trialId}.oof`,
    fidelity: fidelityOf(trial),
    // Every trial of a job with a shared holdout validates on the rows the job's seed holds out.
    // Cross-validated jobs keep folds of each trial's own: one split for all (fold_seed on every job) was
    // measured and not adopted. 27 small binary tables (24 splits of 12 R datasets, credit_g, pima, vote),
    // 2 seeds, 30-s in-process searches, both arms per run: the job's ensemble tested better in 24 runs and
    // worse in 27 (mean AUC -0.0006), its best single trial 25 / 27 (+0.0022). Issue 4's session-24 note.
    ...(config.shared_holdout ? { fold_seed: config.seed } : {}),
    ...(config.holdout ? { holdout: config.holdout } : {}),
    ...(config.accepted_columns ? { accepted_columns: config.accepted_columns } : {}),
    ...(config.image ? { image: config.image } : {}),
    ...(config.pixel_max !== undefined ? { pixel_max: config.pixel_max } : {}),
    ...(config.pixel_min !== undefined ? { pixel_min: config.pixel_min } : {}),
    ...(config.forecast ? { forecast: config.forecast } : {}),
    ...(config.max_serving_us !== undefined ? { max_serving_us: config.max_serving_us } : {}),
  };
}

/** The ensemble's work: the full-fidelity trials with out-of-fold predictions the candidate pool keeps. */
export function ensembleWork(config: JobConfig, state: JobState): EnsembleWork {
  const finished = state.order
    .filter((t) => isFullFidelity(t) && t.report?.status === 'complete' && t.report.oof_key !== undefined)
    .map((t) => ({ id: t.trial_id, family: t.family, loss: (t.report as { loss: number }).loss, report: t.report as Extract<TrialReport, { status: 'complete' }> }));
  const limit = poolSizeLimit(config.dataset.rows, outputWidth(config.task, config.classes.length));
  const candidates = ensembleCandidatePool(finished, MAX_ENSEMBLE_CANDIDATES, limit).map(({ id, report }) => ({ trial_id: id, oof_key: report.oof_key as string, artifact_key: report.artifact_key }));
  return {
    job_id: config.id,
    dataset_key: config.dataset.key,
    target: config.target,
    task: config.task,
    metric: config.metric,
    ...(config.positive_class !== undefined ? { positive_class: config.positive_class } : {}),
    columns: config.columns,
    candidates,
    artifact_key: `models/${config.tenant}/${config.id}/ensemble.json`,
    ...(config.holdout ? { holdout: config.holdout } : {}),
    ...(config.shared_holdout ? { fold_seed: config.seed } : {}),
    ...(config.max_serving_us !== undefined ? { max_serving_us: config.max_serving_us } : {}),
    ...(config.forecast ? { forecast: config.forecast, origins: config.folds } : {}),
  };
}

/** The comparison's work: the challenger, scored with the champion on the job's held-out rows. */
export function challengeWork(config: JobConfig, challenger: ChallengerRef): ChallengeWork {
  return {
    job_id: config.id,
    tenant: config.tenant,
    model_name: config.model_name,
    dataset_key: config.dataset.key,
    target: config.target,
    task: config.task,
    metric: config.metric,
    ...(config.positive_class !== undefined ? { positive_class: config.positive_class } : {}),
    columns: config.columns,
    ...(config.holdout ? { holdout: config.holdout } : {}),
    ...(config.forecast ? { forecast: config.forecast } : {}),
    challenger: { trial_id: challenger.trial_id, artifact_key: challenger.artifact_key },
  };
}
