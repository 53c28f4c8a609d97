/**
 * @module durable/champion-advance
 * Registering a forecast champion advanced to a retraining job's data (protocol ChampionAdvance), inside
 * the Registry's publish transaction, when the job's challenger is kept out: the advance becomes a new
 * version, the next after the challenger's (its fitted model, job, trial and score the champion's; its
 * artifact the advanced envelope; its dataset the job's, whose newest points its series now end at;
 * marked `advanced_from` the champion), the champion pointer moves to it and an `advanced` event says
 * what moved. History stays immutable: the champion's own version keeps its artifact, so a client pinned
 * to it gets exactly what it got before, and a rollback returns to it. An advance of a champion replaced
 * since, or one that moved no series, registers nothing; the kept challenger's event says why (advanceNote).
 */
import type { AdvanceRecord } from './model-history';
import { recordEvent } from './model-history';
import { installChampion } from './model-description';
import { insertVersion } from './model-version-table';
import type { ChampionAdvance } from './protocol';

/** The champion and the job behind an advance. */
export interface AdvanceContext {
  readonly name: string;
  /** The champion now (the advance counts only if it advanced this version). */
  readonly champion: number;
  /** The number the advance gets. */
  readonly version: number;
  readonly job_id: string;
  readonly dataset: { readonly name: string; readonly version: number };
  readonly at: string;
}

/** Whether an advance can be registered against the champion now in place. */
export function usableAdvance(advance: ChampionAdvance | undefined, champion: number): advance is ChampionAdvance & { artifact_key: string } {
  return advance !== undefined && advance.artifact_key !== null && advance.from_version === champion;
}

/** What the kept challenger's event adds about the champion's advance ('' for a job without one). */
export function advanceNote(advance: ChampionAdvance | undefined, champion: number, version: number): string {
  if (!advance) return '';
  if (advance.from_version !== champion) return `; champion v${advance.from_version} was advanced to the new data, but the champion became v${champion} meanwhile, so the advance is dropped`;
  if (advance.artifact_key === null) return `; champion v${champion} was not advanced to the new data: ${advance.reason}`;
  return `; champion v${champion} is advanced to the newest points as v${version}`;
}

/**
 * Writes the advance as version `ctx.version` and makes it the champion, with its `advanced` event (no
 * await: part of the caller's transaction). The champion's row must exist (it is the champion).
 */
export function registerAdvance(sql: SqlStorage, ctx: AdvanceContext, advance: ChampionAdvance & { artifact_key: string }): void {
  const source = sql.exec<Record<string, SqlStorageValue>>('SELECT * FROM model_versions WHERE name = ? AND version = ?', ctx.name, ctx.champion).one();
  insertVersion(sql, ctx.name, ctx.version, {
    job_id: String(source.job_id),
    trial_id: String(source.trial_id),
    family: String(source.family),
    metric: String(source.metric),
    greater_is_better: Number(source.greater_is_better) === 1,
    score: Number(source.score),
    artifact_key: advance.artifact_key,
    dataset: ctx.dataset,
    created_at: ctx.at,
    advanced_from: ctx.champion,
    // The same fitted model: what the champion predicts (undescribed if the champion was stored so).
    ...(typeof source.task === 'string' && typeof source.target === 'string' && typeof source.classes === 'string'
      ? { task: source.task, target: source.target, classes: JSON.parse(source.classes) as string[] }
      : {}),
  });
  installChampion(sql, ctx.name, ctx.version, ctx.at);
  const record: AdvanceRecord = { from_version: ctx.champion, dataset: ctx.dataset, series: advance.series, left: advance.left, left_count: advance.left_count, ...(advance.fallback_groups ? { fallback_groups: advance.fallback_groups } : {}) };
  recordEvent(sql, ctx.name, {
    at: ctx.at,
    kind: 'advanced',
    version: ctx.version,
    previous_version: ctx.champion,
    job_id: ctx.job_id,
    reason: `champion v${ctx.champion} stays and forecasts from the newest points of ${ctx.dataset.name} v${ctx.dataset.version} as v${ctx.version} (the same fitted model): ${advance.reason}`,
    advance: record,
  });
}

/** The version an earlier publication of this job advanced the champion to, or null (for a publication repeated). */
export function advanceOfJob(sql: SqlStorage, name: string, jobId: string): { version: number; from_version: number } | null {
  const row = sql.exec<{ version: number; previous_version: number }>("SELECT version, previous_version FROM model_events WHERE name = ? AND job_id = ? AND kind = 'advanced' ORDER BY seq LIMIT 1", name, jobId).toArray()[0];
  return row ? { version: Number(row.version), from_version: Number(row.previous_version) } : null;
}
