/**
 * @module client/retraining-types
 * A model's retraining schedule (body, answer, its runs) and the rule by which a retraining job's
 * challenger wins over the champion, with the paired-bootstrap difference the job view and the model's
 * history report.
 */

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

/**
 * Held-out series a forecast champion never saw: with both scores, the comparison is over the series both
 * know and the challenger need only not be worse there by more than the margin.
 */
export interface NewSeries {
  /** The first 20, in the data's order. */
  groups: string[];
  count: number;
  /** Their held-out points, in no comparison. */
  points: number;
  /** The challenger's RMSE on them alone (null when not a finite number). */
  challenger_score: number | null;
  /** Series both models know (0: the champion knows none, and has no score). */
  known_series: number;
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
  /** Set when the margin was given for a metric of the other kind: the metric's default applies (as `margin` shows). */
  margin_note?: string;
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
