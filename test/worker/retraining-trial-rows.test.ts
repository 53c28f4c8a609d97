/**
 * What a retraining job's table trial keeps in its isolate between trials (worker/queue/trial-consumer):
 * the training part of the dataset (the held-out rows removed), not the stored dataset beside it, which
 * held the data twice while the trial's memory estimate counts the rows it trains on once. Consecutive
 * trials of the job reuse the part; a trial without a holdout reads the stored dataset whole, as before.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { TrialWork } from '../../src/durable/protocol';
import { encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { executeTrial, keptTrialRows } from '../../src/worker/queue/trial-consumer';

const ROWS = 200;
const CSV = ['a,b,label', ...Array.from({ length: ROWS }, (_, i) => `${(i * 7) % 23},${i % 3 === 0 ? 'x' : 'y'},${(i * 7) % 23 > 11 ? 'yes' : 'no'}`)].join('\n');
const DATASET_KEY = 'datasets/default/kept-rows/v1/data.bin';

const work = (trial: string, holdout?: TrialWork['holdout']): TrialWork => ({
  job_id: 'job-kept-rows',
  tenant: 'default',
  trial_id: trial,
  family: 'linear',
  params: {},
  seed: 7,
  dataset_key: DATASET_KEY,
  target: 'label',
  task: 'binary',
  metric: 'roc_auc',
  folds: 3,
  columns: {},
  artifact_key: `jobs/default/job-kept-rows/${trial}.json`,
  oof_key: `jobs/default/job-kept-rows/${trial}.oof`,
  fidelity: 1,
  ...(holdout ? { holdout } : {}),
});

describe("a retraining job's table trials", () => {
  it('keep the training part between trials, not the stored dataset beside it', async () => {
    const bytes = encodeDataset(inferDataset(parseCsv(CSV)).dataset);
    await env.STORE.put(DATASET_KEY, bytes);
    const holdout = { fraction: 0.25, seed: 3 };
    const first = await executeTrial(work('t0000', holdout), env);
    expect(first.status).toBe('complete');
    const kept = keptTrialRows();
    expect(kept?.rows).toBe(ROWS - 50);
    expect(kept?.key).not.toBe(DATASET_KEY);
    // The next trial of the job trains on the same rows, read from the isolate.
    const second = await executeTrial(work('t0001', holdout), env);
    expect(second).toMatchObject({ status: 'complete', score: first.status === 'complete' ? first.score : NaN });
    expect(keptTrialRows()).toEqual(kept);
    // A trial without a holdout reads the stored dataset whole.
    expect((await executeTrial(work('t0002'), env)).status).toBe('complete');
    expect(keptTrialRows()).toEqual({ key: DATASET_KEY, rows: ROWS });
  });
});
