/**
 * @module worker/routes/schedules
 * Scheduled retraining of a model: PUT sets (or replaces) the schedule, GET shows it with its run
 * history, DELETE removes it. A schedule names a cadence (`every`: "30m", "6h", "1d" or a 5-field cron
 * expression, UTC), the dataset to retrain on (its newest version at each run), the job budget, the
 * fewest new rows worth a retraining, the margin a challenger must win by and, optionally, a drift
 * trigger (`on_drift`: a run is due early when live inputs drift, see worker/drift-retrain). The
 * tenant's Registry holds the schedule; the global ScheduleBoard is told its next due time so the cron handler finds it.
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { MetricName } from '../../engine';
import { CadenceError, parseCadence } from '../../durable/cadence';
import type { Schedule } from '../../durable/model-schedule';
import type { ForecastJobSpec } from '../../durable/protocol';
import { RETENTION_HOURS } from '../../durable/drift-monitor';
import { DEFAULT_PROMOTION } from '../../durable/challenge-noise';
import { defaultMargin, DRIFT_TRIGGER_DEFAULTS, marginKindOf, marginProblem, scheduleMargin } from '../../durable/retrain-rules';
import { BOARD_NAME } from '../../durable/schedule-board';
import type { AuthVars } from '../auth';
import { checkChampionColumns, lacksColumns } from '../champion-columns';
import { coordinatorFor, isJobId } from '../coordinator';
import { driftTriggerWarnings } from '../drift-trigger-warnings';
import { ApiError, notFound } from '../errors';
import { validName } from '../names';
import { createJobSchema, marginSchema, promotionSchema } from '../schemas';
import { readJson } from '../read-json';

type App = { Bindings: Env; Variables: AuthVars };

export const schedules = new Hono<App>();

/** A job budget exactly as POST /v1/jobs takes it, but one of its limits must be given. */
const budgetSchema = createJobSchema.shape.budget
  .unwrap()
  .refine((b) => b.seconds !== undefined || b.trials !== undefined, 'give budget.seconds, budget.trials or both: a scheduled job must end');

/** A drift trigger: PSI threshold, window in whole hours (the drift route's range), rows needed first. */
const onDriftSchema = z.strictObject({
  psi: z.number('psi must be a number (e.g. 0.25: a significant shift)').positive('psi must be greater than 0 (0.25 reads as a significant shift)').max(100, 'psi must be at most 100'),
  hours: z
    .int('hours must be a whole number of hours')
    .min(1, `hours must be from 1 to ${RETENTION_HOURS}`)
    .max(RETENTION_HOURS, `hours must be from 1 to ${RETENTION_HOURS} (live counts are kept 7 days)`)
    .default(DRIFT_TRIGGER_DEFAULTS.hours),
  min_rows: z.int('min_rows must be a whole number of rows').min(1, 'min_rows must be at least 1').max(1_000_000_000).default(DRIFT_TRIGGER_DEFAULTS.min_rows),
});

export const scheduleSchema = z.strictObject({
  every: z.string().superRefine((value, ctx) => {
    try {
      parseCadence(value);
    } catch (err) {
      if (!(err instanceof CadenceError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
    }
  }),
  dataset: z.string().min(1, 'dataset must name a dataset'),
  // Optional as a job's is, with the same default: each run searches for 60 s.
  budget: budgetSchema.optional(),
  min_new_rows: z
    .int()
    .min(0, 'min_new_rows must be at least 0')
    .max(1_000_000_000)
    .optional()
    .describe('skip a run unless this many rows are new since the data the model last trained on (rows appended since; every row of a new upload). A run on data the model already learned from is skipped whatever this says. Default 0'),
  margin: marginSchema.optional(),
  promotion: promotionSchema.optional(),
  on_drift: onDriftSchema.nullable().optional(),
});

schedules.put('/:model/schedule', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  const body = await readJson(c, scheduleSchema);
  const dataset = validName(body.dataset, 'dataset');
  const registry = c.env.REGISTRY.getByName(c.get('tenant'));
  const model = await registry.getModel(name);
  if (!model) throw notFound('model', name);
  const newest = await registry.getDataset(dataset);
  if (!newest) throw notFound('dataset', dataset);
  if (!newest.columns.some((col) => col.name === model.target)) {
    throw new ApiError(400, 'invalid_target', `dataset "${dataset}" has no column "${model.target}", the target of model "${name}"`, { field: 'dataset', column: model.target });
  }
  // The champion's feature columns must all be in the dataset it would be retrained on.
  const champion = model.versions.find((v) => v.version === model.champion_version);
  if (champion) {
    const basis = isJobId(champion.job_id) ? await coordinatorFor(c.env, c.get('tenant'), champion.job_id).retrainBasis(champion.trial_id) : null;
    // A forecaster reads its time, group and covariate columns, and nothing else of the table.
    if (model.task === 'forecast') refuseMissingSeriesColumns(newest, basis?.config.forecast);
    else if (!basis?.config.image) await checkChampionColumns(registry, { dataset: champion.dataset, target: model.target, columns: basis?.config.columns }, { name: dataset }, 'dataset');
  }
  const metric = model.metric as MetricName;
  const margin = body.margin ?? defaultMargin(metric);
  const problem = marginProblem(metric, margin);
  if (problem) throw new ApiError(400, 'invalid_request', `margin: ${problem}`, { field: 'margin' });
  const onDrift = body.on_drift ?? null;
  // A forecaster takes no input rows, so there is no input drift to watch (GET …/drift answers 409 for it).
  if (onDrift !== null && model.task === 'forecast') {
    throw new ApiError(400, 'invalid_request', `on_drift: model "${name}" forecasts a series and takes no input rows, so its inputs cannot drift; schedule it by "every" alone`, { field: 'on_drift' });
  }
  // The rule is stored resolved: a schedule stored before it existed has none and keeps "margin". A
  // forecast comparison has no noise interval (its held-out points are series, not rows): the margin
  // alone decides it, so that is the rule stored and shown, and asking for the other is answered.
  const forecast = model.task === 'forecast';
  const promotion = forecast ? 'margin' : (body.promotion ?? DEFAULT_PROMOTION);
  const schedule = await registry.putSchedule(name, { every: body.every.trim(), dataset, budget: body.budget ?? { seconds: 60 }, min_new_rows: body.min_new_rows ?? 0, margin, margin_kind: marginKindOf(metric), promotion, on_drift: onDrift });
  await tellBoard(c.env, c.get('tenant'), name, schedule, onDrift !== null);
  const warnings = [...driftTriggerWarnings(onDrift), ...(forecast && body.promotion === 'beyond_noise' ? [forecastPromotionWarning(name)] : [])];
  return c.json({ ...scheduleView(schedule, metric, model.task), ...(warnings.length > 0 ? { warnings } : {}) });
});

/**
 * Refuses a dataset for a forecaster's schedule that lacks a column its series were read from (the time
 * column, the group column, a covariate): every run would be skipped as unable to start, for good.
 */
function refuseMissingSeriesColumns(data: { readonly name: string; readonly version: number; readonly columns: readonly { readonly name: string }[] }, spec: ForecastJobSpec | undefined): void {
  if (!spec) return;
  const read = [spec.time_column, ...(spec.group_column !== undefined ? [spec.group_column] : []), ...(spec.covariates ?? []), ...(spec.past_covariates ?? [])];
  const present = new Set(data.columns.map((col) => col.name));
  const missing = read.filter((name) => !present.has(name));
  if (missing.length > 0) throw lacksColumns(data, missing, "the champion's series were read from", 'a retraining run on it could not start', 'dataset');
}

/** Tries to tell the ScheduleBoard of a stored schedule this many times before answering 503. */
const BOARD_ATTEMPTS = 3;

/**
 * Puts a stored schedule on the ScheduleBoard, the only place cron ticks find schedules. A schedule the
 * board never heard of would never run, while GET showed it with its due time: the call is tried again,
 * and if the board stays unreachable the answer is a 503 saying to send the same PUT again (it replaces
 * the schedule with itself, and tells the board).
 */
async function tellBoard(env: Env, tenant: string, name: string, schedule: { next_due_at: number; revision: number }, watchDrift: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await env.SCHEDULES.getByName(BOARD_NAME).set(tenant, name, schedule.next_due_at, schedule.revision, watchDrift);
      return;
    } catch (err) {
      console.error(`schedule board update for ${tenant}/${name} failed (attempt ${attempt})`, err);
      if (attempt >= BOARD_ATTEMPTS) {
        throw new ApiError(503, 'schedule_not_registered', `the schedule of model "${name}" is stored, but the cron scheduler could not be told of it, so it would not run; send the same PUT again`, { retry_after_seconds: 5 });
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

schedules.get('/:model/schedule', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  const registry = c.env.REGISTRY.getByName(c.get('tenant'));
  const [found, model] = await Promise.all([registry.getSchedule(name), registry.getModel(name)]);
  if (!model) throw notFound('model', name);
  if (!found) throw noSchedule(name);
  return c.json({ ...scheduleView(found.schedule, model.metric as MetricName, model.task), runs: found.runs });
});

schedules.delete('/:model/schedule', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  const removed = await c.env.REGISTRY.getByName(c.get('tenant')).deleteSchedule(name);
  if (!removed) return missing(c, name);
  // The schedule is deleted from here on (a retry would find none). The board's entry is only a hint: a
  // tick that finds no schedule behind it drops it, so a board that cannot be told is logged, not a 500.
  await c.env.SCHEDULES.getByName(BOARD_NAME)
    .set(c.get('tenant'), name, null, removed.revision, false)
    .catch((err: unknown) => console.error(`schedule board update for the deleted schedule of ${c.get('tenant')}/${name} failed; the next tick drops its entry`, err));
  return c.body(null, 204);
});

const noSchedule = (name: string) => new ApiError(404, 'schedule_not_found', `model "${name}" has no retraining schedule`, { model: name });

async function missing(c: Context<App>, name: string): Promise<never> {
  if (!(await c.env.REGISTRY.getByName(c.get('tenant')).getModel(name))) throw notFound('model', name);
  throw noSchedule(name);
}

/** Why a forecast model's schedule asked for "beyond_noise" got "margin". */
const forecastPromotionWarning = (model: string) =>
  `promotion: model "${model}" forecasts a series, and a forecast comparison has no noise interval (its held-out points are the latest of each series, not rows to resample), so the margin alone decides: the schedule's promotion is "margin"`;

/**
 * The schedule as the API shows it: times as ISO strings, the margin its runs apply with how it is read. A forecast
 * model's promotion is "margin", the rule its runs apply, even in a schedule stored with "beyond_noise"
 * before that was resolved on saving (its runs were decided by the margin alone all the same).
 */
function scheduleView(s: Schedule, metric: MetricName, task: string) {
  // The margin the runs apply: the metric's default when the one given was for a metric of the other kind.
  const applied = scheduleMargin(s.margin, s.margin_kind, metric);
  return {
    model: s.model,
    every: s.every,
    dataset: s.dataset,
    budget: s.budget,
    min_new_rows: s.min_new_rows,
    margin: applied.margin,
    margin_kind: marginKindOf(metric),
    ...(applied.note ? { margin_note: applied.note } : {}),
    promotion: task === 'forecast' ? 'margin' : (s.promotion ?? 'margin'),
    metric,
    on_drift: s.on_drift ?? null,
    next_due_at: new Date(s.next_due_at).toISOString(),
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}
