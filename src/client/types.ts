/**
 * @module client/types
 * The shapes the HTTP API answers with, written from the route code (src/worker/routes/*) and the
 * Durable Objects' views (durable/job-view, durable/registry), not imported from them: the client must
 * type-check in any runtime without the Worker's code. Request bodies are the Worker's own zod-inferred
 * types, imported as types only. Families, metrics and column types are open strings where the server
 * may grow new ones, so an older client keeps reading a newer server.
 */
import type { CreateJobBody, ForecastBody as ForecastSchemaBody, PredictBody } from '../worker/schemas';

// CreateJobBody has `forecast.covariates` (columns whose future values are known: promotions, prices, holidays)
// and `forecast.past_covariates` (columns observed only up to now: visits, observed weather) from the schema as it is.
export type { CreateJobBody, PredictBody };

/**
 * `POST /v1/models/{name}/forecast` body. The route's schema takes `covariates` as any list (the engine,
 * which knows the model's covariates, checks each step); typed here as what it accepts: one object per
 * step ahead naming each covariate, a number for a numeric one and one of its levels for a categorical one.
 */
export type ForecastBody = Omit<ForecastSchemaBody, 'covariates'> & { covariates?: Record<string, number | string | boolean>[] };

/** One known-future (or past-only) covariate of a forecast model, as its view lists it. */
export interface ForecastCovariate {
  name: string;
  kind: 'numeric' | 'boolean' | 'categorical';
  /** Categorical covariates: the values a forecast request may give; boolean ones: false and true (any spelling of them is taken). */
  levels?: string[];
  /** Numeric known-future covariates: the range training saw (absent in models trained before it was kept). */
  min?: number;
  max?: number;
}

export type Task = 'binary' | 'multiclass' | 'regression' | 'image' | 'forecast';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text' | 'id' | 'constant' | (string & {});
/** One cell of a row: missing columns, null and undefined are missing values. */
export type Cell = string | number | boolean | null | undefined;
/** One row for prediction: column name to value (missing columns and null are missing values). */
export type Row = Record<string, Cell>;
/**
 * An image's pixel values, in the training pixels' range: height*width*channels numbers flat in row-major
 * order, or nested `[h][w]` (one channel) or `[h][w][c]`. Plain arrays: a typed array is not one in JSON.
 */
export type Pixels = readonly number[] | readonly (readonly number[])[] | readonly (readonly (readonly number[])[])[];
/**
 * A predict row of a model that takes images: `image`, a base64 PNG or JPEG file (standard or URL-safe,
 * a `data:` URL too), or `pixels`, not both; other fields pass through as columns.
 */
export type ImageRow = { image: string; pixels?: never; [column: string]: Cell } | { pixels: Pixels; image?: never; [column: string]: Cell | Pixels };
/** What `models.predict` and `models.explain` take: table rows, or image rows for a model that takes images. */
export type PredictRow = Row | ImageRow;

/** `GET /health`. */
export interface Health {
  status: 'ok';
  version: string;
}

/** `POST /v1/keys` (the key is shown this once). */
export interface CreatedKey {
  key: string;
  tenant: string;
  name: string;
  id: string;
  created_at: string;
}

/** `GET /v1/keys`. */
export interface KeyList {
  keys: { name: string; id: string; created_at: string }[];
}

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  missing: number;
  unique: number;
  /** Why the column is not used as a feature (identifiers, constants). */
  dropped?: string;
  /** Summary statistics (`min` to `last`): on `GET /v1/datasets/{name}` only. Datetime columns: epoch milliseconds (`first` has it as ISO-8601). */
  min?: number;
  /** Datetime columns: epoch milliseconds (`last` has it as ISO-8601). */
  max?: number;
  /** Datetime columns: the earliest time, ISO-8601. */
  first?: string;
  /** Datetime columns: the latest time, ISO-8601. */
  last?: string;
  mean?: number;
  std?: number;
  top?: { value: string; count: number }[];
  /** Image datasets: the one summary entry standing for every pixel column (with its pooled min, max, mean and std on upload too). */
  pixel_columns?: number;
  /** Datetime columns not in ISO-8601: how day, month and year were read (mdy 03/15/2024, dmy 15.03.2024, ymd 2024/03/15, named 15-Mar-2024). */
  date_order?: 'mdy' | 'dmy' | 'ymd' | 'named';
  /** What to know before training on the column: an order of day and month no value told, a few cells that are not dates in a column of dates, or words among numbers read as missing. */
  warnings?: string[];
}

/** `PUT /v1/datasets/{name}` and `GET /v1/datasets/{name}`. */
export interface DatasetVersion {
  name: string;
  version: number;
  rows: number;
  bytes: number;
  /** Image datasets (a zip of class folders): the image shape and the images per class. */
  image?: { height: number; width: number; channels: number; classes: Record<string, number> };
  columns: ColumnProfile[];
  created_at: string;
  /** A version made by appending rows (POST …/rows): how many, and the version they were added to. */
  appended_rows?: number;
  base_version?: number;
  /** What reading the file left out that no column entry can say (an unnamed column without values). */
  warnings?: string[];
}

/** `POST /v1/datasets/{name}/rows`: the new version, and what it was made from. */
export interface AppendedVersion extends DatasetVersion {
  /** Rows added; the version holds the base version's rows plus these. */
  appended_rows: number;
  base_version: number;
}

/** `GET /v1/datasets`. */
export interface DatasetList {
  datasets: { name: string; latest_version: number; rows: number; created_at: string }[];
}

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
   * the season the frequency implies (1: none), the known-future and past-only covariate columns, and the
   * time zone a series read on its local clock is forecast in.
   */
  forecast?: { time_column: string; group_column?: string; horizon: number; season: number; covariates?: string[]; past_covariates?: string[]; timezone?: string };
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
  seed: number;
  progress: { trials_done: number; trials_running: number; trials_failed: number; elapsed_ms: number; budget: JobBudget };
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
    promoted?: boolean;
    decision?: string;
    /** A forecast champion that stayed, advanced to the job's data: the version it became (now the champion). */
    advanced_version?: number;
  };
  warm_start?: { family: string; params: Record<string, unknown> }[];
  best_over_time: { elapsed_ms: number; score: number; trial_id: string }[];
  /** `promoted: false`: the version is stored but is not the champion (kept apart from a champion of another target or task: see `warnings`; a retraining job says its decision in `challenge`). */
  model?: { name: string; version: number; promoted?: boolean };
  error?: { code: string; message: string };
  created_at: string;
  finished_at: string | null;
}

/** `DELETE /v1/jobs/{id}`: the job after the cancel, with what the cancel did. */
export interface CancelledJob extends Job {
  /** `already_ended`: the job had ended before the request, and nothing was cancelled; `message`: what was published, or why nothing was. */
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
  promoted_from?: string;
  bracket?: number;
}

/** `GET /v1/models`. */
export interface ModelList {
  models: { name: string; champion_version: number; task: string; metric: string; greater_is_better: boolean; score: number; updated_at: string }[];
}

/**
 * `advanced`: a forecast champion that stayed was advanced to the retraining job's data as a new version (the event's `version`).
 * `kept_apart`: a job's result stored beside the champion, not over it, since the champion became another target or task while it ran.
 */
export type ModelEventKind = 'published' | 'promoted' | 'rolled_back' | 'challenger_kept' | 'kept_apart' | 'advanced' | 'retrain_started' | 'retrain_skipped';

export interface ModelEvent {
  at: string;
  kind: ModelEventKind;
  version: number | null;
  previous_version: number | null;
  job_id: string | null;
  reason: string;
  comparison?: {
    metric: string;
    greater_is_better: boolean;
    challenger_score: number | null;
    champion_score: number | null;
    champion_version: number | null;
    holdout_rows: number | null;
    margin: number;
    margin_kind: 'absolute' | 'relative';
    promoted: boolean;
    /** Why a score is null: the comparison failed, or the champion cannot forecast the held-out points (the challenger that can is promoted). */
    reason?: string;
    /** challenger − champion with its 90% paired-bootstrap interval (table comparisons recorded since it was added). */
    difference?: ScoreDifference;
    /** The rule that decided (absent: recorded before it was added, when the margin alone decided). */
    promotion?: PromotionRule;
  };
  /** `advanced` events: the champion advanced, the data its series were advanced with, how many moved and which were left, with why. */
  advance?: {
    from_version: number;
    dataset: { name: string; version: number };
    series: number;
    left: { group: string; reason: string }[];
    left_count: number;
  };
}

/** `GET /v1/models/{name}`. */
export interface Model {
  name: string;
  task: string;
  target: string;
  metric: string;
  greater_is_better: boolean;
  champion_version: number;
  /**
   * The version `family`, `features`, `forecast`, `image`, `serving` and `artifact_error` describe: the
   * champion, or the one asked for with `models.get(name, {version})`; the other fields are the model's.
   */
  described_version?: number;
  classes: string[];
  /** The described version's family (absent when the champion version is missing). */
  family?: string;
  /** `date_order`: a datetime input trained on dates not in ISO-8601 is read in that layout at predict (and as ISO-8601). */
  features: { name: string; type: ColumnType; importance: number | null; date_order?: 'mdy' | 'dmy' | 'ymd' | 'named' }[];
  versions: {
    version: number;
    job_id: string;
    trial_id: string;
    family: string;
    metric: string;
    greater_is_better: boolean;
    score: number;
    dataset: { name: string; version: number };
    created_at: string;
    /** What this version predicts (absent for a version stored before versions kept it). */
    task?: string;
    target?: string;
    classes?: string[];
    /** A forecast champion advanced to newer data: the version whose fitted model this is (`dataset`: the newer data). */
    advanced_from?: number;
  }[];
  history: ModelEvent[];
  /**
   * Forecast models: what the series is and how far ahead the model may be asked. `covariates`: the
   * known-future covariates every forecast request gives per step (absent for a model without them).
   * `past_covariates`: columns observed up to the end of the training data, whose recent values the model
   * keeps (a request gives none of them; a model reading them forecasts at most the job's horizon).
   */
  forecast?: {
    time_column: string;
    group_column?: string;
    frequency: string;
    /** Series a fixed time apart (frequency `fixed`, `minutely`, `hourly`, `daily`, `weekly`): the step in seconds and in words ("every 30 minutes"). */
    step?: { seconds: number; text: string };
    season: number;
    horizon: number;
    max_horizon: number;
    groups?: string[];
    covariates?: ForecastCovariate[];
    past_covariates?: ForecastCovariate[];
    /** Where each series ends: forecasts start the step after `last_time` (`group` for grouped models; at most 1,000). */
    series?: { group?: string; last_time: string | number; points: number }[];
  };
  /** Models that take images: predict rows may be `{image: base64}` (scaled from 0..255 to max_value) or `{pixels}`. */
  image?: { height: number; width: number; channels: number; max_value: number };
  /** The engine's estimated time for a one-row request, µs (README "Serving time"); what `serving.max_us_per_row` caps. */
  serving?: { estimated_us_per_row: number };
  updated_at: string;
  /** Present when the described version's artifact could not be loaded. */
  artifact_error?: { code: string; message: string };
}

export interface RowExplanation {
  output: number | Record<string, number>;
  base: number | Record<string, number>;
  contributions: Record<string, number> | Record<string, Record<string, number>>;
}

/** `POST /v1/models/{name}/predict`. */
export interface Prediction {
  model: { name: string; version: number };
  /** Class labels (classification) or values (regression), one per row. */
  predictions: (string | number)[];
  /** Classification only: one object of class → probability per row. */
  probabilities?: Record<string, number>[];
  /** With `explain: true`. */
  explanation_space?: 'margin' | 'probability' | 'value';
  explained_class?: string;
  explanations?: RowExplanation[];
}

/** `POST /v1/models/{name}/forecast`: the next `horizon` points with prediction intervals. */
export interface Forecast {
  model: { name: string; version: number };
  group?: string;
  horizon: number;
  level: number;
  forecasts: { time: string | number; value: number; lower: number; upper: number }[];
  /** With `history: true`: the latest observed points the forecast starts from, oldest first. */
  history?: { time: string | number; value: number }[];
}

/** `POST /v1/models/{name}/promote` and `/rollback`; promoting the champion itself moves nothing (`previous_version` equals `champion_version`). */
export interface ChampionChange {
  name: string;
  champion_version: number;
  previous_version: number;
}

export interface ScheduleBudget {
  seconds?: number;
  trials?: number;
}

export interface DriftTrigger {
  psi: number;
  hours: number;
  min_rows: number;
}

/** `PUT /v1/models/{name}/schedule` body. */
export interface ScheduleBody {
  every: string;
  dataset: string;
  budget: ScheduleBudget;
  min_new_rows?: number;
  margin?: number;
  /** How a challenger wins; default "beyond_noise". */
  promotion?: PromotionRule;
  on_drift?: { psi: number; hours?: number; min_rows?: number } | null;
}

/**
 * How a retraining job's challenger wins: "beyond_noise", better by the margin and beyond the holdout's
 * noise (the 90% interval of challenger − champion on the better side of 0); "margin", better by the
 * margin on the two holdout scores alone.
 */
export type PromotionRule = 'beyond_noise' | 'margin';

/** challenger − champion on the held-out rows (metric units), with its 90% paired-bootstrap interval. */
export interface ScoreDifference {
  value: number;
  /** [low, high]: 5th and 95th percentile of the resampled differences. */
  interval: number[];
  bootstraps: number;
  /** The interval holds 0: the held-out rows cannot tell the two models apart. */
  within_noise: boolean;
}

/** `PUT /v1/models/{name}/schedule`. */
export interface Schedule {
  model: string;
  every: string;
  dataset: string;
  budget: ScheduleBudget;
  min_new_rows: number;
  margin: number;
  margin_kind: 'absolute' | 'relative';
  /** How a challenger wins: "margin" for a schedule set before the rule existed (absent from servers before it). */
  promotion?: PromotionRule;
  metric: string;
  on_drift: DriftTrigger | null;
  next_due_at: string;
  created_at: string;
  updated_at: string;
  /** PUT only: what to know about the schedule as set (an on_drift.min_rows too small for small shifts to stand out of noise). */
  warnings?: string[];
}

export interface ScheduleRun {
  /** Numbered per model, from 1. */
  run: number;
  due_at: string;
  /** The latest claim (a waiting run is claimed again at each cron tick). */
  claimed_at: string;
  /**
   * `waiting`: held back by a passing reason, tried again at the next cron tick; `skipped`: a lasting
   * reason; `started`: its job runs; then how the job ended (`promoted`, `challenger_kept`, `cancelled`, `failed`).
   */
  status: 'claimed' | 'waiting' | 'started' | 'skipped' | 'promoted' | 'challenger_kept' | 'cancelled' | 'failed';
  job_id: string | null;
  /** Why the run trained, waits or was skipped. */
  reason: string | null;
  /** When its job started (null without a job; absent from older servers). */
  started_at?: string | null;
  /** When the run ended: skipped, or its job ended. */
  finished_at: string | null;
  /** The version its job published (absent from older servers). */
  version?: number | null;
  /** How its job ended, in words (absent from older servers). */
  outcome?: string | null;
}

/** `GET /v1/models/{name}/schedule`: the schedule and its last runs. */
export interface ScheduleWithRuns extends Schedule {
  runs: ScheduleRun[];
}

/** `GET /v1/models/{name}/drift`. */
export interface DriftReport {
  model: string;
  version: number;
  rows_sampled: number;
  window: { from: string; to: string; hours: number };
  reference: { dataset: { name: string; version: number }; rows: number };
  features: {
    name: string;
    type: ColumnType;
    psi: number | null;
    status: 'stable' | 'moderate' | 'significant' | null;
    /** The PSI sampling noise alone gives on average at this many rows: about (bins - 1) · (1/rows + 1/training rows). */
    noise_psi: number | null;
    /** True when the PSI is no higher than sampling noise reaches 99 times in 100: no evidence of a shift. */
    within_noise: boolean | null;
    /** Empty on the `px_*` entry: each pixel has bins of its own (`detail: 'pixels'`). */
    bins: string[];
    reference: number[];
    live: number[];
    /** What the PSI is of: "length in characters" for text; on the `px_*` entry, the mean over the pixel columns. */
    measure?: string;
    /** The `px_*` entry of an image model: its pixel columns as one grid (`psi` and `noise_psi` are the pixels' means). */
    pixels?: PixelDrift;
  }[];
  skipped: { name: string; type: ColumnType; reason: string }[];
  note?: string;
}

/** An image model's pixel grid in a drift report. */
export interface PixelDrift {
  columns: number;
  image: { height: number; width: number; channels: number };
  /** Pixels reading at least moderate and beyond their noise (about 1 in 100 does by chance); null before live rows. */
  drifting: number | null;
  drifting_share: number | null;
  /** The mean pixel value in training and live, estimated from each pixel's decile bins: which way and roughly how far the images moved. */
  mean_value: { reference: number; live: number | null } | null;
  /** The 10 most drifted pixels. */
  top: { name: string; psi: number | null; status: 'stable' | 'moderate' | 'significant' | null; noise_psi: number | null; within_noise: boolean | null }[];
}
