/**
 * Infinite values sent to predict or appended. Upload reads "inf" and "Infinity" in a column of numbers as
 * missing values (engine infinite-cells), so rows from the file a model was trained on must predict and
 * append: they were refused as "expected a number" (JSON rows, the CSV batch path, append alike). A JSON
 * number that overflowed (1e999) is still refused, and a date column still refuses them.
 */
import { describe, expect, it } from 'vitest';
import { appendRows } from '../../src/engine/data/append-rows';
import { parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { cellsToDataset, decodeCellColumns } from '../../src/engine/features/cells-to-dataset';
import type { InputColumn } from '../../src/engine/features/pipeline';
import { rowsToDataset } from '../../src/engine/features/rows-to-dataset';

const inputs: InputColumn[] = [
  { name: 'ratio', type: 'numeric', storage: 'f64' },
  { name: 'day', type: 'datetime', storage: 'f64' },
];
const known = new Set(['ratio', 'day']);
const valuesOf = (d: { columns: readonly unknown[] }, j: number) => Array.from((d.columns[j] as { values: Float64Array }).values);

describe('infinite values at predict', () => {
  it('are missing numbers in JSON rows, however spelled', () => {
    const rows = ['inf', '-inf', 'Infinity', '-Infinity', ' +INF ', '2.5'].map((ratio) => ({ ratio }));
    expect(valuesOf(rowsToDataset(inputs, known, rows), 0)).toEqual([NaN, NaN, NaN, NaN, NaN, 2.5]);
  });

  it('are missing numbers in a CSV batch, on the fast path, with the same values as JSON rows', () => {
    const table = parseCsvColumns('ratio,day\ninf,2024-01-02\n1.5,2024-01-03\n-Infinity,\n');
    const fast = decodeCellColumns(inputs, known, table);
    expect(fast).toBeDefined();
    expect(valuesOf(fast!, 0)).toEqual([NaN, 1.5, NaN]);
    expect(valuesOf(cellsToDataset(inputs, known, table), 0)).toEqual(valuesOf(rowsToDataset(inputs, known, [{ ratio: 'inf' }, { ratio: '1.5' }, { ratio: '-Infinity' }]), 0));
  });

  it('are still refused as a JSON number that overflowed, and in a date column', () => {
    expect(() => rowsToDataset(inputs, known, [{ ratio: Infinity }])).toThrow(/row 0, column "ratio": expected a finite number/);
    expect(() => rowsToDataset(inputs, known, [{ day: 'inf' }])).toThrow(/row 0, column "day"/);
    expect(() => cellsToDataset(inputs, known, parseCsvColumns('ratio,day\n1,inf\n'))).toThrow(/row 0, column "day"/);
  });

  it('leave other words refused, naming row and column', () => {
    expect(() => rowsToDataset(inputs, known, [{ ratio: 1 }, { ratio: 'infinite' }])).toThrow(/row 1, column "ratio": expected a number, got "infinite"/);
  });
});

describe('infinite values appended', () => {
  it('are missing numbers, as an upload of the longer file reads them', () => {
    const base = parseCsv(['ratio,y', ...Array.from({ length: 40 }, (_, i) => `${i / 3},${i % 2}`)].join('\n'));
    const added = parseCsv('ratio,y\ninf,1\n-Infinity,0\n2.5,1\n');
    const appended = appendRows(inferDataset(base).dataset, added, 'line', 1_000);
    const whole = inferDataset({ header: base.header, rows: [...base.rows, ...added.rows] });
    expect(appended.dataset.columns[0].type).toBe('numeric');
    expect(appended.profile[0].missing).toBe(2);
    expect(appended.profile).toEqual(whole.profile);
  });
});
