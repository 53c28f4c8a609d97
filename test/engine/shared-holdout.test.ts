/**
 * A single split shared by a job's trials (run-trial `foldSeed`, engine/data/shared-holdout): trials of
 * different seeds given one fold seed validate on the same rows, those of their own seeds on different
 * rows; the holdout helper names exactly the rows a trial's out-of-fold array fills; a fold seed equal to
 * the trial's seed changes nothing; and the job's ensemble selection, told the fold seed, scores each trial
 * on those rows as the trial scored itself.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { holdoutPositions } from '../../src/engine/data/shared-holdout';
import { prepareTarget } from '../../src/engine/data/target';
import { selectJobEnsemble } from '../../src/engine/ensemble/select-for-job';
import { runTrial, type TrialOutcome, type TrialSpec } from '../../src/engine/run-trial';

/** 300 binary rows: `a` carries the signal, `b` and `c` some more, with a few labels flipped. */
function table(): Dataset {
  const lines = ['a,b,c,label'];
  for (let i = 0; i < 300; i++) {
    const a = (i * 37) % 101;
    const b = (i * 53) % 17;
    const c = ['p', 'q', 'r'][(i * 7) % 3];
    const yes = (a + 3 * b > 80) !== (i % 11 === 0);
    lines.push(`${a},${b},${c},${yes ? 'yes' : 'no'}`);
  }
  return inferDataset(parseCsv(lines.join('\n'))).dataset;
}

function complete(o: TrialOutcome): Extract<TrialOutcome, { status: 'complete' }> {
  if (o.status !== 'complete') throw new Error(`trial failed: ${o.reason}`);
  return o;
}

/** Positions of the rows an out-of-fold array (one output per row) fills. */
const filled = (oof: Float32Array) => [...oof.keys()].filter((i) => oof[i] !== 0);

describe('a holdout shared by the trials of a job', () => {
  const ds = table();
  const base: TrialSpec = { family: 'linear', params: {}, target: 'label', metric: 'roc_auc', seed: 1, folds: 1 };
  const y = prepareTarget(ds, 'label').y;

  it('validates trials of different seeds on the same rows with one fold seed, on different rows without', async () => {
    const [a, b] = await Promise.all([runTrial(ds, { ...base, seed: 1, foldSeed: 7 }), runTrial(ds, { ...base, seed: 2, foldSeed: 7 })]).then((o) => o.map(complete));
    const [c, d] = await Promise.all([runTrial(ds, { ...base, seed: 1 }), runTrial(ds, { ...base, seed: 2 })]).then((o) => o.map(complete));
    // One fold of five is held out: 60 of 300 rows.
    expect(filled(a.oof)).toHaveLength(60);
    expect(filled(b.oof)).toEqual(filled(a.oof));
    expect(filled(d.oof)).toHaveLength(60);
    expect(filled(d.oof)).not.toEqual(filled(c.oof));
    // The helper names exactly the filled rows, and only with the fold seed the trials were given.
    expect([...holdoutPositions(y, 'binary', 7)]).toEqual(filled(a.oof));
    expect([...holdoutPositions(y, 'binary', 8)]).not.toEqual(filled(a.oof));
  });

  it('changes nothing when the fold seed is the trial seed (the same first fork)', async () => {
    const own = complete(await runTrial(ds, { ...base, seed: 5 }));
    const given = complete(await runTrial(ds, { ...base, seed: 5, foldSeed: 5 }));
    expect(given.oof).toEqual(own.oof);
    expect(given.score).toBe(own.score);
  });

  it('scores each trial on the holdout rows in the job ensemble, as the trial scored itself', async () => {
    const specs: TrialSpec[] = [
      { ...base, seed: 11, foldSeed: 7 },
      { ...base, family: 'knn', params: { k: 15 }, seed: 12, foldSeed: 7 },
      { ...base, family: 'cart', params: { max_depth: 4 }, seed: 13, foldSeed: 7 },
    ];
    const trials = (await Promise.all(specs.map((s) => runTrial(ds, s)))).map(complete);
    const candidates = trials.map((t, i) => ({ id: `t${i}`, oof: t.oof, cost: 1 }));
    const spec = { target: 'label', task: 'binary' as const, metric: 'roc_auc' as const };
    const { selection } = selectJobEnsemble(ds, { ...spec, holdoutSeed: 7 }, candidates);
    const best = Math.max(...trials.map((t) => t.score));
    expect(selection.bestSingle.score).toBeCloseTo(best, 6);
    expect(selection.score).toBeGreaterThanOrEqual(best - 1e-9);
    // Over every row, the zeros of the rows no trial validated on would be scored as predictions.
    const everyRow = selectJobEnsemble(ds, spec, candidates).selection;
    expect(everyRow.bestSingle.score).not.toBeCloseTo(best, 3);
    // A candidate of another table's length is refused by name rather than read as NaN.
    expect(() => selectJobEnsemble(ds, { ...spec, holdoutSeed: 7 }, [...candidates, { id: 'short', oof: new Float32Array(10), cost: 1 }])).toThrow(/"short"/);
  });
});
