/**
 * @module worker/retrain
 * One scheduled retraining run for one tenant's model. The tenant's Registry claims the due run in one
 * transaction (so racing or retried ticks never start two jobs for one due time) and settles the
 * `min_new_rows` rule there; a run that should train starts a retraining job through the same creation
 * path as POST /v1/jobs, with the champion job's settings, the champion's configurations to start from,
 * a holdout and the schedule's margin. The job id is derived from the due time, so even a start repeated
 * after a crash finds the same job instead of making a second one. A run claimed early on drift
 * (worker/drift-retrain) is due at its tick's time and starts the same way. A job refused because the
 * tenant has too many unfinished jobs, or that failed on our side (storage, for up to an hour after the
 * due time), leaves the run waiting and the schedule due, so the next tick (five minutes on) tries the
 * same run, with the same job id, again, after the schedules due meanwhile (model-schedule
 * waitingBoardDue); any other refusal skips the run. A run claimed early on drift is skipped whatever
 * the reason (it has no slot to keep), and the regular run stays due when it was. A run whose schedule
 * is deleted between its claim and its job's start starts no job.
 */
import { EngineError, type MetricName } from '../engine';
import { scheduleMargin } from '../durable/retrain-rules';
import type { ScheduleClaim } from '../durable/model-schedule';
import { BOARD_NAME } from '../durable/schedule-board';
import { checkChampionColumns } from './champion-columns';
import { coordinatorFor, isJobId } from './coordinator';
import { ApiError } from './errors';
import type { CreateJobBody } from './schemas';
import { startJob, type StartJobOptions } from './start-job';

/** What one due schedule came to, for logs and tests. */
export interface RetrainOutcome {
  readonly tenant: string;
  readonly model: string;
  readonly outcome: 'not_due' | 'skipped' | 'waiting' | 'started' | 'error';
  readonly job_id?: string;
  readonly reason?: string;
}

type StartClaim = Extract<ScheduleClaim, { outcome: 'start' }>;

/** Claims and runs the model's due retraining at `now` (the tick's scheduled time). */
export async function runScheduledRetrain(env: Env, tenant: string, model: string, now: number): Promise<RetrainOutcome> {
  return startClaimedRun(env, tenant, model, await env.REGISTRY.getByName(tenant).claimScheduledRun(model, now));
}

/**
 * Carries out a claim, due on time or early on drift: keeps the board in step, then starts the claimed
 * run's job and settles the run (started; waiting when the tenant has too many jobs; skipped when the
 * job cannot start for another reason).
 */
export async function startClaimedRun(env: Env, tenant: string, model: string, claim: ScheduleClaim): Promise<RetrainOutcome> {
  const registry = env.REGISTRY.getByName(tenant);
  // Keep the board in step with the Registry whether or not a run was claimed. While a claimed run is
  // being started, the board looks again soon (board_due_at): if this invocation dies before the run is
  // settled, a later tick claims it again instead of the run waiting for the next due time, or forever.
  await setBoard(env, tenant, model, claim.board_due_at ?? claim.next_due_at, claim.revision);
  if (!claim.claimed) return { tenant, model, outcome: 'not_due' };
  if (claim.outcome !== 'start') return { tenant, model, outcome: claim.outcome, reason: claim.reason, ...(claim.outcome === 'started' ? { job_id: claim.job_id } : {}) };
  let id: string;
  try {
    const { body, options } = await retrainRequest(env, tenant, model, claim);
    // Noted first, so a claim lost after the job was made finds it again rather than waiting on it. A run
    // no longer claimed starts nothing: its schedule (or model) was deleted while this invocation read the
    // champion, or another tick settled it (started with this same job id, skipped, or left waiting).
    if (options.id !== undefined && !(await registry.noteScheduledRunJob(model, claim.seq, options.id))) {
      return { tenant, model, outcome: 'skipped', reason: 'the run was no longer claimed when its job was to start: its schedule was deleted, or another tick settled it' };
    }
    id = (await startJob(env, tenant, body, options)).id;
  } catch (err) {
    const reason = `the retraining job could not start: ${err instanceof Error ? err.message : String(err)}`;
    // A run claimed early on drift has no slot: skipped like any drift run held back, the regular run due
    // when it was before the claim moved it.
    if (claim.early) {
      const restored = await registry.skipEarlyScheduledRun(model, claim.seq, claim.revision, claim.schedule.next_due_at, reason);
      if (restored) await setBoard(env, tenant, model, restored.next_due_at, restored.revision);
      return { tenant, model, outcome: 'skipped', reason };
    }
    // A reason that passes by itself keeps the run's slot, and the next tick tries it again.
    if (passesByItself(err, claim)) {
      const held = await registry.deferScheduledRun(model, claim.seq, claim.revision, reason, claim.claimed_at);
      if (held) {
        await setBoard(env, tenant, model, held.board_due_at, held.revision);
        return { tenant, model, outcome: held.waiting ? 'waiting' : 'skipped', reason };
      }
    }
    // Any other refusal (a column gone from the new data...) skips this run.
    await registry.settleScheduledRun(model, claim.seq, { status: 'skipped', job_id: null, reason });
    await setBoard(env, tenant, model, claim.next_due_at, claim.revision);
    return { tenant, model, outcome: 'skipped', reason };
  }
  await registry.settleScheduledRun(model, claim.seq, { status: 'started', job_id: id, reason: `retraining job started; ${claim.reason}` });
  await setBoard(env, tenant, model, claim.next_due_at, claim.revision);
  return { tenant, model, outcome: 'started', job_id: id, reason: claim.reason };
}

/** How long after its due time a run held back by a failure on our side (storage, a Durable Object) is still tried again. */
export const TRANSIENT_RETRY_MS = 60 * 60_000;

/**
 * Whether a job's failure to start passes by itself: too many jobs running, a job its coordinator did
 * not take (hand-off-job), and, within TRANSIENT_RETRY_MS of the run's due time, a service not answering
 * (503 storage_unavailable, or an error that is no refusal at all: a Durable Object reset) — a blip must
 * not cost a weekly schedule its week. Any other refusal lasts: the request's (4xx, an engine refusal),
 * or a stored file gone (500 storage_missing).
 */
export function passesByItself(err: unknown, claim: Pick<StartClaim, 'due_at'>): boolean {
  if (err instanceof ApiError && (err.code === 'too_many_jobs' || err.code === 'job_not_started')) return true;
  const unavailable = err instanceof ApiError ? err.status === 503 : !(err instanceof EngineError);
  return unavailable && Date.now() - claim.due_at < TRANSIENT_RETRY_MS;
}

/**
 * Moves the model's entry on the ScheduleBoard. A failure here must not lose a run: a stale entry heals
 * at the next tick that reaches the Registry, which answers the real time.
 */
async function setBoard(env: Env, tenant: string, model: string, dueAt: number | null, revision: number): Promise<void> {
  await env.SCHEDULES.getByName(BOARD_NAME)
    .set(tenant, model, dueAt, revision)
    .catch((err: unknown) => console.error(`schedule board update for ${tenant}/${model} failed`, err));
}

/**
 * The job request of a retraining run: the champion job's target, task, metric, positive class, families,
 * columns, strategy, seed, serving cap (and a forecast's series and horizon, an image job's flips and pixel range)
 * on the schedule's dataset (the version claimed) and budget, starting from the
 * champion's configurations. Without the champion's job (its coordinator holds nothing), the model's own
 * target, task and metric with default settings and a cold start.
 */
async function retrainRequest(env: Env, tenant: string, model: string, claim: StartClaim): Promise<{ body: CreateJobBody; options: StartJobOptions }> {
  const { champion, schedule } = claim;
  const basis = isJobId(champion.job_id) ? await coordinatorFor(env, tenant, champion.job_id).retrainBasis(champion.trial_id) : null;
  const base = basis?.config;
  const info = base ? null : await env.REGISTRY.getByName(tenant).getModel(model);
  // A table model's challenger must see every column the champion reads (images and series check their own).
  if (base && !base.forecast && !base.image) await checkChampionColumns(env.REGISTRY.getByName(tenant), base, claim.dataset, 'dataset');
  const body: CreateJobBody = {
    dataset: claim.dataset.name,
    dataset_version: claim.dataset.version,
    target: base?.target ?? (info?.target as string),
    // A forecast job's config records the regression its trials learn, an image job's the classification:
    // the job the request asks for is "forecast" or "image" again.
    task: (base?.forecast ? 'forecast' : base?.image ? 'image' : (base?.task ?? info?.task)) as CreateJobBody['task'],
    metric: (base?.metric ?? info?.metric) as CreateJobBody['metric'],
    // A binary model keeps the class its f1 speaks for: a champion job made before jobs recorded one scored class index 1.
    ...(base?.task === 'binary' && !base.forecast ? { positive_class: base.positive_class ?? base.classes[1] } : {}),
    budget: schedule.budget,
    model,
    ...(base ? { strategy: base.strategy, models: [...base.families], columns: base.columns, seed: base.seed, parallelism: base.parallelism } : {}),
    // A model trained under a serving cap keeps it: the challenger must answer as fast.
    ...(base?.max_serving_us !== undefined ? { serving: { max_us_per_row: base.max_serving_us } } : {}),
    // An image model keeps its flips (its pixel range too, where the data are on its scale: start-job), and
    // its shape when the job gave it (columns not named px_*: job-inputs shapeGiven), which nothing else tells.
    ...(base?.image ? { image: { ...(base.image.columnNames ? { height: base.image.height, width: base.image.width, channels: base.image.channels } : {}), ...(base.image.flipInvariant ? { flip_invariant: true } : {}) } } : {}),
    // A forecast model keeps its series, horizon, covariates, time zone and asked-for origins; the new job holds out the latest horizon to compare on.
    ...(base?.forecast ? { forecast: { time_column: base.forecast.time_column, horizon: base.forecast.horizon, ...(base.forecast.group_column ? { group_column: base.forecast.group_column } : {}), ...(base.forecast.covariates ? { covariates: [...base.forecast.covariates] } : {}), ...(base.forecast.past_covariates ? { past_covariates: [...base.forecast.past_covariates] } : {}), ...(base.forecast.timezone ? { timezone: base.forecast.timezone } : {}), ...(base.forecast.origins !== undefined ? { origins: base.forecast.origins } : {}) } } : {}),
  };
  const options: StartJobOptions = {
    id: await retrainJobId(tenant, model, claim.due_at),
    retrain: {
      warm_start: basis?.configs ?? [],
      // The model's metric may be of another kind than when the margin was set (retrain-rules scheduleMargin).
      margin: scheduleMargin(schedule.margin, schedule.margin_kind, (base?.metric ?? info?.metric) as MetricName).margin,
      ...(schedule.promotion ? { promotion: schedule.promotion } : {}),
      ...(claim.fresh ? { fresh_from_row: claim.fresh.from_row } : {}),
      // The challenger must read the champion's images: a new version of other sizes or columns is refused (challenge-image).
      ...(base?.image ? { champion_image: { version: champion.version, shape: base.image } } : {}),
    },
  };
  return { body, options };
}

/** A UUID (version 8, RFC 9562) derived from the tenant, model and due time: one job per due run. */
export async function retrainJobId(tenant: string, model: string, dueAt: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`retrain\u0000${tenant}\u0000${model}\u0000${dueAt}`)));
  const b = digest.slice(0, 16);
  b[6] = (b[6] & 0x0f) | 0x80;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
