/**
 * @module durable/model-schedule
 * A model's retraining schedule inside its tenant's Registry, and the schedule's run history. Claiming a
 * due run is one synchronous SQLite transaction (no await): the schedule moves to its next due time and
 * the run is recorded together, so two cron ticks racing, or one tick retried, claim a due time once.
 * The same transaction skips a run while the previous run's job is still unfinished (retraining jobs
 * never pile up when they take longer than the interval) and applies the `min_new_rows` rule, recording
 * a skipped run in the model's history at once; a run that should train comes back to the caller, which
 * starts the job and reports it. A claimed run never reported (the caller died) is claimed again by a
 * later tick (STALE_CLAIM_MS), so a due run is not lost to a crash.
 * A schedule with `on_drift` may also be claimed before its due time, when the cron handler has found
 * live drift (claimDriftRun): the same rules apply, and a run that trains restarts the cadence from then.
 * Every change bumps a revision number, which the global ScheduleBoard uses to ignore stale updates.
 */
import { firstDueAt, nextDueAt, parseCadence } from './cadence';
import { recordEvent } from './model-history';
import { checkNewRows, type DriftTrigger } from './retrain-rules';

/** What a client sets with PUT /v1/models/{model}/schedule (margin resolved to the metric's default). */
export interface ScheduleSpec {
  readonly every: string;
  readonly dataset: string;
  readonly budget: { readonly seconds?: number; readonly trials?: number };
  readonly min_new_rows: number;
  readonly margin: number;
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

export interface ScheduleRun {
  readonly run: number;
  readonly due_at: string;
  readonly claimed_at: string;
  /** `claimed` until the job is started (or the start fails, which counts as skipped). */
  readonly status: 'claimed' | 'started' | 'skipped';
  readonly job_id: string | null;
  readonly reason: string | null;
  readonly finished_at: string | null;
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
  readonly run: number;
  readonly due_at: number;
  readonly next_due_at: number;
  /** See NotDue.board_due_at: a run to start is looked at again if it is not settled in time. */
  readonly board_due_at: number;
  readonly revision: number;
  readonly reason: string;
}

/** A claimed run: already settled as skipped, or to be started by the caller. */
export type ScheduleClaim =
  | NotDue
  | (Claimed & { readonly outcome: 'skipped' })
  | (Claimed & {
      readonly outcome: 'start';
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
  readonly newestDataset: (name: string) => { version: number; rows: number } | null;
  /** Rows of a dataset version, deleted or not (the champion's data may have been deleted since). */
  readonly datasetRows: (name: string, version: number) => number | null;
  readonly champion: (model: string) => { version: number; job_id: string; trial_id: string; dataset: { name: string; version: number } } | null;
  /** Whether a job is still queued or running. */
  readonly jobUnfinished: (jobId: string) => boolean;
  /** A queued or running job that publishes to the model (a retraining run or a job started by hand), or null. */
  readonly unfinishedJobFor: (model: string) => string | null;
  /** Whether `version` of a dataset was made from `base` by appending rows, one append or several. */
  readonly appendedFrom: (dataset: string, base: number, version: number) => boolean;
}

export const SCHEDULE_DDL = [
  `CREATE TABLE IF NOT EXISTS model_schedules (name TEXT PRIMARY KEY, spec TEXT NOT NULL, next_due_at INTEGER NOT NULL,
     revision INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS schedule_runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, due_at INTEGER NOT NULL,
     claimed_at INTEGER NOT NULL, status TEXT NOT NULL, job_id TEXT, reason TEXT, finished_at INTEGER)`,
  'CREATE INDEX IF NOT EXISTS schedule_runs_by_name ON schedule_runs (name, seq)',
  'CREATE TABLE IF NOT EXISTS schedule_revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)',
];

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
  return sql
    .exec<Row>('SELECT * FROM schedule_runs WHERE name = ? ORDER BY seq DESC LIMIT ?', model, RUNS_SHOWN)
    .toArray()
    .map((r) => ({
      run: Number(r.seq),
      due_at: iso(Number(r.due_at)),
      claimed_at: iso(Number(r.claimed_at)),
      status: String(r.status) as ScheduleRun['status'],
      job_id: r.job_id === null ? null : String(r.job_id),
      reason: r.reason === null ? null : String(r.reason),
      finished_at: r.finished_at === null ? null : iso(Number(r.finished_at)),
    }));
}

/**
 * Claims the model's due run at `now` (see the module comment). Synchronous on purpose: every write
 * below commits together, and no other request can run in between.
 */
export function claimDueRun(sql: SqlStorage, model: string, now: number, lookups: ClaimLookups): ScheduleClaim {
  const schedule = readSchedule(sql, model);
  if (!schedule) return { claimed: false, next_due_at: null, board_due_at: null, revision: currentRevision(sql) };
  const lost = sql.exec<Row>("SELECT seq, due_at, claimed_at FROM schedule_runs WHERE name = ? AND status = 'claimed' AND claimed_at <= ? ORDER BY seq LIMIT 1", model, now - STALE_CLAIM_MS).toArray()[0];
  if (lost) return reclaimRun(sql, schedule, Number(lost.seq), Number(lost.due_at), Number(lost.claimed_at), now, lookups);
  if (schedule.next_due_at > now) return { claimed: false, next_due_at: schedule.next_due_at, board_due_at: boardDueAt(sql, schedule), revision: schedule.revision };
  return claimRun(sql, schedule, schedule.next_due_at, now, lookups, null);
}

/** The schedule's next due time, or sooner: when its oldest unsettled claim would count as lost. */
function boardDueAt(sql: SqlStorage, schedule: Schedule): number {
  const pending = sql.exec<{ claimed_at: number | null }>("SELECT MIN(claimed_at) AS claimed_at FROM schedule_runs WHERE name = ? AND status = 'claimed'", schedule.model).one().claimed_at;
  return pending === null ? schedule.next_due_at : Math.min(schedule.next_due_at, Number(pending) + STALE_CLAIM_MS);
}

/**
 * Claims again a run whose first claim was never settled (see STALE_CLAIM_MS): same run, same due time,
 * the rules decided afresh. The schedule's cadence is not touched; it moved on at the first claim.
 */
function reclaimRun(sql: SqlStorage, schedule: Schedule, run: number, dueAt: number, firstClaimedAt: number, now: number, lookups: ClaimLookups): ScheduleClaim {
  const revision = bumpRevision(sql);
  sql.exec('UPDATE model_schedules SET revision = ? WHERE name = ?', revision, schedule.model);
  sql.exec('UPDATE schedule_runs SET claimed_at = ? WHERE seq = ?', now, run);
  const decision = decideRun(sql, schedule, lookups);
  const reason = `claimed again: the claim of ${iso(firstClaimedAt)} never started its job; ${decision.reason}`;
  const claimed = { claimed: true as const, run, due_at: dueAt, next_due_at: schedule.next_due_at, board_due_at: Math.min(schedule.next_due_at, now + STALE_CLAIM_MS), revision, reason };
  if (!decision.start) {
    finishRun(sql, schedule.model, run, { status: 'skipped', job_id: null, reason }, now);
    return { ...claimed, board_due_at: boardDueAt(sql, schedule), outcome: 'skipped' };
  }
  return { ...claimed, outcome: 'start', schedule, dataset: decision.dataset, champion: decision.champion, ...(decision.fresh ? { fresh: decision.fresh } : {}) };
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
 * run (`trigger` null) always moves the schedule to its next due time; a drift run moves it only when
 * it trains, so a skipped drift run leaves the regular rhythm as it was.
 */
function claimRun(sql: SqlStorage, schedule: Schedule, dueAt: number, now: number, lookups: ClaimLookups, trigger: string | null): ScheduleClaim {
  const model = schedule.model;
  const decision = decideRun(sql, schedule, lookups);
  const because = (reason: string) => (trigger ? `${trigger}; ${reason}` : reason);
  const next = trigger !== null && !decision.start ? schedule.next_due_at : nextDueAt(parseCadence(schedule.every), dueAt, now);
  const revision = bumpRevision(sql);
  sql.exec('UPDATE model_schedules SET next_due_at = ?, revision = ? WHERE name = ?', next, revision, model);
  const run = sql.exec<{ seq: number }>('INSERT INTO schedule_runs (name, due_at, claimed_at, status) VALUES (?, ?, ?, ?) RETURNING seq', model, dueAt, now, 'claimed').one().seq;
  const claimed = { claimed: true as const, run, due_at: dueAt, next_due_at: next, board_due_at: Math.min(next, now + STALE_CLAIM_MS), revision, reason: because(decision.reason) };
  if (!decision.start) {
    finishRun(sql, model, run, { status: 'skipped', job_id: null, reason: claimed.reason }, now);
    return { ...claimed, board_due_at: boardDueAt(sql, readSchedule(sql, model) as Schedule), outcome: 'skipped' };
  }
  return { ...claimed, outcome: 'start', schedule, dataset: decision.dataset, champion: decision.champion, ...(decision.fresh ? { fresh: decision.fresh } : {}) };
}

type RunDecision =
  | { readonly start: false; readonly reason: string }
  | {
      readonly start: true;
      readonly reason: string;
      readonly dataset: { readonly name: string; readonly version: number };
      readonly champion: { readonly version: number; readonly job_id: string; readonly trial_id: string };
      readonly fresh?: FreshRows;
    };

/** The rules a claimed run must pass before it trains: previous job finished, data and champion present, enough new rows. */
function decideRun(sql: SqlStorage, schedule: Schedule, lookups: ClaimLookups): RunDecision {
  const model = schedule.model;
  const skip = (reason: string) => ({ start: false as const, reason });
  const previous = sql.exec<{ job_id: string }>("SELECT job_id FROM schedule_runs WHERE name = ? AND status = 'started' ORDER BY seq DESC LIMIT 1", model).toArray()[0];
  if (previous && lookups.jobUnfinished(previous.job_id)) return skip(`the previous retraining job ${previous.job_id} has not finished`);
  // Also a job the runs no longer list (the schedule was removed and set again) or one started by hand.
  const running = lookups.unfinishedJobFor(model);
  if (running !== null) return skip(`job ${running}, which publishes to model "${model}", has not finished`);
  const newest = lookups.newestDataset(schedule.dataset);
  if (!newest) return skip(`dataset "${schedule.dataset}" no longer exists`);
  const champion = lookups.champion(model);
  if (!champion) return skip(`model "${model}" has no champion to retrain`);
  const { name: cName, version: cVersion } = champion.dataset;
  const championRows = lookups.datasetRows(cName, cVersion) ?? 0;
  // Another dataset than the champion's: its rows are all new to the champion (row counts of two datasets say nothing).
  const sameData = cName === schedule.dataset;
  const check = checkNewRows(schedule.min_new_rows, sameData ? championRows : 0, newest.rows);
  const counts = `${cName} v${cVersion}: ${championRows} rows; ${schedule.dataset} v${newest.version}: ${newest.rows} rows`;
  const rows = !sameData
    ? `${newest.rows} rows in dataset "${schedule.dataset}" v${newest.version}, all new to the champion (trained on ${cName} v${cVersion})`
    : check.new_rows < 0
      ? `no new rows: the newest version has ${-check.new_rows} fewer than the champion's data (${counts})`
      : `${check.new_rows} new rows since the champion's data (${counts})`;
  if (!check.retrain) return skip(`${rows}; min_new_rows is ${schedule.min_new_rows}`);
  const appended = cName === schedule.dataset && newest.version !== cVersion && lookups.appendedFrom(cName, cVersion, newest.version);
  return {
    start: true,
    reason: rows,
    dataset: { name: schedule.dataset, version: newest.version },
    champion: { version: champion.version, job_id: champion.job_id, trial_id: champion.trial_id },
    ...(appended ? { fresh: { from_row: championRows, rows: newest.rows - championRows } } : {}),
  };
}

/** Settles a claimed run: started (with its job) or skipped, and records it in the model's history. */
export function finishRun(sql: SqlStorage, model: string, run: number, outcome: { status: 'started' | 'skipped'; job_id: string | null; reason: string }, now: number): boolean {
  const row = sql.exec<Row>('SELECT status, due_at FROM schedule_runs WHERE seq = ? AND name = ?', run, model).toArray()[0];
  if (!row || row.status !== 'claimed') return false;
  sql.exec('UPDATE schedule_runs SET status = ?, job_id = ?, reason = ?, finished_at = ? WHERE seq = ?', outcome.status, outcome.job_id, outcome.reason, now, run);
  recordEvent(sql, model, {
    at: iso(now),
    kind: outcome.status === 'started' ? 'retrain_started' : 'retrain_skipped',
    version: null,
    previous_version: null,
    job_id: outcome.job_id,
    reason: `scheduled run due ${iso(Number(row.due_at))}: ${outcome.reason}`,
  });
  return true;
}
