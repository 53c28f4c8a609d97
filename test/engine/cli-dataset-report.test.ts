/**
 * The dataset report `edge-automl upload` and `dataset NAME` print (cli/dataset-report), in plain Node:
 * a column's warnings below the table, after the column's name when the warning does not say it (stray
 * words among numbers), and the version's own warnings (an unnamed empty column left out) after them.
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
});
