/**
 * Unit tests of the tree learner's building blocks: binning agrees with the float32 thresholds used at
 * prediction, the constant-hessian histogram and the one-loop subtraction give what the general paths
 * give, the histogram pool's eviction path grows the same trees as unbounded memory, and the flat
 * forest rejects structures that could make prediction loop.
 */
import { describe, expect, it } from 'vitest';
import { matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import { binMatrix, binOf, fitBinMapper } from '../../src/engine/models/tree/binning';
import { FlatForest } from '../../src/engine/models/tree/flat-tree';
import { type GrowConfig, TreeGrower } from '../../src/engine/models/tree/grow-tree';
import {
  buildHistogram,
  buildHistogramConstantHessian,
  buildRootHistogram,
  countAllRows,
  HIST_STRIDE,
  subtractHistogram,
} from '../../src/engine/models/tree/histogram';

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

describe('tree histograms', () => {
  function setup() {
    const rng = new Rng(5);
    const n = 700;
    const cols = 7; // not a multiple of four: the one-feature tail loop runs too
    const X = matrix(n, cols);
    for (let i = 0; i < X.data.length; i++) X.data[i] = rng.next() < 0.1 ? NaN : Math.round(rng.normal() * 20);
    const mapper = fitBinMapper(X, 64, undefined, rng);
    const binned = binMatrix(X, mapper);
    // Every other row, in increasing order, as a leaf's index range starting at 3.
    const indices = new Uint32Array(n);
    let count = 0;
    for (let i = 0; i < n; i += 2) indices[3 + count++] = i;
    const g = Float32Array.from({ length: count }, () => rng.normal());
    const size = mapper.totalBins * HIST_STRIDE;
    return { n, cols, mapper, binned, indices, count, g, size };
  }

  it('builds with a constant hessian the same sums, the hessians being exactly count x hessian', () => {
    const { n, mapper, binned, indices, count, g, size } = setup();
    const hConst = Math.fround(0.3); // not a power of two: the products must still equal the sums
    const h = new Float32Array(count).fill(hConst);
    for (const features of [Int32Array.of(0, 1, 2, 3, 4, 5, 6), Int32Array.of(1, 4, 6)]) {
      const general = new Float64Array(size).fill(7);
      const constant = new Float64Array(size).fill(7);
      buildHistogram(general, binned, n, mapper.offsets, features, features.length, indices, 3, count, g, h);
      buildHistogramConstantHessian(constant, binned, n, mapper.offsets, features, features.length, indices, 3, count, g);
      for (let i = 0; i < size; i += HIST_STRIDE) {
        expect(constant[i]).toBe(general[i]);
        expect(constant[i + 2]).toBe(general[i + 2]);
        // Listed features: hessian slots stay 0 and count x hConst is the per-row sum; others untouched.
        if (constant[i + 1] === 7) expect(general[i + 1]).toBe(7);
        else {
          expect(constant[i + 1]).toBe(0);
          expect(constant[i + 2] * hConst).toBe(general[i + 1]);
        }
      }
    }
  });

  it('builds an all-rows root with cached counts exactly as from an index list', () => {
    const { n, mapper, binned, size } = setup();
    const rng = new Rng(8);
    const all = Uint32Array.from({ length: n }, (_, i) => i);
    const g = Float32Array.from({ length: n }, () => rng.normal());
    const h = Float32Array.from({ length: n }, () => rng.next() + 0.01);
    const counts = countAllRows(binned, n, mapper.offsets);
    for (const features of [Int32Array.of(0, 1, 2, 3, 4, 5, 6), Int32Array.of(0, 3, 5)]) {
      const viaIndices = new Float64Array(size);
      const root = new Float64Array(size);
      buildHistogram(viaIndices, binned, n, mapper.offsets, features, features.length, all, 0, n, g, h);
      buildRootHistogram(root, binned, n, mapper.offsets, features, features.length, g, h, counts);
      expect(Array.from(root)).toEqual(Array.from(viaIndices));
      const constant = new Float64Array(size);
      buildHistogramConstantHessian(constant, binned, n, mapper.offsets, features, features.length, all, 0, n, g);
      buildRootHistogram(root, binned, n, mapper.offsets, features, features.length, g, null, counts);
      expect(Array.from(root)).toEqual(Array.from(constant));
    }
  });

  it('subtracts every feature in one loop, and only the listed ones otherwise', () => {
    const { n, mapper, binned, indices, count, g, size } = setup();
    const h = Float32Array.from(g, (v) => Math.abs(v) + 0.1);
    const all = Int32Array.of(0, 1, 2, 3, 4, 5, 6);
    const parent = new Float64Array(size);
    const child = new Float64Array(size);
    buildHistogram(parent, binned, n, mapper.offsets, all, 7, indices, 3, count, g, h);
    buildHistogram(child, binned, n, mapper.offsets, all, 7, indices, 3, count >> 1, g, h);
    const whole = parent.slice();
    subtractHistogram(whole, child, mapper.offsets, all, 7);
    for (let i = 0; i < size; i++) expect(whole[i]).toBe(parent[i] - child[i]);
    const noHessian = parent.slice();
    subtractHistogram(noHessian, child, mapper.offsets, all, 7, false);
    for (let i = 0; i < size; i++) expect(noHessian[i]).toBe(i % HIST_STRIDE === 1 ? parent[i] : parent[i] - child[i]);
    const some = Int32Array.of(2, 5);
    const part = parent.slice();
    subtractHistogram(part, child, mapper.offsets, some, 2);
    for (let f = 0; f < 7; f++) {
      const listed = f === 2 || f === 5;
      for (let i = mapper.offsets[f] * HIST_STRIDE; i < mapper.offsets[f + 1] * HIST_STRIDE; i++) {
        expect(part[i]).toBe(listed ? parent[i] - child[i] : parent[i]);
      }
    }
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
