/**
 * The QuickScorer (models/tree/quick-scorer) against the tree walk it replaces on real data: every tree's
 * exit leaf and every prediction bit for bit, over categorical splits (codes past every bitset, negative,
 * fractional), missing values and numeric values on, between and beyond the thresholds; binary,
 * multiclass and regression; small trees sharing a word and 32-leaf trees filling one; and forests it must
 * decline (more than 32 leaves in a tree), which keep walking.
 */
import { describe, expect, it } from 'vitest';
import { type Matrix, matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import type { Task } from '../../src/engine/core/task';
import type { GbdtModel } from '../../src/engine/models/tree/gbdt-model';
import { gbdtSpec } from '../../src/engine/models/tree/gbdt';
import { QuickScorer } from '../../src/engine/models/tree/quick-scorer';
import type { Params } from '../../src/engine/search/space';
import { loadSharedDataset } from './helpers/load-shared-csv';

/** The test rows repeated to at least `n` rows, with odd cells sprinkled in: missing, unseen codes, negatives, fractions, thresholds. */
function servingRows(X: Matrix, n: number, model: GbdtModel, seed: number): Matrix {
  const rows = Math.max(n, X.rows);
  const out = matrix(rows, X.cols);
  for (let i = 0; i < rows; i++) out.data.set(X.data.subarray((i % X.rows) * X.cols, (i % X.rows + 1) * X.cols), i * X.cols);
  const { threshold, feature } = model.forest.arrays();
  const rng = new Rng(seed);
  for (let i = X.rows; i < rows; i++) {
    const j = rng.int(X.cols);
    const at = i * X.cols + j;
    const n = rng.int(feature.length);
    const odd = [NaN, 999, 32, 64, -1, -0, 2.5, 1e30, -Infinity, Infinity, threshold[n], Math.fround(threshold[n] * 1.0000001)];
    out.data[at] = odd[rng.int(odd.length)];
    // Put a node's own threshold on its own feature: the boundary case of the interval search.
    if (rng.next() < 0.3) out.data[i * X.cols + feature[n]] = threshold[n];
  }
  return out;
}

async function fitAndLoad(name: string, params: Params): Promise<{ fitted: GbdtModel; loaded: GbdtModel; X: Matrix }> {
  const d = loadSharedDataset(name);
  const fitted = (await gbdtSpec.fit(d.train, params, { task: d.task, nClasses: d.nClasses, rng: new Rng(3), columnKinds: d.columnKinds })) as GbdtModel;
  const loaded = (await gbdtSpec.load(JSON.parse(JSON.stringify(fitted.toArtifact())))) as GbdtModel;
  return { fitted, loaded, X: servingRows(d.test.X, 1500, fitted, 11) };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

const cases: [string, Task, Params][] = [
  ['credit_g', 'binary', { n_estimators: 120 }],
  ['vote', 'binary', { n_estimators: 60, num_leaves: 8 }],
  ['penguins', 'multiclass', { n_estimators: 40, num_leaves: 6 }],
  ['ames_housing', 'regression', { n_estimators: 80, num_leaves: 24 }],
  // Trees of up to 32 leaves: a word to each, the last leaf on the top bit.
  ['lending_club', 'binary', { n_estimators: 20, num_leaves: 32, min_data_in_leaf: 5 }],
];

describe('QuickScorer finds the leaves the walk finds', () => {
  it.each(cases)('%s (%s): every exit leaf and every prediction, bit for bit', async (name, task, params) => {
    const { fitted, loaded, X } = await fitAndLoad(name, params);
    expect(loaded.task).toBe(task);
    const scorer = QuickScorer.build(loaded.forest, loaded.nFeatures);
    expect(scorer).toBeDefined();
    const leaves = new Int32Array(loaded.forest.nTrees);
    let mismatches = 0;
    for (let r = 0; r < X.rows; r++) {
      scorer!.exitLeaves(X.data, r * X.cols, leaves);
      for (let t = 0; t < leaves.length; t++) if (leaves[t] !== loaded.forest.leafIndex(t, X.data, r * X.cols)) mismatches++;
    }
    expect(mismatches).toBe(0);
    // A fitted model walks; a loaded one builds its scorer on a batch this large.
    expect(bits(loaded.predict(X))).toEqual(bits(fitted.predict(X)));
    // Once built, small requests use it too: still the walk's answer.
    const one = matrix(1, X.cols, X.data.slice(X.cols * 1200, X.cols * 1201));
    expect(bits(loaded.predict(one))).toEqual(bits(fitted.predict(one)));
  });

  it('declines a forest with a tree of more than 32 leaves, which keeps walking', async () => {
    const { fitted, loaded, X } = await fitAndLoad('lending_club', { n_estimators: 10, num_leaves: 48, min_data_in_leaf: 5 });
    const { treeRoot, left } = loaded.forest.arrays();
    expect(left.length / treeRoot.length).toBeGreaterThan(31); // some tree has more than 32 leaves
    expect(QuickScorer.build(loaded.forest, loaded.nFeatures)).toBeUndefined();
    expect(bits(loaded.predict(X))).toEqual(bits(fitted.predict(X)));
  });
});
