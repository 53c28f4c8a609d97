/**
 * The fast paths of the forest split searches: the bitmap of occupied bins (occupied-bins) and the
 * 'sum'-layout scan that keeps its running sums in locals and scores them with the criterion's scalar
 * `scoreSums`. Regression and two-class trees grown with that scan must equal, to the bit, the trees of the
 * generic scan over stats arrays (the same criterion without `scoreSums`), and the scan must not fall back
 * to the array score.
 */
import { describe, expect, it } from 'vitest';
import { matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import { HistogramSplitter } from '../../src/engine/models/forest/best-split';
import { bitmapWords, gatherBins, highestOccupied, isOccupied, listOccupied, lowestOccupied } from '../../src/engine/models/forest/occupied-bins';
import { binaryCriterion, type SplitCriterion, varianceCriterion } from '../../src/engine/models/forest/split-criterion';
import type { TreeData } from '../../src/engine/models/forest/splitter';
import { ForestTreeBuilder } from '../../src/engine/models/forest/tree-builder';
import { binMatrix, fitBinMapper } from '../../src/engine/models/tree/binning';

describe('occupied-bins', () => {
  for (const nBins of [5, 32, 33, 200, 256]) {
    it(`lists the distinct bins of a node's rows in ascending order (${nBins} bins)`, () => {
      const rng = new Rng(nBins);
      const rows = 300;
      const binned = new Uint8Array(2 * rows);
      // Column 1 holds this feature: four bins only, among them the first, the last and 31, at word edges
      // (200 rows drawn from four bins hold all four).
      const used = [0, nBins - 1, Math.floor(nBins / 2), Math.min(nBins - 1, 31)];
      for (let r = 0; r < rows; r++) binned[rows + r] = r < used.length ? used[r] : used[rng.int(used.length)];
      const indices = Uint32Array.from({ length: rows }, (_, i) => rows - 1 - i);
      const start = 10;
      const n = 200;
      const out = new Uint8Array(rows);
      const bits = new Int32Array(8).fill(-1);
      const words = bitmapWords(nBins);
      gatherBins(binned, rows, indices, start, n, out, bits, words);
      const expected = new Set<number>();
      for (let i = 0; i < n; i++) {
        const b = binned[rows + indices[start + i]];
        expect(out[i]).toBe(b);
        expected.add(b);
      }
      const sorted = [...expected].sort((a, b) => a - b);
      const list = new Int32Array(256);
      expect(Array.from(list.subarray(0, listOccupied(bits, words, list)))).toEqual(sorted);
      expect(lowestOccupied(bits, words)).toBe(sorted[0]);
      expect(highestOccupied(bits, words)).toBe(sorted[sorted.length - 1]);
      for (let b = 0; b < nBins; b++) expect(isOccupied(bits, b)).toBe(expected.has(b));
    });
  }

  it('reports an empty set as -1', () => {
    const bits = new Int32Array(8);
    expect(lowestOccupied(bits, 8)).toBe(-1);
    expect(highestOccupied(bits, 8)).toBe(-1);
    expect(listOccupied(bits, 8, new Int32Array(256))).toBe(0);
  });
});

const SUM_CRITERIA: [string, SplitCriterion][] = [
  ['variance', varianceCriterion(0.25)],
  ['gini', binaryCriterion('gini')],
  ['entropy', binaryCriterion('entropy')],
];

describe("'sum' criteria", () => {
  for (const [name, c] of SUM_CRITERIA) {
    it(`${name}: scoreSums(s, w) is score(v, o) to the bit`, () => {
      const rng = new Rng(4);
      const v = new Float64Array(3);
      for (let i = 0; i < 2000; i++) {
        const w = i % 50 === 0 ? 0 : rng.uniform(0, 40);
        v[0] = name === 'variance' ? rng.uniform(-w, w) * 7.3 : w * rng.next();
        v[1] = w;
        expect(Object.is(c.scoreSums?.(v[0], v[1]), c.score(v, 0))).toBe(true);
      }
    });
  }
});

/** A table with missing values, a wide numeric column (dense at large nodes, sparse at small ones), a few-valued one and a categorical. */
function table(rows: number, seed: number, task: 'regression' | 'binary') {
  const rng = new Rng(seed);
  const cols = 4;
  const X = matrix(rows, cols);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const a = rng.uniform(0, 1);
    const k = rng.int(6);
    const code = rng.int(9);
    X.data[i * cols] = rng.next() < 0.15 ? NaN : a;
    X.data[i * cols + 1] = k;
    X.data[i * cols + 2] = rng.next() < 0.1 ? NaN : code;
    X.data[i * cols + 3] = rng.normal();
    const t = 3 * a + (k % 3) + (code % 4) / 2 + rng.normal();
    y[i] = task === 'regression' ? t : t > 3 ? 1 : 0;
  }
  return { X, y };
}

/** Grows one tree over a bootstrap-like weighting with `criterion` (code-order categoricals: every scan is in order). */
function grow(task: 'regression' | 'binary', criterion: SplitCriterion, minSamplesLeaf: number, featuresPerSplit: number) {
  const rows = 600;
  const { X, y } = table(rows, 11, task);
  const kinds = ['numeric', 'numeric', 'categorical', 'numeric'] as const;
  const mapper = fitBinMapper(X, 255, kinds, new Rng(1));
  const rng = new Rng(5);
  const w = Float32Array.from({ length: rows }, () => rng.int(3));
  const g = Float32Array.from(y, (v, i) => w[i] * (task === 'regression' ? v - 2.5 : v));
  const data: TreeData = { binned: binMatrix(X, mapper), nRows: rows, mapper, criterion, w, g, cls: new Int32Array(0) };
  const builder = new ForestTreeBuilder(data, new HistogramSplitter(data, 'ordinal'), y, { maxDepth: 0, minSamplesLeaf, featuresPerSplit });
  const used = Uint32Array.from(Array.from(w.keys()).filter((i) => w[i] > 0));
  const nLeaves = builder.grow(used, used.length, new Rng(9));
  const t = builder.tree;
  const n = t.nNodes;
  return {
    nodes: [t.feature, t.threshold, t.flags, t.left, t.right].map((a) => Array.from(a.subarray(0, n))),
    leaves: Array.from(builder.leafValues.subarray(0, nLeaves)),
    nLeaves,
  };
}

describe("the 'sum' scan with running sums in locals", () => {
  for (const [name, c] of SUM_CRITERIA) {
    for (const [minLeaf, perSplit] of [
      [1, 4],
      [4, 2],
    ]) {
      it(`${name}, min_samples_leaf ${minLeaf}, ${perSplit} features per split: the generic scan's tree, without the array score`, () => {
        let arrayScores = 0;
        const counted: SplitCriterion = { ...c, score: (v, o) => (arrayScores++, c.score(v, o)) };
        const generic: SplitCriterion = { ...c, scoreSums: undefined };
        const task = name === 'variance' ? 'regression' : 'binary';
        const fast = grow(task, counted, minLeaf, perSplit);
        expect(arrayScores).toBe(0);
        const slow = grow(task, generic, minLeaf, perSplit);
        expect(fast.nLeaves).toBeGreaterThan(20);
        // toEqual compares numbers with Object.is: thresholds and leaf values must agree to the bit.
        expect(fast).toEqual(slow);
      });
    }
  }
});
