/**
 * @module client/model-types
 * The answers of the model routes: the list, a model with its versions, history of events and what the
 * described version predicts from (features, forecast series, image shape, serving estimate), and a
 * move of the champion pointer (promote, rollback).
 */
import type { ColumnType } from './dataset-types';
import type { ForecastCovariate, SeriesScore } from './forecast-types';
import type { NewSeries, PromotionRule, ScoreDifference } from './retraining-types';

/** `GET /v1/models`. */
export interface ModelList {
  models: { name: string; champion_version: number; task: string; metric: string; greater_is_better: boolean; score: number; updated_at: string }[];
}

/**
 * `advanced`: a forecast champion that stayed was advanced to the retraining job's data as a new version (the event's `version`).
 * `kept_apart`: a job's result stored beside the champion, not over it, since the champion became another target or task while it ran,
 * or since the job was cancelled and its result does not beat the champion on the same data, metric and validation.
 */
export type ModelEventKind = 'published' | 'promoted' | 'rolled_back' | 'challenger_kept' | 'kept_apart' | 'advanced' | 'retrain_started' | 'retrain_skipped' | 'version_deleted';

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
    /** Held-out series a forecast champion never saw: with both scores, they are over the series both know. */
    new_series?: NewSeries;
  };
  /** `advanced` events: the champion advanced, the data its series were advanced with, how many moved and which were left, with why. */
  advance?: {
    from_version: number;
    dataset: { name: string; version: number };
    series: number;
    left: { group: string; reason: string }[];
    left_count: number;
    /** The groups a simple rule forecasts, advanced by the same rule: how many moved, and those left with why (absent: the champion keeps none). */
    fallback_groups?: { advanced: number; left: { group: string; reason: string }[]; left_count: number };
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
    /** Forecasts and interval bounds never go below it, because the target never did in training; absent when it did. */
    floor?: number;
    /** The series a grouped model forecasts itself (at most 1,000); those of `fallback_groups` are forecastable too. */
    groups?: string[];
    /** Groups too short to validate on, forecast by a simple rule on their own points (the forecast says so in `fallback`); at most 1,000, absent when none. */
    fallback_groups?: { group: string; rule: 'seasonal_naive' | 'last_value'; points: number }[];
    covariates?: ForecastCovariate[];
    past_covariates?: ForecastCovariate[];
    /** Where each series ends: forecasts start the step after `last_time` (`group` for grouped models; at most 1,000). */
    series?: { group?: string; last_time: string | number; points: number }[];
    /** Grouped models: each series' validation score in the version's metric, worst first (at most 1,000; `series_scores_total` when more); absent for versions made before it. */
    series_scores?: SeriesScore[];
    series_scores_total?: number;
  };
  /** Models that take images: predict rows may be `{image: base64}` (scaled from 0..255 to max_value) or `{pixels}`. */
  image?: { height: number; width: number; channels: number; max_value: number };
  /** The engine's estimated time for a one-row request, µs (README "Serving time"); what `serving.max_us_per_row` caps. */
  serving?: { estimated_us_per_row: number };
  updated_at: string;
  /** Present when the described version's artifact could not be loaded. */
  artifact_error?: { code: string; message: string };
}

/** `POST /v1/models/{name}/promote` and `/rollback`; promoting the champion itself moves nothing (`previous_version` equals `champion_version`). */
export interface ChampionChange {
  name: string;
  champion_version: number;
  previous_version: number;
}
