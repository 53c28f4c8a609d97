/**
 * Per-row explanations (src/engine/explain, Predictor.explainRows):
 *   (a) local accuracy: base + Σ contributions equals the model's own output for every explainable family
 *       and an ensemble of trees, and that output matches what predictRows serves (through the link);
 *   (b) exactness: TreeSHAP equals Shapley values computed by brute force over every feature subset with
 *       the path-dependent conditional expectation, on small random trees with repeated features, missing
 *       values and category sets;
 *   (c) a feature the model never splits on gets exactly 0;
 *   (d) one-hot indicators, date parts and constructed pairs sum back onto their input columns;
 *       (d2, d3) binary ensembles and fold bags with log-odds members are explained in probability space,
 *       their output the averaged probability served;
 *   (e) models that cannot be explained give a clear error, and predicting them still works.
 * Models train on the shared datasets' training splits; rows explained come from their test splits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import type { MetricName } from '../../src/engine/eval/metrics';
import { explainerFor } from '../../src/engine/explain/explainer-for';
import type { RowExplanation } from '../../src/engine/explain/explanation';
import { ForestShap } from '../../src/engine/explain/tree-shap';
import { loadPipeline } from '../../src/engine/features/pipeline';
import { rowsToDataset } from '../../src/engine/features/rows-to-dataset';
import type { ConstructStep } from '../../src/engine/features/steps';
import type { ModelFamily } from '../../src/engine/models/model';
import { getModelSpec } from '../../src/engine/models/registry';
import { FLAG_CATEGORICAL, FLAG_DEFAULT_LEFT, FlatForest, type TreeNodes } from '../../src/engine/models/tree/flat-tree';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';
import type { Params } from '../../src/engine/search/space';
import { ENSEMBLE_FORMAT, ENSEMBLE_VERSION, type EnsembleEnvelope, type ModelEnvelope, parseEnsembleEnvelope } from '../../src/engine/serialize/envelope';
import { SHARED_DATA_DIR } from './helpers/load-shared-csv';

type Row = Record<string, string>;

interface Shared {
  readonly ds: Dataset;
  readonly target: string;
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly test: Row[];
}

const shared = new Map<string, Shared>();
function load(name: string): Shared {
  let d = shared.get(name);
  if (!d) {
    const meta = JSON.parse(readFileSync(join(SHARED_DATA_DIR, `${name}.json`), 'utf8')) as { target: string; task: Shared['task'] };
    const ds = inferDataset(parseCsv(readFileSync(join(SHARED_DATA_DIR, `${name}.train.csv`), 'utf8'))).dataset;
    d = { ds, target: meta.target, task: meta.task, test: csvRows(readFileSync(join(SHARED_DATA_DIR, `${name}.test.csv`), 'utf8')).slice(0, 40) };
    shared.set(name, d);
  }
  return d;
}

/** CSV text as request rows (column -> cell text; empty cells are missing values). */
function csvRows(text: string): Row[] {
  const t = parseCsv(text);
  return t.rows.map((r) => Object.fromEntries(t.header.map((h, j) => [h, r[j]])));
}

const METRIC: Record<Shared['task'], MetricName> = { binary: 'roc_auc', multiclass: 'log_loss', regression: 'rmse' };

/** Trains one configuration on a whole training split (holdout, so one refit) and returns its artifact. */
async function train(d: Pick<Shared, 'ds' | 'target' | 'task'>, family: ModelFamily, extra: Params = {}): Promise<ModelEnvelope> {
  const column = d.ds.columns.find((c) => c.name === d.target)!;
  const nClasses = d.task === 'regression' ? 0 : column.storage === 'codes' ? column.levels.length : 2;
  const shape = { rows: d.ds.rows, cols: d.ds.columns.length - 1, task: d.task, nClasses };
  const params = { ...getModelSpec(family).defaults(shape), ...extra };
  const outcome = await runTrial(d.ds, { family, params, target: d.target, task: d.task, metric: METRIC[d.task], seed: 7, folds: 1 });
  if (outcome.status !== 'complete') throw new Error(`${family} trial failed: ${outcome.reason}`);
  return outcome.envelope;
}

const close = (a: number, b: number, rel = 1e-5) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));
const sum = (o: Record<string, number>) => Object.values(o).reduce((s, v) => s + v, 0);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Checks local accuracy (base + Σ contributions = output, 1e-5 relative) on every row, and that the output
 * is what predictRows serves: probabilities through the sigmoid / softmax for margins, as is otherwise.
 */
function expectLocallyAccurate(p: Predictor, rows: readonly Row[]): void {
  const ex = p.explainRows(rows);
  const served = p.predictRows(rows);
  const { task, classes } = p.artifact;
  let worst = 0;
  ex.explanations.forEach((e, i) => {
    if (task !== 'multiclass') {
      const output = e.output as number;
      const total = (e.base as number) + sum(e.contributions as Record<string, number>);
      worst = Math.max(worst, Math.abs(total - output) / Math.max(1, Math.abs(output)));
      if (task === 'regression') expect(close(output, served.predictions[i] as number, 1e-6)).toBe(true);
      else {
        const probability = ex.space === 'margin' ? sigmoid(output) : output;
        expect(Math.abs(probability - served.probabilities![i][classes[1]])).toBeLessThan(1e-6);
      }
      return;
    }
    const output = e.output as Record<string, number>;
    const base = e.base as Record<string, number>;
    const contributions = e.contributions as Record<string, Record<string, number>>;
    const max = Math.max(...classes.map((c) => output[c]));
    const z = classes.reduce((s, c) => s + Math.exp(output[c] - max), 0);
    for (const c of classes) {
      const total = base[c] + sum(contributions[c]);
      worst = Math.max(worst, Math.abs(total - output[c]) / Math.max(1, Math.abs(output[c])));
      const probability = ex.space === 'margin' ? Math.exp(output[c] - max) / z : output[c];
      expect(Math.abs(probability - served.probabilities![i][c])).toBeLessThan(1e-6);
    }
  });
  expect(worst).toBeLessThanOrEqual(1e-5);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('(a) local accuracy: base + contributions = output', () => {
  const cases: { name: string; family: ModelFamily; extra: Params; space: string }[] = [
    { name: 'credit_g', family: 'gbdt', extra: { n_estimators: 60 }, space: 'margin' },
    { name: 'penguins', family: 'gbdt', extra: { n_estimators: 40 }, space: 'margin' },
    { name: 'auto_mpg', family: 'gbdt', extra: { n_estimators: 60 }, space: 'value' },
    { name: 'penguins', family: 'random_forest', extra: { n_estimators: 40 }, space: 'probability' },
    { name: 'credit_g', family: 'random_forest', extra: { n_estimators: 40 }, space: 'probability' },
    { name: 'auto_mpg', family: 'extra_trees', extra: { n_estimators: 40 }, space: 'value' },
    { name: 'credit_g', family: 'cart', extra: {}, space: 'probability' },
    { name: 'credit_g', family: 'linear', extra: {}, space: 'margin' },
    { name: 'penguins', family: 'linear', extra: {}, space: 'margin' },
    { name: 'auto_mpg', family: 'linear', extra: {}, space: 'value' },
  ];
  for (const c of cases) {
    it(`${c.family} on ${c.name} (${load(c.name).task}), in ${c.space} space`, async () => {
      const d = load(c.name);
      const p = await Predictor.load(await train(d, c.family, c.extra));
      expect(p.explainRows(d.test.slice(0, 1)).space).toBe(c.space);
      expectLocallyAccurate(p, d.test);
    });
  }

  it('an ensemble of a random forest, extra trees and a CART tree (penguins), against the ensemble served', async () => {
    const d = load('penguins');
    const members = await Promise.all([
      train(d, 'random_forest', { n_estimators: 30 }),
      train(d, 'extra_trees', { n_estimators: 30 }),
      train(d, 'cart'),
    ]);
    const p = await Predictor.load(ensembleOf(members, [0.5, 0.3, 0.2]));
    expectLocallyAccurate(p, d.test);
    // Members' explanations weighted by the ensemble weights add up to the ensemble's.
    const parts = await Promise.all(members.map((m) => Predictor.load(m)));
    const whole = p.explainRows(d.test.slice(0, 3)).explanations;
    const alone = parts.map((q) => q.explainRows(d.test.slice(0, 3)).explanations);
    for (let i = 0; i < 3; i++) {
      for (const cls of ['Adelie', 'Gentoo']) {
        const expected = [0.5, 0.3, 0.2].reduce((s, w, m) => s + w * (alone[m][i].contributions as Record<string, Record<string, number>>)[cls].island, 0);
        expect((whole[i].contributions as Record<string, Record<string, number>>)[cls].island).toBeCloseTo(expected, 10);
      }
    }
  });

  it('the base is the average output over the training rows (covers are training counts, means are training means)', async () => {
    // Without bootstrap or bagging every training row reaches one leaf of each tree, so the cover-weighted
    // expectation of a tree is its average over the training rows; likewise for a linear score.
    const d = load('credit_g');
    const trainRows = csvRows(readFileSync(join(SHARED_DATA_DIR, 'credit_g.train.csv'), 'utf8'));
    for (const [family, extra] of [
      ['gbdt', { n_estimators: 30 }],
      ['cart', {}],
      ['extra_trees', { n_estimators: 10 }],
      ['linear', {}],
    ] as const) {
      const ex = (await Predictor.load(await train(d, family, extra))).explainRows(trainRows);
      const mean = ex.explanations.reduce((s, e) => s + (e.output as number), 0) / trainRows.length;
      expect(Math.abs((ex.explanations[0].base as number) - mean)).toBeLessThan(1e-5);
    }
  });

  it('a binary explanation names the class it speaks for', async () => {
    const d = load('credit_g');
    const p = await Predictor.load(await train(d, 'cart'));
    expect(p.explainRows(d.test.slice(0, 1)).positiveClass).toBe(p.artifact.classes[1]);
  });
});

function ensembleOf(members: readonly ModelEnvelope[], weights: readonly number[]): EnsembleEnvelope {
  const first = members[0];
  return parseEnsembleEnvelope({
    format: ENSEMBLE_FORMAT,
    version: ENSEMBLE_VERSION,
    task: first.task,
    target: first.target,
    classes: first.classes,
    metric: first.metric,
    columns: first.columns,
    members: members.map((envelope, i) => ({ weight: weights[i], envelope })),
  });
}

/*
 * (b) Brute force. A random tree is grown in pre-order (children after parents, as the flat format needs),
 * with numeric splits (float32 thresholds, a learned missing direction) and category-set splits on one
 * categorical feature; leaves get random values and positive integer covers.
 */
interface RandomTree {
  readonly nodes: TreeNodes;
  readonly values: Float64Array;
  readonly covers: Float64Array;
}

const N_FEATURES = 6;
const CAT_FEATURE = 5;

function randomTree(rng: Rng, maxDepth: number, usable: readonly number[]): RandomTree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const flags: number[] = [];
  const catBits: (Int32Array | null)[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const values: number[] = [];
  const covers: number[] = [];
  const grow = (depth: number): number => {
    if (depth === maxDepth || (depth > 0 && rng.next() < 0.25)) {
      values.push(rng.normal());
      covers.push(1 + rng.int(20));
      return ~(values.length - 1);
    }
    const n = feature.length;
    const f = usable[rng.int(usable.length)];
    const defaultLeft = rng.next() < 0.5 ? FLAG_DEFAULT_LEFT : 0;
    feature.push(f);
    left.push(0);
    right.push(0);
    if (f === CAT_FEATURE) {
      threshold.push(0);
      flags.push(FLAG_CATEGORICAL | defaultLeft);
      catBits.push(Int32Array.of(rng.int(16)));
    } else {
      threshold.push(Math.fround(rng.normal() * 0.7));
      flags.push(defaultLeft);
      catBits.push(null);
    }
    left[n] = grow(depth + 1);
    right[n] = grow(depth + 1);
    return n;
  };
  grow(0);
  // Leaf numbers in a random order (boosted trees number leaves in growth order, not depth-first).
  const order = Array.from(values, (_, l) => l);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const relabel = (c: number) => (c < 0 ? ~order[~c] : c);
  const permuted = (a: number[]) => {
    const out = new Float64Array(a.length);
    a.forEach((v, l) => (out[order[l]] = v));
    return out;
  };
  const nodes: TreeNodes = {
    nNodes: feature.length,
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    flags: Int32Array.from(flags),
    catBits,
    left: Int32Array.from(left, relabel),
    right: Int32Array.from(right, relabel),
  };
  return { nodes, values: permuted(values), covers: permuted(covers) };
}

/** The routing rule written out independently: missing and unknown codes follow the default direction. */
function goesLeftRef(t: RandomTree, n: number, x: Float32Array): boolean {
  const v = x[t.nodes.feature[n]];
  const defaultLeft = (t.nodes.flags[n] & FLAG_DEFAULT_LEFT) !== 0;
  if (Number.isNaN(v)) return defaultLeft;
  if ((t.nodes.flags[n] & FLAG_CATEGORICAL) !== 0) {
    const bits = t.nodes.catBits[n]!;
    if (!(Number.isInteger(v) && v >= 0 && v < bits.length * 32)) return defaultLeft;
    return ((bits[v >>> 5] >>> (v & 31)) & 1) === 1;
  }
  return v <= t.nodes.threshold[n];
}

function coverRef(t: RandomTree, c: number): number {
  return c < 0 ? t.covers[~c] : coverRef(t, t.nodes.left[c]) + coverRef(t, t.nodes.right[c]);
}

/** E[f(x) | x_S] by the path-dependent rule: known features follow x, unknown ones average by cover. */
function conditional(t: RandomTree, c: number, x: Float32Array, known: number): number {
  if (c < 0) return Math.fround(t.values[~c]);
  const l = t.nodes.left[c];
  const r = t.nodes.right[c];
  if ((known >> t.nodes.feature[c]) & 1) return conditional(t, goesLeftRef(t, c, x) ? l : r, x, known);
  return (coverRef(t, l) * conditional(t, l, x, known) + coverRef(t, r) * conditional(t, r, x, known)) / coverRef(t, c);
}

/** Shapley values by enumerating every subset of the N_FEATURES features. */
function bruteShapley(trees: readonly RandomTree[], x: Float32Array): Float64Array {
  const f = (known: number) => trees.reduce((s, t) => s + conditional(t, 0, x, known), 0);
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const phi = new Float64Array(N_FEATURES);
  for (let i = 0; i < N_FEATURES; i++) {
    for (let S = 0; S < 1 << N_FEATURES; S++) {
      if ((S >> i) & 1) continue;
      let size = 0;
      for (let j = 0; j < N_FEATURES; j++) size += (S >> j) & 1;
      const weight = (fact(size) * fact(N_FEATURES - size - 1)) / fact(N_FEATURES);
      phi[i] += weight * (f(S | (1 << i)) - f(S));
    }
  }
  return phi;
}

function randomRow(rng: Rng): Float32Array {
  const x = new Float32Array(N_FEATURES);
  for (let j = 0; j < N_FEATURES; j++) x[j] = rng.next() < 0.2 ? NaN : rng.normal() * 0.7;
  // Codes in the sets, codes no set mentions (40 is past the bitset) and missing.
  x[CAT_FEATURE] = [0, 1, 2, 3, 40, NaN][rng.int(6)];
  return x;
}

function shapOf(trees: readonly RandomTree[], x: Float32Array, width = 1): { phi: Float64Array; expected: Float64Array } {
  const forest = new FlatForest();
  for (const t of trees) forest.addTree(t.nodes, t.values, t.values.length, t.covers);
  const shap = new ForestShap(forest, { leafValues: forest.arrays().leafValue, leafWidth: 1, width, treeScale: 1 });
  const phi = new Float64Array(N_FEATURES * width);
  shap.explainRow(x, 0, phi, 0);
  return { phi, expected: shap.expected };
}

describe('(b) exactness against brute-force Shapley values', () => {
  it('matches on 200 random forests of 1-3 trees (depth <= 4, 6 features, repeats, missing values, category sets)', () => {
    const rng = new Rng(2024);
    let repeats = 0;
    for (let trial = 0; trial < 200; trial++) {
      const trees = Array.from({ length: 1 + rng.int(3) }, () => randomTree(rng, 1 + rng.int(4), [0, 1, 2, 3, 4, 5]));
      const x = randomRow(rng);
      const { phi, expected } = shapOf(trees, x);
      const brute = bruteShapley(trees, x);
      for (let j = 0; j < N_FEATURES; j++) expect(Math.abs(phi[j] - brute[j])).toBeLessThan(1e-9);
      // The base is the expectation with nothing known.
      expect(expected[0]).toBeCloseTo(trees.reduce((s, t) => s + conditional(t, 0, x, 0), 0), 9);
      repeats += trees.some((t) => new Set(t.nodes.feature).size < t.nodes.nNodes) ? 1 : 0;
    }
    // The trees must actually exercise features repeated on a path (the unwinding step).
    expect(repeats).toBeGreaterThan(50);
  });

  it('routes boosting trees to their class: tree t adds to output t % width', () => {
    const rng = new Rng(99);
    for (let trial = 0; trial < 40; trial++) {
      const trees = Array.from({ length: 4 }, () => randomTree(rng, 3, [0, 1, 2, 3, 4, 5]));
      const x = randomRow(rng);
      const { phi } = shapOf(trees, x, 2);
      for (let c = 0; c < 2; c++) {
        const brute = bruteShapley(trees.filter((_, t) => t % 2 === c), x);
        for (let j = 0; j < N_FEATURES; j++) expect(Math.abs(phi[j * 2 + c] - brute[j])).toBeLessThan(1e-9);
      }
    }
  });
});

describe('(c) features the model never splits on', () => {
  it('get exactly 0 in random trees', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 50; trial++) {
      const trees = Array.from({ length: 2 }, () => randomTree(rng, 4, [0, 2, 5]));
      const { phi } = shapOf(trees, randomRow(rng));
      for (const unused of [1, 3, 4]) expect(Object.is(phi[unused], 0)).toBe(true);
    }
  });

  it('get exactly 0 per input column in a shallow CART tree and a GBDT (credit_g)', async () => {
    const d = load('credit_g');
    for (const [family, extra] of [
      ['cart', { max_depth: 2 }],
      ['gbdt', { n_estimators: 5, num_leaves: 3 }],
    ] as const) {
      const envelope = await train(d, family, extra);
      // Both families keep their trees in a FlatForest.
      const model = (await getModelSpec(family).load(envelope.model)) as unknown as { forest: FlatForest };
      const sources = loadPipeline(envelope.pipeline).featureSources();
      const used = new Set(Array.from(model.forest.arrays().feature, (f) => sources[f]));
      const unused = envelope.pipeline.inputs.map((i) => i.name).filter((name) => !used.has(name));
      expect(unused.length).toBeGreaterThan(5);
      const p = await Predictor.load(envelope);
      for (const e of p.explainRows(d.test).explanations) {
        const contributions = e.contributions as Record<string, number>;
        for (const name of unused) expect(Object.is(contributions[name], 0)).toBe(true);
        expect([...used].some((name) => contributions[name] !== 0)).toBe(true);
      }
    }
  });
});

/** Feature-level contributions of an envelope's model on request rows, with the pipeline's feature names. */
async function featureLevel(envelope: ModelEnvelope, rows: readonly Row[]) {
  const pipeline = loadPipeline(envelope.pipeline);
  const model = await getModelSpec(envelope.model.family).load(envelope.model);
  const X = pipeline.transform(rowsToDataset(envelope.pipeline.inputs, new Set(envelope.columns), rows));
  const { phi } = explainerFor(model).explain(X);
  return { names: pipeline.names, phi, width: phi.length / (rows.length * X.cols) };
}

/** A small table with a date column whose month drives the target. */
function datedTable(): Shared {
  const rng = new Rng(11);
  const lines = ['when,amount,y'];
  for (let i = 0; i < 400; i++) {
    const ms = Date.UTC(2020, 0, 1) + rng.int(3 * 365) * 86_400_000 + rng.int(24) * 3_600_000;
    const amount = rng.normal();
    const month = new Date(ms).getUTCMonth();
    lines.push(`${new Date(ms).toISOString()},${amount.toFixed(4)},${(Math.sin(month) * 3 + amount + rng.normal() * 0.1).toFixed(4)}`);
  }
  const all = csvRows(lines.join('\n'));
  const ds = inferDataset(parseCsv(lines.slice(0, 301).join('\n'))).dataset;
  return { ds, target: 'y', task: 'regression', test: all.slice(300, 340) };
}

describe('(d) contributions sum back onto input columns', () => {
  it('one-hot indicators of a categorical column sum to its contribution (linear, credit_g)', async () => {
    const d = load('credit_g');
    const envelope = await train(d, 'linear');
    const { names, phi } = await featureLevel(envelope, d.test);
    const ex = (await Predictor.load(envelope)).explainRows(d.test).explanations;
    const oneHot = names.map((n, j) => (n.startsWith('checking_status=') || n === 'checking_status__missing' ? j : -1)).filter((j) => j >= 0);
    expect(oneHot.length).toBeGreaterThan(2);
    ex.forEach((e, r) => {
      const expected = oneHot.reduce((s, j) => s + phi[r * names.length + j], 0);
      expect((e.contributions as Record<string, number>).checking_status).toBeCloseTo(expected, 12);
    });
    expect(ex.some((e) => (e.contributions as Record<string, number>).checking_status !== 0)).toBe(true);
  });

  for (const family of ['gbdt', 'linear'] as const) {
    it(`date parts sum to the date column's contribution (${family})`, async () => {
      const d = datedTable();
      expect(d.ds.columns.find((c) => c.name === 'when')!.type).toBe('datetime');
      const envelope = await train(d, family, family === 'gbdt' ? { n_estimators: 40 } : {});
      const { names, phi } = await featureLevel(envelope, d.test);
      const parts = names.map((n, j) => (n.startsWith('when__') ? j : -1)).filter((j) => j >= 0);
      expect(parts.length).toBeGreaterThanOrEqual(6);
      const p = await Predictor.load(envelope);
      const ex = p.explainRows(d.test).explanations;
      ex.forEach((e, r) => {
        const expected = parts.reduce((s, j) => s + phi[r * names.length + j], 0);
        expect((e.contributions as Record<string, number>).when).toBeCloseTo(expected, 12);
      });
      // The month drives the target, so the date column must matter.
      expect(ex.reduce((s, e) => s + Math.abs((e.contributions as Record<string, number>).when), 0) / ex.length).toBeGreaterThan(0.5);
      expectLocallyAccurate(p, d.test);
    });
  }

  it('a constructed pair feature is split equally between its two columns (linear with pairs, auto_mpg)', async () => {
    const d = load('auto_mpg');
    const envelope = await train(d, 'linear', { fe_construct: 'pairs' });
    const construct = envelope.pipeline.steps!.find((s): s is ConstructStep => s.kind === 'construct');
    expect(construct).toBeDefined();
    const pairs = construct!.terms.filter((t) => t.op !== 'square' && t.a !== t.b);
    expect(pairs.length).toBeGreaterThan(0);
    const { names, phi } = await featureLevel(envelope, d.test);
    const inputs = envelope.pipeline.inputs.map((i) => i.name);
    // A base feature's column from its name: the column itself, "column=level" or "column__part".
    const columnOf = (name: string) => inputs.find((c) => name === c || name.startsWith(`${c}=`) || name.startsWith(`${c}__`))!;
    const nBase = names.length - construct!.terms.length;
    const ex = (await Predictor.load(envelope)).explainRows(d.test).explanations;
    ex.forEach((e, r) => {
      const expected: Record<string, number> = Object.fromEntries(inputs.map((c) => [c, 0]));
      for (let j = 0; j < nBase; j++) expected[columnOf(names[j])] += phi[r * names.length + j];
      construct!.terms.forEach((t, k) => {
        const v = phi[r * names.length + nBase + k];
        expected[columnOf(names[t.a])] += t.op === 'square' ? v : v / 2;
        if (t.op !== 'square') expected[columnOf(names[t.b])] += v / 2;
      });
      for (const c of inputs) expect((e.contributions as Record<string, number>)[c]).toBeCloseTo(expected[c], 10);
    });
    expectLocallyAccurate(await Predictor.load(envelope), d.test);
  });
});

describe('(d2) binary ensembles mixing log-odds and probability members', () => {
  it('are explained in probability space: each log-odds member rescaled per row, locally accurate to the served probability', async () => {
    const d = load('credit_g');
    const [gbdt, forest, linear] = [await train(d, 'gbdt', { n_estimators: 20 }), await train(d, 'random_forest', { n_estimators: 10 }), await train(d, 'linear')];
    const mixed = await Predictor.load(ensembleOf([gbdt, forest, linear], [0.4, 0.3, 0.3]));
    const ex = mixed.explainRows(d.test);
    expect(ex.space).toBe('probability');
    expect(ex.positiveClass).toBe('good');
    expectLocallyAccurate(mixed, d.test);
    // The blend's contributions are the members' own, the log-odds ones scaled by (σ(m) − σ(b)) / (m − b).
    const alone = async (envelope: ModelEnvelope) => (await Predictor.load(envelope)).explainRows(d.test).explanations;
    const [g, f, l] = [await alone(gbdt), await alone(forest), await alone(linear)];
    const inProbability = (e: RowExplanation, column: string) => {
      const [m, b] = [e.output as number, e.base as number];
      return ((e.contributions as Record<string, number>)[column] * (sigmoid(m) - sigmoid(b))) / (m - b);
    };
    let moved = 0;
    ex.explanations.forEach((e, r) => {
      for (const column of ['checking_status', 'duration', 'credit_amount']) {
        const expected = 0.4 * inProbability(g[r], column) + 0.3 * (f[r].contributions as Record<string, number>)[column] + 0.3 * inProbability(l[r], column);
        expect((e.contributions as Record<string, number>)[column]).toBeCloseTo(expected, 9);
        moved += Math.abs(expected);
      }
      expect(e.base).toBeCloseTo(0.4 * sigmoid(g[r].base as number) + 0.3 * (f[r].base as number) + 0.3 * sigmoid(l[r].base as number), 12);
    });
    expect(moved / ex.explanations.length).toBeGreaterThan(0.01);
  });
});

describe('(d3) several log-odds members: the output is the probability served, not an averaged margin', () => {
  /**
   * Checks that the explanation of `p` (members `parts` with weights `weights`, each a single log-odds
   * model) is in probability space with output = Σ w σ(member margin), what the Predictor averages, to
   * 1e-9 (the served value itself is that sum rounded to float32); and that the members' averaged margin
   * would have missed it.
   */
  async function expectServedProbability(p: Predictor, parts: readonly ModelEnvelope[], weights: readonly number[], rows: readonly Row[]): Promise<void> {
    const ex = p.explainRows(rows);
    expect(ex.space).toBe('probability');
    const served = p.predictRows(rows).probabilities!;
    const alone = await Promise.all(parts.map(async (m) => (await Predictor.load(m)).explainRows(rows)));
    for (const a of alone) expect(a.space).toBe('margin');
    let worstMarginGap = 0;
    ex.explanations.forEach((e, r) => {
      const output = e.output as number;
      const averaged = weights.reduce((s, w, m) => s + w * sigmoid(alone[m].explanations[r].output as number), 0);
      expect(Math.abs(output - averaged)).toBeLessThan(1e-9);
      expect(Math.abs((e.base as number) + sum(e.contributions as Record<string, number>) - output)).toBeLessThan(1e-9);
      expect(Math.abs(output - served[r][ex.positiveClass!])).toBeLessThan(1e-7);
      const averagedMargin = weights.reduce((s, w, m) => s + w * (alone[m].explanations[r].output as number), 0);
      worstMarginGap = Math.max(worstMarginGap, Math.abs(sigmoid(averagedMargin) - served[r][ex.positiveClass!]));
    });
    // The old margin-space sum is visibly off on these rows, so the checks above are not vacuous.
    expect(worstMarginGap).toBeGreaterThan(1e-4);
  }

  it('a gbdt trial bagging its 5 fold models (credit_g)', async () => {
    const d = load('credit_g');
    const shape = { rows: d.ds.rows, cols: d.ds.columns.length - 1, task: d.task, nClasses: 2 };
    const outcome = await runTrial(d.ds, {
      family: 'gbdt',
      params: { ...getModelSpec('gbdt').defaults(shape), n_estimators: 30 },
      target: d.target,
      task: d.task,
      metric: 'roc_auc',
      seed: 7,
      folds: 5,
      bag: true,
    });
    if (outcome.status !== 'complete') throw new Error(`gbdt trial failed: ${outcome.reason}`);
    const bag = outcome.envelope;
    expect(bag.format).toBe(ENSEMBLE_FORMAT);
    const members = (bag as EnsembleEnvelope).members;
    expect(members).toHaveLength(5);
    await expectServedProbability(await Predictor.load(bag), members.map((m) => m.envelope), members.map(() => 0.2), d.test.slice(0, 12));
  });

  it('a blend of gbdt and linear models (credit_g)', async () => {
    const d = load('credit_g');
    const parts = [await train(d, 'gbdt', { n_estimators: 30 }), await train(d, 'linear')];
    await expectServedProbability(await Predictor.load(ensembleOf(parts, [0.6, 0.4])), parts, [0.6, 0.4], d.test.slice(0, 12));
  });

  it('a regression blend of gbdt and linear models stays in value space, the served average', async () => {
    const d = load('auto_mpg');
    const p = await Predictor.load(ensembleOf([await train(d, 'gbdt', { n_estimators: 30 }), await train(d, 'linear')], [0.5, 0.5]));
    expect(p.explainRows(d.test.slice(0, 1)).space).toBe('value');
    expectLocallyAccurate(p, d.test);
  });
});

/** Expects an explain_unavailable refusal whose message mentions `words`. */
function expectUnavailable(f: () => unknown, words: RegExp): void {
  let error: unknown;
  try {
    f();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe('explain_unavailable');
  expect((error as EngineError).message).toMatch(words);
}

describe('(e) models that cannot be explained', () => {
  it('kNN and MLP models are refused by family, and still predict', async () => {
    const d = load('penguins');
    for (const [family, extra] of [
      ['knn', {}],
      ['mlp', { epochs: 3, hidden_units: 8, hidden_layers: 1 }],
    ] as const) {
      const p = await Predictor.load(await train(d, family, extra));
      expectUnavailable(() => p.explainRows(d.test), new RegExp(`^${family} models cannot be explained`));
      expect(p.predictRows(d.test).predictions).toHaveLength(d.test.length);
      p.dispose();
    }
  });

  it('an ensemble names the member that cannot be explained', async () => {
    const d = load('penguins');
    const p = await Predictor.load(ensembleOf([await train(d, 'random_forest', { n_estimators: 10 }), await train(d, 'knn')], [0.6, 0.4]));
    expectUnavailable(() => p.explainRows(d.test), /ensemble member 1 \(knn\)/);
    // One family's models together (a trial's fold bag) are refused as that family, not as a member.
    const bag = await Predictor.load(ensembleOf([await train(d, 'knn'), await train(d, 'knn', { k: 7 })], [0.5, 0.5]));
    expectUnavailable(() => bag.explainRows(d.test), /^knn models cannot be explained/);
  });

  it('a multiclass ensemble mixing margin and probability members is refused', async () => {
    const d = load('penguins');
    const p = await Predictor.load(ensembleOf([await train(d, 'gbdt', { n_estimators: 20 }), await train(d, 'random_forest', { n_estimators: 10 })], [0.5, 0.5]));
    expectUnavailable(() => p.explainRows(d.test), /gbdt: margin, random_forest: probability\); for more than two classes/);
  });

  it('a multiclass ensemble of margin members alone is refused (it averages softmax probabilities)', async () => {
    const d = load('penguins');
    const p = await Predictor.load(ensembleOf([await train(d, 'gbdt', { n_estimators: 20 }), await train(d, 'linear')], [0.5, 0.5]));
    expectUnavailable(() => p.explainRows(d.test), /averages the class probabilities of 2 models explained in margin space \(gbdt, linear\)/);
    expect(p.predictRows(d.test).predictions).toHaveLength(d.test.length);
  });

  it('artifacts stored before covers and means existed load, predict identically, and refuse to explain', async () => {
    const d = load('credit_g');
    for (const [family, field] of [
      ['gbdt', 'leafCover'],
      ['random_forest', 'leafCover'],
      ['linear', 'featureMeans'],
    ] as const) {
      const envelope = await train(d, family, family === 'linear' ? {} : { n_estimators: 10 });
      const old = JSON.parse(JSON.stringify(envelope)) as { model: Record<string, unknown> & { forest?: Record<string, unknown> } };
      const holder = field === 'leafCover' ? old.model.forest! : old.model;
      expect(typeof holder[field]).toBe('string');
      delete holder[field];
      const p = await Predictor.load(old);
      expect(p.predictRows(d.test)).toEqual((await Predictor.load(envelope)).predictRows(d.test));
      expectUnavailable(() => p.explainRows(d.test), /stored before explanations were supported/);
    }
  });
});
