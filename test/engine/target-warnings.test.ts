/**
 * Warnings about a job's target (engine/data/target-warnings): rows left out for a missing target,
 * classes rarer than the folds, extreme regression values, and none for a clean target.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { prepareTarget } from '../../src/engine/data/target';
import { targetWarnings } from '../../src/engine/data/target-warnings';

const table = (lines: string[]) => inferDataset(parseCsv(`x,y\n${lines.join('\n')}\n`)).dataset;

describe('targetWarnings', () => {
  it('says nothing of a clean target', () => {
    const ds = table(Array.from({ length: 100 }, (_, i) => `${i},${i % 2 ? 'yes' : 'no'}`));
    expect(targetWarnings(ds, 'y', prepareTarget(ds, 'y'), 5, 'roc_auc')).toEqual([]);
    const reg = table(Array.from({ length: 100 }, (_, i) => `${i},${(10 + Math.sin(i) * 2).toFixed(3)}`));
    expect(targetWarnings(reg, 'y', prepareTarget(reg, 'y'), 5, 'rmse')).toEqual([]);
  });

  it('counts rows with no target and names classes rarer than the folds', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${i},${i < 3 ? '' : i === 50 ? 'rare' : i % 2 ? 'yes' : 'no'}`);
    const ds = table(lines);
    expect(targetWarnings(ds, 'y', prepareTarget(ds, 'y'), 5, 'log_loss')).toEqual([
      '3 of 100 rows have no value of "y" and are left out of training',
      'class "rare" (1) of "y" has fewer rows than the 5 folds: some folds validate without it, and its scores are rough',
    ]);
  });

  it('names extreme regression values and suggests mae for squared-error metrics', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `${i},${(10 + Math.sin(i) * 2).toFixed(3)}`);
    lines[5] = '5,1e9';
    lines[6] = '6,3e12';
    const ds = table(lines);
    const [warning] = targetWarnings(ds, 'y', prepareTarget(ds, 'y'), 5, 'rmse');
    expect(warning).toMatch(/^2 values of "y" lie far outside the rest \(e\.g\. 3000000000000; median 10\.\d+\): rmse will be dominated by them; check them, or use "metric": "mae"$/);
    expect(targetWarnings(ds, 'y', prepareTarget(ds, 'y'), 5, 'mae')[0]).toMatch(/: check them$/);
    lines[6] = '6,10';
    const one = table(lines);
    expect(targetWarnings(one, 'y', prepareTarget(one, 'y'), 5, 'rmse')[0]).toMatch(/^1 value of "y" lies far outside the rest/);
  });
});
