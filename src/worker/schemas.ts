/**
 * @module worker/schemas
 * Request body schemas (zod) and the one helper that reads and validates a JSON body, answering the
 * contract's 400s: invalid_json for a body that is not JSON, invalid_request naming the offending field.
 */
import { z } from 'zod';
import { METRICS, type MetricName } from '../engine';
import { DEFAULT_ORIGINS, FORECAST_METRICS, MAX_COVARIATES, MAX_LEVEL, MAX_ORIGINS, MAX_QUANTILE, MAX_QUANTILES, MIN_LEVEL, MIN_QUANTILE } from '../engine/forecast';
import { MAX_BUDGET_SECONDS, MAX_BUDGET_TRIALS, MIN_BUDGET_SECONDS } from '../engine/search/budget-limits';

/** A column's forced type, or "ignore" (the engine's ColumnOverride). */
const COLUMN_OVERRIDES = ['numeric', 'categorical', 'boolean', 'datetime', 'text', 'id', 'constant', 'ignore'] as const;

/**
 * A date column with its order of day and month declared (engine/data/datetime-override): for dates such
 * as 03/04/2024, which upload reads month first when no value says otherwise.
 */
const datetimeOverride = z
  .strictObject({
    type: z.literal('datetime'),
    date_order: z.enum(['mdy', 'dmy']).describe('mdy: 03/04/2024 is March 4 (month first); dmy: it is April 3 (day first). Year-first, ISO-8601 and named-month (15-Mar-2024) dates read either way'),
  })
  .describe('a datetime column read in a declared order of day and month');

/**
 * What a malformed column override is told (zod's own "Invalid input" named neither what was wrong nor
 * what is accepted): the type names, or the datetime object, with what was missing or wrong in it.
 */
function overrideError(issue: { readonly input?: unknown }): string {
  const accepted = `expected a type name (${COLUMN_OVERRIDES.map((t) => `"${t}"`).join(', ')}) or {"type": "datetime", "date_order": "mdy" or "dmy"}`;
  const v = issue.input;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `${accepted}, got ${JSON.stringify(v) ?? String(v)}`;
  const o = v as Record<string, unknown>;
  if (o.type !== 'datetime') return `${accepted}; an object declares a datetime's order of day and month, other types are written as their name ("categorical")`;
  if (o.date_order === undefined) return `{"type": "datetime"} needs "date_order": "mdy" (03/04/2024 is March 4) or "dmy" (it is April 3); to read the dates as upload did, write "datetime"`;
  return `"date_order" must be "mdy" (month first) or "dmy" (day first), in lower case, got ${JSON.stringify(o.date_order)}; year-first, ISO-8601 and named-month dates need none: write "datetime"`;
}

/** Metric names come from the engine's registry, so the API can never accept one the engine lacks. */
const METRIC_NAMES = Object.keys(METRICS) as [MetricName, ...MetricName[]];

/**
 * How much a challenger must beat the champion by, as a schedule and a job's `challenge` take it; read per
 * metric (absolute or relative) and checked against it by durable/retrain-rules marginProblem.
 */
export const marginSchema = z.number().min(0, 'margin must be at least 0');

/** How a challenger wins (durable/challenge-noise), as a schedule and a job's `challenge` take it. */
export const promotionSchema = z
  .enum(['beyond_noise', 'margin'], 'promotion must be "beyond_noise" or "margin"')
  .describe('how a challenger wins: "beyond_noise" (default), better by the margin and beyond the holdout\'s noise (the 90% interval of challenger − champion on the better side of 0); "margin", better by the margin on the two scores alone');

/**
 * A job's `challenge` (worker/job-challenge): true, or its terms as a schedule names them. A union's
 * failure is one "Invalid input" issue; an object's own problem ("promotion must be …") is named by its
 * field inside instead, as readJson names every other nested field.
 */
const challengeSchema = z
  .union([z.boolean(), z.strictObject({ margin: marginSchema.optional(), promotion: promotionSchema.optional() })], {
    error: (issue) => {
      if (issue.code !== 'invalid_union' || typeof issue.input !== 'object' || issue.input === null) return 'expected true, false or {"margin"?: number, "promotion"?: "beyond_noise" | "margin"}';
      const inner = issue.errors.at(-1)?.[0];
      if (!inner) return undefined;
      const field = ['challenge', ...inner.path].join('.');
      return inner.message.startsWith(`${String(inner.path.at(-1))} `) ? `challenge.${inner.message}` : `${field}: ${inner.message}`;
    },
  })
  .describe(
    'with `model` naming an existing model: compare this job\'s result with the champion as a scheduled retraining does, and make it the champion only if it wins (otherwise it is kept as a version; the job\'s `challenge` and the model\'s history say why). The job holds out rows from its search for the comparison: half of the rows appended since the champion\'s data when the job\'s dataset version grew from it by appends, else a seeded 20% of all rows, a forecast\'s latest horizon of every series. `true` takes the defaults; `margin` (default 0.002 absolute for scores, 0.01 relative for losses) and `promotion` (default "beyond_noise") as a schedule takes them (a forecast comparison has no noise interval: over a forecast model the margin alone decides, and the job\'s `challenge` says "margin"). Over an image model, `task` and what `image` leaves out are the champion\'s (its shape when its pixel columns are not named px_*), and pixels of another grid or other columns are refused. Over a forecast model, `task` and what `forecast` leaves out (time_column, group_column, horizon, covariates, past_covariates, timezone) are the champion\'s, and what then differs from it is refused (409 model_conflict). Refused (400) for a model that does not exist yet, and with `replace_model`',
  );

/** Largest JSON body accepted (predict batches included). */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;

export const createJobSchema = z.strictObject({
  dataset: z.string().min(1),
  dataset_version: z.int().positive().optional(),
  target: z.string().min(1),
  task: z.enum(['binary', 'multiclass', 'regression', 'image', 'forecast']).optional(),
  metric: z
    .enum(METRIC_NAMES, { error: (issue) => `metric must be one of ${METRIC_NAMES.join(', ')} (a forecast job: ${FORECAST_METRICS.join(', ')}), got ${JSON.stringify(issue.input)}` })
    .optional(),
  /** A binary job's positive class (worker/positive-class); a number or boolean is read as its text. */
  positive_class: z
    .union([z.string().min(1, 'positive_class names one of the two classes'), z.number(), z.boolean()])
    .transform(String)
    .optional()
    .describe(
      'binary jobs only: the class f1 is computed for (and the evaluation\'s ROC curve), one of the target\'s two classes as the data writes it (case and the writing of a number aside); default: the positive label of an obvious pair (1/0, true/false, yes/no, y/n, positive/negative, any case), else the class with fewer rows (as many of each: the second in class order). Predictions and probabilities do not depend on it',
    ),
  budget: z
    .strictObject({
      seconds: z
        .number()
        .min(MIN_BUDGET_SECONDS, `budget.seconds must be at least ${MIN_BUDGET_SECONDS}`)
        .max(MAX_BUDGET_SECONDS, `budget.seconds must be at most ${MAX_BUDGET_SECONDS} (one day)`)
        .optional(),
      trials: z.int().min(1, 'budget.trials must be at least 1').max(MAX_BUDGET_TRIALS, `budget.trials must be at most ${MAX_BUDGET_TRIALS}`).optional(),
    })
    .optional(),
  strategy: z.enum(['auto', 'random', 'grid', 'bayes', 'evolution', 'asha', 'hyperband']).optional(),
  models: z.array(z.string()).min(1).optional(),
  columns: z.record(z.string(), z.union([z.enum(COLUMN_OVERRIDES), datetimeOverride], { error: overrideError })).optional(),
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional()
    .describe('seed of the search and of every trial (default 42). With a budget of trials alone the job is reproducible: the same request gives the same trials, leaderboard and model at any parallelism, whichever trial finishes first (each trial waits for the results it is proposed from)'),
  model: z.string().min(1).optional(),
  /**
   * Lets the job replace the champion of an existing model (`model`) with a different one: another target,
   * another task, data lacking columns the champion reads, or a forecast's other series (model-conflict;
   * refused with 409 model_conflict otherwise).
   */
  replace_model: z
    .boolean()
    .optional()
    .describe('true lets the job replace the champion of an existing model with one that predicts another target, does another task, reads other columns, or forecasts other series (another time column, group column, step, covariates or time zone; its clients must then change their requests); without it such a job is refused with 409 model_conflict. Not needed to retrain a model on newer data of the same columns'),
  challenge: challengeSchema.optional(),
  parallelism: z.int().min(1).max(32).optional().describe('trials in flight at once (default 2, the TRIAL_PARALLELISM var); a reproducible job\'s trials depend on it, as on the seed, not on timing'),
  /**
   * A cap on the published model's estimated single-row prediction time (engine/serialize/serving-cost),
   * µs: trials over it are not published, bags fall back to a refit, and the ensemble stays within it.
   */
  serving: z
    .strictObject({
      max_us_per_row: z
        .number()
        .min(1, 'serving.max_us_per_row must be at least 1')
        .max(100_000, 'serving.max_us_per_row must be at most 100000')
        .describe("a cap on the published model's estimated one-row request time, µs (the model's serving.estimated_us_per_row; trials' serving_us): trials over it are not published, bags fall back to a refit, the ensemble stays within it. Without it the ensemble keeps within 400 µs"),
    })
    .optional(),
  /**
   * An image job's input shape. Optional: it is read from the pixel columns' names (`px_r{row}_c{col}`
   * or `px_r{row}_c{col}_{channel}`); given, it must agree with them. `flip_invariant` allows flips as
   * augmentation (photos of objects, not digits or text). `max_value` is the pixel value of full
   * intensity in the data (default: read from it, engine/data/images/pixel-range); image files sent to
   * predict are scaled from 0..255 to it.
   */
  image: z
    .strictObject({
      height: z.int().min(1).max(512).optional(),
      width: z.int().min(1).max(512).optional(),
      channels: z.int().min(1).max(4).optional(),
      flip_invariant: z.boolean().optional(),
      max_value: z.number().positive('image.max_value must be above 0').max(1e9, 'image.max_value must be at most 1e9').optional(),
    })
    .optional(),
  /** A forecast job's series: the time column (default: the only datetime column), groups, and horizon. */
  forecast: z
    .strictObject({
      time_column: z.string().min(1).optional(),
      group_column: z.string().min(1).optional(),
      /** Columns whose future values are known (promotions, prices, holidays): every forecast request gives them per step. */
      covariates: z.array(z.string().min(1, 'forecast.covariates names a column by its name')).max(MAX_COVARIATES, `forecast.covariates may name at most ${MAX_COVARIATES} columns`)
        .optional()
        .describe('columns whose future values are known (numbers, booleans such as "yes"/"no", or categories): the linear, tree and rnn models read them at each step, and every forecast request gives their values for the steps it asks for; a column the job\'s columns mark "ignore" is refused'),
      /** Columns observed only up to now (visits, observed weather): read at least `horizon` steps back, so forecasts need no values of them. */
      past_covariates: z
        .array(z.string().min(1, 'forecast.past_covariates names a column by its name'))
        .max(MAX_COVARIATES, `forecast.past_covariates may name at most ${MAX_COVARIATES} columns`)
        .optional()
        .describe(`columns observed only up to now, whose future is unknown (yesterday's visits, observed weather, a competitor's price; numbers, booleans or categories): the linear, tree and rnn models read them at least horizon steps back, so a forecast request gives none of their values and such a model forecasts at most horizon steps ahead; each series' newest empty cells (values not recorded yet), up to half the horizon, carry its last observed value forward, and short runs between observed values the value before them, both named in the job's warnings; at most ${MAX_COVARIATES} columns with forecast.covariates, a column in one of the two lists only, and none the job's columns mark "ignore"`),
      horizon: z.int().min(1, 'forecast.horizon must be at least 1').max(1000, 'forecast.horizon must be at most 1000').optional(),
      /** Rolling origins every trial validates on (engine/forecast/validation-plan); absent: DEFAULT_ORIGINS, or a single one for a short series. */
      origins: z
        .int('forecast.origins must be a whole number')
        .min(1, 'forecast.origins must be at least 1')
        .max(MAX_ORIGINS, `forecast.origins must be at most ${MAX_ORIGINS}`)
        .optional()
        .describe(
          `rolling origins every trial validates on (1 to ${MAX_ORIGINS}, default ${DEFAULT_ORIGINS}): each fits before its origin and scores the next horizon steps, origins closer together as they grow; more origins give a steadier score for a fit more per trial, and need a longer shortest series (refused naming the most it holds). Without it a series too short for ${DEFAULT_ORIGINS} validates on one`,
        ),
      /** The IANA time zone a series read on its local clock is forecast in (engine/forecast/local-clock). */
      timezone: z
        .string()
        .min(1, 'forecast.timezone names a time zone, such as "Europe/Paris"')
        .max(64, 'forecast.timezone names a time zone, such as "Europe/Paris"')
        .optional()
        .describe(
          'for a sub-daily series whose timestamps carry UTC offsets that follow daylight saving time (read on its local clock): the IANA time zone they were written in, such as "Europe/Paris", checked against those offsets; forecasts are then written with its offsets, and without it as local times without an offset',
        ),
    })
    .optional(),
});
export type CreateJobBody = z.infer<typeof createJobSchema>;

/** Most rows one predict request may carry (JSON or CSV). */
export const MAX_PREDICT_ROWS = 10_000;

export const predictSchema = z.strictObject({
  rows: z.array(z.unknown()).min(1, 'rows must hold at least one row').max(MAX_PREDICT_ROWS, `at most ${MAX_PREDICT_ROWS} rows per request`),
  version: z.int().positive().optional(),
  explain: z.boolean().optional(),
});
export type PredictBody = z.infer<typeof predictSchema>;

/** `POST /v1/models/{model}/forecast`: the next `horizon` points of a series, with intervals at `level`. */
export const forecastSchema = z.strictObject({
  horizon: z
    .int({ error: (issue) => (issue.input === undefined ? 'required: how many points to forecast, e.g. {"horizon": 12}' : 'expected a whole number of points') })
    // No upper bound here: the model refuses a horizon over its own longest forecast (max_horizon, at
    // most 4 x 1000 steps), naming it in the message and details.max; a fixed bound would name another.
    .min(1, 'horizon must be at least 1'),
  version: z.int().positive().optional(),
  /** Which series, for a model trained with a group column. */
  // A numeric group column's keys may be sent as numbers ({"group": 7}); they are matched as their text.
  group: z.union([z.string(), z.number().transform(String)]).optional(),
  /**
   * Prediction interval level (default 0.8): any from MIN_LEVEL to MAX_LEVEL (engine/forecast/intervals
   * says why those bounds); 0.5, 0.8, 0.9, 0.95 and 0.99 answer exactly as when they were the only ones.
   */
  level: z
    .number({ error: `level must be a number from ${MIN_LEVEL} to ${MAX_LEVEL} (the interval's coverage, e.g. 0.8 for 80%)` })
    .min(MIN_LEVEL, `level must be from ${MIN_LEVEL} to ${MAX_LEVEL} (the interval's coverage, e.g. 0.8 for 80%): below ${MIN_LEVEL} an interval is mostly noise`)
    .max(MAX_LEVEL, `level must be from ${MIN_LEVEL} to ${MAX_LEVEL} (the interval's coverage, e.g. 0.8 for 80%): beyond ${MAX_LEVEL} the normal tails of the measured spread are not trustworthy`)
    .optional()
    .describe(`coverage of the prediction interval [lower, upper], from ${MIN_LEVEL} to ${MAX_LEVEL} (default 0.8): 0.85 for 85%`),
  /** Quantiles each forecast point also gives (engine/forecast/forecast-point), e.g. for inventory decisions. */
  quantiles: z
    .array(z.number({ error: `expected a number from ${MIN_QUANTILE} to ${MAX_QUANTILE}` }).min(MIN_QUANTILE, `expected a number from ${MIN_QUANTILE} to ${MAX_QUANTILE}`).max(MAX_QUANTILE, `expected a number from ${MIN_QUANTILE} to ${MAX_QUANTILE}`), { error: `expected a list of numbers from ${MIN_QUANTILE} to ${MAX_QUANTILE}, e.g. [0.1, 0.5, 0.9]` })
    .min(1, 'quantiles must hold at least one value (leave it out for none)')
    .refine((qs) => new Set(qs).size <= MAX_QUANTILES, { error: (issue) => `quantiles may hold at most ${MAX_QUANTILES} distinct values; got ${new Set(issue.input as number[]).size}` })
    .optional()
    .describe(`forecast quantiles, each from ${MIN_QUANTILE} to ${MAX_QUANTILE}, at most ${MAX_QUANTILES} distinct: every point then carries quantiles {"0.1": v, "0.5": v, "0.9": v} (ascending, keys as the numbers' shortest decimal text), value + z(q) · spread from the same normal spread as its interval, floored like its bounds and never decreasing in q; a quantile at a tail of level (0.1 and 0.9 at 0.8) is exactly its lower or upper bound`),
  /** Also answer the latest observed points the forecast starts from (`history`), e.g. to draw them. */
  history: z.boolean().optional(),
  /**
   * A model of a job with covariates: their values for each step ahead, one object per step naming every
   * covariate (checked by the engine, which knows the model's covariates, naming covariates[i].name), and
   * optionally the model's time and group columns (checked against the step: engine/forecast/step-columns).
   */
  covariates: z
    .array(z.unknown())
    .max(10_000, 'covariates may hold at most 10000 steps')
    .optional()
    .describe('for a model with covariates (its view lists them): one object per step ahead naming each covariate, e.g. [{"promo": 1, "holiday": false, "weather": "rainy"}, …]: a number within the range the view lists widened by its width on each side, true or false (or a spelling such as "yes") for a boolean, one of the levels for a category; at least horizon steps, extra steps are ignored. A step may also carry the model\'s time column and group column as the training data has them ({"date": "2024-11-24", "store": "north", …}): they are checked, the time against the step\'s (ISO-8601, or month or day first) and the group against the one asked for, and a mismatch is refused naming covariates[i] and both values'),
});
export type ForecastBody = z.infer<typeof forecastSchema>;
