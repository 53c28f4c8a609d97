/**
 * @module worker/openapi/lifecycle-responses
 * Zod schemas of what the schedule, drift and key routes answer (routes/schedules, routes/drift,
 * routes/keys), as ./responses writes the others and re-exports these.
 */
import { z } from 'zod';
import { budget, columnType, isoTime, promotionRule } from './response-parts';

// ---- schedules and drift ---------------------------------------------------------------------------

const driftTrigger = z.object({ psi: z.number(), hours: z.int(), min_rows: z.int() });

export const scheduleResponse = z.object({
  model: z.string(),
  every: z.string(),
  dataset: z.string(),
  budget,
  min_new_rows: z.int(),
  margin: z.number(),
  margin_kind: z.enum(['absolute', 'relative']),
  margin_note: z.string().optional().describe("the margin was set for a metric of the other kind (the champion was replaced by a model of another task): the metric's default margin applies, as `margin` shows, until the schedule is set again"),
  promotion: promotionRule.describe('how a challenger wins; "margin" for a schedule set before the rule existed, and for a forecast model (a forecast comparison has no noise interval: the margin alone decides)'),
  metric: z.string(),
  on_drift: driftTrigger.nullable(),
  next_due_at: isoTime,
  created_at: isoTime,
  updated_at: isoTime,
  warnings: z.array(z.string()).optional().describe('PUT: what to know about the schedule as set, such as an on_drift.min_rows under 200, over which only a large shift stands out of sampling noise'),
});

export const scheduleWithRunsResponse = scheduleResponse.extend({
  runs: z.array(
    z.object({
      run: z.int().describe("the run's number among the model's runs, from 1"),
      due_at: isoTime,
      claimed_at: isoTime.describe("the run's latest claim (a waiting run is claimed again at each cron tick)"),
      status: z
        .enum(['claimed', 'waiting', 'started', 'skipped', 'promoted', 'challenger_kept', 'cancelled', 'failed'])
        .describe(
          'claimed: its job is being started; waiting: held back by a passing reason (a job publishing to the model has not finished, the tenant has too many jobs), the schedule stays due and the next cron tick tries it again; skipped: a lasting reason (nothing new to learn, too few new rows, a job that cannot start); started: its job runs; then how the job ended: promoted or challenger_kept (version), cancelled, failed',
        ),
      job_id: z.string().nullable(),
      reason: z.string().nullable().describe('why the run trained, waits or was skipped'),
      started_at: isoTime.nullable().describe('when its job started; null without a job'),
      finished_at: isoTime.nullable().describe('when the run ended: skipped, or its job ended; null while claimed, waiting or started'),
      version: z.int().nullable().describe('the version its job published, when it published one'),
      outcome: z.string().nullable().describe('how its job ended, in words: the champion/challenger decision, or the error'),
    }),
  ),
});

export const driftResponse = z.object({
  model: z.string(),
  version: z.int(),
  rows_sampled: z.int(),
  window: z.object({ from: isoTime, to: isoTime, hours: z.int() }),
  reference: z.object({ dataset: z.object({ name: z.string(), version: z.int() }), rows: z.int() }),
  features: z.array(
    z.object({
      name: z.string(),
      type: columnType,
      psi: z.number().nullable(),
      status: z.enum(['stable', 'moderate', 'significant']).nullable(),
      noise_psi: z.number().nullable().describe('the PSI sampling noise alone gives on average at this many rows, about (bins - 1) · (1/rows + 1/training rows)'),
      within_noise: z
        .boolean()
        .nullable()
        .describe('true when sampling noise alone reaches this PSI more than 1 time in 100 at this many rows (simulated: live and training rows drawn from the training shares, empty bins included): no evidence of a shift'),
      bins: z.array(z.string()).describe('empty on the px_* entry: each pixel has bins of its own (?detail=pixels)'),
      reference: z.array(z.number()),
      live: z.array(z.number()),
      measure: z.string().optional().describe("what the PSI is of: 'length in characters' for text; on the px_* entry, the mean over the pixel columns"),
      pixels: z
        .object({
          columns: z.int().describe('pixel columns measured'),
          image: z.object({ height: z.int(), width: z.int(), channels: z.int() }),
          drifting: z.int().nullable().describe('pixels reading at least moderate and beyond their noise (about 1 in 100 does by chance); null before live rows'),
          drifting_share: z.number().nullable(),
          mean_value: z
            .object({ reference: z.number(), live: z.number().nullable() })
            .nullable()
            .describe("the mean pixel value in training and live, estimated from each pixel's decile bins (drawn in towards the middle alike): which way and roughly how far the images moved"),
          top: z
            .array(z.object({ name: z.string(), psi: z.number().nullable(), status: z.enum(['stable', 'moderate', 'significant']).nullable(), noise_psi: z.number().nullable(), within_noise: z.boolean().nullable() }))
            .describe('the 10 most drifted pixels'),
        })
        .optional()
        .describe("the px_* entry of an image model (named after its own columns, such as p0..p63, when they are not named px_*): its pixel columns as one grid (psi and noise_psi are the pixels' means; within_noise compares that PSI with the mean of their noise limits)"),
    }),
  ),
  skipped: z.array(z.object({ name: z.string(), type: columnType, reason: z.string() })),
  note: z.string().optional(),
});

// ---- keys -----------------------------------------------------------------------------------------

export const keyCreatedResponse = z.object({
  key: z.string().describe('shown this once; only its hash is stored'),
  tenant: z.string(),
  name: z.string(),
  id: z.string(),
  created_at: isoTime,
});

export const keyListResponse = z.object({ keys: z.array(z.object({ name: z.string(), id: z.string(), created_at: isoTime })) });
