/**
 * A job over 20,000 rows validates on a single split: every trial on the same holdout (drawn from the
 * job's seed, JobConfig.shared_holdout), so their held-out predictions are kept and the job ends with an
 * ensemble selected on those rows, where it used to publish its best trial alone. A job challenging the
 * champion holds a fifth out of the search first: its trials' holdout is drawn from the rows left. The
 * evaluation route scores the published ensemble on the shared holdout's rows.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { seedFrom } from '../../src/engine/core/rng';
import { trainingPart } from '../../src/engine/data/holdout';
import { holdoutPositions } from '../../src/engine/data/shared-holdout';
import { prepareTarget } from '../../src/engine/data/target';
import { jsonOf, send, tenantKey, waitJob } from './tenant';

/** A fifth held out by a challenge still leaves over 20,000 rows to the search. */
const ROWS = 26_000;

/**
 * Binary rows whose label is a smooth step in `a` (a linear model's strength) plus a jump where `b` is
 * high and `c` is "p" (a tree's), with deterministic noise, so a blend of the two beats either.
 */
const LARGE_CSV = [
  'a,b,c,label',
  ...Array.from({ length: ROWS }, (_, i) => {
    const a = ((i * 37) % 1000) / 10;
    const b = ((i * 53) % 997) / 10;
    const c = ['p', 'q', 'r'][(i * 7) % 3];
    const noise = (((i * 7919) % 101) - 50) / 12;
    const s = (a - 50) / 10 + (b > 70 && c === 'p' ? 4 : 0) + noise;
    return `${a},${b},${c},${s > 0 ? 'yes' : 'no'}`;
  }),
].join('\n');

describe('a job over 20,000 rows (a single split shared by its trials)', () => {
  let key = '';
  let job: Record<string, any> = {};

  beforeAll(async () => {
    key = await tenantKey('shared-holdout', 'k');
    expect((await send({ method: 'PUT', path: '/v1/datasets/large', key, body: LARGE_CSV, contentType: 'text/csv' })).status).toBe(201);
    const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset: 'large', target: 'label', model: 'large', models: ['linear', 'cart'], strategy: 'random', budget: { trials: 4 }, seed: 3 } });
    expect(res.status).toBe(202);
    job = await waitJob((await jsonOf(res)).id, key, 150_000);
  }, 170_000);

  it('ends with an ensemble of at least two trials, published as the model', async () => {
    expect(job.status).toBe('succeeded');
    expect(job.ensemble).toMatchObject({ status: 'complete' });
    expect(job.ensemble.members.length).toBeGreaterThanOrEqual(2);
    expect(job.best.family).toBe('ensemble');
    const model = await jsonOf(await send({ method: 'GET', path: '/v1/models/large', key }));
    expect(model.versions[0]).toMatchObject({ version: 1, family: 'ensemble' });
    // Selected on the held-out rows: it beats every trial's score there (roc_auc, higher is better).
    const trials = job.leaderboard.filter((t: { trial_id: string }) => t.trial_id !== 'ensemble');
    for (const t of trials) expect(job.ensemble.score).toBeGreaterThan(t.score);
    // The pick's bias-corrected estimate comes with it, resampled on (a sample of) the held-out rows.
    expect(job.best_estimate).toMatchObject({ method: 'bootstrap_bias_corrected_cv', rows: 2_000 });
    const answer = await jsonOf(await send({ method: 'POST', path: '/v1/models/large/predict', key, body: { rows: [{ a: 90, b: 10, c: 'q' }, { a: 10, b: 10, c: 'q' }] } }));
    expect(answer.predictions).toEqual(['yes', 'no']);
  });

  it('evaluates the published ensemble on the held-out fifth: its score there, over those rows alone', async () => {
    const e = await jsonOf(await send({ method: 'GET', path: '/v1/models/large/evaluation', key }));
    expect(e).toMatchObject({ available: true, source: 'out_of_fold', folds: 1, rows: ROWS / 5, family: 'ensemble' });
    expect(e.members.length).toBe(job.ensemble.members.length);
    // The members blended on the same rows the selection scored them on: the job's ensemble score.
    expect(e.metrics.roc_auc).toBeCloseTo(job.ensemble.score, 6);
    expect(e.confusion.matrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(ROWS / 5);
  });

  it('validated every trial on the same fifth of the rows, the one the job\'s seed holds out', async () => {
    await expectSharedHoldout(job, inferDataset(parseCsv(LARGE_CSV)).dataset, 3);
  });

  it('draws that fifth from the rows a challenge leaves to the search, and the ensemble is selected on it', async () => {
    const body = { dataset: 'large', target: 'label', model: 'large', challenge: true, models: ['linear', 'cart'], strategy: 'random', budget: { trials: 4 }, seed: 4 };
    const res = await send({ method: 'POST', path: '/v1/jobs', key, body });
    expect(res.status).toBe(202);
    const challenger = await waitJob((await jsonOf(res)).id, key, 150_000);
    expect(challenger.status).toBe('succeeded');
    expect(challenger.ensemble).toMatchObject({ status: 'complete' });
    expect(challenger.ensemble.members.length).toBeGreaterThanOrEqual(2);
    // The ensemble is what was compared with the champion, on the challenge's own fifth of the rows.
    expect(challenger.challenge).toMatchObject({ status: 'complete', challenger: 'ensemble', holdout_from: 'all_rows', holdout_rows: ROWS / 5 });
    // The challenge's fifth (worker/start-job: a job by hand draws it from its seed) is out of the search.
    const searched = trainingPart(inferDataset(parseCsv(LARGE_CSV)).dataset, 'label', 'binary', { fraction: 0.2, seed: seedFrom(4, 'holdout') });
    expect(searched.rows).toBe(ROWS * 0.8);
    await expectSharedHoldout(challenger, searched, 4);
  }, 170_000);

  /** Every trial's predictions fill rows of the holdout `seed` draws from `searched` (the rows the trials saw), and only those. */
  async function expectSharedHoldout(ended: Record<string, any>, searched: Dataset, seed: number) {
    const holdout = holdoutPositions(prepareTarget(searched, 'label').y, 'binary', seed);
    expect(holdout.length).toBe(searched.rows / 5);
    const held = new Set(holdout);
    const covered = new Set<number>();
    const trials = ended.leaderboard.filter((t: { trial_id: string }) => t.trial_id !== 'ensemble') as { trial_id: string }[];
    expect(trials.length).toBe(4);
    for (const t of trials) {
      const object = await env.STORE.get(`models/shared-holdout/${ended.id}/${t.trial_id}.oof`);
      expect(object).not.toBeNull();
      const oof = new Float32Array(await object!.arrayBuffer());
      expect(oof.length).toBe(searched.rows);
      // Predictions only on held-out rows (a tree's pure leaf may predict exactly 0 on one of them).
      const filled = [...oof.keys()].filter((i) => oof[i] !== 0);
      expect(filled.filter((i) => !held.has(i))).toEqual([]);
      for (const i of filled) covered.add(i);
    }
    expect(covered.size).toBeGreaterThan(holdout.length * 0.9);
  }
});
