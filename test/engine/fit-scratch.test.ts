/**
 * Tests of fit-scratch, the work arrays tree fits hand to the next fit of a trial: the shelf's lending
 * rules, and that GBDT fits reusing a previous fit's (dirty, larger) arrays build exactly the models they
 * build on fresh ones.
 */
import { describe, expect, it } from 'vitest';
import { matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import type { FitContext, TrainSet } from '../../src/engine/models/model';
import { giveBack, reusingFitScratch, reusingScratch, take } from '../../src/engine/models/tree/fit-scratch';
import { gbdtSpec } from '../../src/engine/models/tree/gbdt';

/** A binary problem with numeric, missing and categorical columns. */
function binarySet(n: number, seed: number): TrainSet {
  const rng = new Rng(seed);
  const cols = 6;
  const X = new Float32Array(n * cols);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.next() * 4 - 2;
    const b = rng.next();
    const c = Math.floor(rng.next() * 5);
    X.set([a, b < 0.1 ? Number.NaN : b, c, rng.next(), a * b, rng.next() * 3], i * cols);
    y[i] = a + (c === 2 ? 1 : 0) + (rng.next() - 0.5) > 0.3 ? 1 : 0;
  }
  return { X: matrix(n, cols, X), y };
}

const kinds = ['numeric', 'numeric', 'categorical', 'numeric', 'numeric', 'numeric'] as const;

/** A fold fit with validation rows, then a refit on every row: the two fits a holdout trial makes. */
async function foldThenRefit(params: Record<string, number>): Promise<{ fold: Float32Array; refit: Float32Array; foldJson: string; refitJson: string }> {
  const all = binarySet(1_500, 3);
  const train: TrainSet = { X: matrix(1_200, 6, all.X.data.slice(0, 1_200 * 6)), y: all.y.slice(0, 1_200) };
  const valid: TrainSet = { X: matrix(300, 6, all.X.data.slice(1_200 * 6)), y: all.y.slice(1_200) };
  const ctx = (seed: number, extra: Partial<FitContext> = {}): FitContext => ({ task: 'binary', nClasses: 2, rng: new Rng(seed), columnKinds: kinds, ...extra });
  const foldModel = await gbdtSpec.fit(train, params, ctx(11, { valid }));
  const refitModel = await gbdtSpec.fit(all, params, ctx(12, { fixedIterations: 25 }));
  return {
    fold: foldModel.predict(valid.X),
    refit: refitModel.predict(all.X),
    foldJson: JSON.stringify(foldModel.toArtifact()),
    refitJson: JSON.stringify(refitModel.toArtifact()),
  };
}

describe('fit scratch', () => {
  it('lends nothing outside a scope: arrays are new, zeroed and exactly as long as asked', () => {
    expect(reusingScratch()).toBe(false);
    const a = take(Float32Array, 10, 100);
    expect(a.length).toBe(10);
    expect(a.buffer.byteLength).toBe(40);
    a.fill(7);
    giveBack(a);
    const b = take(Float32Array, 10);
    expect(b).not.toBe(a);
    expect(Array.from(b)).toEqual(new Array(10).fill(0));
  });

  it('inside a scope, hands back the smallest large-enough array of the same type, once', async () => {
    await reusingFitScratch(async () => {
      expect(reusingScratch()).toBe(true);
      const big = take(Float64Array, 50, 200);
      const small = take(Float64Array, 10, 20);
      expect(big.length).toBe(50);
      expect(big.buffer.byteLength).toBe(200 * 8);
      giveBack(big, small, small);
      // Another type never matches.
      expect(take(Float32Array, 5).buffer).not.toBe(small.buffer);
      const again = take(Float64Array, 15);
      expect(again.buffer).toBe(small.buffer);
      expect(again.length).toBe(15);
      const next = take(Float64Array, 15);
      expect(next.buffer).toBe(big.buffer);
      // Nothing left: a fresh array.
      const fresh = take(Float64Array, 15);
      expect(fresh.buffer).not.toBe(small.buffer);
      expect(fresh.buffer).not.toBe(big.buffer);
    });
    expect(reusingScratch()).toBe(false);
  });

  it('closes the shelf only when the last of interleaved scopes ends', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = reusingFitScratch(async () => {
      await gate;
      return reusingScratch();
    });
    await reusingFitScratch(async () => undefined);
    expect(reusingScratch()).toBe(true);
    release();
    expect(await first).toBe(true);
    expect(reusingScratch()).toBe(false);
  });

  const cases: Record<string, number>[] = [
    { n_estimators: 40, num_leaves: 15 },
    { n_estimators: 30, num_leaves: 31, bagging_fraction: 0.7, feature_fraction: 0.6 },
  ];
  for (const params of cases) {
    it(`GBDT fits on reused arrays build the same models as on fresh ones (${JSON.stringify(params)})`, async () => {
      const fresh = await foldThenRefit(params);
      // Dirty the shelf first so reused arrays hold garbage from another fit, then fit twice in one scope.
      const reused = await reusingFitScratch(async () => {
        await foldThenRefit({ n_estimators: 7, num_leaves: 6 });
        return foldThenRefit(params);
      });
      expect(Array.from(reused.fold)).toEqual(Array.from(fresh.fold));
      expect(Array.from(reused.refit)).toEqual(Array.from(fresh.refit));
      expect(reused.foldJson).toBe(fresh.foldJson);
      expect(reused.refitJson).toBe(fresh.refitJson);
    });
  }
});
