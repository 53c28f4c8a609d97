/**
 * @module durable/schedule-board
 * The one global ScheduleBoard ("global"): an index of every tenant's retraining schedules by next due
 * time, so the cron handler asks one object what is due instead of every tenant's Registry. The Registry
 * stays the source of truth (it claims runs); the board is a hint that may lag. Each entry carries the
 * Registry's schedule revision, and an update older than the entry is ignored, so a slow writer cannot
 * bring back a due time that has moved on; a removed schedule stays as a tombstone (no due time) for the
 * same reason. A stale hint heals itself: the Registry answers a claim with the real due time.
 * Entries of schedules that retrain on drift are also handed out for a drift check at each tick, a
 * bounded batch, least recently checked first, each at most once per tick time.
 */
import { DurableObject } from 'cloudflare:workers';

export interface BoardEntry {
  readonly tenant: string;
  readonly model: string;
  readonly next_due_at: number;
}

/** The instance name every caller uses. */
export const BOARD_NAME = 'global';

export class ScheduleBoard extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS entries (tenant TEXT NOT NULL, model TEXT NOT NULL, next_due_at INTEGER,
      revision INTEGER NOT NULL, PRIMARY KEY (tenant, model))`);
    this.sql.exec('CREATE INDEX IF NOT EXISTS entries_by_due ON entries (next_due_at)');
    // Boards created before drift triggers lack the two columns.
    const columns = this.sql.exec<{ name: string }>('PRAGMA table_info(entries)').toArray().map((c) => c.name);
    if (!columns.includes('watch_drift')) {
      this.sql.exec('ALTER TABLE entries ADD COLUMN watch_drift INTEGER NOT NULL DEFAULT 0');
      this.sql.exec('ALTER TABLE entries ADD COLUMN drift_checked_at INTEGER NOT NULL DEFAULT 0');
    }
    this.sql.exec('CREATE INDEX IF NOT EXISTS entries_by_drift_check ON entries (watch_drift, drift_checked_at)');
  }

  /**
   * Records a schedule's next due time (null: the schedule is gone) as of `revision`; returns false when
   * the board already holds a newer revision. `watchDrift` says whether the schedule retrains on drift
   * (set with the schedule; a claim, which cannot change it, leaves it out and the board keeps it).
   */
  set(tenant: string, model: string, nextDueAt: number | null, revision: number, watchDrift?: boolean): boolean {
    const current = this.sql.exec<{ revision: number }>('SELECT revision FROM entries WHERE tenant = ? AND model = ?', tenant, model).toArray()[0];
    if (current && current.revision > revision) return false;
    this.sql.exec(
      `INSERT INTO entries (tenant, model, next_due_at, revision, watch_drift) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant, model) DO UPDATE SET next_due_at = excluded.next_due_at, revision = excluded.revision`,
      tenant,
      model,
      nextDueAt,
      revision,
      watchDrift ? 1 : 0,
    );
    // A schedule set anew is checked at the next tick, whatever the old one's turn was.
    if (watchDrift !== undefined) this.sql.exec('UPDATE entries SET watch_drift = ?, drift_checked_at = 0 WHERE tenant = ? AND model = ?', watchDrift ? 1 : 0, tenant, model);
    return true;
  }

  /**
   * Up to `limit` schedules that retrain on drift and are not due at `now` (a due one simply runs), least
   * recently checked first; each is marked checked at `now`, so racing or retried ticks of one tick time
   * check it once.
   */
  driftChecks(now: number, limit: number): BoardEntry[] {
    return this.sql
      .exec<{ tenant: string; model: string; next_due_at: number }>(
        `UPDATE entries SET drift_checked_at = ? WHERE rowid IN (
           SELECT rowid FROM entries WHERE watch_drift = 1 AND drift_checked_at < ? AND next_due_at > ? ORDER BY drift_checked_at, tenant, model LIMIT ?)
         RETURNING tenant, model, next_due_at`,
        now,
        now,
        now,
        limit,
      )
      .toArray()
      .map((r) => ({ tenant: r.tenant, model: r.model, next_due_at: Number(r.next_due_at) }));
  }

  /** Entries due at `now`, oldest due first, at most `limit` of them. */
  due(now: number, limit: number): BoardEntry[] {
    return this.sql
      .exec<{ tenant: string; model: string; next_due_at: number }>(
        'SELECT tenant, model, next_due_at FROM entries WHERE next_due_at IS NOT NULL AND next_due_at <= ? ORDER BY next_due_at, tenant, model LIMIT ?',
        now,
        limit,
      )
      .toArray()
      .map((r) => ({ tenant: r.tenant, model: r.model, next_due_at: Number(r.next_due_at) }));
  }

  /** One entry (tests, diagnostics). */
  entry(tenant: string, model: string): (BoardEntry & { revision: number; watch_drift: boolean }) | null {
    const r = this.sql
      .exec<{ next_due_at: number | null; revision: number; watch_drift: number }>('SELECT next_due_at, revision, watch_drift FROM entries WHERE tenant = ? AND model = ?', tenant, model)
      .toArray()[0];
    return r && r.next_due_at !== null ? { tenant, model, next_due_at: Number(r.next_due_at), revision: Number(r.revision), watch_drift: r.watch_drift === 1 } : null;
  }
}
