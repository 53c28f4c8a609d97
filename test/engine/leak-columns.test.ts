/**
 * Columns that predict the target alone (engine/data/leak-columns): a copy of a class target, a score
 * that thresholds it, a near copy of a regression target, categories whose means are the target; and
 * none named for a column that merely helps, an identifier-like column on a small table, a random column
 * beside a very imbalanced target, an ignored column, or any column of the shared benchmark datasets.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import { applyOverrides } from '../../src/engine/data/overrides';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { leakColumns, leakWarnings } from '../../src/engine/data/leak-columns';
import { prepareTarget } from '../../src/engine/data/target';
import { SHARED_DATA_DIR } from './helpers/load-shared-csv';

/** A table typed as upload types it, from a header and rows of cells. */
const table = (header: string, rows: readonly (readonly (string | number)[])[]) => inferDataset(parseCsv(`${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`)).dataset;

/** `n` rows of a binary target with a helpful but imperfect feature `x`, a noise column, and `extra` per row. */
function classRows(n: number, seed: number, extra: (label: string, i: number, rng: Rng) => string | number) {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const label = rng.next() < 0.4 ? 'yes' : 'no';
    const x = (label === 'yes' ? 1 : 0) + rng.normal();
    return [x.toFixed(4), rng.normal().toFixed(4), extra(label, i, rng), label];
  });
}

const leaksOf = (ds: ReturnType<typeof table>, target: string, skip: string[] = []) => leakColumns(ds, target, prepareTarget(ds, target), skip);

describe('leakColumns, classification', () => {
  it('names a copy of the target, and a numeric score that thresholds it, and not the helpful column', () => {
    const copy = table('x,noise,leak,y', classRows(500, 1, (label) => (label === 'yes' ? 'tested_positive' : 'tested_negative')));
    expect(leaksOf(copy, 'y')).toEqual([{ column: 'leak', kind: 'classification', share: 1 }]);
    const score = table('x,noise,score,y', classRows(500, 2, (label, _, rng) => ((label === 'yes' ? 0.6 : 0) + 0.4 * rng.next()).toFixed(6)));
    expect(leaksOf(score, 'y')).toEqual([{ column: 'score', kind: 'classification', share: 1 }]);
  });

  it('names a near copy from 99.5% of the rows, not one right on 99%', () => {
    // 1,000 rows; the copy is wrong on the first `wrong` of them.
    const near = (wrong: number) => table('x,noise,leak,y', classRows(1000, 3, (label, i) => (i < wrong ? (label === 'yes' ? 'n' : 'p') : label === 'yes' ? 'p' : 'n')));
    expect(leaksOf(near(3), 'y')).toEqual([{ column: 'leak', kind: 'classification', share: 0.997 }]);
    expect(leaksOf(near(5), 'y')).toEqual([{ column: 'leak', kind: 'classification', share: 0.995 }]);
    expect(leaksOf(near(10), 'y')).toEqual([]);
    // The same through the column's order: a score misplaced on 3 rows, then on 10.
    const misplaced = (wrong: number) => table('x,noise,score,y', classRows(1000, 4, (label, i, rng) => ((i < wrong ? label !== 'yes' : label === 'yes') ? 0.6 + 0.4 * rng.next() : 0.4 * rng.next()).toFixed(6)));
    expect(leaksOf(misplaced(3), 'y')).toEqual([{ column: 'score', kind: 'classification', share: 0.997 }]);
    expect(leaksOf(misplaced(10), 'y')).toEqual([]);
  });

  it('does not read a column with a value per row as a mapping, on a small table or when typed a category', () => {
    // 40 rows: every name maps to "its" class, which says nothing.
    const names = table('x,noise,name,y', classRows(40, 5, (_, i) => `person ${String.fromCharCode(65 + (i % 26))}${Math.floor(i / 26)}`));
    expect(leaksOf(applyOverrides(names, { name: 'categorical' }).dataset, 'y')).toEqual([]);
    // A row number in random order is no leak either (only a table sorted by the target makes it one).
    const numbered = table('x,noise,n,y', classRows(40, 6, (_, i) => (i * 7919) % 40));
    expect(leaksOf(applyOverrides(numbered, { n: 'numeric' }).dataset, 'y')).toEqual([]);
  });

  it('names nothing beside a very imbalanced target, where any column "predicts" the majority class', () => {
    const rng = new Rng(7);
    const rows = Array.from({ length: 2000 }, (_, i) => [rng.int(3), rng.normal().toFixed(4), i < 6 ? 'rare' : 'common']);
    expect(leaksOf(table('level,noise,y', rows), 'y')).toEqual([]);
    // A column that finds the 6 rare rows is one.
    const found = rows.map((r, i) => [...r.slice(0, 2), i < 6 ? 'flagged' : 'clear', r[2]]);
    expect(leaksOf(table('level,noise,flag,y', found), 'y')).toEqual([{ column: 'flag', kind: 'classification', share: 1 }]);
  });

  it('leaves out the columns a job ignores, and says nothing on fewer than 30 rows', () => {
    const copy = table('x,noise,leak,y', classRows(200, 8, (label) => label));
    expect(leaksOf(copy, 'y', ['leak'])).toEqual([]);
    expect(leaksOf(table('x,noise,leak,y', classRows(29, 9, (label) => label)), 'y')).toEqual([]);
  });
});

describe('leakColumns, regression', () => {
  const rows = (n: number, seed: number, extra: (y: number, rng: Rng) => string | number) => {
    const rng = new Rng(seed);
    return Array.from({ length: n }, () => {
      const x = rng.normal();
      const y = 3 * x + rng.normal();
      return [x.toFixed(4), extra(y, rng), y.toFixed(4)];
    });
  };

  it('names a near copy of the target (correlation 0.999 and over), not a strongly related column', () => {
    const copy = table('x,thousands,y', rows(300, 10, (y, rng) => (y / 1000 + 1e-6 * rng.normal()).toFixed(8)));
    const [leak] = leaksOf(copy, 'y');
    expect(leak).toMatchObject({ column: 'thousands', kind: 'regression' });
    expect(leak.kind === 'regression' && leak.correlation).toBeGreaterThan(0.999);
    // x correlates about 0.95 with y: a good feature, not a leak.
    expect(leaksOf(copy, 'y', ['thousands'])).toEqual([]);
    const negated = table('x,minus,y', rows(300, 11, (y) => (-y).toFixed(4)));
    expect(leaksOf(negated, 'y')).toEqual([expect.objectContaining({ column: 'minus', kind: 'regression' })]);
  });

  it('names categories whose means are the target', () => {
    const rng = new Rng(12);
    const grouped = Array.from({ length: 400 }, () => {
      const g = rng.int(5);
      return [rng.normal().toFixed(4), `g${g}`, (100 * g * g + 0.01 * rng.normal()).toFixed(4)];
    });
    expect(leaksOf(table('x,group,y', grouped), 'y')).toEqual([expect.objectContaining({ column: 'group', kind: 'regression' })]);
  });
});

describe('leakWarnings', () => {
  it('says which column, how well, and how to leave it out; past five columns, the rest in one', () => {
    expect(leakWarnings([{ column: 'leak', kind: 'classification', share: 0.99966 }])).toEqual([
      'column "leak" alone predicts the target (99.9% of rows): if it is not known when you predict, ignore it (columns: {"leak": "ignore"})',
    ]);
    expect(leakWarnings([{ column: 'v', kind: 'regression', correlation: -0.99957 }])).toEqual([
      'column "v" alone predicts the target (correlation -0.9995): if it is not known when you predict, ignore it (columns: {"v": "ignore"})',
    ]);
    const seven = Array.from({ length: 7 }, (_, i) => ({ column: `c${i}`, kind: 'classification' as const, share: 1 }));
    const said = leakWarnings(seven);
    expect(said).toHaveLength(6);
    expect(said[0]).toMatch(/^column "c0" alone predicts the target \(100% of rows\)/);
    expect(said[5]).toBe('2 more columns alone predict the target too ("c5", "c6"): ignore those not known when you predict');
  });
});

describe('leakColumns on the shared benchmark datasets', () => {
  const index = JSON.parse(readFileSync(`${SHARED_DATA_DIR}/index.json`, 'utf8')) as { datasets: { name: string; task: string }[] };
  it('names no column of any of them', () => {
    const found: Record<string, string[]> = {};
    for (const { name, task } of index.datasets.filter((d) => d.task !== 'timeseries')) {
      const meta = JSON.parse(readFileSync(`${SHARED_DATA_DIR}/${name}.json`, 'utf8')) as { target: string };
      const ds = inferDataset(parseCsv(readFileSync(`${SHARED_DATA_DIR}/${name}.train.csv`, 'utf8'))).dataset;
      const leaks = leakColumns(ds, meta.target, prepareTarget(ds, meta.target, task === 'regression' ? 'regression' : undefined));
      if (leaks.length > 0) found[name] = leaks.map((l) => l.column);
    }
    expect(found).toEqual({});
  });
});
