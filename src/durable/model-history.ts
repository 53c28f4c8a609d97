/**
 * @module durable/model-history
 * A model's history inside its tenant's Registry: every change of the champion pointer (a job publishing
 * a version, a promotion, a rollback, a forecast champion advanced to newer data) and every lifecycle
 * decision that changed nothing (a challenger kept out, a job's result kept apart from a champion of
 * another target or task, or from a better champion by a cancel, a scheduled retraining skipped) is one
 * row, in order. Rollback reads it to find the champion before the current one; GET /v1/models/{model} shows it.
 * A champion/challenger decision also carries both holdout scores as data (`comparison`), and an advance
 * what it moved (`advance`), so clients need not parse the reason.
 */
import type { FallbackGroupsAdvance, NewSeries, PromotionRule, ScoreDifference } from './protocol';

/**
 * kept_apart: a job's result stored as a version, not the champion, since the champion became another
 * target or task while it ran (publish-conflict), or since the job was cancelled and its result does not
 * beat the champion on the same data, metric and validation (cancelled-publication).
 */
export type ModelEventKind = 'published' | 'promoted' | 'rolled_back' | 'challenger_kept' | 'kept_apart' | 'advanced' | 'retrain_started' | 'retrain_skipped' | 'version_deleted';

export interface ModelEvent {
  readonly at: string;
  readonly kind: ModelEventKind;
  /** The version the event is about (the new champion for pointer changes, the challenger when kept out). */
  readonly version: number | null;
  /** The champion before the event, for pointer changes. */
  readonly previous_version: number | null;
  readonly job_id: string | null;
  /** Why, in words (scores compared, rows added, who asked). */
  readonly reason: string;
  /** The champion/challenger comparison behind the event, when there was one. */
  readonly comparison?: ChallengeComparison;
  /** What an `advanced` event moved. */
  readonly advance?: AdvanceRecord;
  /**
   * A `retrain_skipped` event standing for this many scheduled runs in a row skipped for the same cause
   * (recordSkip), the first at `first_at`, the latest at `at` (its reason names the latest's due time).
   * Absent: one run.
   */
  readonly repeats?: number;
  readonly first_at?: string;
}

/**
 * A forecast champion advanced to a retraining job's data (the event's version is the advance, its
 * previous_version the champion advanced): the same fitted model, each series' forecast starting after
 * its newest point in that data.
 */
export interface AdvanceRecord {
  readonly from_version: number;
  /** The data the series were advanced with (the retraining job's). */
  readonly dataset: { readonly name: string; readonly version: number };
  /** Series moved to their newest points. */
  readonly series: number;
  /** Series left as they were (their data did not continue them), at most the first 20, with why. */
  readonly left: readonly { readonly group: string; readonly reason: string }[];
  readonly left_count: number;
  /** The groups a simple rule forecasts: how many moved, and those left with why (absent: the champion keeps none). */
  readonly fallback_groups?: FallbackGroupsAdvance;
}

/** Both models scored on the retraining job's held-out rows, with the rule that decided. */
export interface ChallengeComparison {
  readonly metric: string;
  readonly greater_is_better: boolean;
  /** Null when the comparison failed before a score was computed. */
  readonly challenger_score: number | null;
  readonly champion_score: number | null;
  readonly champion_version: number | null;
  readonly holdout_rows: number | null;
  readonly margin: number;
  readonly margin_kind: 'absolute' | 'relative';
  readonly promoted: boolean;
  /**
   * Why a score is null: the comparison failed, or the champion cannot forecast the held-out points (a
   * forecast covariate category it was not trained with), which promotes a challenger that can. Absent
   * in comparisons with both scores, and in those recorded before it was added.
   */
  readonly reason?: string;
  /** challenger − champion with its 90% paired-bootstrap interval (table comparisons recorded since it was added). */
  readonly difference?: ScoreDifference;
  /** The promotion rule that decided (absent: recorded before it was added, when the margin alone decided). */
  readonly promotion?: PromotionRule;
  /**
   * Held-out series the champion never saw (a forecast): with both scores, they are over the series both
   * know and the challenger needed only not to be worse there by more than the margin. Absent otherwise,
   * and in comparisons recorded before it was added.
   */
  readonly new_series?: NewSeries;
}

export const MODEL_EVENTS_DDL = `CREATE TABLE IF NOT EXISTS model_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, at TEXT NOT NULL,
  kind TEXT NOT NULL, version INTEGER, previous_version INTEGER, job_id TEXT, reason TEXT NOT NULL, comparison TEXT, advance TEXT, repeats INTEGER, first_at TEXT)`;

/** Adds the columns later versions introduced to a table created before them (SQLite has no ADD COLUMN IF NOT EXISTS). */
export function upgradeModelEvents(sql: SqlStorage): void {
  const columns = sql.exec<{ name: string }>('PRAGMA table_info(model_events)').toArray().map((c) => c.name);
  if (!columns.includes('comparison')) sql.exec('ALTER TABLE model_events ADD COLUMN comparison TEXT');
  if (!columns.includes('advance')) sql.exec('ALTER TABLE model_events ADD COLUMN advance TEXT');
  if (!columns.includes('repeats')) sql.exec('ALTER TABLE model_events ADD COLUMN repeats INTEGER');
  if (!columns.includes('first_at')) sql.exec('ALTER TABLE model_events ADD COLUMN first_at TEXT');
}

/**
 * Records a skipped scheduled run. When the model's latest event is a skip for the same `cause`, that
 * event is updated in place (counted in `repeats`, its time and reason the latest run's) instead of a new
 * one added: a 5-minute schedule with nothing new to learn skips 288 times a day, and the history (read
 * whole by the model view and by rollback) would grow by as many rows, forever.
 */
export function recordSkip(sql: SqlStorage, name: string, at: string, reason: string, cause: string): void {
  const last = sql.exec<{ seq: number; kind: string; reason: string; repeats: number | null; first_at: string | null; at: string }>('SELECT seq, kind, reason, repeats, first_at, at FROM model_events WHERE name = ? ORDER BY seq DESC LIMIT 1', name).toArray()[0];
  if (last && last.kind === 'retrain_skipped' && last.reason.endsWith(`: ${cause}`)) {
    sql.exec('UPDATE model_events SET at = ?, reason = ?, repeats = ?, first_at = ? WHERE seq = ?', at, reason, (last.repeats ?? 1) + 1, last.first_at ?? last.at, last.seq);
    return;
  }
  recordEvent(sql, name, { at, kind: 'retrain_skipped', version: null, previous_version: null, job_id: null, reason });
}

export function recordEvent(sql: SqlStorage, name: string, e: Omit<ModelEvent, 'at'> & { at?: string }): void {
  sql.exec(
    'INSERT INTO model_events (name, at, kind, version, previous_version, job_id, reason, comparison, advance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    name,
    e.at ?? new Date().toISOString(),
    e.kind,
    e.version,
    e.previous_version,
    e.job_id,
    e.reason,
    e.comparison ? JSON.stringify(e.comparison) : null,
    e.advance ? JSON.stringify(e.advance) : null,
  );
}

/**
 * The version job `jobId` published to model `name`, from the history (which outlives a deleted version);
 * null when it published none. A champion advanced for the job is not its version (its event is another kind).
 */
export function versionPublishedBy(sql: SqlStorage, name: string, jobId: string): number | null {
  const row = sql
    .exec<{ version: number }>("SELECT version FROM model_events WHERE name = ? AND job_id = ? AND kind IN ('published', 'kept_apart', 'challenger_kept') AND version IS NOT NULL ORDER BY seq LIMIT 1", name, jobId)
    .toArray()[0];
  return row ? Number(row.version) : null;
}

export function listEvents(sql: SqlStorage, name: string): ModelEvent[] {
  return sql
    .exec<Record<string, SqlStorageValue>>('SELECT * FROM model_events WHERE name = ? ORDER BY seq', name)
    .toArray()
    .map((r) => ({
      at: String(r.at),
      kind: String(r.kind) as ModelEventKind,
      version: r.version === null ? null : Number(r.version),
      previous_version: r.previous_version === null ? null : Number(r.previous_version),
      job_id: r.job_id === null ? null : String(r.job_id),
      reason: String(r.reason),
      ...(typeof r.comparison === 'string' ? { comparison: JSON.parse(r.comparison) as ChallengeComparison } : {}),
      ...(typeof r.advance === 'string' ? { advance: JSON.parse(r.advance) as AdvanceRecord } : {}),
      ...(r.repeats !== null && r.repeats !== undefined ? { repeats: Number(r.repeats), first_at: String(r.first_at) } : {}),
    }));
}

const POINTER_KINDS: readonly ModelEventKind[] = ['published', 'promoted', 'rolled_back', 'advanced'];

/**
 * The version to roll back to: walking the pointer changes back from the newest, the champion that
 * preceded the current one. A rollback itself moves the pointer, so rolling back twice walks further
 * back rather than flipping between two versions: each step undoes the change that installed the
 * current champion, skipping changes that were themselves undone.
 */
export function rollbackTarget(events: readonly ModelEvent[], champion: number, exists: (version: number) => boolean = () => true): number | null {
  const changes = events.filter((e) => POINTER_KINDS.includes(e.kind) && e.version !== null);
  // Replay as a stack: a change pushes the version it installed, a rollback pops back to its target.
  const stack: number[] = [];
  for (const e of changes) {
    if (e.kind === 'rolled_back') {
      while (stack.length > 0 && stack[stack.length - 1] !== e.version) stack.pop();
      if (stack.length === 0) stack.push(e.version as number);
    } else {
      stack.push(e.version as number);
    }
  }
  if (stack[stack.length - 1] !== champion) return null;
  // A version deleted since (./version-deletion) is stepped over: the one before it is restored.
  for (let i = stack.length - 2; i >= 0; i--) if (stack[i] !== champion && exists(stack[i])) return stack[i];
  return null;
}
