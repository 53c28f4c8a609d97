/**
 * The CNN's prediction-side pieces: shift views (cnn-tta) are the image and its four one-pixel moves,
 * combined by mean or renormalised geometric mean; a model trained with shifts saves `shiftViews` in a
 * version 2 artifact and reloads to identical outputs, while a version 1 artifact still loads and predicts
 * plainly; and the shared epoch loop's weight averaging returns the mean of the averaged epochs' weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { cnnSpec } from '../../src/engine/models/nn/cnn/cnn';
import { shiftImageInto } from '../../src/engine/models/nn/cnn/cnn-augment';
import { type CnnShape, initCnnWeights, predictImages, weightList } from '../../src/engine/models/nn/cnn/cnn-net';
import { planCnn, resolveCnnOptions } from '../../src/engine/models/nn/cnn/cnn-options';
import { predictWithShiftViews, SHIFT_VIEWS, shiftViewsApply } from '../../src/engine/models/nn/cnn/cnn-tta';
import { runEpochs } from '../../src/engine/models/nn/epoch-loop';

const IMAGE = { height: 6, width: 6, channels: 1 };

function images(rows: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * 36 }, () => rng.next());
}

describe('cnn shift views, artifact versions and weight averaging', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('views are the image and its four one-pixel shifts; mean and geometric mean combine them', () => {
    const plan = planCnn(IMAGE, resolveCnnOptions({ filters: 4, dense_units: 8 }), 3);
    const shape: CnnShape = { plan, task: 'multiclass', nClasses: 3, head: 'softmax', yMean: 0, yStd: 1, shiftViews: true };
    const weights = initCnnWeights(plan, new Rng(2));
    const rows = 7;
    const data = images(rows, 3);
    const perView = SHIFT_VIEWS.map(([dy, dx]) => {
      const moved = new Float32Array(data.length);
      for (let i = 0; i < rows; i++) shiftImageInto(data, i * 36, moved, i * 36, IMAGE, dy, dx, false);
      return predictImages(shape, weights, moved, rows);
    });
    const mean = predictWithShiftViews(shape, weights, data, rows, 'mean');
    const geometric = predictWithShiftViews(shape, weights, data, rows, 'log_mean');
    for (let i = 0; i < rows * 3; i++) expect(mean[i]).toBeCloseTo(perView.reduce((s, p) => s + p[i], 0) / 5, 5);
    for (let r = 0; r < rows; r++) {
      const row = geometric.subarray(r * 3, r * 3 + 3);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const logs = [0, 1, 2].map((k) => perView.reduce((s, p) => s + Math.log(p[r * 3 + k]), 0) / 5);
      // Ratios of the geometric mean are ratios of exp(mean log p).
      expect(row[0] / row[1]).toBeCloseTo(Math.exp(logs[0] - logs[1]), 4);
    }
    // A view differs from the image itself, so the combination is not the plain prediction.
    expect(Array.from(mean)).not.toEqual(Array.from(perView[0]));
    expect(shiftViewsApply({ height: 1, width: 64, channels: 1 })).toBe(false);
    expect(shiftViewsApply(IMAGE)).toBe(true);
    for (const t of weightList(weights)) t.dispose();
  });

  it('a model trained with shifts predicts through views and round-trips as version 2; version 1 loads plainly', async () => {
    const rows = 40;
    const rng = new Rng(5);
    const X = { rows, cols: 36, data: images(rows, 6) };
    const y = Float32Array.from({ length: rows }, () => rng.int(3));
    const model = await cnnSpec.fit({ X, y }, { filters: 4, dense_units: 8, epochs: 2, augmentation: 'shift' }, { task: 'multiclass', nClasses: 3, rng: new Rng(1), image: IMAGE });
    const artifact = JSON.parse(JSON.stringify(model.toArtifact()));
    expect(artifact.version).toBe(2);
    expect(artifact.shiftViews).toBe(true);
    const reloaded = await cnnSpec.load(artifact);
    expect(Array.from(reloaded.predict(X))).toEqual(Array.from(model.predict(X)));

    const { shiftViews: _, ...v1 } = { ...artifact, version: 1 };
    const plain = await cnnSpec.load(v1);
    const inner = model as unknown as { shape: CnnShape; weights: Parameters<typeof predictImages>[1] };
    expect(Array.from(plain.predict(X))).toEqual(Array.from(predictImages(inner.shape, inner.weights, X.data, rows)));
    await expect(cnnSpec.load({ ...artifact, shiftViews: 'yes' })).rejects.toThrow(/shiftViews/);

    const none = await cnnSpec.fit({ X, y }, { filters: 4, dense_units: 8, epochs: 1, augmentation: 'none' }, { task: 'multiclass', nClasses: 3, rng: new Rng(1), image: IMAGE });
    expect(none.toArtifact()).toMatchObject({ version: 2, shiftViews: false });
    for (const m of [model, reloaded, plain, none]) m.dispose();
  });

  it('weight averaging returns the mean of the weights after each averaged epoch', async () => {
    const v = tf.variable(tf.scalar(0));
    const trainEpoch = (epoch: number) => {
      v.assign(tf.scalar(epoch));
      return 1;
    };
    // Epochs 3, 4 and 5 of 5 are averaged: (3 + 4 + 5) / 3.
    const fixed = await runEpochs({ vars: [v], epochs: 5, patience: 10, earlyStopping: false, averageFrom: 3, trainEpoch, validLoss: null });
    expect(v.dataSync()[0]).toBeCloseTo(4, 6);
    expect(fixed.best_iteration).toBe(5);
    // With early stopping the average is what is monitored and kept: |avg - 3.5| is least after epoch 4
    // (average 3.5), then grows; the loop restores that average, and the raw weights never leak out.
    const watched = await runEpochs({ vars: [v], epochs: 6, patience: 10, earlyStopping: true, averageFrom: 3, trainEpoch, validLoss: () => Math.abs(v.dataSync()[0] - 3.5) });
    expect(v.dataSync()[0]).toBeCloseTo(3.5, 6);
    expect(watched.best_iteration).toBe(4);
    expect(watched.valid_loss).toBeCloseTo(0, 6);
    v.dispose();
  });
});
