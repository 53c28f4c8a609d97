/**
 * A job's search run in process, for the benches that compare what a search finds: one sampler asked
 * for each trial in turn (parallelism 1), every trial run as the trial consumer runs it (the job's folds,
 * fold bags), until a trial count or a wall-clock limit. No queue, coordinator or ensemble.
 */
import { type AnyEnvelope, type FrozenTrial, seedFrom } from '../../src/engine';
import type { ModelFamily } from '../../src/engine/models/model';
import { MODEL_FAMILIES } from '../../src/engine/models/registry';
import { runTrial } from '../../src/engine/run-trial';
import type { Sampler } from '../../src/engine/search/sampler';
import type { JobSplit } from './job-split';

export interface FinishedTrial {
  readonly id: string;
  readonly family: string;
  /** Out-of-fold loss (lower is better, whatever the metric's direction). */
  readonly loss: number;
  readonly oof: Float32Array;
  readonly envelope: AnyEnvelope;
}

export interface SearchRun {
  readonly complete: FinishedTrial[];
  readonly failed: number;
  readonly seconds: number;
}

export async function runInProcessSearch(split: JobSplit, sampler: Sampler, seed: number, limits: { trials: number; seconds?: number }): Promise<SearchRun> {
  const { meta, ds, target, metric, folds, shape } = split;
  const history: FrozenTrial[] = [];
  const complete: FinishedTrial[] = [];
  let failed = 0;
  const t0 = Date.now();
  const timeLeft = () => limits.seconds === undefined || Date.now() - t0 < limits.seconds * 1000;
  for (let t = 0; t < limits.trials && timeLeft(); t++) {
    const config = sampler.suggest(history, { families: MODEL_FAMILIES, shape, seed });
    const id = `t${String(t).padStart(4, '0')}`;
    const outcome = await runTrial(ds, { family: config.family as ModelFamily, params: config.params, target: meta.target, task: target.task, metric, seed: seedFrom(seed, id), folds, bag: true });
    if (outcome.status !== 'complete') {
      failed++;
      history.push({ ...config, number: t, state: 'failed' });
      continue;
    }
    history.push({ ...config, number: t, state: 'complete', loss: outcome.loss });
    complete.push({ id, family: config.family, loss: outcome.loss, oof: outcome.oof, envelope: outcome.envelope });
  }
  return { complete, failed, seconds: (Date.now() - t0) / 1000 };
}
