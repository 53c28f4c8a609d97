/**
 * Unit tests of the tree learner's building blocks: binning agrees with the float32 thresholds used at
 * prediction, the histogram pool's eviction path grows the same trees as unbounded memory, and the flat
 * forest rejects structures that could make prediction loop.
 */
import { describe, expect, it } from 'vitest';
import { matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import { binMatrix, binOf, fitBinMapper } from '../../src/engine/models/tree/binning';
import { FlatForest } from '../../src/engine/models/tree/flat-tree';
import { type GrowConfig, TreeGrower } from '../../src/engine/models/tree/grow-tree';

describe('tree binning', () => {
  it('respects max_bin, keeps a missing bin, and matches `v <= edge` exactly', () => {
    const rng = new Rng(1);
    const n = 5000;
    const X = matrix(n, 3);
    for (let i = 0; i < n; i++) {
      X.data[i * 3] = rng.normal() * 1e3; // continuous: many distinct values
      X.data[i * 3 + 1] = rng.next() < 0.2 ? NaN : rng.int(7) / 3; // few distinct, with missing values
      X.data[i * 3 + 2] = rng.next() < 0.6 ? 0 : rng.normal(); // one heavy value
    }
    const mapper = fitBinMapper(X, 64, undefined, rng);
    const binned = binMatrix(X, mapper);
    for (let j = 0; j < 3; j++) {
      const fb = mapper.features[j];
      expect(fb.nBins).toBeLessThanOrEqual(64);
      expect(fb.upper[fb.upper.length - 1]).toBe(Infinity);
      for (let i = 0; i < n; i++) {
        const v = X.data[i * 3 + j];
        const b = binned[j * n + i];
        if (Number.isNaN(v)) {
          expect(b).toBe(fb.nBins - 1);
          continue;
        }
        // The split "bins 0..t go left" must equal the raw test "v <= upper[t]" for every t.
        expect(v <= fb.upper[b]).toBe(true);
        if (b > 0) expect(v <= fb.upper[b - 1]).toBe(false);
      }
    }
    expect(mapper.features[0].nBins).toBe(64); // 63 value bins plus missing
    expect(mapper.features[1].nBins).toBe(8); // 7 distinct values plus missing
    // The heavy value gets a bin of its own: no other value shares it.
    const zeroBin = binOf(mapper.features[2], 0);
    for (let i = 0; i < n; i++) if (binned[2 * n + i] === zeroBin) expect(X.data[i * 3 + 2]).toBe(0);
  });

  it('gives categorical codes their own bins and sends unseen codes to the missing bin', () => {
    const X = matrix(6, 1, Float32Array.from([0, 3, 3, NaN, 5, 0]));
    const mapper = fitBinMapper(X, 255, ['categorical'], new Rng(1));
    const fb = mapper.features[0];
    expect(fb.categorical).toBe(true);
    expect(fb.nBins).toBe(4); // codes 0, 3, 5 and the missing bin
    expect([0, 3, 5].map((c) => binOf(fb, c))).toEqual([0, 1, 2]);
    for (const v of [NaN, 1, 4, 99, -1, 2.5]) expect(binOf(fb, v)).toBe(3);
  });
});

describe('tree grower', () => {
  function setup(seed: number) {
    const rng = new Rng(seed);
    const n = 3000;
    const cols = 30;
    const X = matrix(n, cols);
    for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal();
    const g = new Float32Array(n);
    const h = new Float32Array(n).fill(1);
    for (let i = 0; i < n; i++) g[i] = Math.sin(2 * X.data[i * cols]) + (X.data[i * cols + 1] > 0 ? 1 : -1) + 0.3 * rng.normal();
    for (let i = 0; i < X.data.length; i++) if (rng.next() < 0.05) X.data[i] = NaN;
    const mapper = fitBinMapper(X, 255, undefined, rng);
    return { n, cols, mapper, binned: binMatrix(X, mapper), g, h };
  }
  const config: GrowConfig = {
    numLeaves: 63,
    maxDepth: -1,
    lambdaL2: 1,
    minDataInLeaf: 5,
    minSumHessianInLeaf: 1e-3,
    minGainToSplit: 0,
    catSmooth: 10,
    catL2: 10,
    maxCatThreshold: 32,
    maxCatToOnehot: 4,
    minDataPerGroup: 5,
  };

  it('grows the same tree when the histogram pool must evict', () => {
    const { n, cols, mapper, binned, g, h } = setup(2);
    const rows = Uint32Array.from({ length: n }, (_, i) => i);
    const features = Int32Array.from({ length: cols }, (_, j) => j);
    const roomy = new TreeGrower(binned, n, mapper, config);
    // Room for only three histograms out of 63 leaves: most children are built without subtraction.
    const tight = new TreeGrower(binned, n, mapper, { ...config, histogramBytes: mapper.totalBins * 3 * 8 * 3 });
    const a = roomy.grow(g, h, rows, n, features, cols);
    const b = tight.grow(g, h, rows, n, features, cols);
    expect(a).toBe(63);
    expect(b).toBe(a);
    expect(Array.from(tight.tree.feature.subarray(0, a - 1))).toEqual(Array.from(roomy.tree.feature.subarray(0, a - 1)));
    expect(Array.from(tight.tree.threshold.subarray(0, a - 1))).toEqual(Array.from(roomy.tree.threshold.subarray(0, a - 1)));
    expect(Array.from(tight.leafCount.subarray(0, a))).toEqual(Array.from(roomy.leafCount.subarray(0, a)));
    for (let l = 0; l < a; l++) expect(tight.leafG[l]).toBeCloseTo(roomy.leafG[l], 6);
    // Leaves partition the rows: every row exactly once.
    const seen = new Uint8Array(n);
    for (let l = 0; l < a; l++) {
      for (let i = roomy.leafStart[l]; i < roomy.leafStart[l] + roomy.leafCount[l]; i++) seen[roomy.indices[i]]++;
    }
    expect(seen.every((c) => c === 1)).toBe(true);
  });
});

describe('flat forest', () => {
  it('refuses artifacts whose children point backwards', () => {
    const forest = new FlatForest();
    forest.addTree(
      {
        nNodes: 2,
        feature: Int32Array.of(0, 0),
        threshold: Float32Array.of(0, 1),
        flags: Int32Array.of(0, 0),
        catBits: [null, null],
        left: Int32Array.of(~0, ~1),
        right: Int32Array.of(1, ~2),
      },
      Float64Array.of(1, 2, 3),
      3,
    );
    const ok = FlatForest.decode(forest.encode(), 1);
    expect(typeof ok).not.toBe('string');
    const x = Float32Array.of(0.5);
    expect((ok as FlatForest).predictTree(0, x, 0)).toBe(2);
    const cyclic = { ...forest.encode() };
    const loop = new FlatForest();
    loop.addTree({ nNodes: 2, feature: Int32Array.of(0, 0), threshold: Float32Array.of(0, 1), flags: Int32Array.of(0, 0), catBits: [null, null], left: Int32Array.of(~0, 0), right: Int32Array.of(1, ~2) }, Float64Array.of(1, 2, 3), 3);
    cyclic.left = loop.encode().left;
    expect(FlatForest.decode(cyclic, 1)).toMatch(/invalid child/);
    expect(FlatForest.decode(forest.encode(), 0)).toMatch(/unknown feature/);
  });
});
