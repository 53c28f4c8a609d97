/**
 * @module durable/model-schedule
 * A model's retraining schedule inside its tenant's Registry, and the schedule's run history. Claiming a
 * due run is one synchronous SQLite transaction (no await): the schedule moves to its next due time and
 * the run is recorded together, so two cron ticks racing, or one tick retried, claim a due time once.
 * The same transaction applies the rules that need no job (see decideRun): a run held back for a
 * passing reason (a job that publishes to the model, the previous run's or one started by hand, has not
 * finished) is left `waiting` and the schedule stays due, so the next tick tries the same run again
 * instead of losing the slot for a whole period; a run with a lasting reason (nothing new to learn, too
 * few new rows, the dataset or the champion gone) is skipped, recorded in the model's history at once,
 * and the schedule moves on. A run that should train comes back to the caller, which starts the job and
 * reports it (started, skipped, or waiting again when the tenant has too many jobs); the job's end is
 * recorded on the run later (schedule-run-outcome). A claimed run never reported (the caller died) is
 * claimed again by a later tick (STALE_CLAIM_MS), so a due run is not lost to a crash.
 * A schedule with `on_drift` may also be claimed before its due time, when the cron handler has found
 * live drift (claimDriftRun): the same rules apply, and a run that trains restarts the cadence from then.
 * Runs are numbered per model (`run`); `seq`, the table's key across the tenant, names a run in calls.
 * Every change bumps a revision number, which the global ScheduleBoard uses to ignore stale updates.
 */
import { firstDueAt, nextDueAt, parseCadence } from './cadence';
import { recordEvent, recordSkip } from './model-history';
import { isJobEnd, settleRunOfJob } from './schedule-run-outcome';
import { newRows } from './new-rows';
import type { PromotionRule } from './protocol';
import { checkNewRows, type DriftTrigger, type MarginKind } from './retrain-rules';

/** What a client sets with PUT /v1/models/{model}/schedule (margin resolved to the metric's default). */
export interface ScheduleSpec {
  readonly every: string;
  readonly dataset: string;
  readonly budget: { readonly seconds?: number; readonly trials?: number };
  readonly min_new_rows: number;
  readonly margin: number;
  /**
   * How `margin` was read when it was set (the model's metric then, retrain-rules marginKindOf); runs under
   * a metric of the other kind apply its default instead (retrain-rules scheduleMargin). Absent: stored before it was kept.
   */
  readonly margin_kind?: MarginKind;
  /** How a challenger wins (durable/challenge-noise); absent (schedules stored before it): "margin". */
  readonly promotion?: PromotionRule;
  /** Retrain early on live drift; absent or null: on the cadence only. */
  readonly on_drift?: DriftTrigger | null;
}

export interface Schedule extends ScheduleSpec {
  readonly model: string;
  /** Milliseconds since the epoch. */
  readonly next_due_at: number;
  readonly revision: number;
  readonly created_at: string;
  readonly updated_at: string;
}

/**
 * Where a run stands: `claimed` until its job is started; `waiting` while a passing reason holds it back
 * (retried at each cron tick); `skipped` for a lasting reason (or a job that could not start); `started`
 * while its job runs; then how the job ended: `promoted` or `challenger_kept` (the job published a
 * version, see `version`), `cancelled` or `failed`.
 */
export type ScheduleRunStatus = 'claimed' | 'waiting' | 'started' | 'skipped' | 'promoted' | 'challenger_kept' | 'cancelled' | 'failed';

export interface ScheduleRun {
  /** Numbered per model, from 1. */
  readonly run: number;
  readonly due_at: string;
  /** The run's latest claim (a waiting run is claimed again at each tick). */
  readonly claimed_at: string;
  readonly status: ScheduleRunStatus;
  readonly job_id: string | null;
  /** Why the run trained, waits or was skipped. */
  readonly reason: string | null;
  /** When its job started; null for a run without a job. */
  readonly started_at: string | null;
  /** When the run ended: skipped, or its job ended. Null while it is claimed, waiting or its job runs. */
  readonly finished_at: string | null;
  /** The version its job published (promoted or kept as challenger), when it published one. */
  readonly version: number | null;
  /** How its job ended, in words (the champion/challenger decision, the job's error). */
  readonly outcome: string | null;
}

/**
 * How long a claimed run may wait to be settled before it counts as lost: the invocation that claimed it
 * ended (a crash, a CPU limit, a deploy) between the claim and starting the job. A later tick then claims
 * the same run again; its job id comes from the due time, so a job that did start is found, not doubled.
 */
export const STALE_CLAIM_MS = 10 * 60_000;

/** A claim that found nothing due, or no schedule (next_due_at null). */
export interface NotDue {
  readonly claimed: false;
  readonly next_due_at: number | null;
  /** When the ScheduleBoard should look again: next_due_at, or sooner when a claimed run may be lost. */
  readonly board_due_at: number | null;
  readonly revision: number;
}

interface Claimed {
  readonly claimed: true;
  /** The run's number among the model's runs. */
  readonly run: number;
  /** The run's key (see the module comment): what settleScheduledRun and deferScheduledRun take. */
  readonly seq: number;
  readonly due_at: number;
  /** The time the run was claimed at (the tick's): a run held back after the claim is tried after it (waitingBoardDue). */
  readonly claimed_at: number;
  readonly next_due_at: number;
  /** See NotDue.board_due_at: a run to start is looked at again if it is not settled in time. */
  readonly board_due_at: number;
  readonly revision: number;
  readonly reason: string;
}

/** A claimed run: already settled as skipped, left waiting (due again at once), or to be started by the caller. */
export type ScheduleClaim =
  | NotDue
  | (Claimed & { readonly outcome: 'skipped' | 'waiting' })
  /** A run claimed again whose lost claim had made its job: settled as started with it (`job_id`). */
  | (Claimed & { readonly outcome: 'started'; readonly job_id: string })
  | (Claimed & {
      readonly outcome: 'start';
      /** Claimed early on drift: it has no slot to keep, so a job that cannot start skips it (never waits). */
      readonly early: boolean;
      readonly schedule: Schedule;
      /** The dataset version to train on (the newest when claimed). */
      readonly dataset: { readonly name: string; readonly version: number };
      /** The champion when claimed: its configurations start the job, its job's settings are reused. */
      readonly champion: { readonly version: number; readonly job_id: string; readonly trial_id: string };
      /**
       * Rows the champion never trained on: those appended to its data since (the version trained on
       * descends from the champion's by appends), from this row index on. Absent when that cannot be told.
       */
      readonly fresh?: FreshRows;
    });

/** The rows of a dataset version appended since another: they start at `from_row` and number `rows`. */
export interface FreshRows {
  readonly from_row: number;
  readonly rows: number;
}

/** What the claim needs from the rest of the Registry. */
export interface ClaimLookups {
  readonly newestDataset: (name: string) => { version: number; rows: number; appended?: { base_version: number; rows: number } } | null;
  /** Rows of a dataset version, deleted or not (the champion's data may have been deleted since). */
  readonly datasetRows: (name: string, version: number) => number | null;
  readonly champion: (model: string) => { version: number; job_id: string; trial_id: string; dataset: { name: string; version: number } } | null;
  /** The model's newest version trained on a dataset (any version of it), with the dataset version; null when none was. */
  readonly lastTrained: (model: string, dataset: string) => { version: number; dataset_version: number } | null;
  /** Whether a job is still queued or running. */
  readonly jobUnfinished: (jobId: string) => boolean;
  /** A queued or running job that publishes to the model (a retraining run or a job started by hand), or null. */
  readonly unfinishedJobFor: (model: string) => string | null;
  /** A job's status, or null when there is no such job. */
  readonly jobStatus: (jobId: string) => string | null;
  /** Whether `version` of a dataset was made from `base` by appending rows, one append or several. */
  readonly appendedFrom: (dataset: string, base: number, version: number) => boolean;
}

export const SCHEDULE_DDL = [
  `CREATE TABLE IF NOT EXISTS model_schedules (name TEXT PRIMARY KEY, spec TEXT NOT NULL, next_due_at INTEGER NOT NULL,
     revision INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS schedule_runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, due_at INTEGER NOT NULL,
     claimed_at INTEGER NOT NULL, status TEXT NOT NULL, job_id TEXT, reason TEXT, finished_at INTEGER,
     run INTEGER, started_at INTEGER, version INTEGER, outcome TEXT)`,
  'CREATE INDEX IF NOT EXISTS schedule_runs_by_name ON schedule_runs (name, seq)',
  'CREATE TABLE IF NOT EXISTS schedule_revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)',
];

/**
 * Registries made before runs were numbered per model and recorded their job's end get the four columns.
 * Their runs are numbered in order per model; a started run's `finished_at` held the time its job started,
 * so it moves to `started_at` (its job's end was never recorded: it stays unknown, and the run `started`).
 */
export function upgradeScheduleRuns(sql: SqlStorage): void {
  const columns = sql.exec<{ name: string }>('PRAGMA table_info(schedule_runs)').toArray().map((c) => c.name);
  if (!columns.includes('run')) {
    sql.exec('ALTER TABLE schedule_runs ADD COLUMN run INTEGER');
    sql.exec('UPDATE schedule_runs SET run = (SELECT COUNT(*) FROM schedule_runs r WHERE r.name = schedule_runs.name AND r.seq <= schedule_runs.seq)');
  }
  if (!columns.includes('started_at')) {
    sql.exec('ALTER TABLE schedule_runs ADD COLUMN started_at INTEGER');
    sql.exec("UPDATE schedule_runs SET started_at = finished_at, finished_at = NULL WHERE status = 'started'");
  }
  if (!columns.includes('version')) sql.exec('ALTER TABLE schedule_runs ADD COLUMN version INTEGER');
  if (!columns.includes('outcome')) sql.exec('ALTER TABLE schedule_runs ADD COLUMN outcome TEXT');
}

/** Runs shown with a schedule, newest first. */
const RUNS_SHOWN = 50;

type Row = Record<string, SqlStorageValue>;
const iso = (ms: number) => new Date(ms).toISOString();

function bumpRevision(sql: SqlStorage): number {
  return sql.exec<{ value: number }>('INSERT INTO schedule_revision (id, value) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET value = value + 1 RETURNING value').one().value;
}

export function currentRevision(sql: SqlStorage): number {
  return sql.exec<{ value: number }>('SELECT value FROM schedule_revision WHERE id = 1').toArray()[0]?.value ?? 0;
}

/** Creates or replaces a model's schedule; its first due time restarts from `now` unless the cadence is unchanged. */
export function writeSchedule(sql: SqlStorage, model: string, spec: ScheduleSpec, now: number): Schedule {
  const revision = bumpRevision(sql);
  // A schedule replaced with the same cadence (a new margin, budget or dataset) keeps its due time: an
  // interval schedule would otherwise be due at once and retrain at the next tick.
  const previous = readSchedule(sql, model);
  const next = previous && previous.every === spec.every ? previous.next_due_at : firstDueAt(parseCadence(spec.every), now);
  sql.exec(
    `INSERT INTO model_schedules (name, spec, next_due_at, revision, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, next_due_at = excluded.next_due_at, revision = excluded.revision, updated_at = excluded.updated_at`,
    model,
    JSON.stringify(spec),
    next,
    revision,
    iso(now),
    iso(now),
  );
  // A run waiting for its slot loses it when the schedule moves to another due time: that slot is gone.
  if (previous && previous.next_due_at !== next) {
    sql.exec("UPDATE schedule_runs SET status = 'skipped', reason = reason || '; then the schedule was replaced', finished_at = ? WHERE name = ? AND status = 'waiting'", now, model);
  }
  return readSchedule(sql, model) as Schedule;
}

export function readSchedule(sql: SqlStorage, model: string): Schedule | null {
  const r = sql.exec<Row>('SELECT * FROM model_schedules WHERE name = ?', model).toArray()[0];
  if (!r) return null;
  return {
    model,
    ...(JSON.parse(String(r.spec)) as ScheduleSpec),
    next_due_at: Number(r.next_due_at),
    revision: Number(r.revision),
    created_at: String(r.created_at),
    updated_at: String(r.updated_at),
  };
}

/** Removes a schedule and its run history; the revision of the removal, or null when there was none. */
export function dropSchedule(sql: SqlStorage, model: string): number | null {
  if (!readSchedule(sql, model)) return null;
  sql.exec('DELETE FROM model_schedules WHERE name = ?', model);
  sql.exec('DELETE FROM schedule_runs WHERE name = ?', model);
  return bumpRevision(sql);
}

export function listRuns(sql: SqlStorage, model: string): ScheduleRun[] {
  const time = (v: SqlStorageValue | undefined) => (v === null || v === undefined ? null : iso(Number(v)));
  const text = (v: SqlStorageValue | undefined) => (v === null || v === undefined ? null : String(v));
  return sql
    .exec<Row>('SELECT * FROM schedule_runs WHERE name = ? ORDER BY seq DESC LIMIT ?', model, RUNS_SHOWN)
    .toArray()
    .map((r) => ({
      run: Number(r.run ?? r.seq),
      due_at: iso(Number(r.due_at)),
      claimed_at: iso(Number(r.claimed_at)),
      status: String(r.status) as ScheduleRunStatus,
      job_id: text(r.job_id),
      reason: text(r.reason),
      started_at: time(r.started_at),
      finished_at: time(r.finished_at),
      version: r.version === null || r.version === undefined ? null : Number(r.version),
      outcome: text(r.outcome),
    }));
}

/**
 * Claims the model's due run at `now` (see the module comment). Synchronous on purpose: every write
 * below commits together, and no other request can run in between.
 */
export function claimDueRun(sql: SqlStorage, model: string, now: number, lookups: ClaimLookups): ScheduleClaim {
  const schedule = readSchedule(sql, model);
  if (!schedule) return { claimed: false, next_due_at: null, board_due_at: null, revision: currentRevision(sql) };
  const lost = sql.exec<Row>("SELECT seq, run, due_at, claimed_at FROM schedule_runs WHERE name = ? AND status = 'claimed' AND claimed_at <= ? ORDER BY seq LIMIT 1", model, now - STALE_CLAIM_MS).toArray()[0];
  if (lost) return reclaimRun(sql, schedule, { seq: Number(lost.seq), run: Number(lost.run ?? lost.seq) }, Number(lost.due_at), Number(lost.claimed_at), now, lookups);
  if (schedule.next_due_at > now) return { claimed: false, next_due_at: schedule.next_due_at, board_due_at: boardDueAt(sql, schedule), revision: schedule.revision };
  return claimRun(sql, schedule, schedule.next_due_at, now, lookups, null);
}

/** The schedule's next due time, or sooner: when its oldest unsettled claim would count as lost. */
function boardDueAt(sql: SqlStorage, schedule: Schedule): number {
  const pending = sql.exec<{ claimed_at: number | null }>("SELECT MIN(claimed_at) AS claimed_at FROM schedule_runs WHERE name = ? AND status = 'claimed'", schedule.model).one().claimed_at;
  return pending === null ? schedule.next_due_at : Math.min(schedule.next_due_at, Number(pending) + STALE_CLAIM_MS);
}

interface RunIds {
  readonly seq: number;
  readonly run: number;
}

/**
 * Where a waiting run stands on the ScheduleBoard: just after the tick that held it back, not at its own
 * due time, which is past. The board hands out the oldest due first, a batch per tick, so runs waiting
 * for a job slot at their due times would fill every batch and keep the schedules due after them (other
 * tenants' too) waiting behind them for as long as the slots stay taken.
 */
export const waitingBoardDue = (next: number, tick: number) => Math.max(next, tick + 1);

/** What the tick that tries a waiting run again should know. */
const RETRIED = 'the run stays due and is tried again at the next cron tick';

/**
 * Claims again a run whose first claim was never settled (see STALE_CLAIM_MS): same run, same due time,
 * the rules decided afresh. The schedule's cadence is not touched (it moved on at the first claim), unless
 * the run must wait: it is then due again at once (holdRun).
 */
function reclaimRun(sql: SqlStorage, schedule: Schedule, ids: RunIds, dueAt: number, firstClaimedAt: number, now: number, lookups: ClaimLookups): ScheduleClaim {
  const revision = bumpRevision(sql);
  sql.exec('UPDATE model_schedules SET revision = ? WHERE name = ?', revision, schedule.model);
  sql.exec('UPDATE schedule_runs SET claimed_at = ? WHERE seq = ?', now, ids.seq);
  const base = { claimed: true as const, ...ids, due_at: dueAt, claimed_at: now, next_due_at: schedule.next_due_at, revision };
  // The lost claim made its job (noteRunJob, then the job recorded) before its invocation died: the run
  // started it, and ends with it. Deciding afresh would wait for that job as for another, then skip the
  // run as having nothing new to learn once the job had published.
  const own = sql.exec<{ job_id: string | null }>('SELECT job_id FROM schedule_runs WHERE seq = ?', ids.seq).one().job_id;
  const made = own === null ? null : lookups.jobStatus(own);
  if (own !== null && made !== null) {
    const reason = `retraining job started; the claim of ${iso(firstClaimedAt)} made it but was not settled, and was found again`;
    finishRun(sql, schedule.model, ids.seq, { status: 'started', job_id: own, reason }, now);
    if (isJobEnd(made)) settleRunOfJob(sql, own, made, undefined, now);
    return { ...base, board_due_at: boardDueAt(sql, schedule), reason, outcome: 'started', job_id: own };
  }
  const decision = decideRun(sql, schedule, lookups);
  const reason = `claimed again: the claim of ${iso(firstClaimedAt)} never started its job; ${decision.reason}`;
  const claimed = { ...base, board_due_at: Math.min(schedule.next_due_at, now + STALE_CLAIM_MS), reason };
  if (!decision.start && decision.passing) {
    const held = holdRun(sql, schedule.model, ids.seq, dueAt, `${reason}; ${RETRIED}`);
    return { ...claimed, ...held, board_due_at: waitingBoardDue(held.next_due_at, now), reason: `${reason}; ${RETRIED}`, outcome: 'waiting' };
  }
  if (!decision.start) {
    finishRun(sql, schedule.model, ids.seq, { status: 'skipped', job_id: null, reason }, now);
    return { ...claimed, board_due_at: boardDueAt(sql, schedule), outcome: 'skipped' };
  }
  return { ...claimed, outcome: 'start', early: false, schedule, dataset: decision.dataset, champion: decision.champion, ...(decision.fresh ? { fresh: decision.fresh } : {}) };
}

/**
 * Claims a run due at `now` because live drift crossed the schedule's threshold (`trigger` says how).
 * Nothing is claimed when the schedule changed since the drift was measured (`revision`: replaced,
 * removed, or claimed by a racing tick), no longer watches drift, is due anyway (the regular claim runs
 * it), or already has a run claimed at or after `now` (a retried tick). Synchronous, like claimDueRun.
 */
export function claimDriftRun(sql: SqlStorage, model: string, now: number, revision: number, trigger: string, lookups: ClaimLookups): ScheduleClaim {
  const schedule = readSchedule(sql, model);
  if (!schedule) return { claimed: false, next_due_at: null, board_due_at: null, revision: currentRevision(sql) };
  const notDue = { claimed: false as const, next_due_at: schedule.next_due_at, board_due_at: boardDueAt(sql, schedule), revision: schedule.revision };
  if (schedule.revision !== revision || !schedule.on_drift || schedule.next_due_at <= now) return notDue;
  const last = lastRunAt(sql, model);
  if (last !== null && last >= now) return notDue;
  return claimRun(sql, schedule, now, now, lookups, trigger);
}

/** When the schedule's newest run was claimed, or null before its first run. */
export function lastRunAt(sql: SqlStorage, model: string): number | null {
  const r = sql.exec<{ claimed_at: number }>('SELECT claimed_at FROM schedule_runs WHERE name = ? ORDER BY seq DESC LIMIT 1', model).toArray()[0];
  return r ? Number(r.claimed_at) : null;
}

/**
 * Records the run due at `dueAt`, claimed at `now`, and settles the rules that need no job. A regular
 * run (`trigger` null) that trains or is skipped moves the schedule to its next due time; one held back
 * for a passing reason leaves it due, and the next tick claims the same run (same row, same due time,
 * hence the same job id) again. A drift run moves it only when it trains: skipped for any reason, it
 * leaves the regular rhythm as it was (it never had a slot to lose).
 */
function claimRun(sql: SqlStorage, schedule: Schedule, dueAt: number, now: number, lookups: ClaimLookups, trigger: string | null): ScheduleClaim {
  const model = schedule.model;
  const decision = decideRun(sql, schedule, lookups);
  const waits = trigger === null && !decision.start && decision.passing;
  const moves = decision.start || (trigger === null && !waits);
  const next = moves ? nextDueAt(parseCadence(schedule.every), dueAt, now) : schedule.next_due_at;
  // Retraining on the rows the model already had cannot answer drift in the live inputs: say what would.
  const unchanged = !decision.start && decision.unchanged && trigger !== null ? '; retraining on the same rows cannot answer the drift: add recent rows to the dataset' : '';
  const reason = (trigger ? `${trigger}; ${decision.reason}` : decision.reason) + unchanged + (waits ? `; ${RETRIED}` : '');
  const revision = bumpRevision(sql);
  sql.exec('UPDATE model_schedules SET next_due_at = ?, revision = ? WHERE name = ?', next, revision, model);
  const ids = claimRow(sql, model, dueAt, now, trigger === null);
  const claimed = { claimed: true as const, ...ids, due_at: dueAt, claimed_at: now, next_due_at: next, board_due_at: Math.min(next, now + STALE_CLAIM_MS), revision, reason };
  if (waits) {
    sql.exec("UPDATE schedule_runs SET status = 'waiting', reason = ? WHERE seq = ?", reason, ids.seq);
    return { ...claimed, board_due_at: waitingBoardDue(next, now), outcome: 'waiting' };
  }
  if (!decision.start) {
    finishRun(sql, model, ids.seq, { status: 'skipped', job_id: null, reason }, now);
    return { ...claimed, board_due_at: boardDueAt(sql, readSchedule(sql, model) as Schedule), outcome: 'skipped' };
  }
  return { ...claimed, outcome: 'start', early: trigger !== null, schedule, dataset: decision.dataset, champion: decision.champion, ...(decision.fresh ? { fresh: decision.fresh } : {}) };
}

/** The run row of a claim: the waiting run claimed again (regular runs), or a new one numbered after the model's last. */
function claimRow(sql: SqlStorage, model: string, dueAt: number, now: number, mayResume: boolean): RunIds {
  // A waiting run made the schedule due at its own due time, so it is the run due now.
  const waiting = mayResume ? sql.exec<{ seq: number; run: number }>("SELECT seq, run FROM schedule_runs WHERE name = ? AND status = 'waiting' ORDER BY seq DESC LIMIT 1", model).toArray()[0] : undefined;
  if (waiting) {
    sql.exec("UPDATE schedule_runs SET status = 'claimed', claimed_at = ?, due_at = ? WHERE seq = ?", now, dueAt, waiting.seq);
    return { seq: Number(waiting.seq), run: Number(waiting.run ?? waiting.seq) };
  }
  const row = sql
    .exec<{ seq: number; run: number }>(
      "INSERT INTO schedule_runs (name, due_at, claimed_at, status, run) VALUES (?, ?, ?, 'claimed', (SELECT COALESCE(MAX(run), 0) + 1 FROM schedule_runs WHERE name = ?)) RETURNING seq, run",
      model,
      dueAt,
      now,
      model,
    )
    .one();
  return { seq: Number(row.seq), run: Number(row.run) };
}

/**
 * Puts a claimed run back to waiting: the schedule is due again from the run's due time (or sooner, as
 * it was), so the next tick claims it again. No history event: nothing was decided yet.
 */
function holdRun(sql: SqlStorage, model: string, seq: number, dueAt: number, reason: string): { next_due_at: number; revision: number } {
  // A job id noted for a start that failed (noteRunJob) names no job.
  sql.exec("UPDATE schedule_runs SET status = 'waiting', reason = ?, job_id = NULL WHERE seq = ?", reason, seq);
  const revision = bumpRevision(sql);
  const next = sql.exec<{ next_due_at: number }>('UPDATE model_schedules SET next_due_at = MIN(next_due_at, ?), revision = ? WHERE name = ? RETURNING next_due_at', dueAt, revision, model).one().next_due_at;
  return { next_due_at: Number(next), revision };
}

/**
 * After the claimed run's job could not start for a passing reason (the tenant has too many unfinished
 * jobs, storage did not answer): the run waits for the next tick, as in claimRun, when the schedule is
 * still the one claimed (`revision`); a schedule replaced meanwhile has another rhythm, and the run is
 * skipped. `board_due_at`: where the board should hold it (waitingBoardDue after the claim's tick,
 * `claimedAt`). Null when the run is not claimed (already settled, or gone with its schedule).
 */
export function deferRun(sql: SqlStorage, model: string, seq: number, revision: number, reason: string, claimedAt: number, now: number): { waiting: boolean; next_due_at: number; board_due_at: number; revision: number } | null {
  const row = sql.exec<Row>('SELECT status, due_at FROM schedule_runs WHERE seq = ? AND name = ?', seq, model).toArray()[0];
  const schedule = readSchedule(sql, model);
  if (!row || row.status !== 'claimed' || !schedule) return null;
  if (schedule.revision === revision) {
    const held = holdRun(sql, model, seq, Number(row.due_at), `${reason}; ${RETRIED}`);
    return { waiting: true, ...held, board_due_at: waitingBoardDue(held.next_due_at, claimedAt) };
  }
  finishRun(sql, model, seq, { status: 'skipped', job_id: null, reason: `${reason}; the schedule was replaced meanwhile` }, now);
  return { waiting: false, next_due_at: schedule.next_due_at, board_due_at: schedule.next_due_at, revision: schedule.revision };
}

/**
 * Records the id of the job a claimed run is about to start (derived from its due time), before the
 * start: if the invocation dies between the job's creation and the run's settling, the run claimed again
 * (reclaimRun) is settled as started with that job. False when the run is not claimed.
 */
export function noteRunJob(sql: SqlStorage, model: string, seq: number, jobId: string): boolean {
  return sql.exec("UPDATE schedule_runs SET job_id = ? WHERE seq = ? AND name = ? AND status = 'claimed' RETURNING seq", jobId, seq, model).toArray().length > 0;
}

/**
 * A run claimed early on drift whose job could not start, skipped: the schedule goes back to the due time
 * it had before the claim moved it a period on (`dueAt`), when it is still the one claimed (`revision`).
 * A drift run has no slot of its own, and one that never trained must not push the regular run away: on
 * a tenant whose job slots stay taken, each drift check would push it another period. Null when the run
 * is not claimed; else the schedule's due time and revision after.
 */
export function skipEarlyRun(sql: SqlStorage, model: string, seq: number, revision: number, dueAt: number, reason: string, now: number): { next_due_at: number; revision: number } | null {
  if (!finishRun(sql, model, seq, { status: 'skipped', job_id: null, reason }, now)) return null;
  const schedule = readSchedule(sql, model);
  if (!schedule) return null;
  if (schedule.revision !== revision) return { next_due_at: schedule.next_due_at, revision: schedule.revision };
  const restored = bumpRevision(sql);
  sql.exec('UPDATE model_schedules SET next_due_at = ?, revision = ? WHERE name = ?', dueAt, restored, model);
  return { next_due_at: dueAt, revision: restored };
}

type RunDecision =
  /** `passing`: the reason will pass by itself (a job still running); `unchanged`: nothing new to learn. */
  | { readonly start: false; readonly reason: string; readonly passing: boolean; readonly unchanged: boolean }
  | {
      readonly start: true;
      readonly reason: string;
      readonly dataset: { readonly name: string; readonly version: number };
      readonly champion: { readonly version: number; readonly job_id: string; readonly trial_id: string };
      readonly fresh?: FreshRows;
    };

/**
 * The rules a claimed run must pass before it trains: no job publishing to the model unfinished (a
 * passing reason), data and champion present, something new to learn (see new-rows), enough new rows.
 */
function decideRun(sql: SqlStorage, schedule: Schedule, lookups: ClaimLookups): RunDecision {
  const model = schedule.model;
  const skip = (reason: string, passing = false, unchanged = false) => ({ start: false as const, reason, passing, unchanged });
  const previous = sql.exec<{ job_id: string }>("SELECT job_id FROM schedule_runs WHERE name = ? AND status = 'started' ORDER BY seq DESC LIMIT 1", model).toArray()[0];
  if (previous && lookups.jobUnfinished(previous.job_id)) return skip(`the previous retraining job ${previous.job_id} has not finished`, true);
  // Also a job the runs no longer list (the schedule was removed and set again) or one started by hand.
  const running = lookups.unfinishedJobFor(model);
  if (running !== null) return skip(`job ${running}, which publishes to model "${model}", has not finished`, true);
  const newest = lookups.newestDataset(schedule.dataset);
  if (!newest) return skip(`dataset "${schedule.dataset}" no longer exists`);
  const champion = lookups.champion(model);
  if (!champion) return skip(`model "${model}" has no champion to retrain`);
  const rows = newRows({
    newest: { name: schedule.dataset, ...newest },
    champion,
    lastTrained: lookups.lastTrained(model, schedule.dataset),
    datasetRows: lookups.datasetRows,
    appendedFrom: lookups.appendedFrom,
  });
  if (rows.unchanged) return skip(rows.reason, false, true);
  if (!checkNewRows(schedule.min_new_rows, rows.learned_rows, newest.rows).retrain) return skip(`${rows.reason}; min_new_rows is ${schedule.min_new_rows}`);
  // The holdout's fresh rows are those the champion never saw (not the last run's): the comparison must be fair to it.
  const { name: cName, version: cVersion } = champion.dataset;
  const championRows = lookups.datasetRows(cName, cVersion) ?? 0;
  const appended = cName === schedule.dataset && newest.version !== cVersion && lookups.appendedFrom(cName, cVersion, newest.version);
  return {
    start: true,
    reason: rows.reason,
    dataset: { name: schedule.dataset, version: newest.version },
    champion: { version: champion.version, job_id: champion.job_id, trial_id: champion.trial_id },
    ...(appended ? { fresh: { from_row: championRows, rows: newest.rows - championRows } } : {}),
  };
}

/**
 * Settles a claimed run: started (with its job, at `now`) or skipped (ended at `now`), and records it
 * in the model's history. How a started run's job ends is recorded later (schedule-run-outcome).
 */
export function finishRun(sql: SqlStorage, model: string, seq: number, outcome: { status: 'started' | 'skipped'; job_id: string | null; reason: string }, now: number): boolean {
  const row = sql.exec<Row>('SELECT status, due_at FROM schedule_runs WHERE seq = ? AND name = ?', seq, model).toArray()[0];
  if (!row || row.status !== 'claimed') return false;
  const started = outcome.status === 'started';
  sql.exec('UPDATE schedule_runs SET status = ?, job_id = ?, reason = ?, started_at = ?, finished_at = ? WHERE seq = ?', outcome.status, outcome.job_id, outcome.reason, started ? now : null, started ? null : now, seq);
  const reason = `scheduled run due ${iso(Number(row.due_at))}: ${outcome.reason}`;
  if (started) recordEvent(sql, model, { at: iso(now), kind: 'retrain_started', version: null, previous_version: null, job_id: outcome.job_id, reason });
  else recordSkip(sql, model, iso(now), reason, outcome.reason);
  return true;
}
