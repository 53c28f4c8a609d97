/**
 * @module durable/cancelled-publication
 * A cancelled job publishes its best result so far (API.md: cancel keeps "the best model so far"), but
 * pressing cancel must not make the production model worse: a job cancelled after 3.5 s once replaced an
 * ensemble scoring roc_auc 0.8436 with one extra_trees trial scoring 0.8362. So inside the Registry's
 * publish transaction, a cancelled job's result over an existing champion becomes the champion only when it
 * scores better on comparable terms: the same dataset version, target, task, metric and validation
 * (durable/score-validation). Otherwise it is kept as a version beside the champion (a `kept_apart` event,
 * as publish-conflict keeps a result of another target) with how to promote it on purpose; when it does
 * replace the champion, its `published` event says which version it replaced and how to roll back. Either
 * reason reaches the job's view and the cancel answer. Retraining jobs are not decided here (a cancelled
 * one never compared, which keeps the champion: retrain-rules).
 */
import { championDescription } from './model-description';
import type { PublishRequest } from './protocol';
import { describeValidation, readValidation, sameValidation } from './score-validation';

/** Whether the cancelled job's result replaces the champion, and why, in words. */
export interface CancelledVerdict {
  readonly promote: boolean;
  readonly reason: string;
}

type Row = Record<string, SqlStorageValue>;

const score = (metric: string, value: number) => `${metric} ${value.toFixed(4)}`;

/** The verdict on version `version`, the cancelled job's result, against champion `champion` of `name`. */
export function cancelledVerdict(sql: SqlStorage, name: string, version: number, champion: number, req: PublishRequest): CancelledVerdict {
  const row = sql.exec<Row>('SELECT * FROM model_versions WHERE name = ? AND version = ?', name, champion).toArray()[0];
  const result = `its best result so far, ${req.family} (${score(req.metric, req.score)})`;
  const held = row ? `v${champion} (${String(row.family)}, ${score(String(row.metric), Number(row.score))})` : `v${champion}`;
  const dataset = `dataset "${req.dataset.name}" v${req.dataset.version}`;
  const difference = row ? differenceFrom(sql, name, row, req) : `v${champion} has no version row`;
  const theirs = row ? Number(row.score) : Number.NaN;
  if (difference === null && (req.greater_is_better ? req.score > theirs : req.score < theirs)) {
    const validation = req.validation ? ` and validation (${describeValidation(req.validation)})` : '';
    return {
      promote: true,
      reason:
        `job ${req.job_id} was cancelled, and ${result}, beats the champion ${held} on the same data (${dataset}), metric${validation}: v${version} replaced v${champion} as the champion. ` +
        `To put v${champion} back: POST /v1/models/${name}/rollback (CLI: edge-automl rollback ${name})`,
    };
  }
  const why =
    difference === null
      ? `the champion scores ${theirs === req.score ? 'as well' : 'better'} on the same data (${dataset}), metric and validation${req.validation ? ` (${describeValidation(req.validation)})` : ''}`
      : `their scores do not compare: ${difference}`;
  return {
    promote: false,
    reason:
      `job ${req.job_id} was cancelled: ${result}, is kept as v${version} beside the champion, which stays ${held}, since ${why} ` +
      `(a cancelled job's result replaces the champion only when it scores better on the same data, metric and validation). ` +
      `To make v${version} the champion on purpose: POST /v1/models/${name}/promote {"version": ${version}} (CLI: edge-automl promote ${name} ${version})`,
  };
}

/** What makes the champion's score (`row`) not compare with the job's, in words, or null when it compares. */
function differenceFrom(sql: SqlStorage, name: string, row: Row, req: PublishRequest): string | null {
  if (row.advanced_from !== null && row.advanced_from !== undefined) return `the champion is a forecaster advanced to newer data, whose score is its source's (v${Number(row.advanced_from)})`;
  const champion = championDescription(sql, name);
  if (champion && (champion.target !== req.target || champion.task !== req.task)) return `the champion predicts "${champion.target}" (${champion.task}), this job "${req.target}" (${req.task})`;
  if (String(row.metric) !== req.metric || (Number(row.greater_is_better) === 1) !== req.greater_is_better) return `the champion is scored by ${String(row.metric)}, this job by ${req.metric}`;
  const data = JSON.parse(String(row.dataset)) as { name: string; version: number };
  if (data.name !== req.dataset.name || data.version !== req.dataset.version) {
    return `the champion was validated on dataset "${data.name}" v${data.version}, this job on "${req.dataset.name}" v${req.dataset.version}`;
  }
  const theirs = readValidation(row.validation);
  if (!theirs) return `how the champion's score was measured is not recorded (versions published before it was kept)`;
  if (!req.validation) return `how this job's score was measured is not known`;
  if (!sameValidation(theirs, req.validation)) return `the champion was measured by ${describeValidation(theirs)}, this job by ${describeValidation(req.validation)}`;
  return null;
}

/**
 * The reason a cancelled job's version replaced the champion, when an earlier publication of the job did
 * (a publication repeated), read back from its `published` event; else null.
 */
export function replacementOf(sql: SqlStorage, name: string, jobId: string): string | null {
  const row = sql.exec<{ reason: string }>("SELECT reason FROM model_events WHERE name = ? AND job_id = ? AND kind = 'published' ORDER BY seq LIMIT 1", name, jobId).toArray()[0];
  const marker = `job ${jobId} was cancelled, and `;
  const at = row ? String(row.reason).indexOf(marker) : -1;
  return at < 0 ? null : String(row.reason).slice(at);
}
