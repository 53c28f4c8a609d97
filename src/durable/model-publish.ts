/**
 * @module durable/model-publish
 * A finished job's result becoming a model version inside its tenant's Registry, in one synchronous
 * SQLite transaction (no await), so predictions never see a half-published model. The version is always
 * recorded; whether the champion pointer moves to it is decided here: a retraining job's comparison with
 * the champion (retrain-rules), with a forecast champion kept and advanced to the job's data
 * (champion-advance); a result of another target or task than a champion put in place while the job ran
 * is kept apart (publish-conflict); a cancelled job's result over a champion becomes the champion only
 * when it beats it on the same data, metric and validation, else it is kept apart too
 * (cancelled-publication); any other result becomes the champion, and the model's description its
 * (model-description).
 */
import { cancelledVerdict, replacementOf } from './cancelled-publication';
import { advanceNote, advanceOfJob, registerAdvance, usableAdvance } from './champion-advance';
import { recordDerivedBuild } from './derived-builds';
import { lastDeletedVersion } from './model-deletion';
import { recordEvent, versionPublishedBy } from './model-history';
import { championOf } from './model-reads';
import { insertVersion, versionOfJob } from './model-version-table';
import type { ChallengeOutcome, PublishRequest, PublishResult } from './protocol';
import { keptApartOf, keptApartReason } from './publish-conflict';
import { decideChallenge } from './retrain-rules';

/**
 * Publishes the job's result to model `name` (see the module comment). Idempotent per job: publishing
 * the same job again returns the version it already made, with what was decided then.
 */
export function publishVersion(sql: SqlStorage, name: string, req: PublishRequest, challenge?: ChallengeOutcome): PublishResult {
  const existing = versionOfJob(sql, name, req.job_id);
  if (existing !== null) {
    const advanced = advanceOfJob(sql, name, req.job_id);
    const reason = keptApartOf(sql, name, req.job_id) ?? (req.cancelled ? replacementOf(sql, name, req.job_id) : null);
    return { version: existing, promoted: championOf(sql, name) === existing, ...(reason ? { reason } : {}), ...(advanced ? { advanced } : {}) };
  }
  // Published, then that version deleted by request before this call again (a retry whose first answer was
  // lost): publishing anew would make a version of the deleted files, possibly the champion.
  const deleted = versionPublishedBy(sql, name, req.job_id);
  if (deleted !== null) return { version: deleted, promoted: false, reason: `version ${deleted}, which job ${req.job_id} published, has been deleted since` };
  const now = new Date().toISOString();
  // A model deleted and published again continues its numbering (see model-deletion).
  const last = Math.max(sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM model_versions WHERE name = ?', name).one().v ?? 0, lastDeletedVersion(sql, name));
  const version = last + 1;
  const previous = championOf(sql, name);
  // A model without a champion has nothing to defend: its first version is the champion whatever the job.
  const decision = challenge && previous !== null ? decideChallenge(req.metric, version, previous, challenge, name) : undefined;
  const apart = !challenge && previous !== null ? keptApartReason(sql, name, version, req) : null;
  // A cancelled job's result does not replace a better champion, nor one it cannot be compared with.
  const cancelled = !challenge && apart === null && previous !== null && req.cancelled ? cancelledVerdict(sql, name, version, previous, req) : null;
  // All writes happen with no await between them, so they commit atomically.
  insertVersion(sql, name, version, { ...req, created_at: now });
  // Its drift reference and importances are built next from the training data, which is held until then.
  if (req.task !== 'forecast') recordDerivedBuild(sql, name, version, req.dataset, Date.now());
  const keptReason = apart ?? (cancelled && !cancelled.promote ? cancelled.reason : null);
  if (keptReason !== null) {
    recordEvent(sql, name, { at: now, kind: 'kept_apart', version, previous_version: previous, job_id: req.job_id, reason: keptReason });
    return { version, promoted: false, reason: keptReason };
  }
  if (decision && !decision.promote) {
    const advance = challenge?.report.advance;
    const reason = decision.reason + advanceNote(advance, previous as number, version + 1);
    recordEvent(sql, name, { at: now, kind: 'challenger_kept', version, previous_version: previous, job_id: req.job_id, reason, comparison: decision.comparison });
    if (!usableAdvance(advance, previous as number)) return { version, promoted: false, reason };
    registerAdvance(sql, { name, champion: previous as number, version: version + 1, job_id: req.job_id, dataset: req.dataset, at: now }, advance);
    return { version, promoted: false, reason, advanced: { version: version + 1, from_version: previous as number } };
  }
  sql.exec(
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
  recordEvent(sql, name, {
    at: now,
    kind: 'published',
    version,
    previous_version: previous,
    job_id: req.job_id,
    reason: decision ? `${reason}; ${decision.reason}` : cancelled ? `${reason}; ${cancelled.reason}` : reason,
    ...(decision ? { comparison: decision.comparison } : {}),
  });
  return { version, promoted: true, ...(decision ? { reason: decision.reason } : cancelled ? { reason: cancelled.reason } : {}) };
}
