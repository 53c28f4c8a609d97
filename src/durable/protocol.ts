/**
 * @module durable/protocol
 * Data shapes crossing the RPC boundary between the Worker, the queue consumer and the Durable Objects.
 * Plain JSON-compatible objects only; the Worker imports these as types.
 */
import type { ColumnOverride, MetricName, PairedDifference, Params, SamplerStrategy, Task, TrialConfig } from '../engine';
import type { SearchFamily } from '../engine/search/trial';
import type { HoldoutSpec } from '../engine/data/holdout';
import type { ImageShape } from '../engine/core/image-shape';
import type { ScoreValidation } from './score-validation';

export type { HoldoutSpec } from '../engine/data/holdout';

/**
 * How a job searches: a sampler alone (every trial at full fidelity), or a multi-fidelity scheduler
 * (`asha`, `hyperband`) that tries configurations on a fraction of the rows first and promotes the best.
 */
export type JobStrategy = SamplerStrategy | 'asha' | 'hyperband';

/** A forecast job's series, fixed at creation (see engine/forecast describeSeries). */
export interface ForecastJobSpec {
  readonly time_column: string;
  readonly group_column?: string;
  /** Known-future covariate columns (engine/forecast/covariates); absent: none. */
  readonly covariates?: readonly string[];
  /** Past-only covariate columns, read at least `horizon` steps back (engine/forecast/past-covariates); absent: none. */
  readonly past_covariates?: readonly string[];
  /** The IANA time zone a series read on its local clock is forecast in (engine/forecast/local-clock), canonical; absent: none given. */
  readonly timezone?: string;
  /** Points the model is validated and asked to forecast ahead. */
  readonly horizon: number;
  /** Seasonal period implied by the series' frequency (1 when none). */
  readonly season: number;
  /** Steps in a week when the season is a day (hourly, business hours; engine weekPeriod); absent: none, or a job made before. */
  readonly week?: number;
  /**
   * Points back a seasonal difference read on the clock reaches, when more than the season (business hours
   * whose days open for different hours; engine seasonReach); absent: the season, or a job made before.
   */
  readonly season_reach?: number;
  /** Length of the shortest series (per group), without the holdout. */
  readonly length: number;
  readonly groups: number;
  /** Every value of every series is above 0 (log and Box-Cox apply); absent in jobs made before it was recorded. */
  readonly positive?: boolean;
  /** Groups with fewer points are left out of every trial (too short to validate on); absent: none are. */
  readonly min_length?: number;
  /**
   * A retraining job's holdout: the latest points of every series, which no trial fits or validates on
   * (engine/forecast/series-holdout); the champion and the challenger are compared on them.
   */
  readonly holdout_points?: number;
  /** The rolling origins the job asked for (forecast.origins, also its `folds`); absent: the default, DEFAULT_ORIGINS. */
  readonly origins?: number;
}

export interface JobBudget {
  readonly seconds: number;
  readonly trials?: number;
}

/** Everything a job needs, fixed at creation and journaled first. */
export interface JobConfig {
  readonly id: string;
  readonly tenant: string;
  readonly dataset: { readonly name: string; readonly version: number; readonly key: string; readonly rows: number; readonly cols: number };
  readonly target: string;
  readonly task: Task;
  readonly classes: readonly string[];
  readonly metric: MetricName;
  readonly greater_is_better: boolean;
  /**
   * A binary job's positive class: the class f1 and the evaluation's ROC curve speak for (asked for, or
   * engine/eval/positive-class's default). Absent in jobs made before it was recorded, and in other jobs:
   * class index 1 then, as then.
   */
  readonly positive_class?: string;
  readonly budget: JobBudget;
  readonly strategy: JobStrategy;
  readonly families: readonly SearchFamily[];
  /** Requested families this kind of job cannot use, skipped (see worker/job-inputs resolveJobFamilies). */
  readonly skipped_families?: readonly { readonly family: string; readonly reason: string }[];
  /** What the user should know about the target (engine/data/target-warnings), said in the job view. */
  readonly warnings?: readonly string[];
  /** The user's per-column overrides (type or "ignore"). */
  readonly columns: Readonly<Record<string, ColumnOverride>>;
  readonly seed: number;
  readonly model_name: string;
  /**
   * Whether the request said "replace_model": true. Set on every job made since it was kept: false means
   * a result that would replace a champion of another target or task is kept apart (durable/publish-conflict);
   * absent (older jobs), the job publishes as it did.
   */
  readonly replace_model?: boolean;
  readonly parallelism: number;
  /**
   * Set on a job with a budget of trials alone (worker/start-job): each trial is
   * proposed from the results of the trials numbered well enough before it, once they have finished
   * (durable/search-order), so its trials do not depend on which trial finishes first. False (a budget of
   * trials and seconds) or absent (a budget of seconds alone, or a job made before the mark): each proposal
   * sees every result so far.
   */
  readonly reproducible?: boolean;
  /** The job's cap on the published model's estimated single-row prediction time, µs (`serving.max_us_per_row`). */
  readonly max_serving_us?: number;
  readonly folds: number;
  /**
   * Set on a job validated on a single split (folds 1, not a forecast) made since it was kept: every trial
   * validates on the same holdout, drawn from the job's seed (TrialWork.fold_seed), so their held-out
   * predictions are kept and the ensemble is selected on those rows. Absent (older jobs): each trial drew
   * its own holdout, kept no out-of-fold predictions, and the job ended without an ensemble.
   */
  readonly shared_holdout?: boolean;
  readonly lease_ms: number;
  readonly created_at: number;
  /**
   * Configurations tried before the sampler's own (a retraining job's champion: its trial, or its
   * ensemble's members). Journaled with the config, so a replayed job suggests the same trials.
   */
  readonly warm_start?: readonly TrialConfig[];
  /** Rows no trial trains or validates on, kept for the champion/challenger comparison. */
  readonly holdout?: HoldoutSpec;
  /**
   * Set on a retraining job, and on a job sent with `challenge` (worker/job-challenge): its result is
   * compared with the champion on the holdout and becomes the champion only when better by `margin` and,
   * under `promotion` "beyond_noise", beyond the holdout's noise (see durable/retrain-rules); otherwise it
   * is kept as a version. `promotion` absent (jobs made before it): "margin".
   */
  readonly challenge?: { readonly margin: number; readonly promotion?: PromotionRule };
  /**
   * Set on a table job publishing to a model whose champion accepts columns this job's dataset lacks
   * (worker/accepted-columns): its models accept them in predict rows too, and read none of them.
   */
  readonly accepted_columns?: readonly string[];
  /** Set on an image job: the pixel columns' shape. */
  readonly image?: ImageShape;
  /** Set on a table job whose features hold a complete `px_*` grid: their full intensity (ModelEnvelope.pixel_max). */
  readonly pixel_max?: number;
  /** With pixel_max, when those pixels go below 0: their black (ModelEnvelope.pixel_min). */
  readonly pixel_min?: number;
  /** Set on a forecast job (its task is then "regression" and its metric rmse, mae, mase or mape: engine/forecast/forecast-metric). */
  readonly forecast?: ForecastJobSpec;
}

/** What the queue consumer needs to run one trial (returned by claim). */
export interface TrialWork {
  readonly job_id: string;
  readonly tenant: string;
  readonly trial_id: string;
  readonly family: SearchFamily;
  readonly params: Params;
  readonly seed: number;
  readonly dataset_key: string;
  readonly target: string;
  readonly task: Task;
  readonly metric: MetricName;
  /** The job's positive class (JobConfig.positive_class); absent: class index 1. */
  readonly positive_class?: string;
  readonly folds: number;
  readonly columns: Readonly<Record<string, ColumnOverride>>;
  readonly artifact_key: string;
  readonly oof_key: string;
  /** Fraction of the training rows to train on, in (0, 1]; 1 is a full trial. */
  readonly fidelity: number;
  /**
   * Seeds the rows' assignment to the holdout (engine/data/shared-holdout) for a job with a shared holdout
   * (JobConfig.shared_holdout): every trial validates on the same rows. Absent: the trial's own seed.
   */
  readonly fold_seed?: number;
  /** The job's held-out rows, removed from the dataset before the trial sees it. */
  readonly holdout?: HoldoutSpec;
  /** JobConfig.accepted_columns: saved in the trial's envelope beside its own columns. */
  readonly accepted_columns?: readonly string[];
  readonly image?: ImageShape;
  readonly pixel_max?: number;
  readonly pixel_min?: number;
  readonly forecast?: ForecastJobSpec;
  /** The job's serving cap, µs per row: a bag over it falls back to a refit. */
  readonly max_serving_us?: number;
}

export type TrialReport =
  | {
      readonly status: 'complete';
      readonly score: number;
      readonly loss: number;
      readonly fold_scores: readonly number[];
      readonly fit_info: Readonly<Record<string, number>>;
      readonly artifact_key: string;
      /**
       * Out-of-fold predictions (Float32, little-endian) for the end-of-search ensemble; absent for low-fidelity
       * trials and for holdout trials of a job without a shared holdout (a shared one's fill its rows only).
       */
      readonly oof_key?: string;
      /** The artifact's estimated single-row prediction time, µs (absent in reports written before it existed). */
      readonly serving_us?: number;
      /** How long its consumer took, from its claim to its result (worker/queue/trial-consumer); absent in older reports. */
      readonly fit_ms?: number;
    }
  | { readonly status: 'failed'; readonly code: string; readonly reason: string; readonly fit_ms?: number };

/**
 * The queue message: ids only. `kind` defaults to a trial; "ensemble" builds the job's final blend;
 * "challenge" scores a retraining job's result and the champion on the job's held-out rows;
 * "drift-reference" builds the drift reference of the model version the job published (`model`).
 */
export interface TrialMessage {
  readonly tenant: string;
  readonly job_id: string;
  readonly trial_id: string;
  readonly kind?: 'trial' | 'ensemble' | 'challenge' | 'drift-reference' | 'sweep-jobs' | 'dataset-files';
  /** The published version, for "drift-reference". */
  readonly model?: { readonly name: string; readonly version: number };
  /** For "sweep-jobs": the folders of these jobs, made for a deleted model, are emptied (worker/model-deletion). */
  readonly job_ids?: readonly string[];
  /** For "dataset-files": a deleted dataset's files held for derived builds, deleted once they end (worker/dataset-files). */
  readonly held?: HeldDatasetFiles;
}

/** A deleted dataset's held files: its versions a build needed, their columnar files, and when the hold began (ms). */
export interface HeldDatasetFiles {
  readonly dataset: string;
  readonly versions: readonly number[];
  readonly keys: readonly string[];
  readonly since: number;
}

/** What the consumer needs to build the end-of-search ensemble. */
export interface EnsembleWork {
  readonly job_id: string;
  readonly dataset_key: string;
  readonly target: string;
  readonly task: Task;
  readonly metric: MetricName;
  /** The job's positive class (JobConfig.positive_class); absent: class index 1. */
  readonly positive_class?: string;
  readonly columns: Readonly<Record<string, ColumnOverride>>;
  /** Complete trials with out-of-fold predictions, best first. */
  readonly candidates: readonly { readonly trial_id: string; readonly oof_key: string; readonly artifact_key: string }[];
  readonly artifact_key: string;
  /** The job's held-out rows: the out-of-fold predictions cover the other rows only. */
  readonly holdout?: HoldoutSpec;
  /** A job with a shared holdout: its fold seed (TrialWork.fold_seed); the candidates' predictions fill its rows only. */
  readonly fold_seed?: number;
  /** The job's cap on the blend's estimated single-row prediction time, µs. */
  readonly max_serving_us?: number;
  /** A forecast job's series: its candidates' "out-of-fold predictions" are their rolling-origin forecasts. */
  readonly forecast?: ForecastJobSpec;
  /** A forecast job's rolling origins (its `folds`). */
  readonly origins?: number;
}

/** The best trial's score with the optimism of picking it removed (engine/eval/selection-estimate). */
export interface BestEstimate {
  readonly score: number;
  /** 5th and 95th percentile of the resamples' scores. */
  readonly interval: readonly number[];
  readonly bootstraps: number;
  readonly candidates: number;
  readonly rows: number;
}

export type EnsembleReport =
  | {
      readonly status: 'complete';
      readonly score: number;
      readonly loss: number;
      readonly artifact_key: string;
      /** Averaged by weight (absent), or pooled log-linearly with the weights as exponents. */
      readonly combine?: 'log_linear';
      readonly members: readonly { readonly trial_id: string; readonly weight: number }[];
      readonly estimate?: BestEstimate;
    }
  | { readonly status: 'skipped'; readonly reason: string; readonly estimate?: BestEstimate }
  | { readonly status: 'failed'; readonly reason: string };

/** What the consumer needs to compare a retraining job's result (the challenger) with the champion. */
export interface ChallengeWork {
  readonly job_id: string;
  readonly tenant: string;
  readonly model_name: string;
  readonly dataset_key: string;
  readonly target: string;
  readonly task: Task;
  readonly metric: MetricName;
  /** The job's positive class (JobConfig.positive_class); absent: class index 1. */
  readonly positive_class?: string;
  readonly columns: Readonly<Record<string, ColumnOverride>>;
  /** The held-out rows of a table job. */
  readonly holdout?: HoldoutSpec;
  /** A forecast job's series, with the held-out points (`holdout_points`). */
  readonly forecast?: ForecastJobSpec;
  readonly challenger: { readonly trial_id: string; readonly artifact_key: string };
}

/**
 * Both models' holdout scores (metric direction); or the challenger's alone, with why the champion cannot
 * be scored at all (a forecast champion whose covariates lack a category the held-out points hold: it
 * would refuse those forecasts, as it refuses a request naming one); or why no comparison could be made.
 * A forecast job's report also carries its champion advanced to the job's data (`advance`, see
 * ChampionAdvance), whatever the comparison came to.
 */
export type ChallengeReport = (
  | {
      readonly status: 'complete';
      readonly challenger_score: number;
      readonly champion_score: number;
      /** The champion that was scored; the registry keeps it if the pointer moved since. */
      readonly champion_version: number;
      readonly holdout_rows: number;
      /**
       * challenger − champion with its paired-bootstrap interval over the held-out rows (table jobs; absent
       * for forecasts, reports made before it, and rows too few or one-class for an interval).
       */
      readonly difference?: PairedDifference;
      /**
       * A forecast job's held-out points also hold series the champion never saw: both scores and
       * holdout_rows are then over the series both know, and a challenger not worse there by more than
       * the margin is promoted (durable/retrain-rules).
       */
      readonly new_series?: NewSeries;
    }
  | {
      readonly status: 'complete';
      /** Over every held-out point. */
      readonly challenger_score: number;
      /**
       * The champion cannot forecast the held-out points: `reason` says why (categories it was not
       * trained with, or it knows none of the held-out series).
       */
      readonly champion_score: null;
      readonly champion_version: number;
      readonly holdout_rows: number;
      readonly reason: string;
      readonly new_series?: NewSeries;
    }
  | { readonly status: 'failed'; readonly reason: string; readonly champion_version?: number }
) & { readonly advance?: ChampionAdvance };

/**
 * Series of a forecast job's held-out points that the champion was never trained on (stores opened after
 * it, say): it cannot forecast them, so they are left out of the comparison, and only the challenger is
 * scored on them.
 */
export interface NewSeries {
  /** The first 20, in the data's order. */
  readonly groups: readonly string[];
  readonly count: number;
  /** Their held-out points, in no comparison. */
  readonly points: number;
  /** The challenger's score on those points alone, in the job's metric (null when not a finite number). */
  readonly challenger_score: number | null;
  /** Series both models know: the comparison's (0: the champion knows none, and has no score). */
  readonly known_series: number;
}

/**
 * A forecast champion brought up to a retraining job's data (worker/queue/champion-advance): the same
 * fitted model, each series forecasting after its newest point; or why it could not be. The Registry
 * registers it as a new version, and makes that the champion, only when the champion stays and is still
 * `from_version`.
 */
export interface ChampionAdvance {
  /** The champion advanced. */
  readonly from_version: number;
  /** The advanced envelope, beside the job's files; null when no series moved (`reason` says why). */
  readonly artifact_key: string | null;
  /** Series moved to their newest points. */
  readonly series: number;
  /** Series the champion knows that were left as they were, with why (at most the first 20). */
  readonly left: readonly { readonly group: string; readonly reason: string }[];
  /** How many series were left (`left` lists at most 20 of them). */
  readonly left_count: number;
  /** The groups a simple rule forecasts, advanced by the same rule: how many moved, and those left with why (absent: the champion keeps none). */
  readonly fallback_groups?: FallbackGroupsAdvance;
  /** In words: where the series now end, or why nothing moved. */
  readonly reason: string;
}

/** What an advance did to the groups a simple rule forecasts (engine/forecast/advance-fallback). */
export interface FallbackGroupsAdvance {
  /** Groups moved to their newest points. */
  readonly advanced: number;
  /** Groups left as they were, with why (at most the first 20). */
  readonly left: readonly { readonly group: string; readonly reason: string }[];
  readonly left_count: number;
}

export type JobStatusName = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TrialRecord {
  readonly trial_id: string;
  readonly number: number;
  readonly family: SearchFamily;
  readonly params: Params;
  readonly status: 'running' | 'complete' | 'failed' | 'cancelled';
  readonly score: number | null;
  readonly fold_scores?: readonly number[];
  readonly fit_ms: number | null;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly error?: { readonly code: string; readonly message: string };
  readonly fit_info?: Readonly<Record<string, number>>;
  /** The trial model's estimated single-row prediction time, µs (engine/serialize/serving-cost). */
  readonly serving_us?: number;
  /** Rung on the job's fidelity ladder (0 = lowest); always 0 for a job without multi-fidelity scheduling. */
  readonly rung: number;
  /** Fraction of the training rows the trial trained on (a cnn: of its epochs); 1 = full fidelity. */
  readonly fidelity: number;
  /** Below fidelity 1: what it is a fraction of, the training rows or (a cnn) its epochs. */
  readonly fidelity_of?: 'rows' | 'epochs';
  /** The trial whose configuration this one re-runs at a higher fidelity. */
  readonly promoted_from?: string;
  /** Hyperband bracket of the configuration. */
  readonly bracket?: number;
  /** Why the configuration is not what the search proposed, e.g. narrowed to fit a trial's memory. */
  readonly note?: string;
}

export interface LeaderboardEntry {
  readonly trial_id: string;
  readonly family: SearchFamily | 'ensemble';
  readonly params: Params;
  readonly score: number;
  readonly fit_ms: number | null;
  readonly status: 'complete';
  readonly rung: number;
  readonly fidelity: number;
  /** Below fidelity 1: what it is a fraction of (see TrialRecord). */
  readonly fidelity_of?: 'rows' | 'epochs';
}

/**
 * What a job is doing: searching (trials run, until the budget is spent and the grace period's trials
 * reported), ensembling, comparing (a retraining job's result against the champion), publishing, ended.
 */
export type JobPhase = 'searching' | 'ensembling' | 'comparing' | 'publishing' | 'ended';

/** GET /v1/jobs/{id}, as in the API contract. */
export interface JobView {
  readonly id: string;
  readonly status: JobStatusName;
  readonly dataset: { readonly name: string; readonly version: number };
  readonly target: string;
  /** As the job was asked for ("image", "forecast" included); learning_task is then what its models learn. */
  readonly task: Task | 'image' | 'forecast';
  readonly learning_task?: Task;
  /** A forecast job's series as the job reads them (ForecastJobSpec): the columns, horizon, season, covariates and time zone. */
  readonly forecast?: ForecastJobView;
  readonly metric: MetricName;
  readonly greater_is_better: boolean;
  /** A binary job's positive class: the class its f1 scores speak for (class index 1 for jobs made before it was recorded). */
  readonly positive_class?: string;
  readonly strategy: string;
  /** The families searched, and the requested ones this kind of job could not use. */
  readonly models: readonly string[];
  readonly models_skipped?: readonly { readonly family: string; readonly reason: string }[];
  /** Rows left out for a missing target, classes rarer than the folds, extreme regression targets. */
  readonly warnings?: readonly string[];
  /** The multi-fidelity scheduler the job runs under (`strategy: "auto"` picks ASHA for large data). */
  readonly scheduler?: 'asha' | 'hyperband';
  readonly seed: number;
  /**
   * Whether the same settings give the same trials, leaderboard, ensemble and model again, and why or why
   * not (durable/reproducibility): under which conditions when true; the time budget, the retraining run, or
   * what in this run departed from them (a trial failed by the runtime, the cap of seconds reached, a cancel) when false.
   */
  readonly reproducible: { readonly value: boolean; readonly reason: string };
  readonly progress: {
    readonly trials_done: number;
    readonly trials_running: number;
    /**
     * Of trials_running, those no consumer is known to be computing: sent and not yet picked up, sent again,
     * or (the coordinator restarted) not heard from since, until their consumer heartbeats or they are re-sent.
     */
    readonly trials_waiting: number;
    readonly trials_failed: number;
    readonly elapsed_ms: number;
    readonly budget: JobBudget;
    /** Where the job is: the search, the ensemble build, a retraining job's comparison with the champion, the publication, or over. */
    readonly phase: JobPhase;
    /** Time left of the time budget while the search runs (0 in its grace period for running trials); null in every other phase. */
    readonly remaining_ms: number | null;
  };
  readonly best: { readonly trial_id: string; readonly family: SearchFamily | 'ensemble'; readonly score: number } | null;
  /** The end-of-search ensemble: its state, and its members and out-of-fold score once built. */
  readonly ensemble?: {
    readonly status: 'running' | 'complete' | 'skipped' | 'failed';
    readonly score?: number;
    readonly combine?: 'log_linear';
    readonly members?: readonly { readonly trial_id: string; readonly weight: number }[];
    readonly reason?: string;
  };
  readonly leaderboard: readonly LeaderboardEntry[];
  /**
   * The best trial's out-of-fold score with the optimism of picking it among the best trials removed
   * (bootstrap bias-corrected CV, computed with the ensemble), and a 90% interval: what to expect on new rows.
   */
  readonly best_estimate?: BestEstimate & { readonly method: 'bootstrap_bias_corrected_cv' };
  /** A retraining job's comparison with the champion on its held-out rows, and the decision. */
  readonly challenge?: {
    readonly status: 'running' | 'complete' | 'failed';
    readonly challenger: string;
    readonly margin: number;
    /** Where the held-out rows come from (see HoldoutSpec.from_row): rows the champion never saw, or a sample of all. */
    readonly holdout_from: 'new_rows' | 'all_rows' | 'latest_points';
    readonly challenger_score?: number;
    readonly champion_score?: number;
    readonly champion_version?: number;
    readonly holdout_rows?: number;
    /** challenger − champion with its 90% interval (table jobs whose comparison completed). */
    readonly difference?: ScoreDifference;
    /** The promotion rule the decision applies (absent: jobs made before it, which apply "margin"). */
    readonly promotion?: PromotionRule;
    /** Why the comparison failed, or why the champion has no score (it cannot forecast the held-out points). */
    readonly reason?: string;
    /** Held-out series the champion never saw: the scores are then over the series both know (see NewSeries). */
    readonly new_series?: NewSeries;
    /** Whether the published version became the champion (once the job has published). */
    readonly promoted?: boolean;
    readonly decision?: string;
    /** A forecast champion that stayed, advanced to the job's data: the version it became (now the champion). */
    readonly advanced_version?: number;
  };
  /** A retraining job starts from these configurations (the champion's) before searching. */
  readonly warm_start?: readonly TrialConfig[];
  readonly best_over_time: readonly { readonly elapsed_ms: number; readonly score: number; readonly trial_id: string }[];
  /**
   * The version the job published; `promoted: false` when it was kept apart from a champion of another
   * target or task put in place while the job ran (a retraining job's challenge says its own decision).
   */
  readonly model?: { readonly name: string; readonly version: number; readonly promoted?: boolean };
  /**
   * A forecast job of several series, once it published: each series' validation score in the job's metric
   * over its own rolling-origin points (of the published trial or blend), worst first, at most 1,000;
   * `series_scores_total` says how many series there are when more.
   */
  readonly series_scores?: readonly { readonly group: string; readonly score: number; readonly points: number }[];
  readonly series_scores_total?: number;
  readonly error?: { readonly code: string; readonly message: string };
  readonly created_at: string;
  readonly finished_at: string | null;
}

/** The `forecast` of a forecast job's view: what it was asked for, as resolved from the data (ForecastJobSpec). */
export interface ForecastJobView {
  readonly time_column: string;
  readonly group_column?: string;
  readonly horizon: number;
  readonly season: number;
  /** Rolling origins the trials validate on: forecast.origins, or the default (JobConfig.folds). */
  readonly origins: number;
  readonly covariates?: readonly string[];
  readonly past_covariates?: readonly string[];
  readonly timezone?: string;
}

/** What the registry records for a published model version. */
export interface PublishRequest {
  readonly job_id: string;
  readonly trial_id: string;
  readonly family: SearchFamily | 'ensemble';
  readonly artifact_key: string;
  /** The job's task; "forecast" for a forecast job (its models answer the forecast route, not predict). */
  readonly task: Task | 'forecast';
  readonly target: string;
  readonly classes: readonly string[];
  readonly metric: MetricName;
  readonly greater_is_better: boolean;
  readonly score: number;
  readonly dataset: { readonly name: string; readonly version: number };
  /**
   * The job's replace_model (JobConfig): false keeps a result whose target or task differs from the
   * champion now in place out of the champion's seat (durable/publish-conflict). Absent (jobs made
   * before it was carried), the result replaces the champion as before.
   */
  readonly replace_model?: boolean;
  /** How the score was measured (durable/score-validation); absent from publishers older than it. */
  readonly validation?: ScoreValidation;
  /**
   * The job was cancelled: its best result so far replaces a champion only when it beats it on the same
   * data, metric and validation, else it is kept beside it (durable/cancelled-publication).
   */
  readonly cancelled?: boolean;
}

/**
 * What publish did: the version made, whether it is now the champion, and why (for a challenger, a
 * result kept apart from a champion of another target or task, a cancelled job's result kept beside the
 * champion or replacing it); when a forecast champion stayed and was
 * advanced to the job's data, the version that advance became (now the champion).
 */
export interface PublishResult {
  readonly version: number;
  readonly promoted: boolean;
  readonly reason?: string;
  readonly advanced?: { readonly version: number; readonly from_version: number };
}

/** A retraining job's comparison, handed to publish with its margin and promotion rule (absent: "margin"). */
export interface ChallengeOutcome {
  readonly margin: number;
  readonly promotion?: PromotionRule;
  readonly report: ChallengeReport;
}

/**
 * How a retraining job's challenger wins (durable/retrain-rules): "beyond_noise", better by the margin and
 * beyond the holdout's noise (the 90% interval of challenger − champion lies on the better side of 0);
 * "margin", better by the margin on the two holdout scores alone, the rule of jobs and schedules made
 * before the interval existed.
 */
export type PromotionRule = 'beyond_noise' | 'margin';

/**
 * challenger − champion on the held-out rows, in the metric's units, with a 90% paired-bootstrap
 * interval; `within_noise` when the interval holds 0 (the rows cannot tell the two models apart).
 */
export interface ScoreDifference {
  readonly value: number;
  /** [low, high]: the 5th and 95th percentile of the resampled differences. */
  readonly interval: readonly number[];
  readonly bootstraps: number;
  readonly within_noise: boolean;
}
