/**
 * Low-fidelity trials (runTrial's trainFraction): the row subsample is deterministic, stratified and a
 * true subset; each fold's model trains on the fraction while every validation row is still scored;
 * the refit trains on the fraction too; and fraction 1 leaves a trial exactly as it was.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { subsamplePositions } from '../../src/engine/data/subsample';
import { prepareTarget } from '../../src/engine/data/target';
import { getModelSpec } from '../../src/engine/models/registry';
import { runTrial, type TrialOutcome, type TrialSpec } from '../../src/engine/run-trial';
import { SHARED_DATA_DIR } from './helpers/load-shared-csv';

function load(name: string): { ds: Dataset; target: string } {
  const meta = JSON.parse(readFileSync(join(SHARED_DATA_DIR, `${name}.json`), 'utf8')) as { target: string };
  return { ds: inferDataset(parseCsv(readFileSync(join(SHARED_DATA_DIR, `${name}.train.csv`), 'utf8'))).dataset, target: meta.target };
}

const complete = (o: TrialOutcome) => {
  if (o.status !== 'complete') throw new Error(`trial failed: ${o.reason}`);
  return o;
};

/** 300 positions (every third of 0..899) whose labels are 0 for 240 of them, 1 for 54 and 2 for 6. */
function skewed(): { positions: Int32Array; labels: Float32Array } {
  const positions = Int32Array.from({ length: 300 }, (_, i) => i * 3);
  const labels = new Float32Array(900).fill(-1);
  positions.forEach((p, i) => (labels[p] = i < 240 ? 0 : i < 294 ? 1 : 2));
  return { positions, labels };
}

describe('subsamplePositions', () => {
  it('keeps each class share (at least one row of every class) and returns a sorted subset', () => {
    const { positions, labels } = skewed();
    const sub = subsamplePositions(positions, labels, 1 / 9, new Rng(5));
    const count = (c: number) => sub.filter((p) => labels[p] === c).length;
    // round(240/9) = 27, round(54/9) = 6, round(6/9) = 1.
    expect([count(0), count(1), count(2)]).toEqual([27, 6, 1]);
    const all = new Set(positions);
    expect(sub.every((p) => all.has(p))).toBe(true);
    expect(sub.every((p, i) => i === 0 || p > sub[i - 1])).toBe(true);
  });

  it('is deterministic in its rng and differs across seeds', () => {
    const { positions, labels } = skewed();
    const a = subsamplePositions(positions, labels, 1 / 3, new Rng(7));
    expect(subsamplePositions(positions, labels, 1 / 3, new Rng(7))).toEqual(a);
    expect(subsamplePositions(positions, labels, 1 / 3, new Rng(8))).not.toEqual(a);
  });

  it('draws round(fraction · n) rows without labels, all rows at fraction 1, and refuses a bad fraction', () => {
    const positions = Int32Array.from({ length: 100 }, (_, i) => 1000 - i);
    expect(subsamplePositions(positions, undefined, 0.25, new Rng(1))).toHaveLength(25);
    expect(subsamplePositions(positions, undefined, 0.001, new Rng(1))).toHaveLength(1);
    expect(subsamplePositions(positions, undefined, 1, new Rng(1))).toBe(positions);
    expect(() => subsamplePositions(positions, undefined, 0, new Rng(1))).toThrow(/\(0, 1\], got 0/);
    expect(() => subsamplePositions(positions, undefined, 1.5, new Rng(1))).toThrow(/got 1.5/);
  });
});

describe('runTrial with trainFraction', () => {
  const { ds, target } = load('segment');
  const prepared = prepareTarget(ds, target);
  const shape = { rows: ds.rows, cols: ds.columns.length - 1, task: prepared.task, nClasses: prepared.classes.length };
  const spec: TrialSpec = { family: 'knn', params: getModelSpec('knn').defaults(shape), target, metric: 'accuracy', seed: 17, folds: 3 };

  it('at fraction 1 gives exactly the trial without it', async () => {
    const plain = complete(await runTrial(ds, spec));
    const full = complete(await runTrial(ds, { ...spec, trainFraction: 1 }));
    expect(full.score).toBe(plain.score);
    expect(full.foldScores).toEqual(plain.foldScores);
    expect(full.oof).toEqual(plain.oof);
    expect(full.envelope).toEqual(plain.envelope);
  });

  it('trains on the fraction, scores every validation row, refits on the fraction, deterministically', async () => {
    const low = complete(await runTrial(ds, { ...spec, trainFraction: 1 / 9 }));
    const again = complete(await runTrial(ds, { ...spec, trainFraction: 1 / 9 }));
    expect(again.oof).toEqual(low.oof);
    expect(again.score).toBe(low.score);
    // Every row got out-of-fold probabilities (each row's sum is 1): validation used all rows of each fold.
    const width = prepared.classes.length;
    for (let i = 0; i < prepared.rows.length; i++) {
      let sum = 0;
      for (let c = 0; c < width; c++) sum += low.oof[i * width + c];
      expect(sum).toBeCloseTo(1, 4);
    }
    expect(low.foldScores).toHaveLength(3);
    // The refit's knn stores its training rows: per class round(count / 9), at least one.
    const counts = new Map<number, number>();
    for (const v of prepared.y) counts.set(v, (counts.get(v) ?? 0) + 1);
    const expected = [...counts.values()].reduce((a, n) => a + Math.max(1, Math.round(n / 9)), 0);
    expect((low.envelope.model as unknown as { rows: number }).rows).toBe(expected);
    expect(expected).toBeLessThan(prepared.rows.length / 8);
  });

  it('ranks as fidelity should on held-out folds: a ninth of the rows scores below all of them', async () => {
    const full = complete(await runTrial(ds, spec));
    const low = complete(await runTrial(ds, { ...spec, trainFraction: 1 / 9 }));
    const mid = complete(await runTrial(ds, { ...spec, trainFraction: 1 / 3 }));
    expect(low.score).toBeLessThan(mid.score);
    expect(mid.score).toBeLessThan(full.score);
  });

  it('subsamples regression rows too (no strata) and refuses a fraction outside (0, 1]', async () => {
    const concrete = load('concrete');
    const rows = prepareTarget(concrete.ds, concrete.target).rows.length;
    const cshape = { rows, cols: concrete.ds.columns.length - 1, task: 'regression' as const, nClasses: 0 };
    const rspec: TrialSpec = { family: 'knn', params: getModelSpec('knn').defaults(cshape), target: concrete.target, metric: 'rmse', seed: 3, folds: 3, trainFraction: 1 / 3 };
    const low = complete(await runTrial(concrete.ds, rspec));
    expect((low.envelope.model as unknown as { rows: number }).rows).toBe(Math.round(rows / 3));
    const bad = await runTrial(concrete.ds, { ...rspec, trainFraction: 0 });
    expect(bad).toMatchObject({ status: 'failed', code: 'invalid_params' });
  });
});
