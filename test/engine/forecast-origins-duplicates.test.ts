/**
 * A forecast job's own number of rolling origins and its exact duplicate rows, in plain Node: mostOrigins
 * (engine/forecast/validation-plan) is the most a series holds, a trial asked for more validates on that
 * many, and the search space's lag bounds shrink with the earliest fold; rows identical in every column to
 * an earlier row of their series are read once (engine/forecast/duplicate-rows), named in a warning, while
 * rows of one time that differ in any column are still refused; the append check takes an exact copy.
 */
import { describe, expect, it } from 'vitest';
import { extractSeries, mostOrigins, runForecastTrial, validationPlan } from '../../src/engine/forecast';
import { exactRepeatsWarning } from '../../src/engine/forecast/duplicate-rows';
import { firstRepeatedPoint } from '../../src/engine/forecast/repeated-points';
import { pastLagBound } from '../../src/engine/forecast/space';
import { datasetFromCsv } from './forecast-fixtures';
import { engineError } from './helpers/assertions';

/** `days` daily rows from 1 January 2024 of a wavy series, with a `note` column no model reads. */
function daily(days: number): string[] {
  return Array.from({ length: days }, (_, d) => `${new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10)},${(50 + 10 * Math.sin(d / 2) + d).toFixed(1)},a`);
}
const csv = (rows: readonly string[]) => ['date,y,note', ...rows].join('\n');

describe('rolling origins asked for', () => {
  it('mostOrigins is the most a series holds by the plan rule, each validating at least minHorizon steps', () => {
    // Season 1: the earliest fold keeps 20 points; 30 points at horizon 1 hold 10 origins a step apart.
    expect(mostOrigins({ length: 30, season: 1, groups: 1, horizon: 1 })).toBe(10);
    expect(mostOrigins({ length: 25, season: 1, groups: 1, horizon: 1 })).toBe(5);
    expect(mostOrigins({ length: 20, season: 1, groups: 1, horizon: 1 })).toBe(0);
    // Horizon 6 on 30 points: 20 + h + (o - 1) * ceil(h / o) <= 30 holds h = 6 for 3 origins; 4 validate 4 steps.
    const shape = { length: 30, season: 1, groups: 1, horizon: 6 };
    expect(mostOrigins(shape)).toBe(10);
    expect(mostOrigins(shape, 10, 6)).toBe(3);
    expect(validationPlan(shape, 3).horizon).toBe(6);
    expect(validationPlan(shape, 4).horizon).toBe(4);
    // Asking 5 on 40 points: 5 origins (no fall-back), the earliest fold shorter than with 3 (26 against 30).
    const longer = { ...shape, length: 40 };
    const five = validationPlan(longer, 5);
    expect(five.origins).toBe(5);
    expect([five.earliestTrain, validationPlan(longer).earliestTrain]).toEqual([26, 30]);
  });

  it('a trial asked for 5 origins scores 5 folds, and more origins narrow the past lags a trial may read', async () => {
    const ds = datasetFromCsv(csv(daily(60)));
    const out = await runForecastTrial(ds, { family: 'seasonal_naive', params: {}, target: 'y', horizon: 7, seed: 1, origins: 5 });
    expect(out.status).toBe('complete');
    if (out.status !== 'complete') return;
    expect(out.foldScores).toHaveLength(5);
    expect(out.fitInfo.origins).toBe(5);
    const three = await runForecastTrial(ds, { family: 'seasonal_naive', params: {}, target: 'y', horizon: 7, seed: 1 });
    expect(three.status === 'complete' && three.foldScores.length).toBe(3);
    // 40 points, horizon 10: the earliest fold keeps 22 points with 3 origins (4 apart), 21 with 10 (1 apart).
    const shape = { length: 40, season: 1, groups: 1, horizon: 10, pastCovariates: true };
    expect([pastLagBound(shape), pastLagBound({ ...shape, origins: 10 })]).toEqual([1, 0]);
  });
});

describe('exact duplicate rows', () => {
  it('are read once, counted with the first copy, and the series is the one without them', () => {
    const rows = daily(40);
    // Rows 41 and 42 copy rows 5 and 12 (data rows from 1), and 43 copies row 5 again.
    const ds = datasetFromCsv(csv([...rows, rows[4], rows[11], rows[4]]));
    const { info, series } = extractSeries(ds, { target: 'y', timeColumn: 'date', horizon: 7 });
    expect(series[0].values.length).toBe(40);
    expect(Array.from(series[0].values)).toEqual(Array.from(extractSeries(datasetFromCsv(csv(rows)), { target: 'y', timeColumn: 'date', horizon: 7 }).series[0].values));
    expect(info.exactRepeats).toEqual({ rows: 3, first: { row: 40, repeats: 4, time: Date.UTC(2024, 0, 5), group: '' } });
    const words = exactRepeatsWarning(info.exactRepeats!, (t) => new Date(t).toISOString().slice(0, 10));
    expect(words).toContain('3 rows repeat an earlier row exactly');
    expect(words).toContain('data row 41 (2024-01-05), a copy of data row 5');
  });

  it('names the group of the first copy, and a copy of nothing reads no repeats', () => {
    const rows = daily(30).flatMap((r) => [r.replace(',a', ',north'), r.replace(',a', ',south')]);
    const ds = datasetFromCsv(['date,y,shop', ...rows, rows[9]].join('\n'));
    const { info } = extractSeries(ds, { target: 'y', timeColumn: 'date', groupColumn: 'shop', horizon: 3 });
    expect(info.exactRepeats?.first).toMatchObject({ row: 60, repeats: 9, group: 'south' });
    expect(exactRepeatsWarning(info.exactRepeats!, String, 'shop')).toContain(', shop "south")');
    expect(extractSeries(datasetFromCsv(csv(daily(30))), { target: 'y', timeColumn: 'date', horizon: 3 }).info.exactRepeats).toBeUndefined();
  });

  it('rows of one time that differ in the target, or in a column no model reads, are still refused', () => {
    const rows = daily(30);
    for (const copy of [rows[4].replace(/,[\d.]+,/, ',99.9,'), rows[4].replace(/,a$/, ',b')]) {
      const err = engineError(() => extractSeries(datasetFromCsv(csv([...rows, copy])), { target: 'y', timeColumn: 'date', horizon: 3 }));
      expect(err.code).toBe('invalid_dataset');
      expect(err.message).toContain('repeats 2024-01-05');
      expect(err.details).toMatchObject({ rows: [5, 31] });
    }
  });

  it('an appended exact copy of a stored row is taken by the append check; one differing in any column is not', () => {
    const rows = daily(10);
    expect(firstRepeatedPoint(datasetFromCsv(csv([...rows, rows[3]])), 10, { timeColumn: 'date' })).toBeNull();
    expect(firstRepeatedPoint(datasetFromCsv(csv([...rows, rows[3].replace(/,a$/, ',b')])), 10, { timeColumn: 'date' })).toMatchObject({ row: 10, earlier: 3 });
  });
});
