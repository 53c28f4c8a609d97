/**
 * Dates in spreadsheet layouts (03/15/2024, 15/03/2024, 15.03.2024, 2024/03/15, with times): the order of
 * day and month is decided per column at upload, stored with the column, and every later reader (the
 * columnar codec, job overrides, appended rows) keeps it; what does not fit the column's layout is named.
 */
import { describe, expect, it } from 'vitest';
import { appendRows } from '../../src/engine/data/append-rows';
import { parseDateCell } from '../../src/engine/data/column-types';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import type { Column, Dataset } from '../../src/engine/data/dataset';
import { formatOrderedDate } from '../../src/engine/data/date-layout';
import { guessedDateOrders } from '../../src/engine/data/datetime-override';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { engineError } from './helpers/assertions';

/** A one-column table of `cells` (plus a numeric column, so no table is all dates), typed as upload types it. */
function infer(cells: readonly string[]) {
  const text = ['d,x', ...cells.map((c, i) => `${c},${i}`)].join('\n');
  const { dataset, profile } = inferDataset(parseCsv(text));
  return { column: dataset.columns[0], profile: profile[0], dataset };
}

const times = (col: Column) => (col.storage === 'f64' ? Array.from(col.values) : undefined);
const utc = (y: number, m: number, d: number, h = 0, min = 0, s = 0) => Date.UTC(y, m - 1, d, h, min, s);

describe('detecting a column\'s date layout', () => {
  it('reads month-first dates when some second part is over 12', () => {
    const { column, profile } = infer(['03/15/2024', '3/4/2024', '12/31/2023', '']);
    expect(column.type).toBe('datetime');
    expect(column.storage === 'f64' && column.dateOrder).toBe('mdy');
    expect(times(column)).toEqual([utc(2024, 3, 15), utc(2024, 3, 4), utc(2023, 12, 31), NaN]);
    expect(profile.date_order).toBe('mdy');
    expect(profile.warnings).toBeUndefined();
  });

  it('reads day-first dates when some first part is over 12, with slashes, dots or dashes', () => {
    for (const sep of ['/', '.', '-']) {
      const { column, profile } = infer(['15/03/2024', '04/05/2024', '31/12/2023'].map((c) => c.replaceAll('/', sep)));
      expect(column.type).toBe('datetime');
      expect(profile.date_order).toBe('dmy');
      // 04/05/2024 is the 4th of May, as the rest of the column says: never decided by the cell alone.
      expect(times(column)).toEqual([utc(2024, 3, 15), utc(2024, 5, 4), utc(2023, 12, 31)]);
    }
  });

  it('reads year-first dates, among ISO-8601 ones too', () => {
    const { column, profile } = infer(['2024/03/15', '2024/3/4', '2024-03-16']);
    expect(profile.date_order).toBe('ymd');
    expect(times(column)).toEqual([utc(2024, 3, 15), utc(2024, 3, 4), utc(2024, 3, 16)]);
  });

  it('leaves ISO-8601 columns as they were: no layout stored', () => {
    const { column, profile } = infer(['2024-03-15', '2024-03-16T10:00:00Z']);
    expect(column.type).toBe('datetime');
    expect(column.storage === 'f64' && column.dateOrder).toBeUndefined();
    expect(profile.date_order).toBeUndefined();
  });

  it('reads a column where every date reads either way month first, and says so with how to choose', () => {
    const { column, profile, dataset } = infer(['03/04/2024', '04/05/2024', '12/01/2024']);
    expect(profile.date_order).toBe('mdy');
    expect(times(column)).toEqual([utc(2024, 3, 4), utc(2024, 4, 5), utc(2024, 12, 1)]);
    expect(profile.warnings).toHaveLength(1);
    expect(profile.warnings?.[0]).toMatch(/every date of "d" reads either way .* read MM\/DD\/YYYY \(month first\); if they are day first, create the job with "columns": \{"d": \{"type": "datetime", "date_order": "dmy"\}\}/);
    expect(guessedDateOrders(dataset, new Set())).toEqual(['d']);
    expect(guessedDateOrders(dataset, new Set(['d']))).toEqual([]);
    // One date that tells (15 is no month) settles the order: no warning.
    expect(infer(['03/04/2024', '03/15/2024']).profile.warnings).toBeUndefined();
    expect(guessedDateOrders(infer(['03/04/2024', '03/15/2024']).dataset, new Set())).toEqual([]);
  });

  it('keeps a column that mixes orders or layouts as categories', () => {
    expect(infer(['15/03/2024', '03/15/2024']).column.type).toBe('categorical');
    expect(infer(['03/15/2024', '2024-03-16']).column.type).toBe('categorical');
    expect(infer(['03/15/2024', '2024/03/16']).column.type).toBe('categorical');
    expect(infer(['03/15/2024', 'soon']).column.type).toBe('categorical');
    // One separator per date.
    expect(infer(['03/15.2024', '03/16/2024']).column.type).toBe('categorical');
  });

  it('refuses dates that do not exist in the column\'s order, as ISO-8601 ones are refused', () => {
    expect(infer(['02/30/2024', '03/15/2024']).column.type).toBe('categorical');
    expect(infer(['31/04/2024', '15/03/2024']).column.type).toBe('categorical');
    expect(infer(['13/13/2024', '01/01/2024']).column.type).toBe('categorical');
    expect(infer(['02/29/2024', '03/15/2024']).column.type).toBe('datetime');
    expect(infer(['02/29/2023', '03/15/2023']).column.type).toBe('categorical');
  });

  it('does not read two-digit years: the century and the order would both be guesses', () => {
    expect(infer(['03/15/24', '03/16/24']).column.type).toBe('categorical');
    expect(infer(['15.03.24', '16.03.24']).column.type).toBe('categorical');
  });

  it('reads times: 24-hour, with seconds and fractions, AM and PM', () => {
    const { column } = infer(['3/15/2024 14:30', '3/15/2024 2:30 PM', '03/16/2024 12:05:09 AM', '03/16/2024 12:00pm', '03/17/2024 08:01:02.5', '03/17/2024']);
    expect(times(column)).toEqual([utc(2024, 3, 15, 14, 30), utc(2024, 3, 15, 14, 30), utc(2024, 3, 16, 0, 5, 9), utc(2024, 3, 16, 12), utc(2024, 3, 17, 8, 1, 2) + 500, utc(2024, 3, 17)]);
    expect(infer(['03/15/2024 25:00', '03/16/2024']).column.type).toBe('categorical');
    expect(infer(['03/15/2024 13:00 PM', '03/16/2024']).column.type).toBe('categorical');
    expect(infer(['03/15/2024 10:61', '03/16/2024']).column.type).toBe('categorical');
  });

  it('reads placeholders among the dates as missing', () => {
    const { column } = infer(['03/15/2024', '-', '#N/A', '03/17/2024']);
    expect(column.type).toBe('datetime');
    expect(times(column)).toEqual([utc(2024, 3, 15), NaN, NaN, utc(2024, 3, 17)]);
  });

  it('does not take numbers or words for dates', () => {
    expect(infer(['1.5', '2.25']).column.type).toBe('numeric');
    expect(infer(['1.2.3', '4.5.6']).column.type).toBe('categorical');
    expect(infer(['10.0.0.1', '10.0.0.2']).column.type).toBe('categorical');
  });
});

describe('parseDateCell in a column\'s layout', () => {
  it('reads ISO-8601 always, year-first with any layout, day-month cells only in the column\'s order', () => {
    expect(parseDateCell('03/15/2024')).toBeNaN();
    expect(parseDateCell('2024/03/15')).toBeNaN();
    expect(parseDateCell('03/15/2024', 'mdy')).toBe(utc(2024, 3, 15));
    expect(parseDateCell('03/15/2024', 'dmy')).toBeNaN();
    expect(parseDateCell('15.03.2024', 'dmy')).toBe(utc(2024, 3, 15));
    expect(parseDateCell(' 2024-03-15 ', 'mdy')).toBe(utc(2024, 3, 15));
    expect(parseDateCell('2024/03/15', 'dmy')).toBe(utc(2024, 3, 15));
    expect(parseDateCell('03/15/2024', 'ymd')).toBeNaN();
  });

  it('writes dates back in the layout they read from', () => {
    for (const order of ['mdy', 'dmy', 'ymd'] as const) {
      for (const t of [utc(2024, 3, 5), utc(2024, 3, 5, 14, 30), utc(2024, 3, 5, 14, 30, 7), utc(2024, 3, 5, 0, 0, 1) + 250, utc(999, 1, 2)]) {
        expect(parseDateCell(formatOrderedDate(t, order), order)).toBe(t);
      }
    }
    expect(formatOrderedDate(utc(2024, 3, 5, 14, 30), 'mdy')).toBe('03/05/2024 14:30');
  });
});

describe('the stored layout', () => {
  it('survives the columnar codec; a stored column without one reads as ISO-8601', () => {
    const { dataset } = infer(['15/03/2024', '16/03/2024']);
    const back = decodeDataset(encodeDataset(dataset)).columns[0];
    expect(back.storage === 'f64' && back.dateOrder).toBe('dmy');
    const iso = decodeDataset(encodeDataset(infer(['2024-03-15', '2024-03-16']).dataset)).columns[0];
    expect(iso.storage === 'f64' && 'dateOrder' in iso).toBe(false);
  });
});

describe('declaring a date column\'s order in a job', () => {
  const stored = (cells: readonly string[]): Dataset => decodeDataset(encodeDataset(infer(cells).dataset));

  it('swaps day and month of a guessed order, time of day kept', () => {
    const ds = stored(['03/04/2024 10:30', '04/05/2024', '12/01/2024']);
    const { dataset } = applyOverrides(ds, { d: { type: 'datetime', date_order: 'dmy' } });
    const col = dataset.columns[0];
    expect(col.storage === 'f64' && col.dateOrder).toBe('dmy');
    expect(times(col)).toEqual([utc(2024, 4, 3, 10, 30), utc(2024, 5, 4), utc(2024, 1, 12)]);
    expect(guessedDateOrders(dataset, new Set())).toEqual([]);
    // The order already read, or a plain "datetime", changes nothing.
    expect(applyOverrides(ds, { d: { type: 'datetime', date_order: 'mdy' } }).dataset.columns[0]).toBe(ds.columns[0]);
    expect(applyOverrides(ds, { d: 'datetime' }).dataset.columns[0]).toBe(ds.columns[0]);
  });

  it('refuses an order the dates contradict, showing one that does', () => {
    const e = engineError(() => applyOverrides(stored(['03/04/2024', '03/15/2024']), { d: { type: 'datetime', date_order: 'dmy' } }));
    expect(e.code).toBe('invalid_params');
    expect(e.message).toBe('columns: "d" cannot be read as datetime: its dates are MM/DD/YYYY (month first), as 03/15/2024 shows (15 is no month), not DD/MM/YYYY (day first)');
    expect(e.details).toMatchObject({ field: 'columns', column: 'd' });
  });

  it('reads categories as dates: in the declared order, or in the one layout they share', () => {
    // ISO-8601 among day-month dates is no one layout at upload; the declared order reads both.
    const mixed = stored(['15/03/2024', '2024-03-16', '17/03/2024']);
    expect(mixed.columns[0].type).toBe('categorical');
    const { dataset } = applyOverrides(mixed, { d: { type: 'datetime', date_order: 'dmy' } });
    expect(times(dataset.columns[0])).toEqual([utc(2024, 3, 15), utc(2024, 3, 16), utc(2024, 3, 17)]);
    expect(engineError(() => applyOverrides(mixed, { d: 'datetime' })).message).toMatch(/"d" cannot be read as datetime: its dates are not all written one way .*"date_order": "mdy" or "dmy"/);
    expect(engineError(() => applyOverrides(mixed, { d: { type: 'datetime', date_order: 'mdy' } })).message).toBe(
      'columns: "d" cannot be read as datetime: it holds "15/03/2024" (data row 1), "17/03/2024" (data row 3), which are no dates as MM/DD/YYYY (month first) or ISO-8601',
    );
    const words = stored(['03/15/2024', 'soon', '03/16/2024']);
    expect(engineError(() => applyOverrides(words, { d: 'datetime' })).message).toBe('columns: "d" cannot be read as datetime: it holds "soon" (data row 2), which is no date');
    // Categories forced at upload (a constant date) read in their own layout.
    const one = inferDataset(parseCsv('d,x\n03/15/2024,1\n03/15/2024,2\n')).dataset;
    const read = applyOverrides(one, { d: 'datetime' }).dataset.columns[0];
    expect(read.storage === 'f64' && read.dateOrder).toBe('mdy');
  });

  it('still refuses numbers declared dates', () => {
    const { dataset } = inferDataset(parseCsv('d,y\n1706659200,0\n1706745600,1\n'));
    expect(engineError(() => applyOverrides(dataset, { d: { type: 'datetime', date_order: 'dmy' } })).message).toMatch(/"d" cannot be read as datetime: it holds numbers/);
  });
});

describe('appending rows to a column with a layout', () => {
  const base = () => decodeDataset(encodeDataset(inferDataset(parseCsv('d,x\n03/14/2024 09:00,1\n03/15/2024,2\n')).dataset));

  it('reads the new dates in the column\'s layout, or as ISO-8601, and keeps the layout', () => {
    const { dataset, profile } = appendRows(base(), parseCsv('x,d\n3,03/16/2024\n4,2024-03-17T06:00:00Z\n5,-\n'), 'line', 1000);
    const col = dataset.columns[0];
    expect(col.storage === 'f64' && col.dateOrder).toBe('mdy');
    expect(times(col)).toEqual([utc(2024, 3, 14, 9), utc(2024, 3, 15), utc(2024, 3, 16), utc(2024, 3, 17, 6), NaN]);
    expect(profile[0].date_order).toBe('mdy');
  });

  it('refuses a date in another order, naming the line, column and layout', () => {
    const e = engineError(() => appendRows(base(), parseCsv('d,x\n03/16/2024,3\n16/03/2024,4\n'), 'line', 1000));
    expect(e.code).toBe('invalid_dataset');
    expect(e.message).toBe('line 3, column "d": "16/03/2024" is not a date as MM/DD/YYYY (month first) or ISO-8601, as the column\'s values are');
    expect(e.details).toMatchObject({ line: 3, column: 'd' });
  });

  it('takes day first from new dates when upload had to guess, reading the old dates so too, as an upload of the longer file would', () => {
    const text = 'd,x\n03/04/2024,1\n04/05/2024 10:30,2\n';
    const guessed = decodeDataset(encodeDataset(inferDataset(parseCsv(text)).dataset));
    const { dataset, profile } = appendRows(guessed, parseCsv('d,x\n25/03/2024,3\n2024-03-26,4\n'), 'line', 1000);
    expect(times(dataset.columns[0])).toEqual([utc(2024, 4, 3), utc(2024, 5, 4, 10, 30), utc(2024, 3, 25), utc(2024, 3, 26)]);
    expect(profile[0]).toMatchObject({ date_order: 'dmy' });
    expect(profile[0].warnings).toBeUndefined();
    expect(profile).toEqual(inferDataset(parseCsv(`${text}25/03/2024,3\n26/03/2024,4\n`)).profile);
    // New dates of both orders are refused at the first that does not fit.
    const e = engineError(() => appendRows(guessed, parseCsv('d,x\n25/03/2024,3\n03/26/2024,4\n'), 'line', 1000));
    expect(e.message).toBe('line 3, column "d": "03/26/2024" is not a date as DD/MM/YYYY (day first) or ISO-8601, as the column\'s values are');
  });

  it('keeps a guessed order, and its warning, while the new dates still read either way', () => {
    const guessed = decodeDataset(encodeDataset(inferDataset(parseCsv('d,x\n03/04/2024,1\n04/05/2024,2\n')).dataset));
    const { dataset, profile } = appendRows(guessed, parseCsv('d,x\n05/06/2024,3\n'), 'line', 1000);
    expect(times(dataset.columns[0])).toEqual([utc(2024, 3, 4), utc(2024, 4, 5), utc(2024, 5, 6)]);
    expect(profile[0].warnings).toHaveLength(1);
  });
});
