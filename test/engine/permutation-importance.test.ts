/**
 * Permutation importance of trained models on data whose answer is known: the column the target is made
 * from ranks first and a pure-noise column near zero, for a gradient-boosted classifier, a linear
 * regressor and a kNN model (a family with no explainer); shares sum to 1; the same seed gives the same
 * result; a job's type override is re-applied when the columns are read (a test that fails without it);
 * wide tables use fewer rows.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import type { CsvTable } from '../../src/engine/data/csv';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { permutationImportance } from '../../src/engine/explain/permutation-importance';
import type { ModelFamily } from '../../src/engine/models/model';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';

/** signal drives the target, helper a little, noise not at all; colour matters through "red" only. */
function table(task: 'binary' | 'regression', n = 600): CsvTable {
  const rng = new Rng(7);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const signal = rng.uniform(-2, 2);
    const helper = rng.uniform(-2, 2);
    const noise = rng.uniform(-2, 2);
    const colour = ['red', 'green', 'blue'][rng.int(3)];
    const z = 2 * signal + 0.5 * helper + (colour === 'red' ? 1 : 0) + rng.uniform(-0.3, 0.3);
    const y = task === 'regression' ? z.toFixed(4) : z > 0.3 ? 'yes' : 'no';
    rows.push([signal.toFixed(4), helper.toFixed(4), noise.toFixed(4), colour, String(i % 7), y]);
  }
  return { header: ['signal', 'helper', 'noise', 'colour', 'code', 'y'], rows };
}

async function trained(family: ModelFamily, task: 'binary' | 'regression', overrides: Record<string, 'categorical'> = {}, data = table(task)) {
  const { dataset } = inferDataset(data);
  const ds = applyOverrides(dataset, overrides).dataset;
  const shape = { rows: ds.rows, cols: ds.columns.length - 1, task, nClasses: task === 'binary' ? 2 : 0 };
  const outcome = await runTrial(ds, { family, params: getModelSpec(family).defaults(shape), target: 'y', metric: task === 'binary' ? 'roc_auc' : 'rmse', seed: 1, folds: 3 });
  if (outcome.status !== 'complete') throw new Error(outcome.reason);
  return { predictor: await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope))), stored: dataset };
}

describe('permutationImportance', () => {
  for (const [family, task] of [
    ['gbdt', 'binary'],
    ['linear', 'regression'],
    ['knn', 'binary'],
  ] as const) {
    it(`${family} (${task}): the signal column first, the noise column near zero`, async () => {
      const { predictor, stored } = await trained(family, task);
      const result = permutationImportance(predictor, stored, { seed: 3 });
      expect(result.loss).toBe(task === 'regression' ? 'rmse' : 'log_loss');
      expect(result.rows).toBe(500);
      const imp = result.importances;
      expect(Object.keys(imp).sort()).toEqual(['code', 'colour', 'helper', 'noise', 'signal']);
      expect(Object.values(imp).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
      const ranked = Object.entries(imp).sort((a, b) => b[1] - a[1]).map(([name]) => name);
      expect(ranked[0]).toBe('signal');
      expect(imp.signal).toBeGreaterThan(0.4);
      expect(imp.noise).toBeLessThan(0.05);
      expect(imp.helper).toBeGreaterThan(imp.noise);
      expect(permutationImportance(predictor, stored, { seed: 3 })).toEqual(result);
      predictor.dispose();
    });
  }

  it('reads a column as the job typed it: decimals made categorical still match their levels after Float32 storage', async () => {
    // "dose" holds decimals, stored numeric (Float32 in the columnar form a trial reads); the job made it
    // categorical, and the label depends on it alone. Read as a number, 0.1 would come back as
    // 0.10000000149011612, a level the model never saw, and dose would seem not to matter at all.
    const rng = new Rng(5);
    const rows = Array.from({ length: 400 }, () => {
      const dose = ['0.1', '0.2', '0.3', '0.7'][rng.int(4)];
      const high = dose === '0.1' || dose === '0.7';
      return [dose, rng.uniform(-1, 1).toFixed(3), (rng.next() < 0.1 ? !high : high) ? 'yes' : 'no'];
    });
    const { dataset } = inferDataset({ header: ['dose', 'noise', 'y'], rows });
    const stored = decodeDataset(encodeDataset(dataset));
    const dose = stored.columns[0];
    expect(dose.storage === 'f64' && dose.values).toBeInstanceOf(Float32Array);
    const ds = applyOverrides(dataset, { dose: 'categorical' }).dataset;
    const outcome = await runTrial(ds, { family: 'gbdt', params: getModelSpec('gbdt').defaults({ rows: 400, cols: 2, task: 'binary', nClasses: 2 }), target: 'y', metric: 'roc_auc', seed: 1, folds: 3 });
    if (outcome.status !== 'complete') throw new Error(outcome.reason);
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
    expect(permutationImportance(predictor, stored, { seed: 1 }).importances.dose).toBeGreaterThan(0.8);
    predictor.dispose();
  });

  it('reads a date column in the order of day and month the job declared, not the one upload guessed', async () => {
    // Every day is 12 or less, so upload guesses month first; the job declared day first, and the label
    // is whether the date falls in the first half of the year. Read month first, the model would see
    // other dates than it learned from, and its unshuffled loss would be far worse than in training.
    const rng = new Rng(9);
    const rows = Array.from({ length: 400 }, () => {
      const day = 1 + rng.int(12);
      const month = 1 + rng.int(12);
      const text = `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/2024`;
      return [text, rng.uniform(-1, 1).toFixed(3), month <= 6 ? 'yes' : 'no'];
    });
    const { dataset } = inferDataset({ header: ['when', 'noise', 'y'], rows });
    const declared = applyOverrides(dataset, { when: { type: 'datetime', date_order: 'dmy' } }).dataset;
    const outcome = await runTrial(declared, { family: 'gbdt', params: getModelSpec('gbdt').defaults({ rows: 400, cols: 2, task: 'binary', nClasses: 2 }), target: 'y', metric: 'roc_auc', seed: 1, folds: 3 });
    if (outcome.status !== 'complete') throw new Error(outcome.reason);
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
    const result = permutationImportance(predictor, decodeDataset(encodeDataset(dataset)), { seed: 1 });
    expect(result.base_loss).toBeLessThan(0.2);
    expect(result.importances.when).toBeGreaterThan(0.8);
    predictor.dispose();
  });

  it('keeps a column named "__proto__" through the stored JSON (a plain object would swallow its entry)', async () => {
    const data = table('binary');
    const { predictor, stored } = await trained('gbdt', 'binary', {}, { ...data, header: data.header.map((h) => (h === 'signal' ? '__proto__' : h)) });
    const back = JSON.parse(JSON.stringify(permutationImportance(predictor, stored, { seed: 3 }).importances)) as Record<string, number>;
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBeGreaterThan(0.4);
    predictor.dispose();
  });

  it('bounds the rows by the prediction budget', async () => {
    // "code" holds digits, so it is stored numeric; the job made it categorical.
    const { predictor, stored } = await trained('gbdt', 'binary', { code: 'categorical' });
    expect(stored.columns.find((c) => c.name === 'code')?.type).toBe('numeric');
    expect(predictor.envelope.pipeline.inputs.find((i) => i.name === 'code')?.type).toBe('categorical');
    // 6 passes (5 columns + the unshuffled one) within 600 row predictions: 100 rows.
    const result = permutationImportance(predictor, stored, { seed: 1, maxRowPredictions: 600 });
    expect(result.rows).toBe(100);
    expect(result.importances.code).toBeGreaterThanOrEqual(0);
    predictor.dispose();
  });
});
