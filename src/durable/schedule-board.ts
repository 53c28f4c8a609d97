/**
 * @module durable/schedule-board
 * The one global ScheduleBoard ("global"): an index of every tenant's retraining schedules by next due
 * time, so the cron handler asks one object what is due instead of every tenant's Registry. The Registry
 * stays the source of truth (it claims runs); the board is a hint that may lag. Each entry carries the
 * Registry's schedule revision, and an update older than the entry is ignored, so a slow writer cannot
 * bring back a due time that has moved on; a removed schedule stays as a tombstone (no due time) for the
 * same reason. A stale hint heals itself: the Registry answers a claim with the real due time.
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
  }

  /**
   * Records a schedule's next due time (null: the schedule is gone) as of `revision`; returns false when
   * the board already holds a newer revision.
   */
  set(tenant: string, model: string, nextDueAt: number | null, revision: number): boolean {
    const current = this.sql.exec<{ revision: number }>('SELECT revision FROM entries WHERE tenant = ? AND model = ?', tenant, model).toArray()[0];
    if (current && current.revision > revision) return false;
    this.sql.exec(
      `INSERT INTO entries (tenant, model, next_due_at, revision) VALUES (?, ?, ?, ?)
       ON CONFLICT (tenant, model) DO UPDATE SET next_due_at = excluded.next_due_at, revision = excluded.revision`,
      tenant,
      model,
      nextDueAt,
      revision,
    );
    return true;
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
  entry(tenant: string, model: string): (BoardEntry & { revision: number }) | null {
    const r = this.sql.exec<{ next_due_at: number | null; revision: number }>('SELECT next_due_at, revision FROM entries WHERE tenant = ? AND model = ?', tenant, model).toArray()[0];
    return r && r.next_due_at !== null ? { tenant, model, next_due_at: Number(r.next_due_at), revision: Number(r.revision) } : null;
  }
}
