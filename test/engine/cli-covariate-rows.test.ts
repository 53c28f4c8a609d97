/**
 * The pure pieces behind `forecast --covariates FILE` and the forecast hint, in plain Node: which rows and
 * columns of a covariates CSV are sent (cli/covariate-rows), the check of its times against the answer's
 * steps, a server refusal named by file and line (cli/forecast-covariates), and the forecast command a
 * hint suggests (cli/forecast-hint).
 */
import { describe, expect, it } from 'vitest';
import { ApiClientError, type Forecast } from '../../src/client';
import { checkStepTimes, seriesRows } from '../../src/cli/covariate-rows';
import { UsageError } from '../../src/cli/errors';
import { nameCovariateStep } from '../../src/cli/forecast-covariates';
import { forecastCommandHint } from '../../src/cli/forecast-hint';
import { parseCsv } from '../../src/engine/data/csv';

const table = (text: string) => parseCsv(text, { maxRows: 1000, maxColumns: 100 });
const steps = (...times: (string | number)[]): Forecast['forecasts'] => times.map((time) => ({ time, value: 1, lower: 0, upper: 2 }));

describe('seriesRows', () => {
  const shops = table('date,shop,promo\n2024-12-18,north,0\n\n2024-12-18,south,1\n2024-12-19, north ,1\n');

  it("keeps the group's rows with their file lines (a blank line counted), without the time and group columns", () => {
    const rows = seriesRows(shops, { timeColumn: 'date', groupColumn: 'shop' }, 'north', 'f.csv');
    expect(rows.table).toEqual({ header: ['promo'], rows: [['0'], ['1']], lines: [2, 5] });
    expect(rows.times).toEqual({ column: 'date', cells: ['2024-12-18', '2024-12-19'] });
  });

  it('keeps every row of a file without the group column, and a column the model does not group by', () => {
    const one = seriesRows(table('promo\n0\n1\n'), { timeColumn: 'date', groupColumn: 'shop' }, 'north', 'f.csv');
    expect(one.table).toEqual({ header: ['promo'], rows: [['0'], ['1']], lines: [2, 3] });
    expect(one.times).toBeUndefined();
    // A model of one series: "shop" is just a column, sent for the server to name.
    expect(seriesRows(shops, { timeColumn: 'date' }, undefined, 'f.csv').table.header).toEqual(['shop', 'promo']);
  });

  it('refuses several series without a group, and a group no row is of, naming the file', () => {
    expect(() => seriesRows(shops, { groupColumn: 'shop' }, undefined, 'f.csv')).toThrow(expect.objectContaining({ where: 'f.csv', message: expect.stringContaining('--group north') }));
    expect(() => seriesRows(shops, { groupColumn: 'shop' }, 'east', 'f.csv')).toThrow(/no row is of series "east": its column "shop" holds north, south/);
  });
});

describe('checkStepTimes', () => {
  it('passes the steps in order, in any layout of the same day, and leaves rows past the horizon alone', () => {
    const times = { column: 'date', cells: ['2024-12-18', '12/19/2024', '2024-12-25'] };
    expect(() => checkStepTimes(times, [2, 3, 4], steps('2024-12-18T00:00:00.000Z', '2024-12-19T00:00:00.000Z'), 'f.csv')).not.toThrow();
  });

  it('takes a time written with its UTC offset as the local date or clock time the forecast answers', () => {
    // A daily series keeps its local dates; a series on its local clock answers local times without an offset.
    const daily = { column: 'date', cells: ['2024-12-18T00:00:00+01:00'] };
    expect(() => checkStepTimes(daily, [2], steps('2024-12-18T00:00:00.000Z'), 'f.csv')).not.toThrow();
    const local = { column: 'at', cells: ['2025-01-06 09:00:00+01:00', '2025-01-06T10:00:00+01:00'] };
    expect(() => checkStepTimes(local, [2, 3], steps('2025-01-06T09:00:00', '2025-01-06T10:00:00+01:00'), 'f.csv')).not.toThrow();
    expect(() => checkStepTimes(local, [2, 3], steps('2025-01-06T10:00:00', '2025-01-06T11:00:00'), 'f.csv')).toThrow(expect.objectContaining({ where: 'f.csv:2' }));
  });

  it('reads a numeric time column as numbers', () => {
    const times = { column: 't', cells: ['101', '102'] };
    expect(() => checkStepTimes(times, [2, 3], steps(101, 102), 'f.csv')).not.toThrow();
    expect(() => checkStepTimes(times, [2, 3], steps(100, 101), 'f.csv')).toThrow(expect.objectContaining({ where: 'f.csv:2', message: expect.stringContaining('"t" is "101", but step 1 of the forecast is 100') }));
  });

  it('names the line of the first row that is not its step', () => {
    const times = { column: 'date', cells: ['2024-12-18', '2024-12-20'] };
    let thrown: unknown;
    try {
      checkStepTimes(times, [2, 7], steps('2024-12-18T00:00:00.000Z', '2024-12-19T00:00:00.000Z'), 'f.csv');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect(thrown).toMatchObject({ where: 'f.csv:7', message: `"date" is "2024-12-20", but step 2 of the forecast is 2024-12-19; the file's rows must be the steps ahead, in order` });
  });
});

describe('nameCovariateStep', () => {
  const refusal = (field: string, message: string) => new ApiClientError(400, 'invalid_input', message, { field });
  const sent = { file: 'f.csv', steps: [], lines: [2, 5] };

  it("names the line of a step's value, the file alone for a column, and leaves other refusals as they are", () => {
    expect(nameCovariateStep(refusal('covariates[1].promo', 'covariates[1].promo must be a number, got "x"'), sent)).toMatchObject({ message: 'f.csv:5: column "promo" must be a number, got "x"', details: { field: 'covariates[1].promo', file: 'f.csv', line: 5 } });
    expect(nameCovariateStep(refusal('covariates[0].promo', 'covariates[0].promo is missing; every step needs a value for each covariate'), sent)).toMatchObject({ message: 'f.csv: column "promo" is missing; every step needs a value for each covariate' });
    const other = refusal('covariates', 'this model was trained without covariates; leave covariates out');
    expect(nameCovariateStep(other, sent)).toBe(other);
    // A step the file did not send (the server counts from 0 over what was sent): unchanged.
    const beyond = refusal('covariates[9].promo', 'covariates[9].promo must be a number');
    expect(nameCovariateStep(beyond, sent)).toBe(beyond);
  });
});

describe('forecastCommandHint', () => {
  it('adds --group and --covariates as the model needs them, and the plain command without its view', () => {
    const series = { time_column: 'date', frequency: 'daily', season: 7, horizon: 14, max_horizon: 56 };
    expect(forecastCommandHint('edge-automl', 'air', series)).toBe('ask it for a forecast with `edge-automl forecast air --horizon N`');
    expect(forecastCommandHint('edge-automl', 'air', undefined)).toBe('ask it for a forecast with `edge-automl forecast air --horizon N`');
    const many = { ...series, group_column: 'store', groups: ['a', 'b', 'c', 'd', 'e', 'f'], covariates: [{ name: 'price', kind: 'numeric' as const }] };
    expect(forecastCommandHint('edge-automl', 'stores', many)).toBe(
      'ask it for a forecast with `edge-automl forecast stores --horizon N --group GROUP --covariates FILE`: GROUP the series, a value of "store" ("a", "b", "c", "d", "e", …); FILE a CSV with a row per step ahead and the columns price',
    );
  });
});
