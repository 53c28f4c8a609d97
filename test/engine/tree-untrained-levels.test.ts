/**
 * A tree reads a category level it never trained on as an empty cell, in every family, wherever the
 * level's name falls among the others. From a read-only audit of the engine: levels seen only on rows
 * without a target (or in rows the binning did not sample) got codes past the largest trained one; those
 * inside the split's last bitset word always went right, those past it followed the missing direction,
 * so "z" scored as the class "e" does while "a" scored as an empty cell.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';

/** colour b and c mostly 1, e mostly 0; the levels a and z appear only on rows without a target. */
function colours(): string {
  let s = 1;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines = ['colour,x,y'];
  for (let i = 0; i < 300; i++) {
    const colour = ['b', 'c', 'e'][i % 3]!;
    const y = colour === 'e' ? (rnd() < 0.1 ? 1 : 0) : rnd() < 0.9 ? 1 : 0;
    lines.push(`${colour},${(rnd() * 10).toFixed(2)},${y}`);
  }
  lines.push('a,1,', 'z,1,');
  return lines.join('\n');
}

describe('a category level no training row held', () => {
  const ds = inferDataset(parseCsv(colours())).dataset;

  for (const family of ['random_forest', 'extra_trees', 'cart', 'gbdt'] as const) {
    it(`is scored as an empty cell by ${family}, before or after the trained levels`, async () => {
      const params = { ...getModelSpec(family).defaults({ rows: 300, cols: 2, task: 'binary', nClasses: 2 }) };
      const out = await runTrial(ds, { family, params, target: 'y', metric: 'roc_auc', seed: 1, folds: 3 });
      if (out.status !== 'complete') throw new Error(`${family}: ${JSON.stringify(out)}`);
      const predictor = await Predictor.load(JSON.parse(JSON.stringify(out.envelope)));
      const scores = predictor.predictRows(['e', null, 'a', 'z', 'q'].map((colour) => ({ colour, x: 5 }))).probabilities!.map((p) => p['1']);
      const [e, empty, a, z, q] = scores as number[];
      expect(a, 'a, before the trained levels').toBeCloseTo(empty!, 12);
      expect(z, 'z, after them').toBeCloseTo(empty!, 12);
      expect(q, 'q, never a level').toBeCloseTo(empty!, 12);
      // The trees tell e apart from the rest: z read as e would show.
      if (family !== 'gbdt') expect(Math.abs(e! - empty!)).toBeGreaterThan(0.5);
    });
  }
});
