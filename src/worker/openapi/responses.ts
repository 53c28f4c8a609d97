/**
 * @module worker/openapi/responses
 * Zod schemas of what the routes answer, written from the handlers (routes/*, durable/job-view, the
 * Registry's list methods), not from the contract prose. They feed the OpenAPI document and the test that
 * validates real answers against them (test/worker/openapi.test.ts), which is what keeps them honest.
 * Objects are plain `z.object`: clients must accept fields added later (API.md: "extend freely"), while the
 * test still notices an undocumented field because parsing strips it.
 */
import { z } from 'zod';
import { budget, columnType, isoTime, promotionRule } from './response-parts';

const score = z.number().describe('in the metric\'s own direction; see greater_is_better');
/** A model family name, or "ensemble" for a blend of trials. */
const family = z.string();
const params = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).describe('hyperparameters, as the model family names them');
const jobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
const codeAndMessage = z.object({ code: z.string(), message: z.string() });

/** The one error body of every 4xx/5xx answer (worker/errors). */
export const errorResponse = z.object({
  error: z.object({
    code: z.string().describe('snake_case, stable: branch on this'),
    message: z.string().describe('what went wrong and how to fix it'),
    details: z.record(z.string(), z.unknown()).describe('the offending field, column, row or line where there is one'),
  }),
});

export const healthResponse = z.object({ status: z.literal('ok'), version: z.string() });

// ---- datasets -------------------------------------------------------------------------------------

const columnSummary = z.object({
  name: z.string(),
  type: columnType,
  missing: z.int(),
  unique: z.int(),
  unique_capped: z.literal(true).optional().describe('unique is a lower bound: a numeric column\'s distinct values are counted up to 100,001'),
  dropped: z.string().optional().describe('why the column will not be used as a feature'),
  pixel_columns: z.int().optional().describe('image datasets: the one entry ("px_*") that stands for this many pixel columns; it carries their pooled min, max, mean and std in the upload answer too'),
  // The px_* entry's pooled statistics; every column's come with GET (columnProfile).
  min: z.number().optional().describe('the "px_*" entry of an image dataset: its smallest pixel value (other columns: on GET)'),
  max: z.number().optional().describe('the "px_*" entry of an image dataset: its largest pixel value (other columns: on GET)'),
  mean: z.number().optional().describe('the "px_*" entry of an image dataset: the mean over every pixel value (other columns: on GET)'),
  std: z.number().optional().describe('the "px_*" entry of an image dataset: the standard deviation over every pixel value (other columns: on GET)'),
  date_order: z
    .enum(['mdy', 'dmy', 'ymd', 'named'])
    .optional()
    .describe(
      'datetime columns not in ISO-8601: how day, month and year were read (mdy 03/15/2024, dmy 15/03/2024 or 15.03.2024, ymd 2024/03/15, named 15-Mar-2024 or Mar 15, 2024); appended rows and predictions are read the same way, or as ISO-8601 (year-first dates and named months read in every layout)',
    ),
  integer: z
    .boolean()
    .optional()
    .describe(
      'numeric columns of a table: whether every present value is a whole number, that is, reads as an integer (3, 3.0, 1e3 and $1,200 do; 2.5 and 13.5% do not); recomputed when rows are appended. Absent from other columns and from versions stored before the field was added',
    ),
  warnings: z
    .array(z.string())
    .optional()
    .describe(
      'what to know before training on the column: an order of day and month that no value told (read month first) and how to declare the other; values nearly all dates that some cells (named by line or data row) keep from being read as dates, and what to do; or words among numbers (named with their lines or data rows) read as missing values',
    ),
});

/** GET adds summary statistics per column. */
const columnProfile = columnSummary.extend({
  min: z.number().optional().describe('datetime columns: epoch milliseconds (see first)'),
  max: z.number().optional().describe('datetime columns: epoch milliseconds (see last)'),
  mean: z.number().optional(),
  std: z.number().optional(),
  first: isoTime.optional().describe('datetime columns: the earliest time (min as ISO-8601)'),
  last: isoTime.optional().describe('datetime columns: the latest time (max as ISO-8601)'),
  top: z.array(z.object({ value: z.string(), count: z.int(), truncated: z.literal(true).optional().describe('the value was cut to keep the profile storable: the start of a level') })).optional().describe('the most frequent levels (coded columns)'),
});

/** A run of numbered columns that look like pixels without being named px_* (worker/pixel-like-view). */
const pixelLikeEntry = z.object({
  name: z.string().describe('the first and last column of the run, such as "p0..p63" (as the drift of a model trained on them names its entry)'),
  type: z.literal('numeric'),
  pixel_columns: z.int().describe('how many columns the run holds, side by side in `columns` from first_column to last_column'),
  first_column: z.string(),
  last_column: z.string(),
  missing: z.int().describe('missing cells over every column of the run'),
  unique: z.int().describe('the most distinct values one column of the run has'),
  min: z.number().describe('0: a run whose smallest value is not 0 is not read as pixels'),
  max: z.number().describe('at most 255'),
  mean: z.number().describe('over every present value of the run'),
  std: z.number().describe('over every present value of the run'),
  image: z.object({ height: z.int(), width: z.int(), channels: z.literal([1, 3]) }).optional().describe('a square image of that many values (gray, else RGB), when there is one: a guess, nothing in the data tells the real shape'),
  hint: z.string().describe('how to train the run as images: an image job with `image` giving its height and width (the columns are read in file order)'),
});

/** An image dataset's shape and images per class folder. */
const imageInfo = z.object({ height: z.int(), width: z.int(), channels: z.int(), classes: z.record(z.string(), z.int()) });

const datasetBase = {
  name: z.string(),
  version: z.int(),
  rows: z.int(),
  bytes: z.int(),
  image: imageInfo.optional().describe('image datasets only'),
  pixel_like: z
    .array(pixelLikeEntry)
    .optional()
    .describe(
      'tables only: each run of at least 16 numeric columns named <prefix><n> (n counting up by one from 0 or 1, side by side in the file, such as p0..p63 or pixel1..pixel784) whose values run from 0 to at most 255, summarised as one possible image entry with pooled statistics; `columns` still lists every one of them. Not named px_r{row}_c{col}, such columns train as images only when the job gives `image` with their height and width',
    ),
  created_at: isoTime,
  warnings: z
    .array(z.string())
    .optional()
    .describe(
      'what reading the file left out that no column entry can say: unnamed columns without a value (a separator at the end of every line) are left out; for a zip of images, files of other image formats in class folders, folders without images and unlabelled images in a split folder (each named), split folders (train/, test/) whose classes were merged, and classes of fewer than 5 images',
    ),
};

export const datasetUploadResponse = z.object({ ...datasetBase, columns: z.array(columnSummary) });
export const datasetProfileResponse = z.object({
  ...datasetBase,
  columns: z.array(columnProfile),
  appended_rows: z.int().optional().describe('a version made by appending rows: how many (its bytes are those of the file of rows sent)'),
  base_version: z.int().optional().describe('a version made by appending rows: the version they were added to'),
});
export const datasetAppendResponse = z.object({
  ...datasetBase,
  columns: z.array(columnSummary),
  appended_rows: z.int().describe('rows added; the version has the base version\'s rows plus these'),
  base_version: z.int().describe('the version the rows were added to'),
});
export const datasetListResponse = z.object({
  datasets: z.array(z.object({ name: z.string(), latest_version: z.int(), rows: z.int(), created_at: isoTime })),
});

// ---- jobs -----------------------------------------------------------------------------------------

export const jobCreatedResponse = z.object({
  id: z.string(),
  status: z.literal('queued'),
  warnings: z.array(z.string()).optional().describe('what to know about the target and the data before trusting the score (as in the job view), and the unfinished jobs that publish the same target to the model (the last to finish without `challenge` becomes the champion)'),
});

const leaderboardEntry = z.object({
  trial_id: z.string(),
  family,
  params,
  score,
  fit_ms: z.number().nullable(),
  status: z.literal('complete'),
  rung: z.int(),
  fidelity: z.number().describe('fraction of the training rows (or a cnn\'s epochs, see fidelity_of) used; 1 = full'),
  fidelity_of: z.enum(['rows', 'epochs']).optional().describe('below fidelity 1: what it is a fraction of, the training rows or (a cnn) its epochs'),
});

/** A retraining job's challenger − champion with its interval (durable/challenge-noise). */
const scoreDifference = z
  .object({
    value: z.number().describe('challenger_score − champion_score, in the metric\'s units'),
    interval: z.array(z.number()).describe('5th and 95th percentile of the difference over bootstrap resamples of the held-out rows (both models scored on each same resample): a 90% interval'),
    bootstraps: z.int(),
    within_noise: z.boolean().describe('true when the interval holds 0: the held-out rows cannot tell the two models apart'),
  })
  .describe('table jobs whose comparison completed (absent for forecasts, and before it was recorded)');

/** Held-out series a forecast champion never saw (durable/protocol NewSeries). */
const newSeries = z
  .object({
    groups: z.array(z.string()).describe('the new series, the first 20 in the data\'s order'),
    count: z.int(),
    points: z.int().describe('their held-out points, in no comparison'),
    challenger_score: z.number().nullable().describe('the challenger\'s score on those points alone, in the job\'s metric (null when not a finite number); the champion cannot forecast them'),
    known_series: z.int().describe('series both models know, on which the two are compared; 0: the champion knows none and has no score'),
  })
  .describe('a forecast comparison whose held-out points hold series the champion never saw: challenger_score, champion_score and holdout_rows are then over the series both know, and the challenger is promoted unless worse there by more than the margin (it adds series the champion cannot forecast); without a champion score (it knows none of them, or a covariate category stops it), challenger_score and holdout_rows cover every held-out point');

/** Per-series validation scores of a forecast of several series (engine/forecast/series-scores), worst first. */
const seriesScores = z.array(
  z.object({
    group: z.string().describe('the series (its group column value)'),
    score: z.number().describe("the metric on this series' validation points alone (lower is better)"),
    points: z.int().describe('its validation points: origins × validated horizon'),
  }),
);

export const jobViewResponse = z.object({
  id: z.string(),
  status: jobStatus,
  dataset: z.object({ name: z.string(), version: z.int() }),
  target: z.string(),
  task: z.string().describe('binary, multiclass, regression, image or forecast, as the job was asked for'),
  learning_task: z.string().optional().describe('image and forecast jobs: the task their models learn (a classification; a regression of lagged values)'),
  forecast: z
    .object({
      time_column: z.string().describe('the time column, as named in the job or found in the data'),
      group_column: z.string().optional().describe('the column whose values name the series, when the job has one'),
      horizon: z.int().describe('steps ahead the job validates (the one asked for, or its default: one season, else a tenth of the series)'),
      season: z.int().describe('the seasonal period the series\' frequency implies, in steps (1: none)'),
      origins: z.int().describe('rolling origins every trial validates on (the job\'s forecast.origins, or the default 3; a series too short for 3 without forecast.origins validates on 1, as its trials\' fold scores show)'),
      covariates: z.array(z.string()).optional().describe('known-future covariate columns (every forecast of the model gives their values per step)'),
      past_covariates: z.array(z.string()).optional().describe('past-only covariate columns (the model keeps their recent values)'),
      timezone: z.string().optional().describe('the IANA time zone a series read on its local clock is forecast in (the job\'s forecast.timezone)'),
    })
    .optional()
    .describe('forecast jobs: the series as the job reads them'),
  metric: z.string(),
  greater_is_better: z.boolean(),
  positive_class: z.string().optional().describe('binary jobs: the class f1 is computed for (the job\'s positive_class, or its default); jobs made before it was recorded: the second class in class order'),
  strategy: z.string(),
  models: z.array(z.string()).describe('the model families searched, in priority order'),
  models_skipped: z.array(z.object({ family: z.string(), reason: z.string() })).optional().describe('requested families this kind of job cannot use (e.g. cnn on a table), skipped'),
  warnings: z
    .array(z.string())
    .optional()
    .describe(
      'what to know before trusting the score: rows left out for a missing target, classes rarer than the folds, extreme regression targets; date columns read month first because no value told day from month; a column that predicts the target almost perfectly alone (a leak: ignore it if it is not known when you predict); the champion a "replace_model" job replaced; and, once published, a model trained on a fraction of the rows (no trial finished at full fidelity within the budget) with its fidelity; a job cancelled before any trial finished: nothing was published; a cancelled job\'s result kept beside a better champion (with the promote route) or replacing a worse one (with the rollback route); a job interrupted by a restart of its coordinator, for how long (during the search its time budget is extended by as much)',
    ),
  scheduler: z.enum(['asha', 'hyperband']).optional(),
  seed: z.int().describe('the seed of the search and of every trial: the request\'s, or 42 when it gives none'),
  reproducible: z
    .object({
      value: z.boolean().describe('whether the same settings give the same trials, leaderboard, ensemble and model again'),
      reason: z
        .string()
        .describe(
          'why: when true, under which conditions (the same seed, trial budget, parallelism, dataset version and request, on the same edge-automl version); when false, what stops it: a time budget (how many trials fit depends on the machine\'s speed, and trials are proposed from whichever results arrive first), a scheduled retraining run (its champion and held-out rows are its own), or what in this run departed from its settings (a trial or the ensemble failed by the runtime rather than its configuration, a trials-only search cut by its cap of seconds, a cancel)',
        ),
    })
    .describe('whether the job is reproducible: only a budget of trials alone is (see the README\'s Reproducibility)'),
  progress: z.object({
    trials_done: z.int(),
    trials_running: z.int(),
    trials_waiting: z
      .int()
      .optional()
      .describe('of trials_running, those no consumer is known to be computing: sent and not yet picked up, sent again, or (after the job\'s coordinator restarted) not heard from since; they are sent again within seconds'),
    trials_failed: z.int(),
    elapsed_ms: z.number(),
    budget,
    phase: z
      .enum(['searching', 'ensembling', 'comparing', 'publishing', 'ended'])
      .describe('where the job is: searching (trials run, through the grace period after the time budget), ensembling (the end-of-search ensemble), comparing (a retraining job\'s result against the champion on held-out rows), publishing, ended'),
    remaining_ms: z.number().nullable().describe('while searching: the time budget left (0 during the grace period for running trials; a trials-only budget counts down its 3,600-s cap); null in every other phase'),
  }),
  best: z.object({ trial_id: z.string(), family, score }).nullable(),
  leaderboard: z
    .array(leaderboardEntry)
    .describe(
      'best first: by fidelity, then by score. In an asha or hyperband job every full-fidelity result ranks above every result on a fraction of the rows (whose scores do not compare with full ones, and may be higher); the ensemble sits among the full-fidelity entries by its score',
    ),
  best_estimate: z
    .object({ score, interval: z.array(z.number()).describe('5th and 95th percentile'), bootstraps: z.int(), candidates: z.int(), rows: z.int(), method: z.literal('bootstrap_bias_corrected_cv') })
    .optional()
    .describe("the best trial's out-of-fold score with the optimism of picking it among the best trials removed, and a 90% interval: what to expect on new rows (set with the ensemble)"),
  ensemble: z
    .object({
      status: z.enum(['running', 'complete', 'skipped', 'failed']),
      score: score.optional(),
      combine: z.literal('log_linear').optional().describe('absent: the members\' outputs are averaged by weight; "log_linear": their probabilities are pooled as p ∝ Π pᵢ^weightᵢ (multiclass log-loss jobs)'),
      members: z.array(z.object({ trial_id: z.string(), weight: z.number() })).optional(),
      reason: z.string().optional().describe('why the ensemble was skipped or failed'),
    })
    .optional()
    .describe('the end-of-search ensemble; "skipped" with a reason when none was built (fewer than two full-fidelity trials, a cancelled job, also one cancelled while its ensemble was being built): a table job then has no best_estimate'),
  warm_start: z.array(z.object({ family, params })).optional(),
  challenge: z
    .object({
      status: z.enum(['running', 'complete', 'failed']),
      challenger: z.string(),
      margin: z.number(),
      holdout_from: z
        .enum(['new_rows', 'all_rows', 'latest_points'])
        .describe("where the held-out rows come from: rows appended since the champion's data (which it never saw), a sample of all rows (some of which it may have trained on), or a forecast's latest points"),
      challenger_score: z.number().optional(),
      champion_score: z.number().optional(),
      champion_version: z.int().optional(),
      holdout_rows: z.int().optional(),
      difference: scoreDifference.optional(),
      promotion: promotionRule.optional().describe('the rule the decision applies; absent in jobs made before it, decided by the margin alone'),
      reason: z.string().optional().describe('why the comparison failed, or why the champion has no score: a forecast champion that cannot forecast the held-out points (a covariate category it was not trained with, or none of their series), which promotes a challenger that can'),
      new_series: newSeries.optional(),
      promoted: z.boolean().optional(),
      decision: z.string().optional(),
      advanced_version: z.int().optional().describe('a forecast champion that stayed, advanced to the job\'s data (the same fitted model, forecasting from the newest points): the version it became, now the champion'),
    })
    .optional()
    .describe('a scheduled retraining job, or a job sent with `challenge`: its comparison with the champion on held-out rows, and the decision'),
  best_over_time: z.array(z.object({ elapsed_ms: z.number(), score, trial_id: z.string() })),
  model: z
    .object({
      name: z.string(),
      version: z.int(),
      promoted: z
        .boolean()
        .optional()
        .describe('false: the version is stored but is not the champion, since the champion became another target or task while the job ran and the job did not send replace_model, or since the job was cancelled and its result does not beat the champion on the same data, metric and validation (kept apart; its warnings say how to promote it). true (a cancelled job only): its result replaced the champion, which its warnings name with the rollback route. A retraining job (or one sent with challenge) says its decision in challenge.promoted'),
    })
    .optional()
    .describe('present once the job has published a model'),
  series_scores: seriesScores
    .optional()
    .describe("a forecast job with a group column, once it published: each series' validation score in the job's metric over its own rolling-origin points, of the published trial or blend (mase scaled by the series' own naive error), worst first, at most the first 1,000"),
  series_scores_total: z.int().optional().describe('how many series series_scores would list, when more than the 1,000 it lists'),
  error: codeAndMessage.optional(),
  created_at: isoTime,
  finished_at: isoTime.nullable(),
});

export const cancelledJobResponse = jobViewResponse.extend({
  cancel: z
    .object({
      already_ended: z.boolean().describe('true: the job had ended (succeeded, failed or cancelled) before this request, and nothing was cancelled'),
      message: z.string().describe('what the cancel did: the trial published and its version (without the ensemble when one was being built), or why nothing was published; over an existing champion, whether the version was kept beside it (with the promote route) or replaced it (naming the version replaced, with the rollback route)'),
    })
    .describe('what this cancel did (the rest is the job as GET /v1/jobs/{id} shows it)'),
});

export const jobListResponse = z.object({
  jobs: z.array(z.object({ id: z.string(), dataset: z.string(), target: z.string(), status: jobStatus, model_name: z.string(), created_at: isoTime })),
});

const trialRecord = z.object({
  trial_id: z.string(),
  number: z.int(),
  family,
  params,
  status: z.enum(['running', 'complete', 'failed', 'cancelled']),
  score: score.nullable(),
  fold_scores: z.array(z.number()).optional(),
  fit_info: z.record(z.string(), z.number()).optional(),
  serving_us: z.number().optional().describe("the trial model's estimated single-row prediction time, µs (as serving.estimated_us_per_row; serving.max_us_per_row caps it)"),
  fit_ms: z.number().nullable(),
  started_at: isoTime,
  finished_at: isoTime.nullable(),
  error: codeAndMessage.optional(),
  rung: z.int(),
  fidelity: z.number(),
  fidelity_of: z.enum(['rows', 'epochs']).optional().describe('below fidelity 1: what it is a fraction of, the training rows or (a cnn) its epochs'),
  promoted_from: z.string().optional(),
  bracket: z.int().optional(),
  note: z.string().optional().describe('why the configuration is not what the search proposed (e.g. narrowed to fit a trial\'s memory)'),
});

export const trialListResponse = z.object({
  metric: z.string().describe('the metric of every score below'),
  greater_is_better: z.boolean(),
  positive_class: z.string().optional().describe('binary jobs: the class an f1 score is of, as in the job view'),
  trials: z.array(trialRecord),
});

// ---- models ---------------------------------------------------------------------------------------

export const modelListResponse = z.object({
  models: z.array(z.object({ name: z.string(), champion_version: z.int(), task: z.string(), metric: z.string(), greater_is_better: z.boolean(), score, updated_at: isoTime })),
});

const modelEvent = z.object({
  at: isoTime,
  kind: z
    .enum(['published', 'promoted', 'rolled_back', 'challenger_kept', 'kept_apart', 'advanced', 'retrain_started', 'retrain_skipped', 'version_deleted'])
    .describe('advanced: a forecast champion that stayed was advanced to the retraining job\'s data as a new version (version), now the champion; previous_version is the version advanced. kept_apart: a job\'s result (version) stored beside the champion (previous_version), not over it, since the champion became another target or task while the job ran and the job did not send replace_model, or since the job was cancelled and its result does not beat the champion on the same data, metric and validation; POST …/promote makes it the champion on purpose. A cancelled job\'s result that beat the champion is a published event whose reason names the version it replaced and the rollback route'),
  version: z.int().nullable(),
  previous_version: z.int().nullable(),
  job_id: z.string().nullable(),
  reason: z.string(),
  comparison: z
    .object({
      metric: z.string(),
      greater_is_better: z.boolean(),
      challenger_score: z.number().nullable(),
      champion_score: z.number().nullable(),
      champion_version: z.int().nullable(),
      holdout_rows: z.int().nullable(),
      margin: z.number(),
      margin_kind: z.enum(['absolute', 'relative']),
      promoted: z.boolean(),
      reason: z.string().optional().describe('why a score is null: the comparison failed, or the champion cannot forecast the held-out points (a forecast covariate category it was not trained with, or none of their series; the challenger that can is promoted, no margin applies)'),
      difference: scoreDifference.optional(),
      promotion: promotionRule.optional().describe('the rule that decided; absent in comparisons recorded before it, decided by the margin alone'),
      new_series: newSeries.optional(),
    })
    .optional(),
  advance: z
    .object({
      from_version: z.int().describe('the champion advanced (its fitted model is the new version\'s)'),
      dataset: z.object({ name: z.string(), version: z.int() }).describe('the data its series were advanced with'),
      series: z.int().describe('series moved to their newest points'),
      left: z.array(z.object({ group: z.string(), reason: z.string() })).describe('series left as they were (their new data do not continue them), at most 20, with why'),
      left_count: z.int(),
      fallback_groups: z
        .object({
          advanced: z.int().describe('groups moved to their newest points (their rule chosen again: seasonal_naive once they hold a full season)'),
          left: z.array(z.object({ group: z.string(), reason: z.string() })).describe('groups left as they were (gone from the new data, or not continued by them), at most 20, with why'),
          left_count: z.int(),
        })
        .optional()
        .describe('the groups a simple rule forecasts (the view\'s forecast.fallback_groups), advanced by the same rule as the series; absent when the champion keeps none'),
    })
    .optional()
    .describe('advanced events: what moved'),
});

/** A forecast model's covariate as its view lists it (engine/forecast/covariates CovariateSpec). */
const forecastCovariate = z.object({
  name: z.string(),
  kind: z.enum(['numeric', 'boolean', 'categorical']).describe('boolean: a column the upload read as true/false values (models trained before booleans were their own kind list such a column as categorical, its levels the data\'s two spellings, and take any spelling of true or false too)'),
  levels: z.array(z.string()).optional().describe('categorical: the values a forecast request may give; boolean: false and true (any spelling the upload reads as a boolean, such as "yes" or "No", and JSON true and false are taken)'),
  min: z.number().optional().describe('numeric known-future covariates: the least value training saw (absent in models trained before ranges were kept)'),
  max: z.number().optional().describe('numeric known-future covariates: the greatest value training saw'),
});

export const modelDetailResponse = z.object({
  name: z.string(),
  task: z.string(),
  target: z.string(),
  metric: z.string(),
  greater_is_better: z.boolean(),
  champion_version: z.int(),
  described_version: z
    .int()
    .optional()
    .describe('the version family, features, forecast, image, serving and artifact_error describe: the champion, or the one ?version= names (the other fields are the model\'s)'),
  classes: z.array(z.string()).describe('class labels as in the training data; empty for regression'),
  family: family.optional(),
  features: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      importance: z.number().nullable(),
      date_order: z
        .enum(['mdy', 'dmy', 'ymd', 'named'])
        .optional()
        .describe('datetime inputs trained on dates not in ISO-8601: the layout predict reads them in (ISO-8601, year-first dates and named months read too)'),
    }),
  ),
  versions: z.array(
    z.object({
      version: z.int(),
      job_id: z.string(),
      trial_id: z.string(),
      family,
      metric: z.string(),
      greater_is_better: z.boolean(),
      score,
      dataset: z.object({ name: z.string(), version: z.int() }),
      created_at: isoTime,
      task: z.string().optional().describe('what this version predicts: its task ("forecast" for a forecaster), absent for a version stored before versions kept it and not described since'),
      target: z.string().optional(),
      classes: z.array(z.string()).optional(),
      advanced_from: z.int().optional().describe('a forecast champion advanced to newer data: the version whose fitted model this is (its dataset is the data its series were advanced with; job_id, trial_id and score are that version\'s)'),
    }),
  ),
  history: z.array(modelEvent),
  forecast: z
    .object({
      time_column: z.string(),
      group_column: z.string().optional(),
      frequency: z
        .string()
        .describe('the detected step: monthly, quarterly, yearly, months, business_daily (Monday to Friday), working_daily (six days a week, such as Monday to Saturday), business_hourly (hourly during opening hours, such as 09:00 to 17:00 Monday to Friday), business_half_hourly and business_quarter_hourly (every 30 or 15 minutes during opening hours), daily, hourly, weekly, minutely, fixed (any other fixed step: see step) or index'),
      step: z
        .object({
          seconds: z.number().describe('the step in seconds (1800 for half-hourly points)'),
          text: z.string().describe('the step in words: "every 30 minutes", "every hour", "every 2 weeks"'),
        })
        .optional()
        .describe('series a fixed time apart (frequency fixed, minutely, hourly, daily or weekly): how far apart; absent for calendar months, working days, opening hours and index series'),
      season: z.int(),
      horizon: z.int().describe('the horizon the job validated'),
      max_horizon: z.int().describe('the longest horizon POST /forecast accepts (the job\'s horizon for a model that reads past_covariates)'),
      floor: z.number().optional().describe('forecasts and interval bounds never go below it, because the target never did in training (0 for a never-negative target); absent when the target went below 0, and in models trained before the floor'),
      groups: z
        .array(z.string())
        .optional()
        .describe('the series a grouped model forecasts itself (at most the first 1,000); the groups of fallback_groups are forecastable too (POST /forecast answers them with fallback), though not listed here'),
      fallback_groups: z
        .array(
          z.object({
            group: z.string(),
            rule: z.enum(['seasonal_naive', 'last_value']).describe('seasonal_naive: each step repeats the value a whole number of seasons earlier; last_value: every step is its last value'),
            points: z.int().describe('the group\'s points in the training data'),
          }),
        )
        .optional()
        .describe('groups too short to validate a forecast on (at most the first 1,000; absent when none): the model was trained without them, and POST /forecast forecasts each by a simple rule on its own latest points, saying so in its fallback field'),
      covariates: z
        .array(forecastCovariate)
        .optional()
        .describe('known-future covariates: every POST /forecast gives their values per step (a number within min and max widened by their difference on each side, true or false, or one of levels); a request giving a number further out, or one whose forecast would overflow, is refused naming the field'),
      past_covariates: z
        .array(forecastCovariate)
        .optional()
        .describe("past-only covariates (observed up to the end of the training data, future unknown): the model keeps their recent values, so POST /forecast gives none, and max_horizon is the job's horizon when the model reads them; retrain to forecast from newer observations"),
      local_time: z
        .object({
          timezone: z.string().optional(),
          placed: z.literal(true).optional().describe("the timestamps carried no UTC offset and were read as local times in timezone (the job's forecast.timezone)"),
        })
        .optional()
        .describe("set when the series was read on its local clock (its timestamps carry UTC offsets that follow daylight saving time, or none and the job named the zone): times are local, written with the offsets of timezone (the job's forecast.timezone), or without an offset when there is none"),
      series: z
        .array(z.object({ group: z.string().optional().describe('grouped models'), last_time: z.union([z.string(), z.number()]), points: z.int() }))
        .describe('where each series ends (at most the first 1,000): POST /forecast answers from the step after last_time (an ISO time, or a number for a numeric time column); points: how many the model has seen'),
      series_scores: seriesScores
        .optional()
        .describe("grouped models: each series' validation score in the version's metric over its own rolling-origin points, worst first, at most the first 1,000 (absent for versions made before it)"),
      series_scores_total: z.int().optional().describe('how many series series_scores would list, when more than the 1,000 it lists'),
    })
    .optional()
    .describe('forecast models: ask them with POST /v1/models/{name}/forecast'),
  image: z
    .object({
      height: z.int(),
      width: z.int(),
      channels: z.int(),
      max_value: z.number(),
      min_value: z.number().optional().describe('the value standing for black, when the training pixels went below 0 (absent: 0)'),
    })
    .optional()
    .describe('models that take images: predict rows may be {"image": base64 PNG/JPEG}, scaled from 0..255 to min_value..max_value, or {"pixels": [...]}'),
  serving: z
    .object({
      estimated_us_per_row: z
        .number()
        .describe("the engine's estimated time for a one-row request, µs: decoding and encoding the row and every member model's work (not the HTTP route around it), as process CPU time on the project's reference machine, where measurements fall within about 0.5-2× of it; a batch costs less per row (boosted trees and neural networks several times less, forests and kNN about the same)"),
    })
    .optional(),
  updated_at: isoTime,
  artifact_error: codeAndMessage.optional().describe('the described version\'s artifact could not be read'),
});

const perClass = z.record(z.string(), z.number());
const rowExplanation = z.object({
  output: z.union([z.number(), perClass]),
  base: z.union([z.number(), perClass]),
  contributions: z.union([z.record(z.string(), z.number()), z.record(z.string(), perClass)]),
});

export const predictResponse = z.object({
  model: z.object({ name: z.string(), version: z.int() }),
  predictions: z.array(z.union([z.string(), z.number()])).describe('class labels (classification) or numbers (regression), one per row'),
  probabilities: z.array(perClass).optional().describe('classification only: class → probability, one object per row'),
  explanation_space: z.enum(['margin', 'probability', 'value']).optional(),
  explained_class: z.string().optional(),
  explanations: z.array(rowExplanation).optional().describe('with explain: true; base + Σ contributions = output'),
  unseen: z
    .array(z.object({ row: z.int().describe('0-based, in request order'), column: z.string(), value: z.string().describe('as sent') }))
    .optional()
    .describe('category cells the model never saw in training, read as missing values (as an empty cell); absent when none; the first 100'),
  unseen_total: z.int().optional().describe('how many unseen category cells there were, when more than the 100 listed'),
  absent_columns: z
    .array(z.object({ column: z.string(), rows: z.int().describe('how many rows did not send it') }))
    .optional()
    .describe('columns the model reads that rows of the request did not send (a JSON row without the key, a CSV or Parquet batch without the column), read as missing values; a key sent as null is a value given as missing, not listed; absent when none; the first 100, in the training data\'s column order'),
  absent_columns_total: z.int().optional().describe('how many columns were absent, when more than the 100 listed'),
});

export const predictCsvResponse = z
  .string()
  .describe('with Accept: text/csv: a header `prediction[,probability_<class>...]`, then one line per row in order');

export const forecastResponse = z.object({
  model: z.object({ name: z.string(), version: z.int() }),
  group: z.string().optional().describe('the series asked for, for a model trained with a group column'),
  horizon: z.int(),
  level: z.number().describe('coverage of the [lower, upper] interval'),
  quantiles: z.array(z.number()).optional().describe('with "quantiles" asked for: the quantiles each point carries, ascending, each once'),
  forecasts: z.array(
    z.object({
      time: z.union([z.string(), z.number()]).describe('the point\'s time: ISO-8601 for a datetime series (in UTC, at the one UTC offset every timestamp of the data was written with, or local: see local_time), else the step index'),
      value: z.number(),
      lower: z.number(),
      upper: z.number(),
      quantiles: z
        .record(z.string(), z.number())
        .optional()
        .describe('with "quantiles" asked for: each quantile\'s value keyed by its shortest decimal text ({"0.1": v, "0.5": v, "0.9": v}), ascending and never decreasing in q, floored like lower and upper'),
    }),
  ),
  history: z
    .array(z.object({ time: z.union([z.string(), z.number()]), value: z.number() }))
    .optional()
    .describe('with "history": true, the latest observed points the forecast starts from, oldest first'),
  local_time: z
    .object({
      timezone: z.string().optional(),
      placed: z.literal(true).optional().describe("the timestamps carried no UTC offset and were read as local times in timezone (the job's forecast.timezone)"),
      note: z.string(),
    })
    .optional()
    .describe('set when the series was read on its local clock (its timestamps carry UTC offsets that follow daylight saving time, or none and the job named the zone): times (forecasts and history) are local times, written with the offsets of timezone when the job named one (forecast.timezone), else without an offset; note says so in words'),
  fallback: z
    .object({
      rule: z.enum(['seasonal_naive', 'last_value']).describe('seasonal_naive: each step repeats the value a whole number of seasons earlier (the group holds a full season); last_value: every step is its last value'),
      points: z.int().describe('the group\'s points in the training data (or, for a champion advanced to newer data, in that data)'),
      reason: z.string(),
      covariates_ignored: z.literal(true).optional().describe('set when the request sent covariates: a simple rule does not read them, so they did not change this forecast (accepted all the same, so a client sending them for every group keeps working)'),
    })
    .optional()
    .describe('set when the group was too short to validate a forecast on: the model was trained without it, and a simple rule forecasts it from its own latest points, with intervals from the rule\'s own errors (never narrower than the model\'s); covariates given for it are not read (covariates_ignored says so)'),
});

export const pointerChangeResponse = z.object({ name: z.string(), champion_version: z.int(), previous_version: z.int() });

/** GET /v1/models/{model}/evaluation: out-of-fold results, or why there are none. */
const evaluationHead = {
  model: z.string(),
  version: z.int(),
  job_id: z.string(),
  trial_id: z.string(),
  family,
  metric: z.string(),
  importances: z.array(z.object({ feature: z.string(), importance: z.number() })).nullable().describe('permutation importance on training rows, as shares of the total, largest first; null when the version has none'),
};

export const evaluationResponse = z.discriminatedUnion('available', [
  z.object({ ...evaluationHead, available: z.literal(false), reason: z.string() }),
  z.object({
    ...evaluationHead,
    available: z.literal(true),
    task: z.string(),
    source: z.literal('out_of_fold'),
    folds: z.int().describe("the job's folds; 1: its trials shared one holdout (a fifth of the rows, over 20,000 rows), and these are its rows' predictions"),
    dataset: z.object({ name: z.string(), version: z.int() }),
    members: z.array(z.object({ trial_id: z.string(), weight: z.number() })).optional().describe('an ensemble\'s members'),
    combine: z.literal('log_linear').optional().describe('how the members were combined, as in the job\'s ensemble'),
    rows: z.int(),
    metrics: z.record(z.string(), z.number().nullable()).describe('every metric of the task; null where undefined on these rows'),
    greater_is_better: z.record(z.string(), z.boolean()).describe('each metric above: whether a greater value is better'),
    positive_class: z.string().optional().describe('binary only: the class f1 and the ROC curve speak for (the job\'s positive_class)'),
    roc: z
      .object({
        fpr: z.array(z.number()),
        tpr: z.array(z.number()),
        thresholds: z.array(z.number().nullable()).describe('null stands for +Infinity (the first point)'),
        auc: z.number(),
        positive_class: z.string().describe('the class whose probability is the score, as positive_class above'),
      })
      .optional()
      .describe('binary only'),
    confusion: z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.int())) }).optional().describe('classification only; rows are the truth'),
    residuals: z
      .object({ predicted: z.array(z.number()), residual: z.array(z.number()), rows: z.int(), mean_residual: z.number(), max_abs_residual: z.number() })
      .optional()
      .describe('regression only: a sample of rows'),
  }),
]);

// Schedules, drift and keys: ./lifecycle-responses.
export * from './lifecycle-responses';
