/**
 * The dataset report `edge-automl upload` and `dataset NAME` print (cli/dataset-report), in plain Node:
 * a column's warnings below the table, after the column's name when the warning does not say it (stray
 * words among numbers), and the version's own warnings (an unnamed empty column left out) after them; a
 * CSV of pixels has its pixel columns as one px_* line, as the profile of a zip has them.
 */
import { describe, expect, it } from 'vitest';
import { describeDataset } from '../../src/cli/dataset-report';
import type { DatasetVersion } from '../../src/client';

const CLI = 'edge-automl --tenant acme';
const STRAY = '118 of 120 values are numbers, but line 5 and line 52 hold "unknown-age": the column is read as numeric, with these cells missing';
const LEFT_OUT = 'column 5 of the header has no name and no value on any line (as when every line ends with a separator): it was left out';

const version = (over: Partial<DatasetVersion>): DatasetVersion => ({
  name: 'mixed',
  version: 1,
  rows: 120,
  bytes: 2_000,
  columns: [
    { name: 'age', type: 'numeric', missing: 2, unique: 60, warnings: [STRAY] },
    { name: 'city', type: 'categorical', missing: 0, unique: 3 },
  ],
  created_at: '2026-05-01T08:00:00.000Z',
  ...over,
});

describe('the dataset report', () => {
  it('names the column of a warning that does not, and prints the version\'s warnings last', () => {
    const lines = describeDataset(version({ warnings: [LEFT_OUT] }), CLI).split('\n');
    expect(lines.slice(-2)).toEqual([`warning: column "age": ${STRAY}`, `warning: ${LEFT_OUT}`]);
  });

  it('prints a warning naming its column as it is, and no version warning when there is none', () => {
    const guessed = 'every date of "d" reads either way (day and month both 12 or less, as in 03/04/2024), so they were read MM/DD/YYYY (month first)';
    const report = describeDataset(version({ columns: [{ name: 'd', type: 'datetime', missing: 0, unique: 20, date_order: 'mdy', warnings: [guessed] }] }), CLI);
    expect(report.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([`warning: ${guessed}`]);
  });

  it('lists the pixel columns of a CSV of images as one px_* line where they stood, and keeps a column the grid lacks', () => {
    const pixel = (r: number, c: number) => ({ name: `px_r${r}_c${c}`, type: 'numeric', missing: r === 1 && c === 1 ? 3 : 0, unique: 5 + r + c, min: 0, max: 10 + r, mean: 2 + c, ...(r === 0 && c === 0 ? { dropped: 'constant' } : {}) });
    const grid = [0, 1].flatMap((r) => [0, 1, 2].map((c) => pixel(r, c)));
    const columns = [{ name: 'id', type: 'id', missing: 0, unique: 120, dropped: 'identifier' }, ...grid, { name: 'digit', type: 'categorical', missing: 0, unique: 10 }];
    const report = describeDataset(version({ columns }), CLI, true);
    const rows = report.split('\n').filter((l) => l.startsWith('│ ') && !l.startsWith('│ column'));
    expect(rows.map((l) => l.split('│')[1].trim())).toEqual(['id', 'px_*', 'digit']);
    const summary = rows[1].split('│').map((cell) => cell.trim());
    // numeric, 3 missing cells in all, the most distinct values of one pixel, the widest range, the mean of the means.
    expect(summary.slice(2, 7)).toEqual(['numeric', '3', '8', '0 to 11 (mean 3)', '6 pixel columns of 3x2x1 images; 1 not used (constant)']);
    // Most of a grid is still one (a model's inputs lack the constant pixels); a few pixel-named columns are not.
    expect(describeDataset(version({ columns: columns.filter((c) => c.name !== 'px_r1_c2') }), CLI)).toContain('5 pixel columns of 3x2x1 images');
    const partial = describeDataset(version({ columns: columns.filter((c) => !c.name.startsWith('px_') || c.name === 'px_r0_c1' || c.name === 'px_r1_c2') }), CLI);
    expect(partial).not.toContain('px_*');
    expect(partial).toContain('px_r1_c2');
  });
});
