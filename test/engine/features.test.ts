/**
 * Data preparation transformers: target encoding (out-of-fold, no self-leakage, prior for unseen),
 * hashed text, pruning and selection, construction, SMOTE and noise augmentation, class weights, the
 * pipeline's JSON round trip and its refusal of unknown kinds, and the pipeline search space split.
 */
import { describe, expect, it } from 'vitest';
import { matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import type { Column, Dataset } from '../../src/engine/data/dataset';
import { balancedWeights, gaussianNoise, smote } from '../../src/engine/features/augment';
import { fitFeatures, loadPipeline, type PipelineState } from '../../src/engine/features/pipeline';
import { pipelineDefaults, pipelineSpace, splitTrialParams } from '../../src/engine/features/pipeline-space';
import { rowsToDataset } from '../../src/engine/features/rows-to-dataset';
import { fitPrune, fitSelect } from '../../src/engine/features/select';
import { fitTargetEncoder } from '../../src/engine/features/target-encode';
import { tokenize } from '../../src/engine/features/text-hash';
import type { DataShape } from '../../src/engine/models/model';

const N = 400;
const LEVELS = 60;

/** A dataset with a 60-level category that drives a binary target, a numeric column, a text column. */
function syntheticDataset(): { ds: Dataset; y: Float32Array } {
  const rng = new Rng(5);
  const catCodes = new Int32Array(N);
  const num = new Float64Array(N);
  const textCodes = new Int32Array(N);
  const y = new Float32Array(N);
  const texts = ['great product works well', 'terrible broke after a day', '', 'works great', 'broke, terrible!'];
  for (let i = 0; i < N; i++) {
    catCodes[i] = i % 17 === 0 ? -1 : rng.int(LEVELS);
    num[i] = rng.normal();
    textCodes[i] = rng.int(texts.length);
    const p = (catCodes[i] >= 0 && catCodes[i] % 2 === 0 ? 0.7 : 0.3) + (textCodes[i] === 1 || textCodes[i] === 4 ? 0.2 : 0);
    y[i] = rng.next() < p ? 1 : 0;
  }
  const columns: Column[] = [
    { name: 'cat', type: 'categorical', storage: 'codes', codes: catCodes, levels: Array.from({ length: LEVELS }, (_, k) => `L${String(k).padStart(2, '0')}`) },
    { name: 'num', type: 'numeric', storage: 'f64', values: num },
    { name: 'review', type: 'text', storage: 'codes', codes: textCodes.map((c) => (texts[c] === '' ? -1 : c)), levels: texts },
    { name: 'target', type: 'categorical', storage: 'codes', codes: Int32Array.from(y), levels: ['no', 'yes'] },
  ];
  return { ds: { rows: N, columns }, y };
}

const exclude = new Set(['target']);
const range = (n: number, from = 0) => Int32Array.from({ length: n }, (_, i) => from + i);

describe('target encoding', () => {
  const { ds, y } = syntheticDataset();
  const col = ds.columns[0];
  const rows = range(300);

  it("never uses a training row's own target for its training value", () => {
    const a = fitTargetEncoder(col, rows, y.slice(0, 300), 'binary', 2, new Rng(1));
    for (const i of [0, 7, 123, 299]) {
      const flipped = y.slice(0, 300);
      flipped[i] = 1 - flipped[i];
      const b = fitTargetEncoder(col, rows, flipped, 'binary', 2, new Rng(1));
      // Same inner folds (same seed): the row's own raw value (before standardisation, whose constants move) is unchanged.
      const raw = (fit: typeof a, j: number) => {
        const st = fit.encoder.toJSON() as unknown as { mean: number[]; scale: number[] };
        return fit.oof[j] * st.scale[0] + st.mean[0];
      };
      expect(raw(b, i)).toBeCloseTo(raw(a, i), 5);
      // ...while the full-training encoding served later does see the change.
      expect(b.encoder.toJSON()).not.toEqual(a.encoder.toJSON());
    }
  });

  it('learns the signal, and gives missing and unseen categories the prior (0 after standardising)', () => {
    const fit = fitTargetEncoder(col, rows, y.slice(0, 300), 'binary', 2, new Rng(1));
    const out = new Float32Array(N);
    fit.encoder.write(col, null, out, 1, 0);
    let even = 0;
    let odd = 0;
    for (let i = 0; i < N; i++) if (col.storage === 'codes' && col.codes[i] >= 0) (col.codes[i] % 2 === 0 ? (even += out[i]) : (odd += out[i]));
    expect(even).toBeGreaterThan(odd);
    expect(out[0]).toBe(0); // row 0 is missing (0 % 17)
    const unseen: Column = { ...col, codes: Int32Array.of(-2) } as Column;
    const one = new Float32Array(1);
    fit.encoder.write(unseen, null, one, 1, 0);
    expect(one[0]).toBe(0);
  });

  it('one column per class for multiclass targets', () => {
    const y3 = Float32Array.from(y.slice(0, 300), (v, i) => (i % 3 === 0 ? 2 : v));
    const fit = fitTargetEncoder(col, rows, y3, 'multiclass', 3, new Rng(1));
    expect(fit.encoder.names).toEqual(['cat__target_0', 'cat__target_1', 'cat__target_2']);
  });

  it('replaces one-hot for dense models only; trees keep native codes', async () => {
    const fit = { y: y.slice(0, 300), task: 'binary' as const, nClasses: 2, rng: new Rng(3) };
    const dense = await fitFeatures(ds, rows, 'dense', exclude, fit);
    expect(dense.pipeline.names).toContain('cat__target');
    expect(dense.pipeline.names.some((n) => n.startsWith('cat='))).toBe(false);
    const trees = await fitFeatures(ds, rows, 'trees', exclude, fit);
    expect(trees.pipeline.kinds[trees.pipeline.names.indexOf('cat')]).toBe('categorical');
    // The training matrix holds out-of-fold values, serving the full-training encoding: they differ.
    const j = dense.pipeline.names.indexOf('cat__target');
    const served = dense.pipeline.transform(ds, rows);
    let differs = 0;
    for (let i = 0; i < 300; i++) if (served.data[i * served.cols + j] !== dense.X.data[i * dense.X.cols + j]) differs++;
    expect(differs).toBeGreaterThan(100);
  });
});

describe('hashed text', () => {
  const { ds, y } = syntheticDataset();
  const fit = { y: y.slice(0, 300), task: 'binary' as const, nClasses: 2, rng: new Rng(3) };

  it('tokenizes lowercase alphanumerics', () => {
    expect(tokenize('Broke, TERRIBLE! 2x')).toEqual(['broke', 'terrible', '2x']);
    expect(tokenize('  ')).toEqual([]);
  });

  it('reads a word the same whichever Unicode form it arrives in, and keeps combining marks in their words', () => {
    const composed = 'Café crème'.normalize('NFC');
    const decomposed = 'Café crème'.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(tokenize(decomposed)).toEqual(tokenize(composed));
    expect(tokenize(composed)).toEqual(['café', 'crème']);
    expect(tokenize('हिन्दी भाषा')).toEqual(['हिन्दी', 'भाषा']);
    // An encoder stored before (no tokenizer field) splits as it was trained to.
    expect(tokenize(decomposed, 1)).toEqual(['cafe', 'cre', 'me']);
  });

  it('serves text sent in another Unicode form with the features it was trained with; a stored encoder keeps its tokenizer', async () => {
    const reviews = ['café crème', 'naïve résumé', 'plain words'];
    const { pipeline } = await fitFeatures(ds, range(300), 'dense', exclude, fit);
    const inputs = pipeline.state.inputs;
    const known = new Set(ds.columns.map((c) => c.name));
    const rowsIn = (form: 'NFC' | 'NFD') => rowsToDataset(inputs, known, reviews.map((r) => ({ review: r.normalize(form) })));
    const text = pipeline.names.map((n, j) => (n.startsWith('review__') ? j : -1)).filter((j) => j >= 0);
    const features = (p: typeof pipeline, form: 'NFC' | 'NFD') => {
      const m = p.transform(rowsIn(form));
      return reviews.map((_, r) => text.map((j) => m.data[r * m.cols + j]));
    };
    expect(features(pipeline, 'NFD')).toEqual(features(pipeline, 'NFC'));
    // The same state without the field (as stored before) reads the first way: the two forms differ.
    const old = JSON.parse(JSON.stringify(pipeline.state, (k, v) => (k === 'tokenizer' ? undefined : v)));
    const before = loadPipeline(old);
    expect(features(before, 'NFD')).not.toEqual(features(before, 'NFC'));
    expect(() => loadPipeline(JSON.parse(JSON.stringify(pipeline.state, (k, v) => (k === 'tokenizer' ? 3 : v))))).toThrow(/unknown tokenizer/);
  });

  it('encodes new and empty text at serving time, identical after a JSON round trip', async () => {
    for (const style of ['dense', 'trees'] as const) {
      const { pipeline } = await fitFeatures(ds, range(300), style, exclude, fit);
      const text = pipeline.names.map((n, j) => (n.startsWith('review__h') ? j : -1)).filter((j) => j >= 0);
      expect(text.length).toBeGreaterThan(0);
      const back = loadPipeline(JSON.parse(JSON.stringify(pipeline.state)));
      expect(Array.from(back.transform(ds).data)).toEqual(Array.from(pipeline.transform(ds).data));
      // The state stores no training texts: serving hashes whatever arrives.
      expect(pipeline.state.inputs.find((c) => c.name === 'review')?.levels).toBeUndefined();
      const known = new Set(ds.columns.map((c) => c.name));
      const served = rowsToDataset(pipeline.state.inputs, known, [{ review: 'never seen words, works great' }, { review: '' }, { review: null }]);
      const m = back.transform(served);
      const sum = (r: number) => text.reduce((s, j) => s + Math.abs(m.data[r * m.cols + j]), 0);
      expect(sum(0)).toBeGreaterThan(0);
      expect(sum(1)).toBe(0);
      expect(sum(2)).toBe(0);
      for (const v of m.data) expect(Number.isNaN(v) && style === 'dense').toBe(false);
    }
  });
});

describe('pruning and selection', () => {
  it('drops constant and duplicate columns, keeps the first copy', () => {
    const rng = new Rng(2);
    const X = matrix(50, 5);
    for (let i = 0; i < 50; i++) {
      const a = rng.normal();
      const b = rng.normal();
      X.data.set([a, 3, b, a, i % 2 === 0 ? NaN : b], i * 5);
    }
    expect(fitPrune(X)?.columns).toEqual([0, 2, 4]);
    const clean = matrix(2, 2, Float32Array.of(1, 2, 3, 4));
    expect(fitPrune(clean)).toBeUndefined();
  });

  it('keeps the informative columns by mutual information and by importance', async () => {
    const rng = new Rng(9);
    const n = 400;
    const X = matrix(n, 6);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 6; j++) X.data[i * 6 + j] = rng.normal();
      y[i] = X.data[i * 6 + 4] + 0.5 * X.data[i * 6 + 1] > 0 ? 1 : 0;
    }
    const ctx = { y, task: 'binary' as const, nClasses: 2, kinds: Array(6).fill('numeric'), rng: new Rng(1) };
    expect((await fitSelect(X, 'mutual_info', 0.33, ctx))?.columns).toEqual([1, 4]);
    expect((await fitSelect(X, 'importance', 0.33, ctx))?.columns).toEqual([1, 4]);
    expect(await fitSelect(X, 'mutual_info', 1, ctx)).toBeUndefined();
  });

  it('construction and selection steps survive the JSON round trip', async () => {
    const { ds, y } = syntheticDataset();
    const fit = { y: y.slice(0, 300), task: 'binary' as const, nClasses: 2, rng: new Rng(3), construct: 'pairs' as const, squares: true, select: 'mutual_info' as const, selectKeep: 0.6 };
    const { pipeline, X } = await fitFeatures(ds, range(300), 'dense', exclude, fit);
    // Pruning first (hash buckets no training text reached are constant), then construction, then selection.
    expect(pipeline.state.steps?.map((s) => s.kind)).toEqual(['keep', 'construct', 'keep']);
    expect(X.cols).toBe(pipeline.width);
    const back = loadPipeline(JSON.parse(JSON.stringify(pipeline.state)));
    expect(Array.from(back.transform(ds, range(100, 300)).data)).toEqual(Array.from(pipeline.transform(ds, range(100, 300)).data));
    expect(back.featureSources()).toHaveLength(back.width);
  });

  it('refuses unknown steps, encoder kinds and versions', async () => {
    const { ds, y } = syntheticDataset();
    const { pipeline } = await fitFeatures(ds, range(300), 'dense', exclude, { y: y.slice(0, 300), task: 'binary', nClasses: 2, rng: new Rng(3) });
    const state = JSON.parse(JSON.stringify(pipeline.state)) as PipelineState;
    expect(() => loadPipeline({ ...state, steps: [{ kind: 'mystery' } as never] })).toThrow(/unknown pipeline step/);
    expect(() => loadPipeline({ ...state, encoders: state.encoders.map((e, k) => (k === 0 ? { ...e, kind: 'mystery' as never } : e)) })).toThrow(/unknown encoder kind/);
    expect(() => loadPipeline({ ...state, version: 3 as never })).toThrow(/unknown pipeline version/);
    expect(() => loadPipeline({ ...state, steps: [{ kind: 'keep', reason: 'prune', columns: [9999] }] })).toThrow(/outside its input/);
  });
});

describe('augmentation and class weights', () => {
  const rng = new Rng(4);
  const n = 100;
  const X = matrix(n, 3);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i < 80 ? 0 : i < 95 ? 1 : 2;
    for (let j = 0; j < 3; j++) X.data[i * 3 + j] = y[i] * 2 + rng.normal();
  }

  it('SMOTE balances classes, keeps the original rows first and unchanged, and stays within class hulls', () => {
    const out = smote({ X, y }, 3, new Rng(1));
    const counts = [0, 0, 0];
    for (const v of out.y) counts[v]++;
    expect(counts).toEqual([80, 80, 80]);
    expect(Array.from(out.X.data.subarray(0, n * 3))).toEqual(Array.from(X.data));
    expect(Array.from(out.y.subarray(0, n))).toEqual(Array.from(y));
    for (let c = 1; c <= 2; c++) {
      const members = Array.from(y.keys()).filter((i) => y[i] === c);
      const lo = Math.min(...members.map((i) => X.data[i * 3]));
      const hi = Math.max(...members.map((i) => X.data[i * 3]));
      for (let i = n; i < out.y.length; i++) if (out.y[i] === c) expect(out.X.data[i * 3] >= lo - 1e-6 && out.X.data[i * 3] <= hi + 1e-6).toBe(true);
    }
  });

  it('noise copies every row once with the same targets', () => {
    const out = gaussianNoise({ X, y }, new Rng(1));
    expect(out.X.rows).toBe(2 * n);
    expect(Array.from(out.y.subarray(n))).toEqual(Array.from(y));
  });

  it('balanced weights give every class the same total weight', () => {
    const w = balancedWeights(y, 3)!;
    const totals = [0, 0, 0];
    y.forEach((c, i) => (totals[c] += w[i]));
    for (const t of totals) expect(t).toBeCloseTo(n / 3, 4);
  });
});

describe('pipeline search space', () => {
  const binary: DataShape = { rows: 1000, cols: 10, task: 'binary', nClasses: 2 };
  const regression: DataShape = { rows: 1000, cols: 10, task: 'regression', nClasses: 0 };

  it('offers class weights only to weight-reading families without their own, augmentation only to dense ones', () => {
    expect(pipelineSpace('gbdt', binary)).toHaveProperty('class_weight');
    expect(pipelineSpace('linear', binary)).not.toHaveProperty('class_weight');
    expect(pipelineSpace('random_forest', binary)).not.toHaveProperty('class_weight');
    expect(pipelineSpace('gbdt', binary)).not.toHaveProperty('augment');
    expect(pipelineSpace('mlp', binary).augment).toEqual({ type: 'categorical', choices: ['none', 'smote'] });
    expect(pipelineSpace('mlp', regression).augment).toEqual({ type: 'categorical', choices: ['none', 'noise'] });
    expect(pipelineSpace('gbdt', regression)).not.toHaveProperty('class_weight');
  });

  it('splits trial parameters so model specs never see pipeline keys', () => {
    const split = splitTrialParams('gbdt', { learning_rate: 0.1, class_weight: 'balanced', fe_select: 'mutual_info', fe_select_keep: 0.5 }, binary);
    expect(split.model).toEqual({ learning_rate: 0.1 });
    expect(split.pipeline).toMatchObject({ classWeight: 'balanced', select: 'mutual_info', selectKeep: 0.5 });
    // Linear owns class_weight: it stays a model parameter, and the pipeline does not weigh again.
    const linear = splitTrialParams('linear', { C: 1, class_weight: 'balanced' }, binary);
    expect(linear.model).toEqual({ C: 1, class_weight: 'balanced' });
    expect(linear.pipeline.classWeight).toBe('none');
    expect(() => splitTrialParams('mlp', { augment: 'smote' }, regression)).toThrow(/augment/);
    expect(() => splitTrialParams('gbdt', { fe_select: 'magic' }, binary)).toThrow(/fe_select/);
  });

  it('defaults turn every step off', () => {
    const d = pipelineDefaults('mlp', binary);
    expect(d).toEqual({ class_weight: 'none', fe_select: 'none', fe_select_keep: 1, fe_construct: 'none', augment: 'none' });
    expect(splitTrialParams('mlp', d, binary).pipeline).toEqual({ classWeight: 'none', select: 'none', selectKeep: 1, construct: 'none', augment: 'none' });
  });
});
