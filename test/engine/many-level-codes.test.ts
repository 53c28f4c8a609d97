/**
 * Tree features of a categorical column of thousands of levels (zip codes, products): coded by training
 * frequency, so a split's bitset stays within 8 words. Coded alphabetically, the frequent levels lay
 * anywhere below the level count, and every split on them stored a bitset that long: a 50,000-level
 * column made gbdt trials hold 142 MiB and forests 0.8-1.2 GiB (npm run bench:memory, see features/codes).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import type { Dataset } from '../../src/engine/data/dataset';
import { MAX_CODED_LEVELS } from '../../src/engine/features/codes';
import { fitFeatures, loadPipeline } from '../../src/engine/features/pipeline';
import { estimateForestBytes } from '../../src/engine/models/forest/forest-memory';
import { resolveForestOptions } from '../../src/engine/models/forest/forest-params';
import { getModelSpec } from '../../src/engine/models/registry';
import { runTrial } from '../../src/engine/run-trial';
import { decodeI32 } from '../../src/engine/serialize/codec';

const LEVELS = 6_000;
const ROWS = 4_000;

/** A skewed column of LEVELS alphabetical levels whose frequent ones sit high in the alphabet, a target that depends on it. */
function zipTable(): { ds: Dataset; byRank: Int32Array } {
  const rng = new Rng(11);
  const levels = Array.from({ length: LEVELS }, (_, l) => `z${String(l).padStart(5, '0')}`);
  // Rank r is the level LEVELS - 1 - 7r mod LEVELS: the most frequent is the last in the alphabet.
  const byRank = Int32Array.from({ length: LEVELS }, (_, r) => (LEVELS - 1 - ((7 * r) % LEVELS) + LEVELS) % LEVELS);
  const effect = Float64Array.from(levels, () => rng.normal() * 2);
  const codes = new Int32Array(ROWS);
  const x = new Float64Array(ROWS);
  const label = new Int32Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    codes[i] = i % 97 === 0 ? -1 : byRank[Math.min(LEVELS - 1, Math.floor(LEVELS ** rng.next()) - 1)];
    x[i] = rng.normal();
    const logit = (codes[i] >= 0 ? effect[codes[i]] : 0) + x[i];
    label[i] = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return {
    ds: {
      rows: ROWS,
      columns: [
        { name: 'zip', type: 'categorical', storage: 'codes', codes, levels },
        { name: 'x', type: 'numeric', storage: 'f64', values: x },
        { name: 'label', type: 'categorical', storage: 'codes', codes: label, levels: ['no', 'yes'] },
      ],
    },
    byRank,
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('a categorical column of thousands of levels, for trees', () => {
  const { ds, byRank } = zipTable();
  const zip = ds.columns[0] as Extract<Dataset['columns'][number], { storage: 'codes' }>;

  it('is coded by training frequency, its rarer levels missing, and reads the same after a JSON round trip', async () => {
    const fit = { y: new Float32Array(ROWS), task: 'binary' as const, nClasses: 2, rng: new Rng(3) };
    const { pipeline, X } = await fitFeatures(ds, range(ROWS), 'trees', new Set(['label']), fit);
    const j = pipeline.names.indexOf('zip');
    expect(pipeline.kinds[j]).toBe('categorical');
    const counts = new Map<number, number>();
    for (const c of zip.codes) if (c >= 0) counts.set(c, (counts.get(c) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, MAX_CODED_LEVELS).map(([c]) => c);
    expect(top[0]).toBe(byRank[0]);
    for (let i = 0; i < ROWS; i++) {
      const v = X.data[i * X.cols + j];
      const c = zip.codes[i];
      if (c >= 0 && top.includes(c)) expect(v).toBe(top.indexOf(c));
      else expect(v).toBeNaN();
    }
    const back = loadPipeline(JSON.parse(JSON.stringify(pipeline.state)));
    expect(Array.from(back.transform(ds).data)).toEqual(Array.from(pipeline.transform(ds).data));
  });

  it('keeps every categorical split of a gbdt within 8 bitset words, and still learns the column', async () => {
    const trial = await runTrial(ds, { family: 'gbdt', params: { n_estimators: 60 }, target: 'label', metric: 'roc_auc', seed: 1, folds: 1 });
    expect(trial.status).toBe('complete');
    if (trial.status !== 'complete') return;
    const forest = (trial.envelope.model as unknown as { forest: { catBounds: string } }).forest;
    const bounds = decodeI32(forest.catBounds);
    expect(bounds.length).toBeGreaterThan(10);
    for (let k = 1; k < bounds.length; k++) expect(bounds[k] - bounds[k - 1]).toBeLessThanOrEqual(8);
    // The zip's effect lifts the score above what x alone reaches.
    const withoutZip = await runTrial(ds, { family: 'gbdt', params: { n_estimators: 60 }, target: 'label', metric: 'roc_auc', seed: 1, folds: 1, ignore: ['zip'] });
    expect(withoutZip.status === 'complete' && trial.score - withoutZip.score).toBeGreaterThan(0.02);
  });

  it('counts categorical bitsets in the forest estimate, by the share of columns that are categories', () => {
    const opts = resolveForestOptions('random_forest', {}, 'binary');
    const base = { rows: 50_000, cols: 10, task: 'binary' as const, nClasses: 2 };
    const none = estimateForestBytes(opts, base);
    const some = estimateForestBytes(opts, { ...base, categoricalCols: 2 });
    const all = estimateForestBytes(opts, { ...base, categoricalCols: 10 });
    expect(some).toBeGreaterThan(none);
    expect(all - none).toBeCloseTo(5 * (some - none), -3);
    expect(getModelSpec('gbdt').estimateMemoryBytes({}, { ...base, categoricalCols: 10 })).toBeGreaterThan(getModelSpec('gbdt').estimateMemoryBytes({}, base));
  });
});
