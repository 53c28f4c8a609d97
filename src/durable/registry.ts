/**
 * @module durable/registry
 * One Registry per tenant: the catalogue of what the tenant owns. Responsibilities:
 * - dataset versions (immutable; a version becomes visible only once its files are in R2);
 * - jobs (id, dataset, status summary) for listing;
 * - models: published versions with their metrics, what each predicts and the job that made each, and
 *   the champion pointer, which changes in one SQLite transaction with the model's description (its
 *   task, target, classes and metric: the champion's, see model-description), so predictions never see a
 *   half-published model and the model always describes the champion it serves;
 * - retraining schedules (model-schedule): claiming due runs (on time, or early on drift), and the
 *   champion/challenger decision when a retraining job publishes (retrain-rules), with a forecast
 *   champion that stays advanced to the job's data as a new version (champion-advance);
 * - deleting a model whole, refused while a job may still publish to it (model-deletion).
 */
import { DurableObject } from 'cloudflare:workers';
import type { ColumnProfile } from '../engine';
import { advanceNote, advanceOfJob, registerAdvance, usableAdvance } from './champion-advance';
import { rivalOf, toJob, unfinishedJobs, upgradeJobs } from './job-rows';
import { DELETED_MODELS_DDL, deleteModelRows, lastDeletedVersion, type ModelDeletion } from './model-deletion';
import { listEvents, MODEL_EVENTS_DDL, type ModelEvent, recordEvent, rollbackTarget, upgradeModelEvents } from './model-history';
import { describeChampion, installChampion, learnVersionDescription } from './model-description';
import { insertVersion, MODEL_VERSIONS_DDL, upgradeModelVersions, versionOfJob } from './model-version-table';
import { type ClaimLookups, claimDriftRun, claimDueRun, deferRun, dropSchedule, finishRun, lastRunAt, listRuns, readSchedule, SCHEDULE_DDL, type Schedule, type ScheduleClaim, type ScheduleRun, type ScheduleSpec, upgradeScheduleRuns, writeSchedule } from './model-schedule';
import type { ChallengeOutcome, JobStatusName, PublishRequest, PublishResult } from './protocol';
import { keptApartOf, keptApartReason } from './publish-conflict';
import { decideChallenge } from './retrain-rules';
import { isJobEnd, settleRunOfJob } from './schedule-run-outcome';

export interface DatasetVersion {
  readonly name: string;
  readonly version: number;
  readonly rows: number;
  readonly bytes: number;
  readonly columns: readonly ColumnProfile[];
  readonly raw_key: string;
  readonly data_key: string;
  readonly created_at: string;
  /** For a version made by appending rows (POST …/rows): the version they were added to, and how many. */
  readonly appended?: { readonly base_version: number; readonly rows: number };
  /** What reading the file left out (an unnamed column without values); no column's profile can say it. */
  readonly warnings?: readonly string[];
}

export interface ModelVersionInfo {
  readonly version: number;
  readonly job_id: string;
  readonly trial_id: string;
  readonly family: string;
  readonly metric: string;
  readonly greater_is_better: boolean;
  readonly score: number;
  readonly artifact_key: string;
  readonly dataset: { name: string; version: number };
  readonly created_at: string;
  /**
   * What the version predicts (see model-description): its task ("forecast" for forecast models), target
   * and classes. Absent for a version stored before versions held them and not described since; the
   * version served (resolveModel) then takes the model's task.
   */
  readonly task?: string;
  readonly target?: string;
  readonly classes?: readonly string[];
  /**
   * A forecast champion advanced to newer data (durable/champion-advance): the version whose fitted model
   * this is; its `dataset` is the data its series were advanced with.
   */
  readonly advanced_from?: number;
}

export interface ModelInfo {
  readonly name: string;
  readonly task: string;
  readonly target: string;
  readonly classes: readonly string[];
  readonly metric: string;
  readonly greater_is_better: boolean;
  readonly champion_version: number;
  readonly updated_at: string;
  readonly versions: readonly ModelVersionInfo[];
  readonly history: readonly ModelEvent[];
}

/** Outcome of moving the champion pointer by hand. */
export type PointerChange =
  | { readonly ok: true; readonly champion_version: number; readonly previous_version: number }
  | { readonly ok: false; readonly code: 'model_not_found' | 'model_version_not_found' | 'nothing_to_roll_back' };

export interface JobSummary {
  readonly id: string;
  readonly dataset: string;
  readonly target: string;
  readonly status: JobStatusName;
  readonly model_name: string;
  readonly created_at: string;
  /**
   * The task of the model the job will publish, as the job view names it ("forecast", "image", or a
   * table task), for comparing jobs that publish to one name (worker/rival-jobs). Absent in jobs recorded
   * before it was kept.
   */
  readonly task?: string;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS datasets (name TEXT NOT NULL, version INTEGER NOT NULL, rows INTEGER NOT NULL, bytes INTEGER NOT NULL,
     columns TEXT NOT NULL, raw_key TEXT NOT NULL, data_key TEXT NOT NULL, created_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (name, version))`,
  `CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, dataset TEXT NOT NULL, target TEXT NOT NULL, status TEXT NOT NULL,
     model_name TEXT NOT NULL, created_at TEXT NOT NULL, task TEXT)`,
  `CREATE TABLE IF NOT EXISTS models (name TEXT PRIMARY KEY, task TEXT NOT NULL, target TEXT NOT NULL, classes TEXT NOT NULL,
     metric TEXT NOT NULL, greater_is_better INTEGER NOT NULL, champion_version INTEGER NOT NULL, updated_at TEXT NOT NULL)`,
  MODEL_VERSIONS_DDL,
  MODEL_EVENTS_DDL,
  ...SCHEDULE_DDL,
  DELETED_MODELS_DDL,
];

type Row = Record<string, SqlStorageValue>;

/** Longest job budget (one day, see worker/schemas) plus an hour: an unfinished job older than this is stuck. */
const STUCK_JOB_MS = 25 * 3_600_000;

export class Registry extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    for (const ddl of SCHEMA) this.sql.exec(ddl);
    upgradeModelEvents(this.sql);
    upgradeDatasets(this.sql);
    upgradeScheduleRuns(this.sql);
    upgradeJobs(this.sql);
    upgradeModelVersions(this.sql, (apply) => ctx.storage.transactionSync(apply));
  }

  // ---- datasets -------------------------------------------------------------------------------

  /** Registers a new immutable version (files already written); returns it with its number. */
  addDatasetVersion(name: string, v: Omit<DatasetVersion, 'name' | 'version'>): DatasetVersion {
    const last = this.sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM datasets WHERE name = ?', name).one().v ?? 0;
    const version = last + 1;
    this.sql.exec(
      'INSERT INTO datasets (name, version, rows, bytes, columns, raw_key, data_key, created_at, base_version, appended_rows, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      name,
      version,
      v.rows,
      v.bytes,
      JSON.stringify(v.columns),
      v.raw_key,
      v.data_key,
      v.created_at,
      v.appended?.base_version ?? null,
      v.appended?.rows ?? null,
      v.warnings && v.warnings.length > 0 ? JSON.stringify(v.warnings) : null,
    );
    return { name, version, ...v };
  }

  /**
   * Registers a version that appends rows to version `base`, only while `base` is still the newest
   * visible version: of two appends made from the same base, the second would otherwise drop the first
   * one's rows. Null when another version came first (the caller answers 409 and the client sends again).
   */
  addDatasetVersionAfter(name: string, base: number, v: Omit<DatasetVersion, 'name' | 'version'>): DatasetVersion | null {
    const latest = this.sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM datasets WHERE name = ? AND deleted = 0', name).one().v;
    return latest === base ? this.addDatasetVersion(name, v) : null;
  }

  getDataset(name: string, version?: number): DatasetVersion | null {
    const rows =
      version === undefined
        ? this.sql.exec<Row>('SELECT * FROM datasets WHERE name = ? AND deleted = 0 ORDER BY version DESC LIMIT 1', name).toArray()
        : this.sql.exec<Row>('SELECT * FROM datasets WHERE name = ? AND version = ? AND deleted = 0', name, version).toArray();
    return rows.length > 0 ? toDataset(rows[0]) : null;
  }

  listDatasets(): { name: string; latest_version: number; rows: number; created_at: string }[] {
    return this.sql
      .exec<Row>(
        `SELECT d.name, d.version, d.rows, d.created_at FROM datasets d
         JOIN (SELECT name, MAX(version) AS v FROM datasets WHERE deleted = 0 GROUP BY name) m ON d.name = m.name AND d.version = m.v
         ORDER BY d.name`,
      )
      .toArray()
      .map((r) => ({ name: String(r.name), latest_version: Number(r.version), rows: Number(r.rows), created_at: String(r.created_at) }));
  }

  /**
   * Hides every version of a dataset; returns the object keys the caller should delete, or the job still
   * training on it (its trials read the data until it ends), in which case nothing is deleted.
   */
  deleteDataset(name: string): string[] | { readonly in_use_by: string } | null {
    const rows = this.sql.exec<Row>('SELECT raw_key, data_key FROM datasets WHERE name = ? AND deleted = 0', name).toArray();
    if (rows.length === 0) return null;
    const running = this.sql
      .exec<{ id: string }>("SELECT id FROM jobs WHERE dataset = ? AND status IN ('queued', 'running') AND created_at > ? ORDER BY created_at LIMIT 1", name, new Date(Date.now() - STUCK_JOB_MS).toISOString())
      .toArray()[0];
    if (running) return { in_use_by: running.id };
    this.sql.exec('UPDATE datasets SET deleted = 1 WHERE name = ?', name);
    return rows.flatMap((r) => [String(r.raw_key), String(r.data_key)]);
  }

  // ---- jobs -----------------------------------------------------------------------------------

  /**
   * Records a job unless the tenant already has `maxActive` unfinished ones: counted and inserted in one
   * synchronous step, so simultaneous creations cannot all pass the count. Returns the count refused at.
   * An `exclusive` job (one that may not replace another job's model: worker/rival-jobs) is also refused,
   * in the same step, when an unfinished job will publish to its model name with another target or task
   * (a task unknown for jobs recorded before it was kept): that job is returned.
   */
  recordJobWithin(job: JobSummary, maxActive: number, exclusive = false): { recorded: true } | { recorded: false; active: number } | { recorded: false; rival: JobSummary } {
    const active = Number(this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running')").one().n);
    if (active >= maxActive) return { recorded: false, active };
    const rival = exclusive ? rivalOf(this.unfinishedJobsFor(job.model_name), job) : undefined;
    if (rival) return { recorded: false, rival };
    this.recordJob(job);
    return { recorded: true };
  }

  recordJob(job: JobSummary): void {
    this.sql.exec(
      'INSERT OR IGNORE INTO jobs (id, dataset, target, status, model_name, created_at, task) VALUES (?, ?, ?, ?, ?, ?, ?)',
      job.id,
      job.dataset,
      job.target,
      job.status,
      job.model_name,
      job.created_at,
      job.task ?? null,
    );
  }

  /** Unfinished jobs that will publish to `model`, oldest first; one older than the longest budget is stuck, not counted. */
  unfinishedJobsFor(model: string): JobSummary[] {
    return unfinishedJobs(this.sql, model, Date.now() - STUCK_JOB_MS);
  }

  /** The job has ended (`error`: a failed job's message); a scheduled run that started it records how (schedule-run-outcome). */
  jobFinished(id: string, status: JobStatusName, error?: string): void {
    this.sql.exec('UPDATE jobs SET status = ? WHERE id = ?', status, id);
    if (isJobEnd(status)) settleRunOfJob(this.sql, id, status, error, Date.now());
  }

  /** The job's coordinator has started it; a job already finished keeps its status. */
  jobStarted(id: string): void {
    this.sql.exec("UPDATE jobs SET status = 'running' WHERE id = ? AND status = 'queued'", id);
  }

  hasJob(id: string): boolean {
    return this.sql.exec('SELECT 1 FROM jobs WHERE id = ?', id).toArray().length > 0;
  }

  listJobs(): JobSummary[] {
    return this.sql.exec<Row>('SELECT * FROM jobs ORDER BY created_at DESC, id DESC').toArray().map(toJob);
  }

  // ---- models ---------------------------------------------------------------------------------

  /**
   * Adds a model version from a finished job and makes it the champion. Idempotent per job: publishing
   * the same job again returns the version it already made. A retraining job passes its comparison with
   * the champion (`challenge`): the version is always recorded, but the champion pointer moves only when
   * the challenger won by the margin; otherwise a `challenger_kept` event records both scores, and a
   * forecast champion advanced to the job's data (the report's `advance`) becomes the next version and
   * the champion (see champion-advance). Another job's result that would replace a champion of another
   * target or task put in place while it ran is kept as a version, not the champion (publish-conflict).
   */
  publish(name: string, req: PublishRequest, challenge?: ChallengeOutcome): PublishResult {
    const existing = versionOfJob(this.sql, name, req.job_id);
    if (existing !== null) {
      const advanced = advanceOfJob(this.sql, name, req.job_id);
      const apart = keptApartOf(this.sql, name, req.job_id);
      return { version: existing, promoted: this.championOf(name) === existing, ...(apart ? { reason: apart } : {}), ...(advanced ? { advanced } : {}) };
    }
    const now = new Date().toISOString();
    // A model deleted and published again continues its numbering (see model-deletion).
    const last = Math.max(this.sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM model_versions WHERE name = ?', name).one().v ?? 0, lastDeletedVersion(this.sql, name));
    const version = last + 1;
    const previous = this.championOf(name);
    // A model without a champion has nothing to defend: its first version is the champion whatever the job.
    const decision = challenge && previous !== null ? decideChallenge(req.metric, version, previous, challenge) : undefined;
    const apart = !challenge && previous !== null ? keptApartReason(this.sql, name, version, req) : null;
    // All writes happen with no await between them, so they commit atomically.
    insertVersion(this.sql, name, version, { ...req, created_at: now });
    if (apart !== null) {
      recordEvent(this.sql, name, { at: now, kind: 'kept_apart', version, previous_version: previous, job_id: req.job_id, reason: apart });
      return { version, promoted: false, reason: apart };
    }
    if (decision && !decision.promote) {
      const advance = challenge?.report.advance;
      const reason = decision.reason + advanceNote(advance, previous as number, version + 1);
      recordEvent(this.sql, name, { at: now, kind: 'challenger_kept', version, previous_version: previous, job_id: req.job_id, reason, comparison: decision.comparison });
      if (!usableAdvance(advance, previous as number)) return { version, promoted: false, reason };
      registerAdvance(this.sql, { name, champion: previous as number, version: version + 1, job_id: req.job_id, dataset: req.dataset, at: now }, advance);
      return { version, promoted: false, reason, advanced: { version: version + 1, from_version: previous as number } };
    }
    this.sql.exec(
      `INSERT INTO models (name, task, target, classes, metric, greater_is_better, champion_version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET task = excluded.task, target = excluded.target, classes = excluded.classes, metric = excluded.metric,
         greater_is_better = excluded.greater_is_better, champion_version = excluded.champion_version, updated_at = excluded.updated_at`,
      name,
      req.task,
      req.target,
      JSON.stringify(req.classes),
      req.metric,
      req.greater_is_better ? 1 : 0,
      version,
      now,
    );
    const reason = `job ${req.job_id} published ${req.family} (${req.metric} ${req.score.toFixed(4)})`;
    recordEvent(this.sql, name, {
      at: now,
      kind: 'published',
      version,
      previous_version: previous,
      job_id: req.job_id,
      reason: decision ? `${reason}; ${decision.reason}` : reason,
      ...(decision ? { comparison: decision.comparison } : {}),
    });
    return { version, promoted: true, ...(decision ? { reason: decision.reason } : {}) };
  }

  private championOf(name: string): number | null {
    const rows = this.sql.exec<{ v: number }>('SELECT champion_version AS v FROM models WHERE name = ?', name).toArray();
    return rows.length > 0 ? Number(rows[0].v) : null;
  }

  /**
   * Makes `version` the champion, the model's description its (atomically, with its history row; a
   * version stored undescribed is described from its artifact first, see model-description).
   */
  async promote(name: string, version: number, reason = 'promoted by request'): Promise<PointerChange> {
    await learnVersionDescription(this.sql, this.env.STORE, name, version);
    const previous = this.championOf(name);
    if (previous === null) return { ok: false, code: 'model_not_found' };
    if (this.sql.exec('SELECT 1 FROM model_versions WHERE name = ? AND version = ?', name, version).toArray().length === 0) return { ok: false, code: 'model_version_not_found' };
    // Already the champion: nothing moves, and no "promoted v1 -> v1" event for a later rollback to undo;
    // its description is written again (a pointer moved before versions were described may have left it behind).
    if (version !== previous) this.movePointer(name, version, previous, 'promoted', reason);
    else describeChampion(this.sql, name, version);
    return { ok: true, champion_version: version, previous_version: previous };
  }

  /** Restores the champion that preceded the current one (see rollbackTarget), and its description. */
  async rollback(name: string, reason = 'rolled back by request'): Promise<PointerChange> {
    const before = this.rollbackStep(name);
    if (before.ok) await learnVersionDescription(this.sql, this.env.STORE, name, before.champion_version);
    // Read again after the artifact: the pointer may have moved meanwhile, and then the step is another one.
    const step = this.rollbackStep(name);
    if (step.ok) this.movePointer(name, step.champion_version, step.previous_version, 'rolled_back', reason);
    return step;
  }

  private rollbackStep(name: string): PointerChange {
    const current = this.championOf(name);
    if (current === null) return { ok: false, code: 'model_not_found' };
    const target = rollbackTarget(listEvents(this.sql, name), current);
    if (target === null) return { ok: false, code: 'nothing_to_roll_back' };
    return { ok: true, champion_version: target, previous_version: current };
  }

  /** Moves the pointer and rewrites the model's description from the new champion, with the history row (no await: one transaction). */
  private movePointer(name: string, version: number, previous: number, kind: 'promoted' | 'rolled_back', reason: string): void {
    const now = new Date().toISOString();
    installChampion(this.sql, name, version, now);
    recordEvent(this.sql, name, { at: now, kind, version, previous_version: previous, job_id: null, reason });
  }

  getModel(name: string): ModelInfo | null {
    const rows = this.sql.exec<Row>('SELECT * FROM models WHERE name = ?', name).toArray();
    if (rows.length === 0) return null;
    const m = rows[0];
    const versions = this.sql.exec<Row>('SELECT * FROM model_versions WHERE name = ? ORDER BY version', name).toArray().map(toVersion);
    return {
      name,
      task: String(m.task),
      target: String(m.target),
      classes: JSON.parse(String(m.classes)) as string[],
      metric: String(m.metric),
      greater_is_better: Number(m.greater_is_better) === 1,
      champion_version: Number(m.champion_version),
      updated_at: String(m.updated_at),
      versions,
      history: listEvents(this.sql, name),
    };
  }

  listModels(): { name: string; champion_version: number; task: string; metric: string; greater_is_better: boolean; score: number; updated_at: string }[] {
    return this.sql
      .exec<Row>(
        `SELECT m.name, m.champion_version, m.task, m.metric, m.greater_is_better, m.updated_at, v.score FROM models m
         JOIN model_versions v ON v.name = m.name AND v.version = m.champion_version ORDER BY m.name`,
      )
      .toArray()
      .map((r) => ({
        name: String(r.name),
        champion_version: Number(r.champion_version),
        task: String(r.task),
        metric: String(r.metric),
        greater_is_better: Number(r.greater_is_better) === 1,
        score: Number(r.score),
        updated_at: String(r.updated_at),
      }));
  }

  /**
   * Deletes the model, its versions, history and schedule at once, unless a job may still publish to it
   * (see model-deletion); null when there is no such model. The caller deletes the files it names.
   */
  deleteModel(name: string): ModelDeletion | null {
    const now = Date.now();
    return deleteModelRows(this.sql, name, now, now - STUCK_JOB_MS);
  }

  // ---- retraining schedules ------------------------------------------------------------------

  /** Creates or replaces the model's schedule (the route has validated it); due first as cadence says. */
  putSchedule(name: string, spec: ScheduleSpec): Schedule {
    return writeSchedule(this.sql, name, spec, Date.now());
  }

  getSchedule(name: string): { schedule: Schedule; runs: ScheduleRun[] } | null {
    const schedule = readSchedule(this.sql, name);
    return schedule ? { schedule, runs: listRuns(this.sql, name) } : null;
  }

  /** Removes the schedule and its runs; the removal's revision (for the ScheduleBoard), or null when none. */
  deleteSchedule(name: string): { revision: number } | null {
    const revision = dropSchedule(this.sql, name);
    return revision === null ? null : { revision };
  }

  /** Claims the model's run due at `now`, once (see model-schedule). */
  claimScheduledRun(name: string, now: number): ScheduleClaim {
    return claimDueRun(this.sql, name, now, this.claimLookups(now));
  }

  /**
   * What a drift check of the model's schedule reads: the schedule (with its revision, for the claim),
   * the champion whose live rows count, and when the previous run was claimed. Null when the schedule
   * does not watch drift or the model has no champion.
   */
  scheduleDriftBasis(name: string): { schedule: Schedule; champion: ModelVersionInfo; last_run_at: number | null } | null {
    const schedule = readSchedule(this.sql, name);
    const champion = schedule?.on_drift ? this.resolveModel(name) : null;
    return schedule && champion ? { schedule, champion, last_run_at: lastRunAt(this.sql, name) } : null;
  }

  /** Claims a run due now on drift, once, if the schedule is still at `revision` (see model-schedule). */
  claimDriftRun(name: string, now: number, revision: number, trigger: string): ScheduleClaim {
    return claimDriftRun(this.sql, name, now, revision, trigger, this.claimLookups(now));
  }

  private claimLookups(now: number): ClaimLookups {
    return {
      newestDataset: (dataset) => this.getDataset(dataset),
      datasetRows: (dataset, version) => this.sql.exec<{ rows: number }>('SELECT rows FROM datasets WHERE name = ? AND version = ?', dataset, version).toArray()[0]?.rows ?? null,
      champion: (model) => this.resolveModel(model),
      // A job older than the longest budget plus an hour is stuck, not running: it must not block the schedule forever.
      jobUnfinished: (jobId) =>
        this.sql.exec("SELECT 1 FROM jobs WHERE id = ? AND status IN ('queued', 'running') AND created_at > ?", jobId, new Date(now - STUCK_JOB_MS).toISOString()).toArray().length > 0,
      unfinishedJobFor: (model) =>
        this.sql
          .exec<{ id: string }>("SELECT id FROM jobs WHERE model_name = ? AND status IN ('queued', 'running') AND created_at > ? ORDER BY created_at LIMIT 1", model, new Date(now - STUCK_JOB_MS).toISOString())
          .toArray()[0]?.id ?? null,
      lastTrained: (model, dataset) => {
        const r = this.sql
          .exec<{ version: number; dv: number }>("SELECT version, json_extract(dataset, '$.version') AS dv FROM model_versions WHERE name = ? AND json_extract(dataset, '$.name') = ? ORDER BY version DESC LIMIT 1", model, dataset)
          .toArray()[0];
        return r ? { version: Number(r.version), dataset_version: Number(r.dv) } : null;
      },
      appendedFrom: (dataset, base, version) => {
        // Walks the versions back through their bases; a version uploaded whole (no base) ends the chain.
        for (let v: number | null = version; v !== null && v > base; ) {
          const row: { base_version: number | null } | undefined = this.sql.exec<{ base_version: number | null }>('SELECT base_version FROM datasets WHERE name = ? AND version = ?', dataset, v).toArray()[0];
          v = row?.base_version ?? null;
          if (v === base) return true;
        }
        return false;
      },
    };
  }

  /** Records how a claimed run (its `seq`) went on: its retraining job started, or it could not start (skipped). */
  settleScheduledRun(name: string, seq: number, outcome: { status: 'started' | 'skipped'; job_id: string | null; reason: string }): boolean {
    const now = Date.now();
    const settled = finishRun(this.sql, name, seq, outcome, now);
    // A job that ended before its run named it (a retried start finding an old job) has told its end already.
    const job = settled && outcome.job_id !== null ? this.sql.exec<{ status: string }>('SELECT status FROM jobs WHERE id = ?', outcome.job_id).toArray()[0] : undefined;
    if (job && isJobEnd(job.status)) settleRunOfJob(this.sql, outcome.job_id as string, job.status, undefined, now);
    return settled;
  }

  /**
   * A claimed run whose job could not start for a passing reason (too many unfinished jobs) waits for the
   * next tick, due again at once (see model-schedule deferRun); `revision` is the claim's.
   */
  deferScheduledRun(name: string, seq: number, revision: number, reason: string): { waiting: boolean; next_due_at: number; revision: number } | null {
    return deferRun(this.sql, name, seq, revision, reason, Date.now());
  }

  /** The version to serve: the pinned one when asked, else the champion. */
  resolveModel(name: string, version?: number): ModelVersionInfo | null {
    const rows =
      version === undefined
        ? this.sql.exec<Row>('SELECT v.*, m.task AS model_task FROM models m JOIN model_versions v ON v.name = m.name AND v.version = m.champion_version WHERE m.name = ?', name).toArray()
        : this.sql.exec<Row>('SELECT v.*, m.task AS model_task FROM model_versions v JOIN models m ON m.name = v.name WHERE v.name = ? AND v.version = ?', name, version).toArray();
    return rows.length > 0 ? toVersion(rows[0]) : null;
  }
}

function toDataset(r: Row): DatasetVersion {
  return {
    name: String(r.name),
    version: Number(r.version),
    rows: Number(r.rows),
    bytes: Number(r.bytes),
    columns: JSON.parse(String(r.columns)) as ColumnProfile[],
    raw_key: String(r.raw_key),
    data_key: String(r.data_key),
    created_at: String(r.created_at),
    ...(r.base_version !== null && r.base_version !== undefined ? { appended: { base_version: Number(r.base_version), rows: Number(r.appended_rows) } } : {}),
    ...(typeof r.warnings === 'string' ? { warnings: JSON.parse(r.warnings) as string[] } : {}),
  };
}

/**
 * Registries made before appends were recorded get the two columns (null: an uploaded version), and
 * those made before versions had warnings the warnings column (null: none).
 */
function upgradeDatasets(sql: SqlStorage): void {
  const columns = sql.exec<{ name: string }>('PRAGMA table_info(datasets)').toArray().map((c) => c.name);
  if (!columns.includes('base_version')) sql.exec('ALTER TABLE datasets ADD COLUMN base_version INTEGER');
  if (!columns.includes('appended_rows')) sql.exec('ALTER TABLE datasets ADD COLUMN appended_rows INTEGER');
  if (!columns.includes('warnings')) sql.exec('ALTER TABLE datasets ADD COLUMN warnings TEXT');
}

function toVersion(r: Row): ModelVersionInfo {
  return {
    version: Number(r.version),
    job_id: String(r.job_id),
    trial_id: String(r.trial_id),
    family: String(r.family),
    metric: String(r.metric),
    greater_is_better: Number(r.greater_is_better) === 1,
    score: Number(r.score),
    artifact_key: String(r.artifact_key),
    dataset: JSON.parse(String(r.dataset)) as { name: string; version: number },
    created_at: String(r.created_at),
    // The version's own task, or where the lookup joined it (resolveModel), the model's for a version stored undescribed.
    ...(typeof r.task === 'string' ? { task: r.task } : r.model_task !== undefined && r.model_task !== null ? { task: String(r.model_task) } : {}),
    ...(typeof r.target === 'string' ? { target: r.target } : {}),
    ...(typeof r.classes === 'string' ? { classes: JSON.parse(r.classes) as string[] } : {}),
    ...(r.advanced_from !== undefined && r.advanced_from !== null ? { advanced_from: Number(r.advanced_from) } : {}),
  };
}
