/**
 * @module durable/drift-monitor
 * One DriftMonitor per tenant and model (named by driftMonitorName): the live drift counts of the model's
 * versions, merged per version and per hour. Isolates flush small sketches here every few seconds
 * (worker/drift-sampler); the drift route reads the sum over a window of hours. A sketch is a few hundred
 * numbers whatever the traffic, so an hour's row stays tiny, and rows older than RETENTION_HOURS whole
 * hours (a window's longest reach, besides the current hour) are dropped on each write. Counts are keyed
 * by the reference layout too: counts binned against one set of bins are never added to counts of another.
 * Deleting the model forgets every count (forget).
 */
import { DurableObject } from 'cloudflare:workers';
import { mergeCounts, parseSketchCounts, type SketchCounts } from '../engine';

export const HOUR_MS = 3_600_000;
/** How far back counts are kept: 7 days of hourly buckets. */
export const RETENTION_HOURS = 7 * 24;

/** The Durable Object name of a model's monitor (JSON, so no tenant or model name can collide). */
export const driftMonitorName = (tenant: string, model: string) => JSON.stringify([tenant, model]);

/** Counts over a window of whole hours before the current one, the current one so far included. */
export interface DriftWindow {
  /** Start of the oldest hour in the window, ISO-8601 UTC. */
  readonly from: string;
  /** Now, ISO-8601 UTC. */
  readonly to: string;
  /** The summed counts; null when nothing was recorded in the window. */
  readonly counts: SketchCounts | null;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS drift_hours (version INTEGER NOT NULL, layout TEXT NOT NULL, hour INTEGER NOT NULL,
  sketch TEXT NOT NULL, PRIMARY KEY (version, layout, hour))`;

type Row = { sketch: string };

export class DriftMonitor extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  /** Adds a flushed sketch of `version` to the current hour (read, merge and write with no await: atomic). */
  record(version: number, sketch: SketchCounts): void {
    const incoming = parseSketchCounts(sketch);
    if (!(Number.isInteger(version) && version > 0)) throw new RangeError(`version must be a positive integer, got ${version}`);
    const hour = Math.floor(Date.now() / HOUR_MS);
    const rows = this.sql.exec<Row>('SELECT sketch FROM drift_hours WHERE version = ? AND layout = ? AND hour = ?', version, incoming.layout, hour).toArray();
    const merged = rows.length > 0 ? mergeCounts(JSON.parse(rows[0].sketch) as SketchCounts, incoming) : incoming;
    this.sql.exec('INSERT OR REPLACE INTO drift_hours (version, layout, hour, sketch) VALUES (?, ?, ?, ?)', version, incoming.layout, hour, JSON.stringify(merged));
    // The longest window reads RETENTION_HOURS whole hours before the current one.
    this.sql.exec('DELETE FROM drift_hours WHERE hour < ?', hour - RETENTION_HOURS);
  }

  /** Drops every count (the model was deleted); returns how many hourly rows went. */
  forget(): number {
    return this.sql.exec('DELETE FROM drift_hours').rowsWritten;
  }

  /**
   * The counts of `version` (against `layout`) over the last `hours` hours (0 to RETENTION_HOURS): that many
   * whole hours before the current one, and the current one so far. Counts are kept by the hour, so the
   * window covers at least the hours asked for (less than one more); read at 10:02, `hours: 1` counts from
   * 09:00, not only the two minutes since 10:00. `hours: 0` (a drift check right after a run on the hour)
   * counts the current hour alone.
   */
  window(version: number, layout: string, hours: number): DriftWindow {
    const span = Math.min(RETENTION_HOURS, Math.max(0, Math.floor(hours)));
    const now = Date.now();
    const first = Math.floor(now / HOUR_MS) - span;
    const rows = this.sql.exec<Row>('SELECT sketch FROM drift_hours WHERE version = ? AND layout = ? AND hour >= ? ORDER BY hour', version, layout, first).toArray();
    let counts: SketchCounts | null = null;
    for (const r of rows) {
      const s = JSON.parse(r.sketch) as SketchCounts;
      counts = counts ? mergeCounts(counts, s) : s;
    }
    return { from: new Date(first * HOUR_MS).toISOString(), to: new Date(now).toISOString(), counts };
  }
}
