/**
 * @module durable/job-publication
 * The end of a job: publishing its result through the tenant's Registry (the ensemble when it beats the
 * best trial, else the best trial; for a retraining job, after its comparison with the champion, which the
 * Registry's decision uses), or recording that it ended with nothing to publish; then telling the Registry
 * the job ended and queueing the build of the new version's drift reference. A publication the Registry or
 * object storage could not take is kept in "publishing" and retried by the alarm.
 */
import { fromLoss } from '../engine';
import { listedSeriesScores, type SeriesScore } from '../engine/forecast/series-scores';
import type { CoordinatorHost } from './coordinator-host';
import { challengeSettled, ensembleSettled } from './final-steps';
import { type ChallengerRef, fidelityOf, publishableTrial, type TrialEntry } from './job-journal';
import type { ChallengeReport, JobConfig, TrialReport } from './protocol';
import { artifactProblem, widenedForecastArtifact } from './published-artifact';
import { scoreValidation } from './score-validation';

/** Delay before retrying a failed publication. */
const RETRY_MS = 5_000;

/**
 * The steps of ending the job with `status` (SearchCoordinator.finalize runs them one at a time); each
 * call goes as far as it can and returns, and the alarm or the step's report calls again. When the
 * budget ended before any full-fidelity trial completed, the best trial of the highest fidelity reached
 * is published (its model trained on that fraction of the rows): a weaker model, never none.
 */
export async function finishJob(host: CoordinatorHost, asked: 'succeeded' | 'cancelled'): Promise<void> {
  const { state } = host;
  const config = state.config;
  if (!config || state.finished) return;
  // Once its publication is recorded, the job's result and end are fixed: a cancel arriving while the
  // Registry call waits for a retry is recorded, and the retry publishes what was decided (not the best
  // single trial in place of the ensemble, as a cancelled result).
  const status = state.publishing?.status ?? asked;
  const best = publishableTrial(state);
  if (!best) {
    const failures = state.order.filter((t) => t.state === 'failed');
    const reason = failures[0]?.report?.status === 'failed' ? failures[0].report.reason : undefined;
    host.append({
      op: 'finished',
      status: status === 'cancelled' ? 'cancelled' : 'failed',
      ...(status === 'cancelled' && failures.length === 0
        ? {}
        : { error: { code: 'no_successful_trial', message: `no trial finished successfully (${failures.length} failed${reason ? `; first failure: ${reason}` : ''})` } }),
      at: Date.now(),
    });
    await notifyRegistry(host, config);
    return;
  }
  if (status === 'succeeded' && !state.publishing && !(await ensembleSettled(host, config))) return;
  const result = resultOf(host, best, status);
  // Before anything can become a model version, its artifact must at least parse: a corrupt one is set
  // aside (its trial, or the ensemble, counts as failed) and the next best is published instead.
  if (!state.publishing && !state.challenge) {
    let seriesScores: readonly SeriesScore[] | undefined;
    const problem = await artifactProblem(host, result.artifact_key, (envelope) => (seriesScores = envelope.seriesScores));
    if (problem === 'storage_unavailable') {
      await host.storage.setAlarm(Date.now() + RETRY_MS);
      return;
    }
    if (problem) {
      host.append({ op: 'artifact_rejected', trial_id: result.trial_id, reason: problem, at: Date.now() });
      return finishJob(host, status);
    }
    // A forecast of several series: the result's per-series scores, kept for the job view (no read of storage there).
    if (seriesScores) {
      const listed = listedSeriesScores(seriesScores);
      host.append({ op: 'series_scores', trial_id: result.trial_id, scores: listed.series_scores, total: seriesScores.length, at: Date.now() });
    }
  }
  if (config.challenge && status === 'succeeded' && !state.publishing && !(await challengeSettled(host, config, result))) return;
  try {
    if (!state.publishing) host.append({ op: 'publishing', trial_id: result.trial_id, status, at: Date.now() });
    const registry = host.env.REGISTRY.getByName(config.tenant);
    const artifactKey = config.forecast ? await widenedForecastArtifact(host, result.artifact_key, result.score) : result.artifact_key;
    const published = await registry.publish(
      config.model_name,
      {
        job_id: config.id,
        trial_id: result.trial_id,
        family: result.family,
        artifact_key: artifactKey,
        // The registry tells forecast models apart by their task: they answer the forecast route.
        task: config.forecast ? 'forecast' : config.task,
        target: config.target,
        classes: config.classes,
        metric: config.metric,
        greater_is_better: config.greater_is_better,
        score: result.score,
        dataset: { name: config.dataset.name, version: config.dataset.version },
        ...(config.replace_model !== undefined ? { replace_model: config.replace_model } : {}),
        // How its score was measured, so a later result can tell whether it compares (score-validation).
        validation: scoreValidation(config, resultFidelity(host, result)),
        // A cancelled job's result replaces a champion only if it beats it on those terms (cancelled-publication).
        ...(status === 'cancelled' ? { cancelled: true } : {}),
      },
      config.challenge ? { margin: config.challenge.margin, ...(config.challenge.promotion ? { promotion: config.challenge.promotion } : {}), report: challengeReport(host, status) } : undefined,
    );
    // A retraining job's comparison decided; another job's result is not the champion when it was kept
    // apart from a champion of another target or task (durable/publish-conflict), or, cancelled, from a
    // better champion; a cancelled one that replaced a champion says which (durable/cancelled-publication).
    // Each is said in its view.
    const decision =
      config.challenge || !published.promoted || published.reason !== undefined
        ? { decision: { promoted: published.promoted, ...(published.reason ? { reason: published.reason } : {}), ...(published.advanced ? { advanced_version: published.advanced.version } : {}) } }
        : {};
    host.append({ op: 'finished', status, model: { name: config.model_name, version: published.version }, ...decision, at: Date.now() });
    await notifyRegistry(host, config);
    await requestDriftReference(host, config, published.version);
    await host.storage.deleteAlarm();
  } catch (err) {
    // The registry could not be reached: keep the job in "publishing" and let the alarm try again.
    console.error('publish failed, will retry', err);
    await host.storage.setAlarm(Date.now() + RETRY_MS);
  }
}

/**
 * The result the job publishes: the ensemble when it was built and beats the best trial (never for a
 * cancelled job), else the best trial. A retraining job fixes it when its comparison starts, so the
 * version published is the one that was compared.
 */
function resultOf(host: CoordinatorHost, best: TrialEntry, status: 'succeeded' | 'cancelled'): ChallengerRef {
  const { state } = host;
  if (state.challenge) return state.challenge.challenger;
  const config = state.config as JobConfig;
  const ens = state.ensemble?.report;
  // The result a recorded publication named (a retry publishes it again, whatever happened since).
  const recorded = state.publishing?.trial_id;
  if (recorded === 'ensemble' && ens?.status === 'complete') return { trial_id: 'ensemble', family: 'ensemble', artifact_key: ens.artifact_key, score: ens.score };
  const named = recorded !== undefined ? state.trials.get(recorded) : undefined;
  if (named?.report?.status === 'complete') return { trial_id: named.trial_id, family: named.family, artifact_key: named.report.artifact_key, score: fromLoss(config.metric, named.report.loss) };
  const report = best.report as Extract<TrialReport, { status: 'complete' }>;
  if (status === 'succeeded' && ens?.status === 'complete' && ens.loss < report.loss) return { trial_id: 'ensemble', family: 'ensemble', artifact_key: ens.artifact_key, score: ens.score };
  return { trial_id: best.trial_id, family: best.family, artifact_key: report.artifact_key, score: fromLoss(config.metric, report.loss) };
}

/** The fraction of the rows the published result trained on (an ensemble blends full-fidelity trials). */
function resultFidelity(host: CoordinatorHost, result: ChallengerRef): number {
  const trial = result.trial_id === 'ensemble' ? undefined : host.state.trials.get(result.trial_id);
  return trial ? fidelityOf(trial) : 1;
}

/** The comparison handed to the Registry; a job cancelled before it finished never compared. */
function challengeReport(host: CoordinatorHost, status: 'succeeded' | 'cancelled'): ChallengeReport {
  const report = host.state.challenge?.report;
  if (report) return report;
  return { status: 'failed', reason: status === 'cancelled' ? 'the job was cancelled before the comparison' : 'no comparison was made' };
}

/** Tells the Registry the job ended (its jobs list and schedule runs); best effort. */
async function notifyRegistry(host: CoordinatorHost, config: JobConfig): Promise<void> {
  const f = host.state.finished;
  if (!f) return;
  try {
    await host.env.REGISTRY.getByName(config.tenant).jobFinished(config.id, f.status, f.error?.message);
  } catch (err) {
    console.error('could not record the job end in the registry', err);
  }
}

/**
 * Asks a consumer to build the published version's drift reference now, so no predict request has to
 * (forecasters have none). Best effort: if the message cannot be sent, the first drift lookup builds it.
 */
async function requestDriftReference(host: CoordinatorHost, config: JobConfig, version: number): Promise<void> {
  if (config.forecast) return;
  try {
    await host.env.TRIALS.send({ tenant: config.tenant, job_id: config.id, trial_id: 'drift-reference', kind: 'drift-reference', model: { name: config.model_name, version } });
  } catch (err) {
    console.error('could not request the drift reference; it will be built on first use', err);
    // No build will run: the version's training data is not held for one (durable/derived-builds).
    await host.env.REGISTRY.getByName(config.tenant)
      .derivedBuildEnded(config.model_name, version)
      .catch(() => undefined);
  }
}
