/**
 * @module worker/queue/trial-consumer
 * One invocation per trial (max_batch_size = 1). Claims the trial from its coordinator (a duplicate or
 * late delivery gets nothing to do), loads the typed dataset from R2, runs the engine's runTrial, writes
 * the fitted artifact to R2 and reports the result. A retraining job's held-out rows are removed before
 * the trial sees the data. The same queue carries a job's ensemble build, its champion/challenger
 * comparison, the published version's drift reference and a deleted model's leftover job folders.
 * Messages from the dead-letter queue are work whose invocations kept dying: they are reported as failed
 * at once. A forecast job's trials run the forecasting harness (rolling origins; their validation
 * forecasts stand in for out-of-fold rows); an image job's trials pass the pixel layout to the model.
 */
import { applyOverrides, decodeDataset, type Dataset, type ModelFamily, runTrial } from '../../engine';
import { type ForecastFamily, forecastMetricOf, runForecastTrial, stateAtLatest, withoutSeriesTail } from '../../engine/forecast';
import { trainingPart } from '../../engine/data/holdout';
import type { TrialMessage, TrialReport, TrialWork } from '../../durable/protocol';
import { ENSEMBLE_DIED, stepStorageFailed } from '../../durable/final-steps';
import { coordinatorFor } from '../coordinator';
import { releaseDatasetFiles } from '../dataset-files';
import { sweepJobFolders } from '../model-deletion';
import { deleteKeys, isStorageUnavailable, readObjectBytes, writeObject } from '../storage';
import { compareWithChampion } from './challenge-task';
import { buildPublishedVersionData, endDerivedBuild } from './published-version-task';
import { buildJobEnsemble } from './ensemble-task';
import { forecastColumns } from './forecast-columns';
import { servingMetadata } from './serving-metadata';

const DLQ_SUFFIX = '-dlq';

/** Seconds between a running trial's heartbeats to its coordinator. */
const HEARTBEAT_MS = 2_000;

/**
 * Called by the engine between folds and epochs. It gives the runtime a turn (a CPU-bound trial would
 * otherwise hold the isolate for seconds, and under local `wrangler dev` HTTP requests queued behind it can
 * stall), and every few seconds it renews the trial's lease with its coordinator, stopping the trial by
 * throwing when the coordinator no longer wants it (cancelled job, budget over, lease expired).
 */
function trialYield(stubOf: () => ReturnType<typeof coordinatorFor>, trialId: string, holder: string): TrialYield {
  let coordinator = stubOf();
  let lastBeat = Date.now();
  let stopped = false;
  const yieldControl = async () => {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (Date.now() - lastBeat < HEARTBEAT_MS) return;
    lastBeat = Date.now();
    let wanted: boolean;
    try {
      wanted = await coordinator.heartbeat(trialId, holder);
    } catch (err) {
      // The coordinator could not be reached: it may be restarting (an eviction, a deploy). The trial goes on:
      // a restarted coordinator keeps it for a consumer heard from within its grace (durable/restart-recovery).
      // A stub that threw stays broken, so the next heartbeat, and the report, take a new one.
      console.error(`heartbeat of trial ${trialId} failed; the trial goes on`, err);
      coordinator = stubOf();
      return;
    }
    if (!wanted) {
      stopped = true;
      throw new Error('stopped: the coordinator no longer wants this trial (cancelled, expired, the job ended, or another invocation runs it)');
    }
  };
  return { yieldControl, stopped: () => stopped };
}

/** A trial's turn-giver, and whether its coordinator stopped it (its failure is then nobody's to report). */
interface TrialYield {
  readonly yieldControl: () => Promise<void>;
  readonly stopped: () => boolean;
}

/** How many times the queue delivers a trial message before dead-lettering it: wrangler.toml's max_retries (2) + 1. */
export const TRIAL_DELIVERIES = 3;

/**
 * The last rows this isolate read for a trial: consecutive trials of a job reuse them instead of re-reading
 * R2. `key` is the stored dataset's, or for a retraining job's table trials (tableTrainingRows) also its
 * columns, target, task and holdout: those keep the training part alone, with the columns it ignores.
 */
let lastDataset: { key: string; dataset: Dataset; ignore?: readonly string[] } | undefined;

export async function handleTrialBatch(batch: MessageBatch<TrialMessage>, env: Env): Promise<void> {
  const deadLetters = batch.queue.endsWith(DLQ_SUFFIX);
  for (const msg of batch.messages) {
    const { tenant, job_id, trial_id } = msg.body;
    const coordinator = coordinatorFor(env, tenant, job_id);
    try {
      if (msg.body.kind === 'ensemble') {
        const work = deadLetters ? null : await coordinator.claimEnsemble();
        // Reported through a new stub, as a trial's result is (below): a restart meanwhile breaks the claim's.
        const report = work ? await buildJobEnsemble(work, env, (key) => loadDataset(env, key)) : ({ status: 'failed', reason: ENSEMBLE_DIED } as const);
        const answer = await coordinatorFor(env, tenant, job_id).reportEnsemble(report);
        // Cancelled or ended while it was built: what it wrote is read by nothing.
        if (answer.discard && report.status === 'complete') await discardFiles(env, `ensemble ${job_id}`, [report.artifact_key]);
      } else if (msg.body.kind === 'challenge') {
        const work = deadLetters ? null : await coordinator.claimChallenge();
        if (work || deadLetters) {
          await coordinatorFor(env, tenant, job_id).reportChallenge(work ? await compareWithChampion(work, env, (key) => loadDataset(env, key)) : { status: 'failed', reason: 'the comparison invocation failed repeatedly' });
        }
      } else if (msg.body.kind === 'sweep-jobs') {
        // Leftover files of a deleted model: a dead letter is dropped (the next deletion of the name sweeps them).
        if (deadLetters) console.error(`sweeping ${msg.body.job_ids?.length ?? 0} job folders of tenant ${tenant} failed repeatedly`);
        else await sweepJobFolders(env, tenant, msg.body.job_ids ?? []);
      } else if (msg.body.kind === 'dataset-files') {
        // A deleted dataset's files held for derived builds: a dead letter deletes them without asking.
        if (msg.body.held) await (deadLetters ? deleteKeys(env.STORE, msg.body.held.keys) : releaseDatasetFiles(env, tenant, msg.body.held));
      } else if (msg.body.kind === 'drift-reference') {
        // Derived data (drift reference, importances); a dead letter is dropped (the drift lookup builds its
        // reference lazily) and holds its training data no longer.
        if (!deadLetters) await buildPublishedVersionData(msg.body, env, (key) => loadDataset(env, key));
        else await endDerivedBuild(env, msg.body);
      } else if (deadLetters) {
        // Failed as a crash only when a consumer claimed it; one never claimed is sent again by its coordinator.
        await coordinator.reportDeadLetter(trial_id);
      } else {
        // A message delivered again follows an invocation that ended without acknowledging it (one that
        // died, or retried after failing to report): the trial is this consumer's.
        const work = await coordinator.claim(trial_id, msg.attempts > 1, msg.id);
        const turns = work ? trialYield(() => coordinatorFor(env, tenant, job_id), trial_id, msg.id) : undefined;
        const began = Date.now();
        const report = work && turns ? await executeTrial(work, env, turns.yieldControl) : undefined;
        // A failure because its coordinator stopped it is not reported: the trial ended without it, or another
        // invocation holds it now, whose trial that failure would end.
        if (report && !(report.status === 'failed' && turns?.stopped())) {
          // The fit's own duration, from the claim to the result: the trial's start and finish in the journal
          // also count its wait for a consumer and any restart. Sent through a new stub, since the claim's
          // breaks if the coordinator restarted meanwhile.
          const answer = await coordinatorFor(env, tenant, job_id).report(trial_id, { ...report, fit_ms: Date.now() - began });
          // Cancelled while it ran: what it wrote is read by nothing (and its job's folder may be swept already).
          if (answer.discard && report.status === 'complete') await discardFiles(env, `trial ${job_id}/${trial_id}`, [report.artifact_key, ...(report.oof_key ? [report.oof_key] : [])]);
        }
      }
      msg.ack();
    } catch (err) {
      const step = msg.body.kind === 'ensemble' || msg.body.kind === 'challenge' ? msg.body.kind : undefined;
      if (step && isStorageUnavailable(err)) {
        // The ensemble or comparison with storage down: delivered again over a minute (its claim renews its
        // lease), then failed for what it is, not for a crash (the dead letter would say so).
        if (msg.attempts < TRIAL_DELIVERIES) msg.retry({ delaySeconds: STEP_STORAGE_RETRY_S * msg.attempts });
        else if (await reportStepStorageFailure(env, tenant, job_id, step)) msg.ack();
        else msg.retry();
        continue;
      }
      // Storage down on a trial's last delivery: reported as what it is, the configuration not at fault (the
      // dead-letter report would call it a crash, and ten of those stop a search: durable/repeated-failure).
      const isTrial = msg.body.kind === undefined || msg.body.kind === 'trial';
      if (isTrial && isStorageUnavailable(err) && msg.attempts >= TRIAL_DELIVERIES) {
        const reported = await coordinatorFor(env, tenant, job_id)
          .report(trial_id, { status: 'failed', code: 'storage_unavailable', reason: `object storage could not be reached on ${msg.attempts} deliveries of the trial; its configuration was not at fault` })
          .then(() => true, () => false);
        if (reported) {
          msg.ack();
          continue;
        }
      }
      // Reporting failed (coordinator unreachable): let the queue deliver again; claim makes it safe.
      console.error(`trial ${job_id}/${trial_id} attempt ${msg.attempts} failed`, err);
      // This invocation gives the trial up: its redelivery may claim it at once (best effort).
      if (msg.body.kind === undefined || msg.body.kind === 'trial') await coordinatorFor(env, tenant, job_id).release(trial_id, msg.id).catch(() => undefined);
      msg.retry({ delaySeconds: Math.min(30, 2 ** msg.attempts) });
    }
  }
}

/** Seconds before the ensemble or comparison is delivered again after storage failed, times its deliveries so far. */
const STEP_STORAGE_RETRY_S = 20;

/** Reports the ensemble or comparison failed for storage on its last delivery; false when the coordinator could not be told. */
async function reportStepStorageFailure(env: Env, tenant: string, jobId: string, step: 'ensemble' | 'challenge'): Promise<boolean> {
  const coordinator = coordinatorFor(env, tenant, jobId);
  const report = { status: 'failed' as const, reason: stepStorageFailed(step) };
  const sent = step === 'ensemble' ? coordinator.reportEnsemble(report) : coordinator.reportChallenge(report);
  return sent.then(() => true, () => false);
}

/** Deletes files of a result the coordinator refused for good; failing, they are logged and left (orphans, not errors). */
async function discardFiles(env: Env, what: string, keys: readonly string[]): Promise<void> {
  await deleteKeys(env.STORE, keys).catch((err: unknown) => console.error(`the files of ${what}, refused after a cancel, could not be deleted`, err));
}

/** Runs one trial; every expected failure becomes a failed report rather than an exception. */
export async function executeTrial(work: TrialWork, env: Env, yieldControl?: () => Promise<void>): Promise<TrialReport> {
  try {
    if (work.forecast) return await executeForecastTrial(work, env, applyOverrides(await loadDataset(env, work.dataset_key), work.columns).dataset, yieldControl);
    // A retraining job's held-out rows are for the champion/challenger comparison only.
    const { dataset: rows, ignore } = work.holdout ? await tableTrainingRows(env, work, work.holdout) : applyOverrides(await loadDataset(env, work.dataset_key), work.columns);
    const outcome = await runTrial(rows, {
      family: work.family as ModelFamily,
      ...(work.image ? { image: work.image } : {}),
      ...(work.pixel_max !== undefined ? { pixelMax: work.pixel_max } : {}),
      ...(work.pixel_min !== undefined ? { pixelMin: work.pixel_min } : {}),
      params: work.params,
      target: work.target,
      task: work.task,
      metric: work.metric,
      ...(work.positive_class !== undefined ? { positiveClass: work.positive_class } : {}),
      seed: work.seed,
      ...(work.fold_seed !== undefined ? { foldSeed: work.fold_seed } : {}),
      folds: work.folds,
      // Absent in work claimed from a coordinator deployed before fidelities existed: a full trial.
      trainFraction: work.fidelity ?? 1,
      ignore,
      ...(work.accepted_columns ? { acceptColumns: work.accepted_columns } : {}),
      yieldControl,
      // Early-stopping families serve their cross-validated fold models (engine/run-trial `bag`), within the job's serving cap.
      bag: true,
      ...(work.max_serving_us !== undefined ? { maxBagServingMicros: work.max_serving_us } : {}),
    });
    if (outcome.status === 'failed') return { status: 'failed', code: outcome.code, reason: outcome.reason };
    // The serving-cost estimate rides along as object metadata: the ensemble builder reads it with a HEAD
    // instead of downloading every candidate's artifact.
    const { micros: servingUs, metadata } = servingMetadata(outcome.envelope);
    await writeObject(env.STORE, work.artifact_key, JSON.stringify(outcome.envelope), 'model artifact', 'application/json', metadata);
    // Out-of-fold predictions feed the end-of-search ensemble; low-fidelity trials never enter it, and a
    // holdout trial's cover only its own holdout's rows, so neither is written, unless the job's trials all
    // share one holdout (fold_seed): the ensemble is then selected on its rows.
    const fullOof = (work.folds > 1 || work.fold_seed !== undefined) && (work.fidelity ?? 1) === 1;
    if (fullOof) await writeObject(env.STORE, work.oof_key, new Uint8Array(outcome.oof.buffer, outcome.oof.byteOffset, outcome.oof.byteLength), 'out-of-fold predictions');
    return {
      status: 'complete',
      score: outcome.score,
      loss: outcome.loss,
      fold_scores: outcome.foldScores,
      fit_info: outcome.fitInfo,
      artifact_key: work.artifact_key,
      ...(fullOof ? { oof_key: work.oof_key } : {}),
      serving_us: servingUs,
    };
  } catch (err) {
    // Storage that is down says nothing about the configuration: let the queue deliver the trial again
    // (claim is idempotent and renews the lease) rather than record a failure the trial did not earn.
    if (isStorageUnavailable(err)) throw err;
    return { status: 'failed', code: 'trial_error', reason: err instanceof Error ? err.message : String(err) };
  }
}

/** A forecast trial: rolling-origin validation, then the refit's envelope and the validation forecasts. */
async function executeForecastTrial(work: TrialWork, env: Env, dataset: Dataset, yieldControl?: () => Promise<void>): Promise<TrialReport> {
  const forecast = work.forecast as NonNullable<TrialWork['forecast']>;
  const columns = forecastColumns(work.target, forecast);
  // A retraining job's latest points are for the champion/challenger comparison only.
  const series = forecast.holdout_points ? withoutSeriesTail(dataset, columns, forecast.holdout_points) : dataset;
  const outcome = await runForecastTrial(series, {
    family: work.family as ForecastFamily,
    params: work.params,
    ...columns,
    horizon: forecast.horizon,
    seed: work.seed,
    origins: work.folds,
    // Scored by the job's metric; a job from before the choice (or rmse) sends none, as before.
    ...(forecastMetricOf(work.metric) !== 'rmse' ? { metric: forecastMetricOf(work.metric) } : {}),
    yieldControl,
  });
  if (outcome.status === 'failed') return { status: 'failed', code: outcome.code, reason: outcome.reason };
  // Fitted without the held-out points, the model still forecasts from the latest one once published.
  const envelope = forecast.holdout_points ? stateAtLatest(outcome.envelope, dataset, columns) : outcome.envelope;
  await writeObject(env.STORE, work.artifact_key, JSON.stringify(envelope), 'model artifact', 'application/json');
  // The validation forecasts play the part of out-of-fold predictions: the end-of-search blend weighs trials by them.
  const f = outcome.originForecasts;
  await writeObject(env.STORE, work.oof_key, new Uint8Array(f.buffer, f.byteOffset, f.byteLength), 'validation forecasts');
  return { status: 'complete', score: outcome.score, loss: outcome.loss, fold_scores: outcome.foldScores, fit_info: outcome.fitInfo, artifact_key: work.artifact_key, oof_key: work.oof_key };
}

async function loadDataset(env: Env, key: string): Promise<Dataset> {
  if (lastDataset?.key === key) return lastDataset.dataset;
  lastDataset = undefined;
  const dataset = decodeDataset(await readObjectBytes(env.STORE, key, 'dataset'));
  lastDataset = { key, dataset };
  return dataset;
}

/**
 * The rows a retraining job's table trial trains on (its dataset without the held-out rows, columns typed
 * as the job says) and the columns it ignores, kept in place of the stored dataset: holding both kept the
 * data twice for every trial, where the trial's memory estimate (engine/trial-memory) counts the rows it
 * trains on once. The stored dataset is let go as soon as its training part is taken.
 */
async function tableTrainingRows(env: Env, work: TrialWork, holdout: NonNullable<TrialWork['holdout']>): Promise<{ dataset: Dataset; ignore: string[] }> {
  const key = `${work.dataset_key}\u0000${JSON.stringify([work.columns, work.target, work.task, holdout])}`;
  if (lastDataset?.key === key && lastDataset.ignore) return { dataset: lastDataset.dataset, ignore: [...lastDataset.ignore] };
  const { dataset, ignore } = applyOverrides(await loadDataset(env, work.dataset_key), work.columns);
  lastDataset = undefined;
  const train = trainingPart(dataset, work.target, work.task, holdout);
  lastDataset = { key, dataset: train, ignore };
  return { dataset: train, ignore: [...ignore] };
}

/** The key and row count of the dataset this isolate keeps for its next trial (tests: what a retraining trial holds). */
export const keptTrialRows = (): { key: string; rows: number } | undefined => (lastDataset ? { key: lastDataset.key, rows: lastDataset.dataset.rows } : undefined);
