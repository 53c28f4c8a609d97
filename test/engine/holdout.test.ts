/**
 * Held-out rows for champion/challenger comparisons: row selection, the seeded stratified holdout
 * split, turning stored rows back into request rows, and the truth vector in a model's class order.
 * The last test scores real models on a held-out part through the Predictor, as the comparison does.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { datasetRows, truthFor } from '../../src/engine/data/dataset-rows';
import { holdoutPart, splitHoldout, trainingPart } from '../../src/engine/data/holdout';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { selectRows } from '../../src/engine/data/select-rows';
import { METRICS } from '../../src/engine/eval/metrics';
import { rowsToDataset } from '../../src/engine/features/rows-to-dataset';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';

const fromCsv = (text: string): Dataset => inferDataset(parseCsv(text), Object.create(null)).dataset;

/** A table with every stored kind: numbers (some missing), categories, booleans, dates, and a label. */
function mixedTable(n: number, seed: number, noisyLabels = false): string {
  const rng = new Rng(seed);
  const lines = ['x,colour,flag,day,label'];
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    const colour = ['red', 'green', 'blue'][rng.int(3)];
    const flag = rng.next() < 0.5 ? 'yes' : 'no';
    const day = `2024-03-${String(1 + rng.int(28)).padStart(2, '0')}`;
    const signal = x + (colour === 'red' ? 1 : 0) > 0.3;
    const label = noisyLabels ? rng.next() < 0.5 : signal;
    lines.push(`${i % 17 === 0 ? '' : x.toFixed(4)},${colour},${flag},${day},${label ? 'good' : 'bad'}`);
  }
  return lines.join('\n');
}

describe('selectRows', () => {
  it('copies the chosen rows in order, keeping coded levels', () => {
    const ds = fromCsv('a,b\n1,x\n2,y\n3,x\n4,z');
    const part = selectRows(ds, Int32Array.of(3, 0, 3));
    expect(part.rows).toBe(3);
    expect(Array.from((part.columns[0] as { values: Float64Array }).values)).toEqual([4, 1, 4]);
    const b = part.columns[1] as { codes: Int32Array; levels: readonly string[] };
    expect(b.levels).toEqual(['x', 'y', 'z']);
    expect(Array.from(b.codes, (c) => b.levels[c])).toEqual(['z', 'x', 'z']);
    expect(() => selectRows(ds, Int32Array.of(4))).toThrow(/outside the dataset/);
  });
});

describe('splitHoldout', () => {
  const ds = fromCsv(['x,label', ...Array.from({ length: 100 }, (_, i) => `${i},${i < 70 ? 'a' : 'b'}`), '100,', '101,c'].join('\n'));

  it('holds out a stratified fraction, disjoint from the rest, leaving rows without a target out of both', () => {
    const { train, holdout } = splitHoldout(ds, 'label', 'multiclass', { fraction: 0.2, seed: 3 });
    const labelOf = (r: number) => (r < 70 ? 'a' : r < 100 ? 'b' : r === 101 ? 'c' : 'none');
    const count = (rows: Int32Array, l: string) => Array.from(rows).filter((r) => labelOf(r) === l).length;
    expect([count(holdout, 'a'), count(holdout, 'b')]).toEqual([14, 6]);
    // A class with a single row stays with the search, so no trial loses a class the champion knows.
    expect(count(holdout, 'c')).toBe(0);
    expect(count(train, 'c')).toBe(1);
    const all = [...train, ...holdout].sort((p, q) => p - q);
    expect(all).toEqual([...Array.from({ length: 100 }, (_, i) => i), 101]);
    expect(Array.from(train)).toEqual([...train].sort((p, q) => p - q));
  });

  it('holds out only rows from from_row on (those added since the champion\'s data), stratified among them', () => {
    const { train, holdout } = splitHoldout(ds, 'label', 'multiclass', { fraction: 0.5, seed: 3, from_row: 60 });
    // Rows 60-69 are "a", 70-99 "b": half of each is held out, and nothing before row 60.
    expect(Math.min(...holdout)).toBeGreaterThanOrEqual(60);
    expect([Array.from(holdout).filter((r) => r < 70).length, Array.from(holdout).filter((r) => r >= 70 && r < 100).length]).toEqual([5, 15]);
    expect(Array.from(train).filter((r) => r < 60)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(train.length + holdout.length).toBe(101);
  });

  it('draws the same rows for the same seed and different rows for another', () => {
    const a = splitHoldout(ds, 'label', 'multiclass', { fraction: 0.2, seed: 3 }).holdout;
    expect(splitHoldout(ds, 'label', 'multiclass', { fraction: 0.2, seed: 3 }).holdout).toEqual(a);
    expect(splitHoldout(ds, 'label', 'multiclass', { fraction: 0.2, seed: 4 }).holdout).not.toEqual(a);
  });

  it('holds out a fraction of all rows for regression, and gives the parts as datasets', () => {
    const reg = fromCsv(['x,y', ...Array.from({ length: 50 }, (_, i) => `${i},${i * 1.5}`)].join('\n'));
    const spec = { fraction: 0.2, seed: 1 };
    expect(holdoutPart(reg, 'y', 'regression', spec).rows).toBe(10);
    expect(trainingPart(reg, 'y', 'regression', spec).rows).toBe(40);
    expect(() => splitHoldout(reg, 'y', 'regression', { fraction: 1, seed: 1 })).toThrow(/fraction/);
  });
});

describe('datasetRows and truthFor', () => {
  const text = mixedTable(40, 9);
  const ds = fromCsv(text);

  it('give back rows that a model input schema codes exactly as stored', () => {
    const inputs = ds.columns.map((c) => ({ name: c.name, type: c.type, storage: c.storage, ...(c.storage === 'codes' ? { levels: c.levels } : {}) }));
    const rows = datasetRows(ds, 5, 25, new Set(['x', 'colour', 'flag', 'day']));
    expect(rows).toHaveLength(20);
    expect(Object.keys(rows[0]).sort()).toEqual(['colour', 'day', 'flag', 'x']);
    const back = rowsToDataset(
      inputs.filter((i) => i.name !== 'label'),
      new Set(ds.columns.map((c) => c.name)),
      rows,
    );
    for (const col of back.columns) {
      const orig = ds.columns.find((c) => c.name === col.name)!;
      if (col.storage === 'f64' && orig.storage === 'f64') expect(Array.from(col.values)).toEqual(Array.from(orig.values.subarray(5, 25)));
      if (col.storage === 'codes' && orig.storage === 'codes') expect(Array.from(col.codes)).toEqual(Array.from(orig.codes.subarray(5, 25)));
    }
  });

  it('reads the truth in the order of the classes given, and refuses labels a model does not know', () => {
    const labels = text.split('\n').slice(1).map((l) => l.split(',')[4]);
    expect(Array.from(truthFor(ds, 'label', 'binary', ['bad', 'good']))).toEqual(labels.map((l) => (l === 'good' ? 1 : 0)));
    expect(Array.from(truthFor(ds, 'label', 'binary', ['good', 'bad']))).toEqual(labels.map((l) => (l === 'good' ? 0 : 1)));
    expect(() => truthFor(ds, 'label', 'multiclass', ['good', 'ugly'])).toThrow(/label "bad" .* not one of the model's classes/);
    const reg = fromCsv('x,y\n1,2.5\n2,\n');
    expect(() => truthFor(reg, 'y', 'regression', [])).toThrow(/row 1: the target "y" is missing/);
  });
});

describe('scoring on held-out rows through the Predictor', () => {
  it('ranks a model trained on the signal above one trained on shuffled labels, and matches request-row predictions', async () => {
    const spec = { fraction: 0.25, seed: 5 };
    const clean = fromCsv(mixedTable(400, 1));
    const noisy = fromCsv(mixedTable(400, 1, true));
    const held = holdoutPart(clean, 'label', 'binary', spec);
    const score = async (train: Dataset) => {
      const out = await runTrial(trainingPart(train, 'label', 'binary', spec), { family: 'linear', params: {}, target: 'label', task: 'binary', metric: 'roc_auc', seed: 1, folds: 3 });
      if (out.status !== 'complete') throw new Error(out.reason);
      const predictor = await Predictor.load(out.envelope);
      const keep = new Set(predictor.artifact.columns);
      const raw = new Float32Array(held.rows);
      for (let from = 0; from < held.rows; from += 30) raw.set(predictor.predictRaw(datasetRows(held, from, from + 30, keep)), from);
      return { predictor, raw, auc: METRICS.roc_auc.score(truthFor(held, 'label', 'binary', predictor.artifact.classes), raw, 2) };
    };
    const good = await score(clean);
    const bad = await score(noisy);
    expect(held.rows).toBe(100);
    expect(good.auc).toBeGreaterThan(0.85);
    expect(bad.auc).toBeLessThan(0.7);
    // The same rows sent as a client would (CSV strings) predict identically.
    const csvRows = mixedTable(400, 1)
      .split('\n')
      .slice(1)
      .map((l) => {
        const [x, colour, flag, day] = l.split(',');
        return { x: x === '' ? null : x, colour, flag, day };
      });
    const heldIndex = splitHoldout(clean, 'label', 'binary', spec).holdout;
    expect(Array.from(good.predictor.predictRaw(Array.from(heldIndex, (r) => csvRows[r])))).toEqual(Array.from(good.raw));
  });
});
