/**
 * The log-linear pool of multiclass jobs (engine/ensemble/log-linear-pool): the pooling arithmetic, the
 * fitted exponents on synthetic candidates whose right answer is known (an under-confident informative
 * model is sharpened, a noise model gets no weight), the member and cost caps (a set cost too), the job's choice between
 * pool and greedy average, and the version-2 artifact: built from real penguins trials (one of them a bag
 * of two models, kept together in one group), served as the pool of its groups' averages after a JSON
 * round trip, refused by the parser when malformed, and never explained.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { buildEnsembleEnvelope } from '../../src/engine/ensemble/build-envelope';
import { foldBagEnvelope } from '../../src/engine/ensemble/fold-bag';
import type { EnsembleCandidate } from '../../src/engine/ensemble/greedy-selection';
import { logLinearPool, logLinearSelection } from '../../src/engine/ensemble/log-linear-pool';
import { selectJobEnsemble } from '../../src/engine/ensemble/select-for-job';
import { METRICS } from '../../src/engine/eval/metrics';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';
import type { Params } from '../../src/engine/search/space';
import { type EnsembleEnvelope, type ModelEnvelope, parseEnsembleEnvelope } from '../../src/engine/serialize/envelope';
import { SHARED_DATA_DIR } from './helpers/load-shared-csv';

const K = 3;

/** n rows of class labels 0..K-1 and a candidate whose probability of the true class is `p` (the rest shared). */
function labels(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => Math.floor(rng.next() * K));
}
function informative(y: Float32Array, p: number, id: string, cost = 0): EnsembleCandidate {
  const oof = new Float32Array(y.length * K);
  y.forEach((c, r) => {
    for (let k = 0; k < K; k++) oof[r * K + k] = k === c ? p : (1 - p) / (K - 1);
  });
  return { id, oof, cost };
}
function noise(n: number, seed: number, id: string): EnsembleCandidate {
  const rng = new Rng(seed);
  const oof = new Float32Array(n * K);
  for (let r = 0; r < n; r++) {
    let total = 0;
    for (let k = 0; k < K; k++) total += oof[r * K + k] = 0.2 + rng.next();
    for (let k = 0; k < K; k++) oof[r * K + k] /= total;
  }
  return { id, oof };
}
const logLoss = (y: Float32Array, out: Float32Array) => METRICS.log_loss.score(y, out, K);

describe('log-linear pooling', () => {
  it('pools rows to probabilities: exponent 1 gives a member back, 2 sharpens, two members multiply', () => {
    const a = Float32Array.from([0.6, 0.3, 0.1, 0.2, 0.2, 0.6]);
    const b = Float32Array.from([0.2, 0.5, 0.3, 0.1, 0.1, 0.8]);
    const same = logLinearPool([a], [1], 3);
    for (let i = 0; i < a.length; i++) expect(same[i]).toBeCloseTo(a[i], 6);
    const sharp = logLinearPool([a], [2], 3);
    expect(sharp[0]).toBeCloseTo(0.36 / (0.36 + 0.09 + 0.01), 6);
    const both = logLinearPool([a, b], [1, 1], 3);
    const row0 = [0.6 * 0.2, 0.3 * 0.5, 0.1 * 0.3];
    row0.forEach((v, k) => expect(both[k]).toBeCloseTo(v / (row0[0] + row0[1] + row0[2]), 6));
    for (let r = 0; r < 2; r++) expect(both[r * 3] + both[r * 3 + 1] + both[r * 3 + 2]).toBeCloseTo(1, 6);
    expect(() => logLinearPool([a, b.subarray(0, 3)], [1, 1], 3)).toThrow(EngineError);
  });

  it('sharpens an under-confident informative model and gives a noise model no real weight', () => {
    const y = labels(400, 1);
    const weak = informative(y, 0.45, 'weak');
    const selection = logLinearSelection({ y, task: 'multiclass', nClasses: K }, [noise(400, 2, 'noise'), weak], { maxMembers: 6, maxCost: Infinity });
    expect(selection.bestSingle.id).toBe('weak');
    expect(selection.members[0].id).toBe('weak');
    expect(selection.members[0].weight).toBeGreaterThan(2);
    const noiseWeight = selection.members.find((m) => m.id === 'noise')?.weight ?? 0;
    expect(noiseWeight).toBeLessThan(0.1 * selection.members[0].weight);
    expect(selection.loss).toBeLessThan(0.5 * logLoss(y, weak.oof));
    // The reported loss is the pooled members' loss.
    const pooled = logLinearPool(
      selection.members.map((m) => (m.id === 'weak' ? weak.oof : noise(400, 2, 'noise').oof)),
      selection.members.map((m) => m.weight),
      K,
    );
    expect(selection.loss).toBeCloseTo(logLoss(y, pooled), 10);
  });

  it('keeps at most maxMembers, never a candidate over the cost cap, and fits the same way twice', () => {
    const y = labels(300, 3);
    const candidates = Array.from({ length: 8 }, (_, i) => {
      // Each candidate is right on a different random subset of rows: all informative, none redundant.
      const rng = new Rng(10 + i);
      const oof = new Float32Array(y.length * K);
      y.forEach((c, r) => {
        const hit = rng.next() < 0.7 ? c : (c + 1) % K;
        for (let k = 0; k < K; k++) oof[r * K + k] = k === hit ? 0.6 : 0.2;
      });
      return { id: `c${i}`, oof, cost: i === 0 ? 500 : 10 };
    });
    const target = { y, task: 'multiclass' as const, nClasses: K };
    const capped = logLinearSelection(target, candidates, { maxMembers: 3, maxCost: 100 });
    expect(capped.members.length).toBe(3);
    expect(capped.members.map((m) => m.id)).not.toContain('c0');
    expect(capped.bestSingle.id).not.toBe('c0');
    expect(capped.cost).toBe(30);
    expect(capped.loss).toBeLessThan(capped.bestSingle.score);
    expect(logLinearSelection(target, candidates, { maxMembers: 3, maxCost: 100 })).toEqual(capped);
    expect(() => logLinearSelection({ y, task: 'binary', nClasses: 2 }, candidates, { maxMembers: 3, maxCost: 100 })).toThrow(/multiclass/);
    // A set of members can cost more than the sum of theirs (large forests sharing the cache): a member of
    // the capped pool beside any other costs 100 more, so it is kept alone or not at all.
    const heavy = capped.members[0].index;
    const setCost = (members: readonly number[]) => members.reduce((n, i) => n + candidates[i].cost, 0) + (members.length > 1 && members.includes(heavy) ? 100 : 0);
    const set = logLinearSelection(target, candidates, { maxMembers: 3, maxCost: 100, setCost });
    const kept = set.members.map((m) => m.index);
    expect(kept.length === 1 || !kept.includes(heavy)).toBe(true);
    expect(set.cost).toBeLessThanOrEqual(100);
    expect(set.cost).toBe(setCost(set.members.map((m) => m.index)));
  });
});

function table(name: string): { ds: Dataset; rows: Record<string, string>[] } {
  const test = parseCsv(readFileSync(join(SHARED_DATA_DIR, `${name}.test.csv`), 'utf8'));
  const rows = test.rows.map((r) => Object.fromEntries(test.header.map((h, j) => [h, r[j]])));
  return { ds: inferDataset(parseCsv(readFileSync(join(SHARED_DATA_DIR, `${name}.train.csv`), 'utf8'))).dataset, rows };
}

describe('a log-linear ensemble artifact (penguins)', () => {
  const trials = new Map<string, { envelope: ModelEnvelope | EnsembleEnvelope; oof: Float32Array }>();
  let penguins: { ds: Dataset; rows: Record<string, string>[] };
  const spec = { target: 'species', metric: 'log_loss' as const, seed: 5, folds: 5 };

  beforeAll(async () => {
    penguins = table('penguins');
    const run = async (id: string, family: 'linear' | 'random_forest' | 'knn', params: Params) => {
      const o = await runTrial(penguins.ds, { ...spec, family, params });
      if (o.status !== 'complete') throw new Error(`${id}: ${o.reason}`);
      trials.set(id, { envelope: o.envelope, oof: o.oof });
    };
    await run('lin', 'linear', {});
    await run('rf', 'random_forest', { n_estimators: 30 });
    await run('knn5', 'knn', { k: 5 });
    await run('knn15', 'knn', { k: 15 });
  }, 60_000);

  it('is chosen for a multiclass log-loss job, and the greedy average for any other metric', () => {
    const candidates = [...trials.entries()].map(([id, t]) => ({ id, oof: t.oof }));
    const pooled = selectJobEnsemble(penguins.ds, { target: 'species', task: 'multiclass', metric: 'log_loss' }, candidates);
    expect(pooled.selection.combine).toBe('log_linear');
    expect(pooled.selection.loss).toBeLessThanOrEqual(pooled.selection.bestSingle.score);
    const averaged = selectJobEnsemble(penguins.ds, { target: 'species', task: 'multiclass', metric: 'accuracy' }, candidates);
    expect(averaged.selection.combine).toBeUndefined();
  });

  it('serves the pool of its groups: a bag stays one group, averaged before pooling', async () => {
    const knn = [trials.get('knn5')!.envelope as ModelEnvelope, trials.get('knn15')!.envelope as ModelEnvelope];
    const bag = foldBagEnvelope(knn, 'log_loss');
    const lin = trials.get('lin')!.envelope as ModelEnvelope;
    const envelopes = new Map<string, ModelEnvelope | EnsembleEnvelope>([['bag', bag], ['rf', trials.get('rf')!.envelope], ['lin', lin]]);
    const selection = { combine: 'log_linear' as const, members: [{ id: 'lin', index: 0, weight: 1.4 }, { id: 'bag', index: 1, weight: 0.7 }, { id: 'rf', index: 2, weight: 0.3 }] };
    const artifact = buildEnsembleEnvelope(selection, (id) => envelopes.get(id), 'log_loss');
    expect(artifact).toMatchObject({ version: 2, combine: 'log_linear', groups: [1.4, 0.7, 0.3] });
    expect(artifact.members.map((m) => [m.id, m.group])).toEqual([['lin', 0], ['bag/fold-0', 1], ['bag/fold-1', 1], ['rf', 2]]);

    const served = await Predictor.load(JSON.parse(JSON.stringify(artifact)));
    const alone = await Promise.all([lin, bag, trials.get('rf')!.envelope].map((e) => Predictor.load(JSON.parse(JSON.stringify(e)))));
    const expected = logLinearPool(alone.map((p) => p.predictRaw(penguins.rows)), [1.4, 0.7, 0.3], 3);
    const out = served.predictRaw(penguins.rows);
    expect(out.length).toBe(penguins.rows.length * 3);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(expected[i], 5);
    // Pooling the four models individually would differ: the bag's average is what gets pooled.
    const flat = logLinearPool([...alone.slice(0, 1), ...(await Promise.all(knn.map((e) => Predictor.load(e)))), alone[2]].map((p) => p.predictRaw(penguins.rows)), [1.4, 0.35, 0.35, 0.3], 3);
    expect(Array.from(out).some((v, i) => Math.abs(v - flat[i]) > 1e-4)).toBe(true);
    // Labels are the pooled argmax; held-out log loss is well under chance (ln 3 ≈ 1.10).
    const result = served.predictRows(penguins.rows);
    const classes = artifact.classes;
    expect(result.predictions).toEqual(penguins.rows.map((_, r) => classes[[0, 1, 2].reduce((b, k) => (out[r * 3 + k] > out[r * 3 + b] ? k : b), 0)]));
    const y = Float32Array.from(penguins.rows, (row) => classes.indexOf(row.species));
    expect(METRICS.log_loss.score(y, out, 3)).toBeLessThan(0.2);
    expect(() => served.explainRows(penguins.rows.slice(0, 2))).toThrow(/log-linear pool/);
  });

  it('refuses malformed version-2 artifacts and version-1 artifacts that claim a combination', () => {
    const envelopes = new Map([['rf', trials.get('rf')!.envelope], ['lin', trials.get('lin')!.envelope]]);
    const good = buildEnsembleEnvelope({ combine: 'log_linear', members: [{ id: 'lin', index: 0, weight: 1 }, { id: 'rf', index: 1, weight: 0.5 }] }, (id) => envelopes.get(id));
    const variant = (patch: (e: Record<string, unknown> & { members: Record<string, unknown>[] }) => void) => {
      const e = JSON.parse(JSON.stringify(good));
      patch(e);
      return () => parseEnsembleEnvelope(e);
    };
    expect(variant(() => undefined)).not.toThrow();
    expect(variant((e) => (e.members[1].group = 2))).toThrow(/member 1 needs a group between 0 and 1/);
    expect(variant((e) => (e.groups = [1, 0.5, 2]))).toThrow(/every group/);
    expect(variant((e) => (e.groups = [1, -0.5]))).toThrow(/exponent ≥ 0/);
    expect(variant((e) => delete e.combine)).toThrow(/needs combine "log_linear"/);
    expect(variant((e) => (e.version = 1))).toThrow(/version-1 ensemble artifact averages/);
    expect(variant((e) => (e.version = 3))).toThrow(/unsupported ensemble artifact version 3/);
    // A pool inside an ensemble is refused when building.
    expect(() => buildEnsembleEnvelope({ members: [{ id: 'pool', index: 0, count: 1, weight: 1 }] }, () => good)).toThrow(/itself a log-linear pool/);
  });
});
