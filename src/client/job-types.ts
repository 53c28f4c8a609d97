/**
 * @module client/job-types
 * The job routes' request body (the Worker's own zod-inferred type) and answers: a created job, the job
 * view with its progress, leaderboard, ensemble and retraining comparison, a cancelled job, the list, and
 * each trial's record.
 */
import type { CreateJobBody } from '../worker/schemas';
import type { SeriesScore } from './forecast-types';
import type { NewSeries, PromotionRule, ScoreDifference } from './retraining-types';

// CreateJobBody has `forecast.covariates` (columns whose future values are known: promotions, prices, holidays)
// and `forecast.past_covariates` (columns observed only up to now: visits, observed weather) from the schema as it is.
export type { CreateJobBody };

export type Task = 'binary' | 'multiclass' | 'regression' | 'image' | 'forecast';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** `POST /v1/jobs`. */
export interface CreatedJob {
  id: string;
  status: JobStatus;
  /** What to know about the target before trusting the score (as in the job view). */
  warnings?: string[];
}

export interface JobBudget {
  seconds: number;
  trials?: number;
}

/**
 * What a job is doing: searching (through the grace period after the time budget), ensembling, comparing
 * (a retraining job's result against the champion), publishing, ended. Open: a newer server may add phases.
 */
export type JobPhase = 'searching' | 'ensembling' | 'comparing' | 'publishing' | 'ended' | (string & {});

export interface LeaderboardEntry {
  trial_id: string;
  /** A model family, or "ensemble" for the end-of-search blend. */
  family: string;
  params: Record<string, unknown>;
  score: number;
  fit_ms: number | null;
  status: 'complete';
  rung: number;
  fidelity: number;
  /** Below fidelity 1: what it is a fraction of, the training rows or (a cnn) its epochs. */
  fidelity_of?: 'rows' | 'epochs';
}

/** `GET /v1/jobs/{id}` (and `DELETE /v1/jobs/{id}`, as CancelledJob). */
export interface Job {
  id: string;
  status: JobStatus;
  dataset: { name: string; version: number };
  target: string;
  /** As the job was asked for: image and forecast jobs say so (their models' own task is learning_task). */
  task: Task;
  learning_task?: 'binary' | 'multiclass' | 'regression';
  /**
   * Forecast jobs: the series as the job reads them: the time and group columns, the horizon it validates,
   * the season the frequency implies (1: none), the rolling origins its trials validate on, the known-future
   * and past-only covariate columns, and the time zone a series read on its local clock is forecast in.
   */
  forecast?: { time_column: string; group_column?: string; horizon: number; season: number; origins: number; covariates?: string[]; past_covariates?: string[]; timezone?: string };
  metric: string;
  greater_is_better: boolean;
  /** Binary jobs: the class f1 is computed for (the job's positive_class, or its default). */
  positive_class?: string;
  strategy: string;
  /** The model families searched; models_skipped: requested ones this kind of job cannot use. */
  models: string[];
  models_skipped?: { family: string; reason: string }[];
  /** What to know about the target before trusting the score (rows left out, rare classes, extreme values). */
  warnings?: string[];
  scheduler?: 'asha' | 'hyperband';
  /** The seed of the search and of every trial: the request's, or 42 when it gave none. */
  seed: number;
  /**
   * Whether the same settings give the same trials, leaderboard, ensemble and model again (only a budget of
   * trials alone does), and why: the conditions when true; the time budget, the retraining run, or what in
   * this run departed from its settings when false. Absent from servers older than it.
   */
  reproducible?: { value: boolean; reason: string };
  progress: {
    trials_done: number;
    trials_running: number;
    /** Of trials_running, those no consumer is known to be computing (sent, not yet picked up; or after a restart). Absent from older servers. */
    trials_waiting?: number;
    trials_failed: number;
    elapsed_ms: number;
    budget: JobBudget;
    /** Absent from servers older than phases (as remaining_ms). */
    phase?: JobPhase;
    /** While searching, the time budget left (0 in the grace period); null in every other phase. */
    remaining_ms?: number | null;
  };
  best: { trial_id: string; family: string; score: number } | null;
  /** `combine: "log_linear"`: the members' probabilities are pooled as p ∝ Π pᵢ^weightᵢ (multiclass log loss); absent: averaged by weight. */
  ensemble?: { status: 'running' | 'complete' | 'skipped' | 'failed'; score?: number; combine?: 'log_linear'; members?: { trial_id: string; weight: number }[]; reason?: string };
  leaderboard: LeaderboardEntry[];
  /**
   * The best trial's out-of-fold score with the optimism of picking it among `candidates` trials removed
   * (bootstrap bias-corrected CV) and a 90% interval: what to expect on new rows. Set with the ensemble.
   */
  best_estimate?: { score: number; interval: number[]; bootstraps: number; candidates: number; rows: number; method: 'bootstrap_bias_corrected_cv' };
  /** A scheduled retraining job, or a job sent with `challenge`: its comparison with the champion on held-out rows, and the decision. */
  challenge?: {
    status: 'running' | 'complete' | 'failed';
    challenger: string;
    margin: number;
    /** Where the held-out rows come from: rows appended since the champion's data, a sample of all rows, or a forecast's latest points. */
    holdout_from: 'new_rows' | 'all_rows' | 'latest_points';
    challenger_score?: number;
    champion_score?: number;
    champion_version?: number;
    holdout_rows?: number;
    /** challenger − champion on the held-out rows with a 90% paired-bootstrap interval (table jobs). */
    difference?: ScoreDifference;
    /** The promotion rule the decision applies (absent: jobs made before it, decided by the margin alone). */
    promotion?: PromotionRule;
    /** Why the comparison failed, or why the champion has no score (a forecast champion that cannot forecast the held-out points). */
    reason?: string;
    /** Held-out series a forecast champion never saw: the scores are then over the series both know. */
    new_series?: NewSeries;
    promoted?: boolean;
    decision?: string;
    /** A forecast champion that stayed, advanced to the job's data: the version it became (now the champion). */
    advanced_version?: number;
  };
  warm_start?: { family: string; params: Record<string, unknown> }[];
  best_over_time: { elapsed_ms: number; score: number; trial_id: string }[];
  /**
   * `promoted: false`: the version is stored but is not the champion (kept apart from a champion of another target or task, or, for a
   * cancelled job, from a champion it does not beat on the same data, metric and validation: see `warnings`; a retraining job says its
   * decision in `challenge`). `promoted: true` on a cancelled job: its result replaced the champion (`warnings` name it and the rollback route).
   */
  model?: { name: string; version: number; promoted?: boolean };
  /**
   * A forecast job with a group column, once published: each series' validation score in `metric` (of the published trial or blend),
   * worst first, at most 1,000; `series_scores_total` counts them when there are more.
   */
  series_scores?: SeriesScore[];
  series_scores_total?: number;
  error?: { code: string; message: string };
  created_at: string;
  finished_at: string | null;
}

/** `DELETE /v1/jobs/{id}`: the job after the cancel, with what the cancel did. */
export interface CancelledJob extends Job {
  /** `already_ended`: the job had ended before the request, and nothing was cancelled; `message`: what was published, or why nothing was, and whether it was kept beside the champion or replaced it. */
  cancel: { already_ended: boolean; message: string };
}

/** `GET /v1/jobs`. */
export interface JobList {
  jobs: { id: string; dataset: string; target: string; status: JobStatus; model_name: string; created_at: string }[];
}

/** One trial's full record, in `GET /v1/jobs/{id}/trials`. */
export interface TrialRecord {
  trial_id: string;
  number: number;
  family: string;
  params: Record<string, unknown>;
  status: 'running' | 'complete' | 'failed' | 'cancelled';
  score: number | null;
  fold_scores?: number[];
  fit_ms: number | null;
  started_at: string;
  finished_at: string | null;
  error?: { code: string; message: string };
  fit_info?: Record<string, number>;
  rung: number;
  fidelity: number;
  /** Below fidelity 1: what it is a fraction of, the training rows or (a cnn) its epochs. */
  fidelity_of?: 'rows' | 'epochs';
  promoted_from?: string;
  bracket?: number;
}
