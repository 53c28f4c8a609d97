/**
 * The 'set' categorical split search of random forests on many classes: it tries one category ordering
 * per class, but classes absent from a node all give the same ordering (every share is 0), so it scans
 * that ordering once. These tests hold the search to a plain re-implementation that scans every class's
 * ordering, on nodes where most classes are absent, and count the orderings it actually sorts.
 */
import { describe, expect, it } from 'vitest';
import { matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import { HistogramSplitter } from '../../src/engine/models/forest/best-split';
import { multiclassCriterion, type SplitCriterion } from '../../src/engine/models/forest/split-criterion';
import { SplitChoice, type TreeData } from '../../src/engine/models/forest/splitter';
import { binMatrix, fitBinMapper } from '../../src/engine/models/tree/binning';

const CLASSES = 12;

/** One categorical column of `levels` codes (some rows missing) and class labels drawn from `used` classes only. */
function node(seed: number, rows: number, levels: number, used: readonly number[]) {
  const rng = new Rng(seed);
  const x = new Float32Array(rows);
  const cls = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    x[i] = rng.next() < 0.05 ? NaN : Math.floor(rng.next() * levels);
    // Labels lean on the code so that some orderings split better than others.
    cls[i] = used[(Math.floor(x[i] === x[i] ? x[i] : 0) + (rng.next() < 0.3 ? Math.floor(rng.next() * used.length) : 0)) % used.length];
  }
  const X = matrix(rows, 1, x);
  const mapper = fitBinMapper(X, 256, ['categorical'], new Rng(1));
  const w = new Float32Array(rows).fill(1);
  for (let i = 0; i < rows; i += 7) w[i] = 2;
  return { X, mapper, binned: binMatrix(X, mapper), cls, w };
}

/** The criterion, counting the distinct orderings whose keys the search asks for. */
function countingCriterion(): { criterion: SplitCriterion; orderings: Set<number> } {
  const inner = multiclassCriterion('gini', CLASSES);
  const orderings = new Set<number>();
  const criterion: SplitCriterion = { ...inner, orderKey: (v, o, which) => (orderings.add(which), inner.orderKey(v, o, which)) };
  return { criterion, orderings };
}

/** Best children's score over every class's ordering of the present categories, each scanned in full. */
function everyOrderingBest(data: ReturnType<typeof node>, criterion: SplitCriterion): number {
  const nBins = data.mapper.features[0].nBins;
  const S = CLASSES + 1;
  const hist = new Float64Array(nBins * S);
  const total = new Float64Array(S);
  for (let i = 0; i < data.cls.length; i++) {
    hist[data.binned[i] * S + data.cls[i]] += data.w[i];
    hist[data.binned[i] * S + CLASSES] += 1;
    total[data.cls[i]] += data.w[i];
  }
  const present = [...Array(nBins).keys()].filter((b) => hist[b * S + CLASSES] > 0);
  let best = -Infinity;
  for (let which = 0; which < CLASSES; which++) {
    const key = (b: number) => criterion.orderKey(hist, b * S, which);
    const order = [...present].sort((a, b) => key(a) - key(b) || a - b);
    const left = new Float64Array(S);
    for (let i = 0; i + 1 < order.length; i++) {
      for (let c = 0; c < S; c++) left[c] += hist[order[i] * S + c];
      const right = total.map((t, c) => t - left[c]);
      best = Math.max(best, criterion.score(left, 0) + criterion.score(right, 0));
    }
  }
  return best;
}

function search(data: ReturnType<typeof node>, criterion: SplitCriterion): SplitChoice {
  const rows = data.cls.length;
  const tree: TreeData = { binned: data.binned, nRows: rows, mapper: data.mapper, criterion, w: data.w, g: new Float32Array(0), cls: data.cls };
  const splitter = new HistogramSplitter(tree, 'set');
  const indices = Uint32Array.from({ length: rows }, (_, i) => i);
  const total = new Float64Array(CLASSES + 1);
  for (let i = 0; i < rows; i++) total[data.cls[i]] += data.w[i];
  total[CLASSES] = rows;
  splitter.begin(indices, 0, rows);
  const best = new SplitChoice(data.mapper.maxFeatureBins);
  splitter.evaluate(Int32Array.of(0), 1, total, 1, new Rng(2), best, new Uint8Array(1), 0);
  return best;
}

describe("forest 'set' splits on many classes", () => {
  const cases = [
    { name: 'two of twelve classes, many rows (the dense histogram)', seed: 3, rows: 600, levels: 9, used: [4, 9] },
    { name: 'three of twelve classes, few rows (the sparse histogram)', seed: 5, rows: 24, levels: 6, used: [0, 5, 11] },
    { name: 'five of twelve classes', seed: 8, rows: 300, levels: 12, used: [1, 2, 3, 7, 10] },
  ];
  for (const c of cases) {
    it(`${c.name}: finds the best split of every class's ordering, sorting one ordering for all the absent classes`, () => {
      const data = node(c.seed, c.rows, c.levels, c.used);
      const { criterion, orderings } = countingCriterion();
      const best = search(data, criterion);
      expect(best.feature).toBe(0);
      expect(best.score).toBe(everyOrderingBest(data, multiclassCriterion('gini', CLASSES)));
      // Each present class, plus one absent one.
      expect(orderings.size).toBe(c.used.length + 1);
      for (const u of c.used) expect(orderings.has(u)).toBe(true);
    });
  }

  it('scans every ordering when every class is present', () => {
    const data = node(13, 400, 10, [...Array(CLASSES).keys()]);
    const { criterion, orderings } = countingCriterion();
    const best = search(data, criterion);
    expect(best.score).toBe(everyOrderingBest(data, multiclassCriterion('gini', CLASSES)));
    expect(orderings.size).toBe(CLASSES);
  });
});
