/**
 * The CNN family on the tfjs wasm backend in Node: the default network trained on the digits train split
 * through the 'pixels' feature style reaches a high accuracy on the held-out test split; the artifact
 * round-trips to identical predictions (directly and through a served envelope); a seed reproduces; epoch
 * fidelity trains fewer epochs at trainFraction 0.5; a deep net on 8x8 images skips pools instead of
 * crashing; bad inputs get clear errors; and memory: wide nets score in smaller chunks, a fold's fit is
 * counted once, and a batch that does not fit is capped rather than refused.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageShape } from '../../src/engine/core/image-shape';
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { prepareTarget } from '../../src/engine/data/target';
import { fitFeatures } from '../../src/engine/features/pipeline';
import type { Matrix } from '../../src/engine/core/matrix';
import type { FitContext } from '../../src/engine/models/model';
import { cnnSpec } from '../../src/engine/models/nn/cnn/cnn';
import { CNN_CHUNK_BYTES, CNN_CHUNK_ROWS, forwardChunkRows, forwardValuesPerRow } from '../../src/engine/models/nn/cnn/cnn-net';
import { planCnn, resolveCnnOptions } from '../../src/engine/models/nn/cnn/cnn-options';
import { getModelSpec, IMAGE_FAMILIES, MODEL_FAMILIES } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { planTrialMemory, runTrial, type TrialSpec } from '../../src/engine/run-trial';
import type { Params } from '../../src/engine/search/space';
import { servingCostMicros } from '../../src/engine/serialize/serving-cost';
import { SHARED_DATA_DIR } from './helpers/load-shared-csv';
import { initWasmInNode } from './mlp-fixtures';

const DIGITS: ImageShape = { height: 8, width: 8, channels: 1 };
const TARGET = 'digit';

function readSplit(split: 'train' | 'test'): Dataset {
  return inferDataset(parseCsv(readFileSync(join(SHARED_DATA_DIR, `digits.${split}.csv`), 'utf8'))).dataset;
}

/** Class indices of a split's target, against the training classes. */
function labelsOf(ds: Dataset, classes: readonly string[]): Float32Array {
  const col = ds.columns.find((c) => c.name === TARGET)!;
  const y = new Float32Array(ds.rows);
  for (let i = 0; i < ds.rows; i++) {
    const raw = col.storage === 'f64' ? String(col.values[i]) : col.levels[col.codes[i]];
    y[i] = classes.indexOf(raw);
  }
  return y;
}

function argmaxAccuracy(out: Float32Array, y: Float32Array, k: number): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (out[i * k + c] > out[i * k + best]) best = c;
    if (best === y[i]) ok++;
  }
  return ok / y.length;
}

/** The first `n` rows of a matrix (a view). */
/** The first `rows` rows of a dataset (views, no copy). */
function firstRows(ds: Dataset, rows: number): Dataset {
  return { rows, columns: ds.columns.map((c) => (c.storage === 'f64' ? { ...c, values: c.values.subarray(0, rows) } : { ...c, codes: c.codes.subarray(0, rows) })) };
}

function head(X: Matrix, n: number): Matrix {
  return { rows: n, cols: X.cols, data: X.data.subarray(0, n * X.cols) };
}

describe('cnn on the tfjs wasm backend (Node)', () => {
  let train: Dataset;
  let test: Dataset;
  let classes: readonly string[];
  let Xtrain: Matrix;
  let ytrain: Float32Array;
  let Xtest: Matrix;
  let ytest: Float32Array;

  beforeAll(async () => {
    await initWasmInNode();
    train = readSplit('train');
    test = readSplit('test');
    const target = prepareTarget(train, TARGET);
    classes = target.classes;
    ytrain = target.y;
    const features = await fitFeatures(train, target.rows, 'pixels', new Set([TARGET]), { y: ytrain, task: 'multiclass', nClasses: 10, rng: new Rng(1) });
    Xtrain = features.X;
    Xtest = features.pipeline.transform(test);
    ytest = labelsOf(test, classes);
  });

  it('the pixels style keeps all 64 pixels in place, scaled by one factor (digits: 1/16)', () => {
    expect(Xtrain.cols).toBe(64);
    expect(Math.max(...Xtrain.data)).toBe(1);
    // px_r0_c0 is 0 in every training row (a 'constant' column) and is still feature 0.
    expect(Xtrain.data[0]).toBe(0);
    const raw = train.columns.find((c) => c.name === 'px_r3_c4')!;
    const v = raw.storage === 'f64' ? raw.values[5] : Number(raw.levels[raw.codes[5]]);
    expect(Xtrain.data[5 * 64 + 3 * 8 + 4]).toBeCloseTo(v / 16, 6);
  });

  it('puts px_* columns in the image order whatever the file order (a header sorted as text: px_r0_c0, px_r0_c1, px_r1_c0, ...)', async () => {
    const sorted: Dataset = { ...train, columns: [...train.columns].sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)) };
    expect(sorted.columns.slice(0, 2).map((c) => c.name)).toEqual(['px_r7_c7', 'px_r7_c6']);
    const target = prepareTarget(sorted, TARGET);
    const features = await fitFeatures(sorted, target.rows, 'pixels', new Set([TARGET]), { y: target.y, task: 'multiclass', nClasses: 10, rng: new Rng(1) });
    expect(Array.from(features.X.data)).toEqual(Array.from(Xtrain.data));
    expect(Array.from(features.pipeline.transform(test).data)).toEqual(Array.from(Xtest.data));
  });

  it('reads a table with no px_* names (p0..p63, its image job given the shape) as pixels in file order, as the px_* table', async () => {
    const renamed = (ds: Dataset): Dataset => ({ ...ds, columns: ds.columns.map((c, i) => (c.name === TARGET ? c : { ...c, name: `p${i}` })) });
    const plain = renamed(train);
    expect(plain.columns.slice(0, 2).map((c) => c.name)).toEqual(['p0', 'p1']);
    const target = prepareTarget(plain, TARGET);
    const features = await fitFeatures(plain, target.rows, 'pixels', new Set([TARGET]), { y: target.y, task: 'multiclass', nClasses: 10, rng: new Rng(1) });
    expect(features.X.cols).toBe(64);
    expect(Array.from(features.X.data)).toEqual(Array.from(Xtrain.data));
    // A trial on it runs exactly as on the px_* names: same memory plan, same encoders, same score.
    const spec: TrialSpec = {
      family: 'cnn',
      params: { ...cnnSpec.defaults({ rows: 150, cols: 64, task: 'multiclass', nClasses: 10 }), epochs: 2, filters: 8, dense_units: 32, augmentation: 'none', dropout: 0 },
      target: TARGET,
      metric: 'accuracy',
      seed: 5,
      folds: 1,
      image: DIGITS,
    };
    expect(planTrialMemory(renamed(firstRows(train, 150)), spec)).toEqual(planTrialMemory(firstRows(train, 150), spec));
    const named = await runTrial(firstRows(train, 150), spec);
    const unnamed = await runTrial(renamed(firstRows(train, 150)), spec);
    if (named.status !== 'complete' || unnamed.status !== 'complete') throw new Error(`trial failed: ${JSON.stringify([named, unnamed])}`);
    expect(unnamed.score).toBe(named.score);
    expect(unnamed.envelope.pipeline.inputs.map((c) => c.name)).toEqual(plain.columns.slice(0, 64).map((c) => c.name));
    // A column named otherwise that holds no numbers is no pixel: refused naming it.
    const worded: Dataset = { ...plain, columns: plain.columns.map((c) => (c.name === 'p5' ? { name: 'p5', type: 'categorical', storage: 'codes', codes: new Int32Array(plain.rows), levels: ['x'] } : c)) };
    await expect(fitFeatures(worded, target.rows, 'pixels', new Set([TARGET]), { y: target.y, task: 'multiclass', nClasses: 10, rng: new Rng(1) })).rejects.toThrow(/"p5" is categorical/);
  }, 120_000);

  it('registers cnn for image jobs only, and getModelSpec finds it', () => {
    expect(MODEL_FAMILIES).not.toContain('cnn');
    expect(IMAGE_FAMILIES[0]).toBe('cnn');
    expect(getModelSpec('cnn')).toBe(cnnSpec);
  });

  it('the default CNN reaches >= 0.98 test accuracy on digits; its artifact round-trips exactly', async () => {
    const ctx: FitContext = { task: 'multiclass', nClasses: 10, rng: new Rng(7), image: DIGITS };
    const before = tf.memory().numTensors;
    const model = await cnnSpec.fit({ X: Xtrain, y: ytrain }, cnnSpec.defaults({ rows: Xtrain.rows, cols: 64, task: 'multiclass', nClasses: 10, image: DIGITS }), ctx);
    const out = model.predict(Xtest);
    const acc = argmaxAccuracy(out, ytest, 10);
    console.log(`cnn default on digits: test accuracy ${acc.toFixed(4)}, fitInfo ${JSON.stringify(model.fitInfo)}`);
    expect(acc).toBeGreaterThanOrEqual(0.98);

    const artifact = JSON.parse(JSON.stringify(model.toArtifact()));
    const loaded = await cnnSpec.load(artifact);
    expect(Array.from(loaded.predict(Xtest))).toEqual(Array.from(out));
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);

  it('the same seed gives the same predictions, another seed different ones', async () => {
    const sub = head(Xtrain, 300);
    const ysub = ytrain.subarray(0, 300);
    const params = { ...cnnSpec.defaults({ rows: 300, cols: 64, task: 'multiclass', nClasses: 10 }), epochs: 3, batch_norm: true, filters: 8 };
    const fit = async (seed: number) => {
      const m = await cnnSpec.fit({ X: sub, y: ysub }, params, { task: 'multiclass', nClasses: 10, rng: new Rng(seed), image: DIGITS });
      const out = m.predict(head(Xtest, 50));
      m.dispose();
      return Array.from(out);
    };
    const a = await fit(3);
    expect(await fit(3)).toEqual(a);
    expect(await fit(4)).not.toEqual(a);
  }, 300_000);

  it('a 3-block net with max pooling on 8x8 images skips the pool that would shrink a 2x2 map, and trains', async () => {
    const opts = resolveCnnOptions({ conv_blocks: 3, pooling: 'max', kernel_size: 5, filters: 8 });
    const plan = planCnn(DIGITS, opts, 10);
    expect(plan.blocks.map((b) => b.pool)).toEqual(['max', 'max', null]);
    expect(plan.flat).toBe(2 * 2 * 32);
    const tiny: ImageShape = { height: 2, width: 3, channels: 1 };
    expect(planCnn(tiny, opts, 2).blocks.every((b) => b.pool === null)).toBe(true);
    const m = await cnnSpec.fit(
      { X: head(Xtrain, 128), y: ytrain.subarray(0, 128) },
      { conv_blocks: 3, pooling: 'max', kernel_size: 5, filters: 8, batch_norm: true, epochs: 2 },
      { task: 'multiclass', nClasses: 10, rng: new Rng(1), image: DIGITS },
    );
    const out = m.predict(head(Xtest, 10));
    expect(out.length).toBe(100);
    expect(Array.from(out).every(Number.isFinite)).toBe(true);
    expect(m.fitInfo.conv_blocks_pooled).toBe(2);
    m.dispose();
  }, 300_000);

  it('refuses pixel counts that do not match the image shape, and shift_flip on images that are not flip invariant', async () => {
    const ctx: FitContext = { task: 'multiclass', nClasses: 10, rng: new Rng(1), image: { height: 4, width: 4, channels: 1 } };
    await expect(cnnSpec.fit({ X: head(Xtrain, 20), y: ytrain.subarray(0, 20) }, { epochs: 1 }, ctx)).rejects.toThrow(/4x4x1 needs 16 pixel columns, the features have 64/);
    await expect(cnnSpec.fit({ X: head(Xtrain, 20), y: ytrain.subarray(0, 20) }, { epochs: 1, augmentation: 'shift_flip' }, { ...ctx, image: DIGITS })).rejects.toThrow(/flipInvariant/);
    expect(cnnSpec.space({ rows: 10, cols: 64, task: 'multiclass', nClasses: 10, image: DIGITS }).augmentation).toEqual({ type: 'categorical', choices: ['none', 'shift'] });
    expect(cnnSpec.space({ rows: 10, cols: 64, task: 'multiclass', nClasses: 10, image: { ...DIGITS, flipInvariant: true } }).augmentation).toEqual({ type: 'categorical', choices: ['none', 'shift', 'shift_flip'] });
  });

  it('run-trial: epoch fidelity trains every row for fewer epochs; the envelope carries the image and serves', async () => {
    const rows = 400;
    const subset = firstRows(train, rows);
    const spec: TrialSpec = {
      family: 'cnn',
      params: { ...cnnSpec.defaults({ rows, cols: 64, task: 'multiclass', nClasses: 10 }), epochs: 8, filters: 16, dense_units: 64, augmentation: 'none', dropout: 0 },
      target: TARGET,
      metric: 'accuracy',
      seed: 5,
      folds: 1,
      image: DIGITS,
    };
    const full = await runTrial(subset, spec);
    const half = await runTrial(subset, { ...spec, trainFraction: 0.5 });
    if (full.status !== 'complete' || half.status !== 'complete') throw new Error(`trial failed: ${JSON.stringify([full, half].filter((o) => o.status === 'failed'))}`);
    expect(full.fitInfo.epochs_requested).toBe(8);
    expect(half.fitInfo.epochs_requested).toBe(4);
    // The refit runs round(1.2 x the best fold epoch) epochs: at most round(4.8) = 5 at half fidelity.
    expect(half.fitInfo.epochs_run).toBeLessThanOrEqual(5);
    expect(full.envelope.image).toEqual(DIGITS);
    expect(full.envelope.pipeline.style).toBe('pixels');
    expect(full.score).toBeGreaterThan(0.5);

    // Served through the Predictor: JSON rows of pixel values give the same outputs as the model on the matrix.
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(full.envelope)));
    const csvRows = readFileSync(join(SHARED_DATA_DIR, 'digits.test.csv'), 'utf8').trim().split(/\r?\n/);
    const header = csvRows[0].split(',');
    const jsonRows = csvRows.slice(1, 6).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i], Number(v)]).filter(([k]) => k !== TARGET)));
    const served = predictor.predictRaw(jsonRows);
    const direct = await cnnSpec.load(full.envelope.model);
    expect(Array.from(served)).toEqual(Array.from(direct.predict(head(Xtest, 5))));
    expect(() => predictor.explainRows(jsonRows)).toThrow(/cnn/);
    expect(servingCostMicros(full.envelope)).toBeGreaterThan(35);
    direct.dispose();
    predictor.dispose();
  }, 600_000);

  it('a wide net without pooling scores fewer rows per forward chunk; the default digits net 512', () => {
    const plan = (p: Params) => planCnn(DIGITS, resolveCnnOptions({ ...cnnSpec.defaults({ rows: 1000, cols: 64, task: 'multiclass', nClasses: 10, image: DIGITS }), ...p }), 10);
    expect(forwardChunkRows(plan({}))).toBe(CNN_CHUNK_ROWS);
    const wide = plan({ conv_blocks: 3, filters: 32, pooling: 'none' });
    const rows = forwardChunkRows(wide);
    expect(rows).toBeLessThan(CNN_CHUNK_ROWS);
    expect(4 * rows * forwardValuesPerRow(wide)).toBeLessThanOrEqual(CNN_CHUNK_BYTES);
    expect(4 * (rows + 1) * forwardValuesPerRow(wide)).toBeGreaterThan(CNN_CHUNK_BYTES);
  });

  it("counts a fold's CNN fit once: its tensors are disposed and the refit reuses their wasm pages", () => {
    const params = { ...cnnSpec.defaults({ rows: 400, cols: 64, task: 'multiclass', nClasses: 10, image: DIGITS }), conv_blocks: 3, filters: 16, pooling: 'none', batch_size: 64 };
    const need = planTrialMemory(train, { family: 'cnn', params, target: TARGET, metric: 'log_loss', seed: 1, folds: 5, image: DIGITS });
    // The fold adds only its JS-heap arrays (well under a tenth of the refit's estimate).
    expect(need.total - need.dataset - need.features - need.model).toBeGreaterThan(0);
    expect(need.total - need.dataset - need.features - need.model).toBeLessThan(need.model / 10);
  });

  it('runs a CNN whose batch does not fit its memory limit on the largest batch that does, and says so', async () => {
    const rows = 300;
    const subset = firstRows(train, rows);
    const base: TrialSpec = {
      family: 'cnn',
      params: { ...cnnSpec.defaults({ rows, cols: 64, task: 'multiclass', nClasses: 10, image: DIGITS }), conv_blocks: 2, filters: 24, pooling: 'none', batch_size: 256, epochs: 2, augmentation: 'none' },
      target: TARGET,
      metric: 'log_loss',
      seed: 2,
      folds: 1,
      image: DIGITS,
    };
    const at = (batch: number) => planTrialMemory(subset, { ...base, params: { ...base.params, batch_size: batch } }).total;
    const limit = at(32);
    expect(at(256)).toBeGreaterThan(limit);
    const outcome = await runTrial(subset, { ...base, memoryLimitBytes: limit });
    if (outcome.status !== 'complete') throw new Error(`trial failed: ${outcome.reason}`);
    const cap = outcome.fitInfo.memory_capped_batch_size as number;
    // The largest batch within the limit: it fits, one more row per batch does not.
    expect(cap).toBeGreaterThanOrEqual(32);
    expect(at(cap)).toBeLessThanOrEqual(limit);
    expect(at(cap + 1)).toBeGreaterThan(limit);
    // Below the family's floor of 8 nothing fits: refused, naming the floor.
    const refused = await runTrial(subset, { ...base, memoryLimitBytes: at(8) - 1 });
    expect(refused).toMatchObject({ status: 'failed', code: 'insufficient_budget' });
    if (refused.status === 'failed') expect(refused.reason).toMatch(/even with batch_size = 8/);
  }, 120_000);
});
