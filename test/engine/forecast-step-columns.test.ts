/**
 * The time and group columns a forecast request's covariate steps may carry (engine/forecast/step-columns):
 * checked against the step's time and the series asked for, then left out; read as a covariates file's
 * times are (ISO-8601, month or day first, offsets dropped); steps past the horizon are not read. And a
 * refusal about the one series of ungrouped data names no group (engine/forecast/group-details).
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { extractSeries } from '../../src/engine/forecast';
import { sameStepTime, withoutStepColumns } from '../../src/engine/forecast/step-columns';
import { datasetFromCsv } from './forecast-fixtures';

const DAYS = ['2024-11-24T00:00:00.000Z', '2024-11-25T00:00:00.000Z', '2024-11-26T00:00:00.000Z'];
const SERIES = { timeColumn: 'date', groupColumn: 'store', times: DAYS, group: 'north' };

/** The EngineError `f` throws. */
function thrown(f: () => unknown): EngineError {
  try {
    f();
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected an EngineError');
}

describe('covariate steps with the time and group columns', () => {
  it('leaves them out once they are the steps\' own, and passes the covariates on as they are', () => {
    const rows = [
      { date: '2024-11-24', store: 'north', promo: 0 },
      { promo: 1 },
      { store: 'north', date: '2024-11-26', promo: 0, holiday: 'no' },
    ];
    expect(withoutStepColumns(rows, SERIES)).toEqual([{ promo: 0 }, { promo: 1 }, { promo: 0, holiday: 'no' }]);
    // The request's own objects are not changed.
    expect(rows[0]).toEqual({ date: '2024-11-24', store: 'north', promo: 0 });
  });

  it('refuses a step whose time is not its step\'s, naming the step, the column and both times', () => {
    const err = thrown(() => withoutStepColumns([{ date: '2024-11-24', promo: 0 }, { date: '2024-11-26', promo: 0 }, { promo: 0 }], SERIES));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toBe('covariates[1].date is "2024-11-26", but step 2 of the forecast is 2024-11-25; covariates[k] holds the values of step k + 1, in order');
    expect(err.details).toEqual({ field: 'covariates[1].date', column: 'date', step: 2, value: '2024-11-26', expected: '2024-11-25T00:00:00.000Z' });
    // The first step says where the forecast starts; a number is no date.
    expect(thrown(() => withoutStepColumns([{ date: '2024-11-23' }], SERIES)).message).toMatch(/step 1 of the forecast is 2024-11-24 \(the step after the series' last point\)/);
    expect(thrown(() => withoutStepColumns([{ date: 1732406400000 }], SERIES)).details).toMatchObject({ field: 'covariates[0].date', value: 1732406400000 });
  });

  it('refuses a step of another series, and takes a numeric group column\'s key as a number', () => {
    const err = thrown(() => withoutStepColumns([{ store: 'north' }, { store: 'south', promo: 1 }], SERIES));
    expect(err.details).toEqual({ field: 'covariates[1].store', column: 'store', step: 2, value: 'south', expected: 'north' });
    expect(err.message).toMatch(/^covariates\[1\]\.store is "south", but the forecast is of series "north"/);
    expect(withoutStepColumns([{ store: 7, promo: 1 }], { ...SERIES, group: '7' })).toEqual([{ promo: 1 }]);
    expect(() => withoutStepColumns([{ store: 8, promo: 1 }], { ...SERIES, group: '7' })).toThrow(/covariates\[0\]\.store is 8/);
  });

  it('does not read steps past the horizon, nor what is no object, nor a group column of a model without one', () => {
    const rows = [{ date: '2024-11-24' }, 'promo', { date: '1999-01-01', store: 'south' }];
    expect(withoutStepColumns(rows, { ...SERIES, times: DAYS.slice(0, 2) })).toEqual([{}, 'promo', { date: '1999-01-01', store: 'south' }]);
    // Without a group column, "store" is left for the covariates' check to refuse as no covariate.
    expect(withoutStepColumns([{ date: '2024-11-24', store: 'north' }], { timeColumn: 'date', times: DAYS })).toEqual([{ store: 'north' }]);
  });

  it('reads a time as the CLI reads a covariates file\'s: ISO-8601, day or month first, offsets dropped; an index as a number', () => {
    const day = '2024-11-05T00:00:00.000Z';
    for (const cell of ['2024-11-05', '05/11/2024', '11/05/2024', '2024-11-05T00:00:00Z', '2024-11-05 00:00']) expect(sameStepTime(cell, day), cell).toBe(true);
    for (const cell of ['2024-11-06', '06/11/2024', '', 'soon', 20241105]) expect(sameStepTime(cell, day), String(cell)).toBe(false);
    // A series on its local clock answers local times; the caller may write them with the data's offsets.
    expect(sameStepTime('2024-03-31T03:00:00+02:00', '2024-03-31T03:00:00')).toBe(true);
    expect(sameStepTime('2024-03-31T01:00:00Z', '2024-03-31T03:00:00+02:00')).toBe(true);
    expect(sameStepTime('2024-03-31T04:00:00+02:00', '2024-03-31T03:00:00+02:00')).toBe(false);
    expect(sameStepTime(12, 12)).toBe(true);
    expect(sameStepTime('12', 12)).toBe(true);
    expect(sameStepTime(13, 12)).toBe(false);
  });
});

describe('refusals about a series', () => {
  it('name its group when the data has a group column, and none for the one series of data without one', () => {
    const repeated = (withGroup: boolean) =>
      thrown(() => extractSeries(datasetFromCsv(withGroup ? 'day,shop,y\n2024-01-01,a,1\n2024-01-02,a,2\n2024-01-02,a,3' : 'day,y\n2024-01-01,1\n2024-01-02,2\n2024-01-02,3', { day: 'datetime' }), { target: 'y', ...(withGroup ? { groupColumn: 'shop' } : {}) }));
    const ungrouped = repeated(false);
    expect(ungrouped.message).toMatch(/repeats 2024-01-02/);
    expect(ungrouped.details).toEqual({ column: 'day', rows: [2, 3] });
    expect(repeated(true).details).toEqual({ column: 'day', group: 'a', rows: [2, 3] });
  });
});
