/**
 * Dates with the month named (15-Mar-2024, Mar 15, 2024, March 2024): read at upload in every spelling,
 * refused when they do not exist, mixed with ISO-8601 and year-first dates but not with 03/15/2024 ones,
 * stored as the 'named' layout through the codec, and read by predict and append in that layout (and in
 * every other layout, since a named month cannot be misread), while ISO-8601 columns stay ISO-8601 only.
 */
import { describe, expect, it } from 'vitest';
import { appendRows } from '../../src/engine/data/append-rows';
import { parseDateCell } from '../../src/engine/data/column-types';
import { parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import type { Dataset } from '../../src/engine/data/dataset';
import { formatOrderedDate } from '../../src/engine/data/date-layout';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { extractSeries } from '../../src/engine/forecast';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';
import { engineError } from './helpers/assertions';
import { infer, orderOf, stored, times, utc } from './helpers/date-columns';


describe('detecting dates with the month named', () => {
  it('reads every spelling, in any case, as the named layout, with no warning', () => {
    const spellings = ['15-Mar-2024', '15 Mar 2024', '15 March 2024', 'Mar 15, 2024', 'March 15 2024', '2024-Mar-15', '15-MAR-2024', 'mar 15 2024', '15/Mar/2024', 'Sept 15, 2024', 'Sep. 15, 2024'];
    const { column, profile } = infer(spellings);
    expect(column.type).toBe('datetime');
    expect(orderOf(column)).toBe('named');
    expect(times(column)).toEqual([...Array(9).fill(utc(2024, 3, 15)), utc(2024, 9, 15), utc(2024, 9, 15)]);
    expect(profile).toMatchObject({ type: 'datetime', date_order: 'named' });
    expect(profile.warnings).toBeUndefined();
  });

  it('reads a month alone as its first day, as ISO-8601 reads 2024-03', () => {
    const { column } = infer(['Mar-2024', 'March 2024', 'dec/2023', 'Jan 2024']);
    expect(orderOf(column)).toBe('named');
    expect(times(column)).toEqual([utc(2024, 3, 1), utc(2024, 3, 1), utc(2023, 12, 1), utc(2024, 1, 1)]);
  });

  it('reads a weekday when the date falls on it, and refuses the column when one does not', () => {
    const { column } = infer(['Fri, 15 Mar 2024', 'Friday, March 15, 2024', 'Sat 16 Mar 2024', 'Tues, Mar 19, 2024', 'Thurs. 21 Mar 2024']);
    expect(times(column)).toEqual([utc(2024, 3, 15), utc(2024, 3, 15), utc(2024, 3, 16), utc(2024, 3, 19), utc(2024, 3, 21)]);
    expect(infer(['Thu, 15 Mar 2024', 'Sat 16 Mar 2024']).column.type).toBe('categorical');
  });

  it('reads times: 24-hour, with seconds and fractions, AM and PM, SQL Server\'s padded days', () => {
    const { column } = infer(['15-Mar-2024 14:30', 'Mar 15 2024  2:30PM', 'Mar  5 2024 12:00AM', '15-MAR-2024 02:30:05.123 pm', '2024-Mar-16 08:01']);
    expect(times(column)).toEqual([utc(2024, 3, 15, 14, 30), utc(2024, 3, 15, 14, 30), utc(2024, 3, 5), utc(2024, 3, 15, 14, 30, 5) + 123, utc(2024, 3, 16, 8, 1)]);
    expect(infer(['15-Mar-2024 25:00', '16-Mar-2024']).column.type).toBe('categorical');
    expect(infer(['15-Mar-2024 13:00 PM', '16-Mar-2024']).column.type).toBe('categorical');
  });

  it('refuses dates that do not exist, as for the numeric layouts', () => {
    expect(infer(['31-Feb-2024', '15-Mar-2024']).column.type).toBe('categorical');
    expect(infer(['29-Feb-2023', '15-Mar-2023']).column.type).toBe('categorical');
    expect(infer(['29-Feb-2024', '15-Mar-2024']).column.type).toBe('datetime');
    expect(infer(['Apr 31, 2024', 'Apr 30, 2024']).column.type).toBe('categorical');
  });

  it('does not read two-digit years, unknown names, or words that start like a month', () => {
    expect(infer(['15-Mar-24', '16-Mar-24']).column.type).toBe('categorical');
    expect(infer(['Mar-24', 'Apr-24']).column.type).toBe('categorical');
    expect(infer(['15-Marc-2024', '16-Mar-2024']).column.type).toBe('categorical');
    expect(infer(['Marvel 2024', 'Mar 2024']).column.type).toBe('categorical');
    // credit-g's personal status: "mar" is married here.
    expect(infer(['male mar/wid', 'female div/dep/mar']).column.type).toBe('categorical');
  });

  it('mixes with ISO-8601 and year-first dates, not with day-month ones, whose order it cannot tell', () => {
    const mixed = infer(['15-Mar-2024', '2024-03-16', '2024/03/17', 'Mar 18, 2024', '-']);
    expect(orderOf(mixed.column)).toBe('named');
    expect(times(mixed.column)).toEqual([utc(2024, 3, 15), utc(2024, 3, 16), utc(2024, 3, 17), utc(2024, 3, 18), NaN]);
    expect(infer(['15-Mar-2024', '03/16/2024']).column.type).toBe('categorical');
    expect(infer(['15-Mar-2024', '16/03/2024']).column.type).toBe('categorical');
    // Without a named month, the layouts are as before.
    expect(orderOf(infer(['2024/03/15', '2024-03-16']).column)).toBe('ymd');
    expect(orderOf(infer(['2024-03-15', '2024-03-16']).column)).toBeUndefined();
  });
});

describe('the named layout', () => {
  it('reads named months in every stored layout, never in a column without one (ISO-8601 only)', () => {
    for (const order of ['mdy', 'dmy', 'ymd', 'named'] as const) expect(parseDateCell('Mar 15, 2024', order)).toBe(utc(2024, 3, 15));
    expect(parseDateCell('Mar 15, 2024')).toBeNaN();
    expect(parseDateCell('2024/03/15', 'named')).toBe(utc(2024, 3, 15));
    expect(parseDateCell('03/15/2024', 'named')).toBeNaN();
  });

  it('writes dates back as DD-Mon-YYYY, which reads again', () => {
    for (const t of [utc(2024, 3, 5), utc(2024, 12, 31, 14, 30), utc(2024, 9, 5, 14, 30, 7), utc(2024, 1, 2, 0, 0, 1) + 250, utc(999, 1, 2)]) {
      expect(parseDateCell(formatOrderedDate(t, 'named'), 'named')).toBe(t);
    }
    expect(formatOrderedDate(utc(2024, 3, 5, 14, 30), 'named')).toBe('05-Mar-2024 14:30');
  });

  it('survives the columnar codec', () => {
    const back = stored(infer(['15-Mar-2024', 'Mar 16, 2024']).dataset).columns[0];
    expect(orderOf(back)).toBe('named');
    expect(times(back)).toEqual([utc(2024, 3, 15), utc(2024, 3, 16)]);
  });

  it('takes a declared order of day and month for later day-month dates, the times unchanged', () => {
    const ds = stored(infer(['15-Mar-2024', 'Mar 16, 2024']).dataset);
    const col = applyOverrides(ds, { d: { type: 'datetime', date_order: 'dmy' } }).dataset.columns[0];
    expect(orderOf(col)).toBe('dmy');
    expect(times(col)).toEqual([utc(2024, 3, 15), utc(2024, 3, 16)]);
  });

  it('reads categories of named months among day-month dates in a declared order, and says why not without one', () => {
    const mixed = stored(infer(['15-Mar-2024', '16/03/2024', '17/03/2024']).dataset);
    expect(mixed.columns[0].type).toBe('categorical');
    const col = applyOverrides(mixed, { d: { type: 'datetime', date_order: 'dmy' } }).dataset.columns[0];
    expect(times(col)).toEqual([utc(2024, 3, 15), utc(2024, 3, 16), utc(2024, 3, 17)]);
    expect(engineError(() => applyOverrides(mixed, { d: 'datetime' })).message).toMatch(/its dates are not all written one way \(day first and month first, or ISO-8601 or named months among/);
  });
});

describe('appending rows to a column of named months', () => {
  const base = () => stored(inferDataset(parseCsv('d,x\n15-Mar-2024 09:00,1\n"Mar 16, 2024",2\n')).dataset);

  it('reads named months, ISO-8601 and year-first dates, writing them all back in the named layout', () => {
    const { dataset, profile } = appendRows(base(), parseCsv('x,d\n3,17 March 2024\n4,2024-03-18T06:00:00Z\n5,2024/03/19\n6,-\n'), 'line', 1000);
    const col = dataset.columns[0];
    expect(orderOf(col)).toBe('named');
    expect(times(col)).toEqual([utc(2024, 3, 15, 9), utc(2024, 3, 16), utc(2024, 3, 17), utc(2024, 3, 18, 6), utc(2024, 3, 19), NaN]);
    expect(profile[0]).toMatchObject({ type: 'datetime', date_order: 'named' });
  });

  it('refuses a day-month date, naming the line, column and layout', () => {
    const e = engineError(() => appendRows(base(), parseCsv('d,x\n17-Mar-2024,3\n03/18/2024,4\n'), 'line', 1000));
    expect(e.code).toBe('invalid_dataset');
    expect(e.message).toBe('line 3, column "d": "03/18/2024" is not a date as DD-Mon-YYYY or Mon DD, YYYY (month by name) or ISO-8601, as the column\'s values are');
  });

  it('reads a named month into a month-first column in its layout; an ISO-8601 column takes ISO-8601 only', () => {
    const us = stored(inferDataset(parseCsv('d,x\n03/14/2024,1\n03/15/2024,2\n')).dataset);
    const { dataset } = appendRows(us, parseCsv('d,x\n"Mar 16, 2024",3\n'), 'line', 1000);
    expect(orderOf(dataset.columns[0])).toBe('mdy');
    expect(times(dataset.columns[0])).toEqual([utc(2024, 3, 14), utc(2024, 3, 15), utc(2024, 3, 16)]);
    const iso = stored(inferDataset(parseCsv('d,x\n2024-03-14,1\n2024-03-15,2\n')).dataset);
    expect(engineError(() => appendRows(iso, parseCsv('d,x\n16-Mar-2024,3\n'), 'line', 1000)).message).toBe(
      'line 2, column "d": "16-Mar-2024" is not an ISO-8601 date, as the column\'s values are',
    );
  });
});

/** 120 days of a target that rises through each month (day of month matters), dates in `write`. */
function table(write: (d: Date) => string): string {
  const lines = ['when,x,y'];
  for (let i = 0; i < 120; i++) {
    const d = new Date(Date.UTC(2024, 0, 1 + i));
    lines.push(`"${write(d)}",${(i * 7) % 11},${(d.getUTCDate() * 2 + ((i * 7) % 11)).toFixed(1)}`);
  }
  return lines.join('\n');
}
const oracle = (d: Date) => formatOrderedDate(d.getTime(), 'named').toUpperCase();
const us = (d: Date) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/2024`;

async function train(dataset: Dataset, family: 'gbdt' | 'linear' = 'gbdt', strip = false) {
  const shape = { rows: dataset.rows, cols: 2, task: 'regression' as const, nClasses: 0 };
  const outcome = await runTrial(dataset, { family, params: getModelSpec(family).defaults(shape), target: 'y', metric: 'rmse', seed: 1, folds: 3 });
  if (outcome.status !== 'complete') throw new Error(outcome.reason);
  // Through JSON, as the artifact is stored and loaded; `strip` removes layouts, as models saved before them.
  const envelope = JSON.parse(JSON.stringify(outcome.envelope));
  if (strip) for (const input of envelope.pipeline.inputs) delete input.dateOrder;
  return Predictor.load(envelope);
}

describe('predicting with a model trained on named months', () => {
  it('reads every spelling, year-first and ISO-8601 dates alike, in JSON rows and CSV batches', async () => {
    const predictor = await train(inferDataset(parseCsv(table(oracle))).dataset);
    expect(predictor.envelope.pipeline.inputs.find((i) => i.name === 'when')).toMatchObject({ type: 'datetime', dateOrder: 'named' });
    const named = predictor.predictRows([{ when: '16-Mar-2024', x: 3 }]);
    for (const when of ['Mar 16, 2024', 'Saturday, March 16, 2024', '2024-Mar-16', '2024-03-16', '2024/03/16']) expect(predictor.predictRows([{ when, x: 3 }])).toStrictEqual(named);
    expect(predictor.predictTable(parseCsvColumns('when,x\n16-MAR-2024,3\n"Mar 16, 2024",3\n'))).toStrictEqual(predictor.predictRows([{ when: '16-Mar-2024', x: 3 }, { when: 'Mar 16, 2024', x: 3 }]));
    expect(predictor.predictRows([{ when: '01-Mar-2024', x: 3 }])).not.toStrictEqual(predictor.predictRows([{ when: '28-Mar-2024', x: 3 }]));
    predictor.dispose();
  });

  it('refuses a day-month date, naming the row, the column and the layout', async () => {
    const predictor = await train(inferDataset(parseCsv(table(oracle))).dataset);
    const e = engineError(() => predictor.predictRows([{ when: '16-Mar-2024', x: 1 }, { when: '03/16/2024', x: 1 }]));
    expect(e).toMatchObject({ code: 'invalid_input', details: { row: 1, column: 'when' } });
    expect(e.message).toBe('row 1, column "when": expected a date as DD-Mon-YYYY or Mon DD, YYYY (month by name), as in training, or ISO-8601, got "03/16/2024"');
    expect(() => predictor.predictTable(parseCsvColumns('when,x\n16-Mar-2024,1\n03/16/2024,1\n'))).toThrow(e.message);
    predictor.dispose();
  });

  it('reads named months in a model trained on month-first dates; a model without a layout keeps ISO-8601 only', async () => {
    const { dataset } = inferDataset(parseCsv(table(us)));
    const mdy = await train(dataset);
    expect(mdy.predictRows([{ when: 'Mar 16, 2024', x: 3 }])).toStrictEqual(mdy.predictRows([{ when: '03/16/2024', x: 3 }]));
    mdy.dispose();
    const old = await train(dataset, 'linear', true);
    expect(() => old.predictRows([{ when: 'Mar 16, 2024', x: 3 }])).toThrow('expected an ISO-8601 date, got "Mar 16, 2024"');
    old.dispose();
  });
});

describe('forecasting on a column of months', () => {
  it('takes Jan-2020 … as the time column and finds it monthly', () => {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const lines = ['month,y', ...Array.from({ length: 36 }, (_, i) => `${months[i % 12]}-${2020 + Math.floor(i / 12)},${100 + i}`)];
    const { dataset, profile } = inferDataset(parseCsv(lines.join('\n')));
    expect(profile[0]).toMatchObject({ type: 'datetime', date_order: 'named' });
    const { info } = extractSeries(dataset, { target: 'y' });
    expect(info.timeColumn).toBe('month');
    expect(info.frequency).toMatchObject({ kind: 'months', name: 'monthly' });
  });
});
