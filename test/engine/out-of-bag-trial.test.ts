/**
 * A forest's trial (random forest, extra trees) validates on its out-of-bag rows (run-trial validatesOutOfBag): a forest
 * whose trees each learn from one fold's training rows, then the refit, instead of k folds and a refit.
 * What must hold: the out-of-bag predictions are held out (a forest that memorises noise scores chance on
 * them), each tree draws from its fold's rows only, the model served is the one cross-validation would
 * have refitted, the fold scores are the job's folds scored on those predictions, and every case that
 * cannot validate out of bag cross-validates as before.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { foldSplit } from '../../src/engine/data/folds';
import { seededFolds } from '../../src/engine/data/shared-holdout';
import { METRICS } from '../../src/engine/eval/metrics';
import { OutOfBagAccumulator } from '../../src/engine/models/forest/out-of-bag';
import { cartSpec, extraTreesSpec, randomForestSpec } from '../../src/engine/models/forest/forest';
import { FlatForest } from '../../src/engine/models/tree/flat-tree';
import { prepareTarget } from '../../src/engine/data/target';
import { Predictor } from '../../src/engine/predictor';
import { runTrial, type TrialSpec } from '../../src/engine/run-trial';

/** Two informative columns, one of noise, a categorical; labels p/q (or a number for regression). */
function table(n: number, seed: number, regression = false, noiseOnly = false) {
  return inferDataset(parseCsv(tableCsv(n, seed, regression, noiseOnly))).dataset;
}

function tableCsv(n: number, seed: number, regression: boolean, noiseOnly: boolean): string {
  const rng = new Rng(seed);
  const lines = ['a,b,c,k,y'];
  for (let i = 0; i < n; i++) {
    const a = rng.next();
    const b = rng.next();
    const k = ['u', 'v', 'w'][rng.int(3)];
    const signal = noiseOnly ? rng.next() : a + 0.5 * b + (k === 'u' ? 0.3 : 0) + 0.3 * rng.next();
    const y = regression ? (10 * signal).toFixed(3) : signal > 0.9 ? 'p' : 'q';
    lines.push(`${a},${b},${rng.next()},${k},${y}`);
  }
  return lines.join('\n');
}

/** The target as the trial sees it (class indices). */
function targetOf(ds: ReturnType<typeof table>): Float32Array {
  return prepareTarget(ds, 'y').y;
}

function auc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  return METRICS.roc_auc.score(Float32Array.from(y), Float32Array.from(p), 2);
}

describe('out-of-bag validation of random-forest trials', () => {
  const ds = table(300, 5);
  const base: TrialSpec = { family: 'random_forest', params: { n_estimators: 60 }, target: 'y', metric: 'roc_auc', seed: 11, foldSeed: 4, folds: 5 };

  it('serves the model cross-validation refits, and scores the job folds on out-of-bag predictions', async () => {
    const oob = await runTrial(ds, base);
    const cv = await runTrial(ds, { ...base, outOfBag: false });
    if (oob.status !== 'complete' || cv.status !== 'complete') throw new Error('trial failed');
    expect(oob.fitInfo.out_of_bag).toBe(1);
    expect(cv.fitInfo.out_of_bag).toBeUndefined();
    // Same rng draw, same rows, same pipeline: the artifact is the same to the byte.
    expect(JSON.stringify(oob.envelope)).toBe(JSON.stringify(cv.envelope));
    // Each of the 60 trees leaves out about 37% of the rows; the fewest any row had is still well above 0.
    expect(oob.fitInfo.out_of_bag_fewest_trees).toBeGreaterThan(5);
    expect(oob.oof.every(Number.isFinite)).toBe(true);
    // Fold scores: the job's folds (foldSeed) scored on those predictions, one per fold.
    const y = targetOf(ds);
    const folds = seededFolds(y, 'binary', 5, 4);
    expect(oob.foldScores).toHaveLength(5);
    for (let f = 0; f < 5; f++) {
      const { valid } = foldSplit(folds, f);
      expect(oob.foldScores[f]).toBeCloseTo(auc(Array.from(valid, (i) => y[i]), Array.from(valid, (i) => oob.oof[i])), 10);
    }
    expect(oob.score).toBeCloseTo(auc(y, oob.oof), 10);
    // Both are estimates of the same held-out skill: close, not equal.
    expect(oob.score).not.toBe(cv.score);
    expect(Math.abs(oob.score - cv.score)).toBeLessThan(0.05);
  });

  it('the out-of-bag predictions are held out: on pure noise they score no better than chance, the served fit does on its own rows', async () => {
    const csv = tableCsv(400, 9, false, true);
    const noise = inferDataset(parseCsv(csv)).dataset;
    const out = await runTrial(noise, { ...base, params: { n_estimators: 100 } });
    if (out.status !== 'complete') throw new Error('trial failed');
    expect(out.fitInfo.out_of_bag).toBe(1);
    const y = targetOf(noise);
    // Nothing learnt carries over: no better than chance (held-out scores of noise even run a little
    // below 0.5, each row's own absence tilting its trees' class balance the other way, as in any
    // cross-validation).
    expect(auc(y, out.oof)).toBeLessThan(0.55);
    expect(auc(y, out.oof)).toBeGreaterThan(0.3);
    expect(out.score).toBeCloseTo(auc(y, out.oof), 10);
    // The same forest predicting its own training rows (trees grown to purity) is nearly perfect on them.
    const rows = csv.split('\n').slice(1).map((line) => {
      const [a, b, c, k] = line.split(',');
      return { a: Number(a), b: Number(b), c: Number(c), k };
    });
    const served = (await Predictor.load(out.envelope)).predictRows(rows);
    const pQ = served.probabilities!.map((p) => Number(p[out.envelope.classes[1]]));
    expect(auc(y, pQ)).toBeGreaterThan(0.95);
  });

  it('extra trees, and forests that do not bootstrap, validate out of bag the same way', async () => {
    for (const change of [{ family: 'extra_trees' }, { params: { n_estimators: 60, bootstrap: false } }] as const) {
      const oob = await runTrial(ds, { ...base, ...change });
      const cv = await runTrial(ds, { ...base, ...change, outOfBag: false });
      if (oob.status !== 'complete' || cv.status !== 'complete') throw new Error('trial failed');
      expect(oob.fitInfo.out_of_bag).toBe(1);
      expect(JSON.stringify(oob.envelope)).toBe(JSON.stringify(cv.envelope));
      expect(Math.abs(oob.score - cv.score)).toBeLessThan(0.05);
    }
  });

  it('regression and multiclass forests validate out of bag too', async () => {
    const reg = await runTrial(table(200, 6, true), { ...base, metric: 'rmse' });
    expect(reg).toMatchObject({ status: 'complete', fitInfo: { out_of_bag: 1 } });
    const lines = ['a,b,y'];
    const rng = new Rng(3);
    for (let i = 0; i < 240; i++) {
      const a = rng.next();
      lines.push(`${a},${rng.next()},${a < 0.33 ? 'x' : a < 0.66 ? 'y' : 'z'}`);
    }
    const multi = await runTrial(inferDataset(parseCsv(lines.join('\n'))).dataset, { ...base, metric: 'log_loss' });
    if (multi.status !== 'complete') throw new Error('trial failed');
    expect(multi.fitInfo.out_of_bag).toBe(1);
    // Three class probabilities per row, summing to 1, learned well out of bag (a is the class).
    for (let i = 0; i < 240; i++) expect(multi.oof[3 * i] + multi.oof[3 * i + 1] + multi.oof[3 * i + 2]).toBeCloseTo(1, 5);
    expect(multi.score).toBeLessThan(0.5);
  });

  it('cross-validates whatever cannot validate out of bag', async () => {
    const cases: [string, Partial<TrialSpec>][] = [
      ['cart (a single tree)', { family: 'cart', params: {} }],
      ['fewer than 50 trees', { params: { n_estimators: 49 } }],
      ['a single split', { folds: 1 }],
      ['a low-fidelity fit', { trainFraction: 0.5 }],
      ['feature selection (reads the target)', { params: { n_estimators: 60, fe_select: 'mutual_info', fe_select_keep: 0.7 } }],
      ['asked not to', { outOfBag: false }],
    ];
    for (const [why, change] of cases) {
      const out = await runTrial(ds, { ...base, ...change });
      if (out.status !== 'complete') throw new Error(`${why}: ${out.reason}`);
      expect(out.fitInfo.out_of_bag, why).toBeUndefined();
    }
  });
});

describe('a forest asked for out-of-bag predictions by folds', () => {
  it.each([true, false])('grows tree t from the rows outside fold t mod k only, and predicts that fold with it (bootstrap %s)', async (bootstrap) => {
    // The target is the row's fold (0 for the first half, 1 for the second) and the one feature is noise:
    // a tree can only learn which fold it drew from. Trees skipping fold 0 learned from fold-1 rows alone
    // and predict 1, and they alone predict the fold-0 rows. Drawn from every row (or predicting every
    // row they missed), the trees would average near 0.5 there.
    const n = 200;
    const rng = new Rng(8);
    const X = { rows: n, cols: 1, data: Float32Array.from({ length: n }, () => rng.next()) };
    const fold = Int32Array.from({ length: n }, (_, r) => (r < n / 2 ? 0 : 1));
    const y = Float32Array.from(fold, (f) => 1 - f);
    const fitted = await randomForestSpec.fit({ X, y }, { n_estimators: 60, max_features: 1, bootstrap }, { task: 'regression', nClasses: 0, rng: new Rng(1), outOfBag: { fold, k: 2 } });
    const held = fitted.outOfBag!;
    expect(held.unreached).toBe(0);
    // Each row is predicted by the 30 trees that skipped its fold.
    expect(held.fewestMembers).toBe(30);
    for (let r = 0; r < n; r++) expect(held.predictions[r], `row ${r}`).toBe(fold[r]);
    // Asked for nothing, the forest keeps no such predictions.
    const plain = await randomForestSpec.fit({ X, y }, { n_estimators: 60, max_features: 1, bootstrap }, { task: 'regression', nClasses: 0, rng: new Rng(1) });
    expect(plain.outOfBag).toBeUndefined();
  });
});

describe('OutOfBagAccumulator', () => {
  it('averages the trees that skipped each row\'s fold, and reports rows no tree predicted', () => {
    // Two one-leaf trees with outputs 2 and 6, three rows in folds 0, 0 and 2.
    const forest = new FlatForest();
    const leaf = { nNodes: 0, feature: new Int32Array(0), threshold: new Float32Array(0), flags: new Int32Array(0), left: new Int32Array(0), right: new Int32Array(0), catBits: [] };
    forest.addTree(leaf, Float64Array.of(2), 1);
    forest.addTree(leaf, Float64Array.of(6), 1);
    const acc = new OutOfBagAccumulator({ rows: 3, cols: 1, data: new Float32Array(3) }, 1);
    const fold = Int32Array.of(0, 0, 2);
    acc.addTree(forest, 0, fold, 0, null);
    acc.addTree(forest, 1, fold, 0, null);
    acc.addTree(forest, 1, fold, 1, null); // no row is in fold 1
    const r = acc.result();
    expect(Array.from(r.predictions.subarray(0, 2))).toEqual([4, 4]);
    expect(r.predictions[2]).toBeNaN();
    expect(r.unreached).toBe(1);
    expect(r.fewestMembers).toBe(2);
  });
});

describe('the forest specs say when out-of-bag predictions can stand in for cross-validation', () => {
  it('forests of at least 50 trees, bootstrapped or not; never a single tree', () => {
    expect(randomForestSpec.outOfBag?.({ n_estimators: 50 }, 'binary')).toBe(true);
    expect(randomForestSpec.outOfBag?.({ n_estimators: 49 }, 'binary')).toBe(false);
    expect(randomForestSpec.outOfBag?.({ n_estimators: 300, bootstrap: false }, 'regression')).toBe(true);
    expect(extraTreesSpec.outOfBag?.({}, 'multiclass')).toBe(true);
    expect(cartSpec.outOfBag?.({}, 'binary')).toBe(false);
  });
});
