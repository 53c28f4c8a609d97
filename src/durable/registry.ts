/**
 * @module durable/registry
 * One Registry per tenant: the catalogue of what the tenant owns, a thin RPC facade over its SQLite
 * tables (each kept by its own module). Responsibilities:
 * - dataset versions (immutable; a version becomes visible only once its files are in R2: dataset-table),
 *   and the forecast models reading a dataset's series (dataset-forecasters);
 * - jobs (id, dataset, status summary) for listing (job-rows);
 * - models: published versions with their metrics, what each predicts and the job that made each, and
 *   the champion pointer, which changes in one SQLite transaction with the model's description (its
 *   task, target, classes and metric: the champion's, see model-description), so predictions never see a
 *   half-published model and the model always describes the champion it serves (model-publish for a job's
 *   result, promote and rollback here; model-reads for what is answered about them);
 * - retraining schedules (model-schedule, with what a claim reads in schedule-lookups): claiming due runs
 *   (on time, or early on drift), and the champion/challenger decision when a retraining job publishes
 *   (retrain-rules), with a forecast champion that stays advanced to the job's data as a new version
 *   (champion-advance);
 * - deleting a model whole, refused while a job may still publish to it (model-deletion).
 */
import { DurableObject } from 'cloudflare:workers';
import { classifiersOf, type DatasetClassifier } from './dataset-classifiers';
import { type DatasetForecaster, forecastersOf } from './dataset-forecasters';
import { appendedFrom, DATASETS_DDL, datasetRows, type DatasetVersion, type HiddenDataset, hideDataset, insertDatasetVersion, listDatasetRows, newestVisibleVersion, readDataset, readDatasetRecord, upgradeDatasets } from './dataset-table';
import { deleteVersionRow, type VersionDeletion } from './version-deletion';
import { DERIVED_BUILDS_DDL, finishDerivedBuild, HOLD_MS, versionsNeededByBuilds } from './derived-builds';
import { JOBS_DDL, type JobSummary, rivalOf, STUCK_JOB_MS, toJob, unfinishedJobs, upgradeJobs } from './job-rows';
import { DELETED_MODELS_DDL, deleteModelRows, type ModelDeletion } from './model-deletion';
import { listEvents, MODEL_EVENTS_DDL, recordEvent, rollbackTarget, upgradeModelEvents } from './model-history';
import { describeChampion, installChampion, learnVersionDescription } from './model-description';
import { publishVersion } from './model-publish';
import { championOf, listModelRows, type ModelInfo, type ModelListEntry, type ModelVersionInfo, readModel, resolveVersion } from './model-reads';
import { MODEL_VERSIONS_DDL, upgradeModelVersions } from './model-version-table';
import { claimDriftRun, claimDueRun, deferRun, dropSchedule, finishRun, lastRunAt, listRuns, noteRunJob, readSchedule, SCHEDULE_DDL, skipEarlyRun, type FreshRows, type Schedule, type ScheduleClaim, type ScheduleRun, type ScheduleSpec, upgradeScheduleRuns, writeSchedule } from './model-schedule';
import type { ChallengeOutcome, JobStatusName, PublishRequest, PublishResult } from './protocol';
import { isJobEnd, settleRunOfJob } from './schedule-run-outcome';
import { scheduleClaimLookups } from './schedule-lookups';

export type { DatasetVersion } from './dataset-table';
export type { JobSummary } from './job-rows';
export type { ModelInfo, ModelVersionInfo } from './model-reads';

/** Outcome of moving the champion pointer by hand. */
export type PointerChange =
  | { readonly ok: true; readonly champion_version: number; readonly previous_version: number }
  | { readonly ok: false; readonly code: 'model_not_found' | 'model_version_not_found' | 'nothing_to_roll_back' }
  // A request that named the champion it expected (`from_version`) while another one serves: nothing moved.
  | { readonly ok: false; readonly code: 'champion_changed'; readonly champion_version: number };

const SCHEMA = [
  DATASETS_DDL,
  JOBS_DDL,
  `CREATE TABLE IF NOT EXISTS models (name TEXT PRIMARY KEY, task TEXT NOT NULL, target TEXT NOT NULL, classes TEXT NOT NULL,
     metric TEXT NOT NULL, greater_is_better INTEGER NOT NULL, champion_version INTEGER NOT NULL, updated_at TEXT NOT NULL)`,
  MODEL_VERSIONS_DDL,
  MODEL_EVENTS_DDL,
  ...SCHEDULE_DDL,
  DELETED_MODELS_DDL,
  DERIVED_BUILDS_DDL,
];

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
    return insertDatasetVersion(this.sql, name, v);
  }

  /**
   * Registers a version that appends rows to version `base`, only while `base` is still the newest
   * visible version: of two appends made from the same base, the second would otherwise drop the first
   * one's rows. Null when another version came first (the caller answers 409 and the client sends again).
   */
  addDatasetVersionAfter(name: string, base: number, v: Omit<DatasetVersion, 'name' | 'version'>): DatasetVersion | null {
    return newestVisibleVersion(this.sql, name) === base ? insertDatasetVersion(this.sql, name, v) : null;
  }

  getDataset(name: string, version?: number): DatasetVersion | null {
    return readDataset(this.sql, name, version);
  }

  /** A champion's training data's record, deleted or not (dataset-table readDatasetRecord): its columns. */
  getTrainingDataRecord(name: string, version: number): DatasetVersion | null {
    return readDatasetRecord(this.sql, name, version);
  }

  /**
   * The rows of dataset `name` v`version` appended since v`base` (one append or several), or null when it
   * did not grow from `base` by appends: a job challenging a champion trained on `base` holds out half of
   * them, rows the champion never saw, as a scheduled run does (worker/job-challenge).
   */
  rowsAppendedSince(name: string, base: number, version: number): FreshRows | null {
    const [before, after] = [datasetRows(this.sql, name, base), datasetRows(this.sql, name, version)];
    if (version === base || before === null || after === null || !appendedFrom(this.sql, name, base, version)) return null;
    return { from_row: before, rows: after - before };
  }

  /** The classification models whose schedule or champion reads dataset `name` (an append names classes they never predicted). */
  classifiersOf(name: string): DatasetClassifier[] {
    return classifiersOf(this.sql, name);
  }

  /** The forecast models whose schedule or champion reads dataset `name` (an append must not repeat their series' points). */
  forecastersOf(name: string): DatasetForecaster[] {
    return forecastersOf(this.sql, name);
  }

  listDatasets(): { name: string; latest_version: number; rows: number; created_at: string }[] {
    return listDatasetRows(this.sql);
  }

  /**
   * Hides every version of a dataset; returns the object keys the caller should delete, now and once the
   * derived data still being built from them is (durable/derived-builds), or the job still training on it
   * (its trials read the data until it ends), in which case nothing is deleted.
   */
  deleteDataset(name: string): HiddenDataset | { readonly in_use_by: string } | null {
    const now = Date.now();
    return hideDataset(this.sql, name, now - STUCK_JOB_MS, now - HOLD_MS);
  }

  /** Whether builds of derived data begun within the hold still need these versions of a (deleted) dataset. */
  datasetStillNeeded(name: string, versions: readonly number[]): boolean {
    const wanted = new Set(versions);
    return versionsNeededByBuilds(this.sql, name, Date.now() - HOLD_MS).some((v) => wanted.has(v));
  }

  /** A published version's derived data is built, or never will be: it holds its training data no longer. */
  derivedBuildEnded(model: string, version: number): void {
    finishDerivedBuild(this.sql, model, version);
  }

  // ---- jobs -----------------------------------------------------------------------------------

  /**
   * Records a job unless the tenant already has `maxActive` unfinished ones: counted and inserted in one
   * synchronous step, so simultaneous creations cannot all pass the count. Returns the count refused at.
   * An `exclusive` job (one that may not replace another job's model: worker/rival-jobs) is also refused,
   * in the same step, when an unfinished job will publish to its model name with another target or task
   * (a task unknown for jobs recorded before it was kept): that job is returned. A job given the
   * `datasetVersion` it reads is refused when that version was deleted since the caller read it (the
   * dataset's deletion refuses while a recorded job trains on it, so one of the two steps wins).
   */
  recordJobWithin(
    job: JobSummary,
    maxActive: number,
    exclusive = false,
    datasetVersion?: number,
  ): { recorded: true } | { recorded: false; active: number } | { recorded: false; rival: JobSummary } | { recorded: false; dataset_deleted: true } {
    if (datasetVersion !== undefined && !this.sql.exec('SELECT 1 FROM datasets WHERE name = ? AND version = ? AND deleted = 0', job.dataset, datasetVersion).toArray().length) {
      return { recorded: false, dataset_deleted: true };
    }
    // A job older than the longest budget is stuck, not running (job-rows STUCK_JOB_MS): it holds no slot.
    const since = new Date(Date.now() - STUCK_JOB_MS).toISOString();
    const active = Number(this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running') AND created_at > ?", since).one().n);
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

  /**
   * Removes the row of a job whose coordinator never took it (worker/hand-off-job); a job that started keeps
   * its row. `createdBefore` (ISO time): only a row recorded before it, so that a job still being handed off
   * is left alone. True when a row was removed.
   */
  forgetUnstartedJob(id: string, createdBefore?: string): boolean {
    const cursor = createdBefore === undefined
      ? this.sql.exec("DELETE FROM jobs WHERE id = ? AND status = 'queued'", id)
      : this.sql.exec("DELETE FROM jobs WHERE id = ? AND status = 'queued' AND created_at < ?", id, createdBefore);
    return cursor.rowsWritten > 0;
  }

  /**
   * Removes the row of a job whose hand-off failed without reaching its coordinator (marked failed by
   * worker/hand-off-job, which holds nothing of it), so the run with its fixed id can create it again.
   */
  forgetFailedHandOff(id: string): boolean {
    return this.sql.exec("DELETE FROM jobs WHERE id = ? AND status = 'failed'", id).rowsWritten > 0;
  }

  /** The job's coordinator has started it; a job already finished keeps its status. */
  jobStarted(id: string): void {
    this.sql.exec("UPDATE jobs SET status = 'running' WHERE id = ? AND status = 'queued'", id);
  }

  hasJob(id: string): boolean {
    return this.sql.exec('SELECT 1 FROM jobs WHERE id = ?', id).toArray().length > 0;
  }

  listJobs(): JobSummary[] {
    return this.sql.exec<Record<string, SqlStorageValue>>('SELECT * FROM jobs ORDER BY created_at DESC, id DESC').toArray().map(toJob);
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
    return publishVersion(this.sql, name, req, challenge);
  }

  /**
   * Makes `version` the champion, the model's description its (atomically, with its history row; a
   * version stored undescribed is described from its artifact first, see model-description).
   */
  async promote(name: string, version: number, reason = 'promoted by request', fromVersion?: number): Promise<PointerChange> {
    await learnVersionDescription(this.sql, this.env.STORE, name, version);
    const previous = championOf(this.sql, name);
    if (previous === null) return { ok: false, code: 'model_not_found' };
    if (this.sql.exec('SELECT 1 FROM model_versions WHERE name = ? AND version = ?', name, version).toArray().length === 0) return { ok: false, code: 'model_version_not_found' };
    if (fromVersion !== undefined && fromVersion !== previous) return { ok: false, code: 'champion_changed', champion_version: previous };
    // Already the champion: nothing moves, and no "promoted v1 -> v1" event for a later rollback to undo;
    // its description is written again (a pointer moved before versions were described may have left it behind).
    if (version !== previous) this.movePointer(name, version, previous, 'promoted', reason);
    else describeChampion(this.sql, name, version);
    return { ok: true, champion_version: version, previous_version: previous };
  }

  /**
   * Restores the champion that preceded the current one (see rollbackTarget), and its description. With
   * `fromVersion`, only while that version is the champion: two clients rolling back the same bad release
   * step back once, not twice.
   */
  async rollback(name: string, reason = 'rolled back by request', fromVersion?: number): Promise<PointerChange> {
    const before = this.rollbackStep(name, fromVersion);
    if (before.ok) await learnVersionDescription(this.sql, this.env.STORE, name, before.champion_version);
    // Read again after the artifact: the pointer may have moved meanwhile, and then the step is another one.
    const step = this.rollbackStep(name, fromVersion);
    if (step.ok) this.movePointer(name, step.champion_version, step.previous_version, 'rolled_back', reason);
    return step;
  }

  private rollbackStep(name: string, fromVersion: number | undefined): PointerChange {
    const current = championOf(this.sql, name);
    if (current === null) return { ok: false, code: 'model_not_found' };
    if (fromVersion !== undefined && fromVersion !== current) return { ok: false, code: 'champion_changed', champion_version: current };
    const kept = new Set(this.sql.exec<{ version: number }>('SELECT version FROM model_versions WHERE name = ?', name).toArray().map((r) => Number(r.version)));
    const target = rollbackTarget(listEvents(this.sql, name), current, (v) => kept.has(v));
    if (target === null) return { ok: false, code: 'nothing_to_roll_back' };
    return { ok: true, champion_version: target, previous_version: current };
  }

  /** Moves the pointer and rewrites the model's description from the new champion, with the history row (no await: one transaction). */
  private movePointer(name: string, version: number, previous: number, kind: 'promoted' | 'rolled_back', reason: string): void {
    const now = new Date().toISOString();
    installChampion(this.sql, name, version, now);
    recordEvent(this.sql, name, { at: now, kind, version, previous_version: previous, job_id: null, reason });
  }

  /** Deletes one version that is not the champion (durable/version-deletion); the caller deletes its files. */
  deleteVersion(name: string, version: number): VersionDeletion {
    return deleteVersionRow(this.sql, name, version, Date.now());
  }

  getModel(name: string): ModelInfo | null {
    return readModel(this.sql, name);
  }

  listModels(): ModelListEntry[] {
    return listModelRows(this.sql);
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

  private claimLookups(now: number) {
    return scheduleClaimLookups(this.sql, now - STUCK_JOB_MS);
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
   * A claimed run whose job could not start for a passing reason (too many unfinished jobs, storage not
   * answering) waits for the next tick, due again at once (see model-schedule deferRun); `revision` and
   * `claimedAt` are the claim's.
   */
  deferScheduledRun(name: string, seq: number, revision: number, reason: string, claimedAt: number): { waiting: boolean; next_due_at: number; board_due_at: number; revision: number } | null {
    return deferRun(this.sql, name, seq, revision, reason, claimedAt, Date.now());
  }

  /** The job a claimed run is about to start (model-schedule noteRunJob). */
  noteScheduledRunJob(name: string, seq: number, jobId: string): boolean {
    return noteRunJob(this.sql, name, seq, jobId);
  }

  /** A run claimed early on drift whose job could not start: skipped, the schedule due when it was before (model-schedule skipEarlyRun). */
  skipEarlyScheduledRun(name: string, seq: number, revision: number, dueAt: number, reason: string): { next_due_at: number; revision: number } | null {
    return skipEarlyRun(this.sql, name, seq, revision, dueAt, reason, Date.now());
  }

  /** The version to serve: the pinned one when asked, else the champion. */
  resolveModel(name: string, version?: number): ModelVersionInfo | null {
    return resolveVersion(this.sql, name, version);
  }
}
