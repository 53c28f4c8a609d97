/**
 * @module worker/queue/ensemble-task
 * The end-of-search ensemble, built in a consumer invocation (never in the coordinator): reads the best
 * trials' out-of-fold predictions from R2, runs the job's ensemble selection (an averaged greedy blend, or
 * a log-linear pool for multiclass log loss: engine/ensemble/select-for-job), and when the blend beats the
 * best single trial writes one self-contained ensemble artifact (member models embedded) next to them.
 * The blend's latency is capped: each candidate's estimated serving cost and its trees' shapes
 * (engine/serialize/serving-cost, stored as metadata on its artifact: ./serving-metadata) give the blend's
 * estimate, which the selection keeps within the cap. A job whose trials shared one holdout (a single split,
 * `fold_seed`) is selected on that holdout's rows. A forecast job's blend is ./forecast-blend-task.
 */
import { type AnyEnvelope, applyOverrides, buildEnsembleEnvelope, type Dataset, parseAnyEnvelope, selectJobEnsemble } from '../../engine';
import { trainingPart } from '../../engine/data/holdout';
import { prepareTarget } from '../../engine/data/target';
import { DEFAULT_MAX_SERVING_MICROS, onScoredRows } from '../../engine/ensemble/select-for-job';
import { positiveClassIndex } from '../../engine/eval/positive-class';
import { selectionEstimate } from '../../engine/eval/selection-estimate';
import type { BestEstimate, EnsembleReport, EnsembleWork } from '../../durable/protocol';
import { headObject, isStorageUnavailable, readObjectBytes, writeObject } from '../storage';
import { buildForecastBlend } from './forecast-blend-task';
import { servingProfileOf } from './serving-metadata';

/**
 * Why no blend was published, naming the trial the job publishes instead (durable/job-publication). The
 * blend had to beat the best trial within the serving cap (`bestWithinCap`, the selection's best single).
 * Without a job cap that need not be the job's model: the job publishes its best trial even when the
 * ensemble's own cap left it out of the blend, and candidates arrive best first (EnsembleWork.candidates).
 * Under a job cap, trials over it are never published, so the best within it is the job's model.
 */
export function skipReason(candidates: readonly { id: string; cost: number }[], jobCap: number | undefined, bestWithinCap: string): string {
  const cap = jobCap ?? DEFAULT_MAX_SERVING_MICROS;
  const over = candidates.filter((c) => c.cost > cap);
  if (over.length === 0) return `no blend beat the best single trial (${bestWithinCap}) out of fold`;
  const whose = jobCap === undefined ? "the ensemble's" : "the job's";
  const beat = `no blend within ${whose} serving cap of ${cap} µs per row beat the best trial within it (${bestWithinCap}) out of fold`;
  const named = (trials: readonly { id: string; cost: number }[]) => `${trials.slice(0, 3).map((c) => `${c.id} ${Math.round(c.cost)} µs`).join(', ')}${trials.length > 3 ? ', …' : ''}`;
  const leftOut = (trials: readonly { id: string; cost: number }[], more: string) => `${trials.length === 1 ? `one${more} trial` : `${trials.length}${more} trials`} over the cap left out of the blend: ${named(trials)}`;
  const best = candidates[0];
  if (jobCap === undefined && best.cost > cap) {
    const others = over.filter((c) => c !== best);
    return `${beat}, so the job's best trial, ${best.id} (${Math.round(best.cost)} µs per row, over the cap), is published alone${others.length > 0 ? `; ${leftOut(others, ' more')}` : ''}`;
  }
  const published = jobCap === undefined ? best.id : bestWithinCap;
  return `${beat}, so ${published === bestWithinCap ? published : `the job's best trial, ${published},`} is published alone; ${leftOut(over, '')}`;
}

export async function buildJobEnsemble(work: EnsembleWork, env: Env, loadDataset: (key: string) => Promise<Dataset>): Promise<EnsembleReport> {
  try {
    if (work.forecast) return await buildForecastBlend(work, env, loadDataset);
    const { dataset: all } = applyOverrides(await loadDataset(work.dataset_key), work.columns);
    // The out-of-fold predictions cover the rows the trials saw: without a retraining job's holdout.
    const dataset = work.holdout ? trainingPart(all, work.target, work.task, work.holdout) : all;
    const candidates = await Promise.all(
      work.candidates.map(async (c) => {
        const [bytes, head] = await Promise.all([readObjectBytes(env.STORE, c.oof_key, 'out-of-fold predictions'), headObject(env.STORE, c.artifact_key, 'model artifact')]);
        const serving = servingProfileOf(head?.customMetadata);
        return { id: c.trial_id, oof: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), cost: serving.micros, serving };
      }),
    );
    // Nothing within the cap: nothing to blend (the job publishes its fastest trial and says so).
    const cap = work.max_serving_us ?? DEFAULT_MAX_SERVING_MICROS;
    if (candidates.every((c) => c.cost > cap)) {
      return { status: 'skipped', reason: `no trial is within the ensemble's serving cap of ${cap} µs per row, so there is nothing to blend`, ...estimateOfPick(dataset, work, candidates.map((c) => c.oof)) };
    }
    const { selection, improves } = selectJobEnsemble(
      dataset,
      {
        target: work.target,
        task: work.task,
        metric: work.metric,
        ...(work.positive_class !== undefined ? { positiveClass: work.positive_class } : {}),
        ...(work.max_serving_us !== undefined ? { maxCostMicros: work.max_serving_us } : {}),
        // A single split shared by every trial: selected on its held-out rows alone.
        ...(work.fold_seed !== undefined ? { holdoutSeed: work.fold_seed } : {}),
      },
      candidates,
    );
    // What the best trial will score on new rows, without the optimism of having picked it among these.
    // Informative only: if it cannot be computed, the ensemble goes on without it.
    const estimate = estimateOfPick(dataset, work, candidates.map((c) => c.oof));
    if (!improves) return { status: 'skipped', reason: skipReason(candidates, work.max_serving_us, selection.bestSingle.id), ...estimate };
    const envelopes = new Map<string, AnyEnvelope>();
    for (const m of selection.members) {
      const key = work.candidates.find((c) => c.trial_id === m.id)?.artifact_key;
      if (!key) continue;
      envelopes.set(m.id, parseAnyEnvelope(JSON.parse(new TextDecoder().decode(await readObjectBytes(env.STORE, key, 'model artifact')))));
    }
    const envelope = buildEnsembleEnvelope(selection, (id) => envelopes.get(id), work.metric);
    await writeObject(env.STORE, work.artifact_key, JSON.stringify(envelope), 'ensemble artifact', 'application/json');
    return {
      status: 'complete',
      score: selection.score,
      loss: selection.loss,
      artifact_key: work.artifact_key,
      ...(selection.combine ? { combine: selection.combine } : {}),
      members: selection.members.map((m) => ({ trial_id: m.id, weight: m.weight })),
      ...estimate,
    };
  } catch (err) {
    // Storage down is the runtime's doing, not the candidates': thrown, so the queue delivers the build again.
    if (isStorageUnavailable(err)) throw err;
    return { status: 'failed', reason: err instanceof Error ? err.message : String(err) };
  }
}

/** The best candidate's bias-corrected score (engine/eval/selection-estimate), or nothing when it cannot be had. */
function estimateOfPick(dataset: Dataset, work: EnsembleWork, oofs: Float32Array[]): { estimate?: BestEstimate } {
  try {
    const target = prepareTarget(dataset, work.target, work.task);
    const positive = target.task === 'binary' ? positiveClassIndex(target.classes, work.positive_class) : undefined;
    // A shared holdout's predictions fill its rows only: the pick is resampled on those.
    const scored = onScoredRows(target.y, target.task, target.classes.length, work.fold_seed, oofs.map((oof, i) => ({ id: String(i), oof })));
    const picked = selectionEstimate(scored.y, target.classes.length, work.metric, scored.candidates.map((c) => c.oof), { seed: 1, ...(positive !== undefined ? { positive } : {}) });
    return picked ? { estimate: picked } : {};
  } catch (err) {
    console.error('no estimate of the best trial', err);
    return {};
  }
}
