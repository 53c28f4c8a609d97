/**
 * Appending dates no order misreads (2024-03-25, 2024/03/25, 25-Mar-2024) to a column whose order of day
 * and month was only guessed: they say nothing of the order, so the order stays a guess (with its
 * warning), a job may still declare day first (the appended dates keep their day), and a later 25/03/2024
 * still makes the column day first. The rows holding them are remembered through storage (fixed rows).
 */
import { describe, expect, it } from 'vitest';
import { appendRows } from '../../src/engine/data/append-rows';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import type { Column, Dataset } from '../../src/engine/data/dataset';
import { guessedDateOrders } from '../../src/engine/data/datetime-override';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { selectRows } from '../../src/engine/data/select-rows';
import { engineError } from './helpers/assertions';

const utc = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
const times = (col: Column) => (col.storage === 'f64' ? Array.from(col.values) : undefined);
const stored = (ds: Dataset): Dataset => decodeDataset(encodeDataset(ds));
const dmy = { d: { type: 'datetime', date_order: 'dmy' } } as const;

/** Day-first dates whose every part is 12 or less: 01/02/2024 is February 1st, but upload reads it January 2nd. */
const AMBIGUOUS = 'd,x\n01/02/2024,1\n03/04/2024,2\n05/06/2024,3\n';
const upload = (text = AMBIGUOUS) => stored(inferDataset(parseCsv(text)).dataset);
const append = (base: Dataset, text: string) => appendRows(base, parseCsv(text), 'line', 1000);

describe('an ISO-8601 date appended to a column whose order was guessed', () => {
  it('leaves the order a guess, with its warning, whatever form the date has', () => {
    for (const cell of ['2024-03-25', '2024/03/25', '25-Mar-2024', '2024-03-25T10:00:00Z']) {
      const { dataset, profile } = append(upload(), `d,x\n${cell},4\n`);
      expect(profile[0]).toMatchObject({ type: 'datetime', date_order: 'mdy' });
      expect(profile[0].warnings).toHaveLength(1);
      expect(profile[0].warnings?.[0]).toContain('"date_order": "dmy"');
      expect(guessedDateOrders(stored(dataset), new Set())).toEqual(['d']);
    }
  });

  it('lets a job declare day first: the day-month dates swap, the appended one keeps its date', () => {
    const v2 = stored(append(upload(), 'd,x\n2024-03-25,4\n-,5\n2024-03-05,6\n').dataset);
    const { dataset } = applyOverrides(v2, dmy);
    expect(times(dataset.columns[0])).toEqual([utc(2024, 2, 1), utc(2024, 4, 3), utc(2024, 6, 5), utc(2024, 3, 25), NaN, utc(2024, 3, 5)]);
    expect(guessedDateOrders(dataset, new Set())).toEqual([]);
  });

  it('still takes day first from a later 25/03/2024, reading the old day-month dates so and keeping the appended one', () => {
    const v2 = stored(append(upload(), 'd,x\n2024-03-05,4\n').dataset);
    const v3 = append(v2, 'd,x\n25/03/2024,5\n');
    expect(v3.profile[0]).toMatchObject({ type: 'datetime', date_order: 'dmy' });
    expect(v3.profile[0].warnings).toBeUndefined();
    expect(times(v3.dataset.columns[0])).toEqual([utc(2024, 2, 1), utc(2024, 4, 3), utc(2024, 6, 5), utc(2024, 3, 5), utc(2024, 3, 25)]);
    // Settled, the column still knows which date the user wrote ISO-8601 (a refusal quotes only their own cells).
    expect(v3.dataset.columns[0].storage === 'f64' && v3.dataset.columns[0].fixedRows).toEqual([[3, 4]]);
  });

  it('remembers the appended rows across versions, as runs of rows, and still refuses an order the day-month dates contradict', () => {
    const v2 = stored(append(upload(), 'd,x\n2024-03-25,4\n2024-03-26,5\n').dataset);
    const v3 = stored(append(v2, 'd,x\n07/08/2024,6\n2024-03-27,7\n').dataset);
    const col = v3.columns[0];
    expect(col.storage === 'f64' && col.fixedRows).toEqual([
      [3, 5],
      [6, 7],
    ]);
    expect(times(applyOverrides(v3, dmy).dataset.columns[0])).toEqual([utc(2024, 2, 1), utc(2024, 4, 3), utc(2024, 6, 5), utc(2024, 3, 25), utc(2024, 3, 26), utc(2024, 8, 7), utc(2024, 3, 27)]);
    // 03/15/2024 settles month first: the override is refused showing that cell, not an appended one.
    const settled = stored(append(v3, 'd,x\n03/15/2024,8\n').dataset);
    expect(engineError(() => applyOverrides(settled, dmy)).message).toContain('as 03/15/2024 shows (15 is no month)');
  });

  it('keeps the order of a column a date already told, and no ISO-8601 cell is the one a refusal quotes', () => {
    const settled = upload('d,x\n03/04/2024,1\n03/15/2024,2\n');
    const { dataset, profile } = append(settled, 'd,x\n2024-03-25,3\n');
    expect(profile[0]).toMatchObject({ date_order: 'mdy' });
    expect(profile[0].warnings).toBeUndefined();
    const col = dataset.columns[0];
    expect(col.storage === 'f64' && col.fixedRows).toEqual([[2, 3]]);
    expect(times(col)).toEqual([utc(2024, 3, 4), utc(2024, 3, 15), utc(2024, 3, 25)]);
    expect(engineError(() => applyOverrides(stored(dataset), dmy)).message).toContain('as 03/15/2024 shows (15 is no month)');
  });

  it('is still no date column in an upload: ISO-8601 among day-month dates there is refused, and the profile says how to read it', () => {
    const { dataset, profile } = inferDataset(parseCsv(`${AMBIGUOUS}2024-03-25,4\n`));
    expect(dataset.columns[0].type).toBe('categorical');
    // Fewer than 10 values: too few to call it a column of dates.
    expect(profile[0].warnings).toBeUndefined();
  });
});

describe('the stored fixed rows', () => {
  it('are refused from storage unless ascending runs within the column', () => {
    const ds = stored(append(upload(), 'd,x\n2024-03-25,4\n').dataset);
    const col = ds.columns[0];
    const bad = { rows: ds.rows, columns: [{ ...col, fixedRows: [[2, 9]] }, ds.columns[1]] } as Dataset;
    expect(engineError(() => decodeDataset(encodeDataset(bad))).code).toBe('bad_artifact');
  });

  it('are left out of a selection of rows, which keeps the layout', () => {
    const ds = stored(append(upload(), 'd,x\n2024-03-25,4\n').dataset);
    const part = selectRows(ds, Int32Array.of(3, 0)).columns[0];
    expect(part.storage === 'f64' && [part.dateOrder, part.fixedRows]).toEqual(['mdy', undefined]);
  });
});
