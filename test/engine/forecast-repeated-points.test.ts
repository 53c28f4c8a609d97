/**
 * A series' repeated time, in plain Node: firstRepeatedPoint (engine/forecast/repeated-points), which the
 * append route asks before adding rows to a forecast model's data, finds the first appended row at the
 * time and in the group of an earlier row (stored or appended), reads times as a job does and leaves
 * rows without a time to the job; and a job's refusal of a repeated time advises a group column only
 * when there is none (with one, the group's own series repeats the time).
 */
import { describe, expect, it } from 'vitest';
import { describeSeries, extractSeries } from '../../src/engine/forecast';
import { firstRepeatedPoint } from '../../src/engine/forecast/repeated-points';
import { datasetFromCsv } from './forecast-fixtures';
import { engineError } from './helpers/assertions';

/** Daily rows of shops north and south from 1 November 2024, `days` of each, then `extra` lines as written. */
function shops(days: number, extra: string[] = []): string {
  const rows: string[] = [];
  for (let d = 0; d < days; d++) {
    const day = new Date(Date.UTC(2024, 10, 1 + d)).toISOString().slice(0, 10);
    rows.push(`${day},north,${100 + d}`, `${day},south,${50 + d}`);
  }
  return ['date,shop,sales', ...rows, ...extra].join('\n');
}

const columns = { timeColumn: 'date', groupColumn: 'shop' };

describe('firstRepeatedPoint', () => {
  it("finds an appended row at a time its group already has, naming both rows' indices, the time and the group", () => {
    // 10 days of 2 shops: 20 stored rows; appended: north's 11 Nov (new), then south's 9 Nov (stored at index 17).
    const ds = datasetFromCsv(shops(10, ['2024-11-11,north,1', '2024-11-09,south,2']));
    expect(firstRepeatedPoint(ds, 20, columns)).toEqual({ row: 21, earlier: 17, time: '2024-11-09T00:00:00.000Z', group: 'south' });
  });

  it('finds a repeat among the appended rows themselves', () => {
    const ds = datasetFromCsv(shops(10, ['2024-11-11,north,1', '2024-11-11,south,2', '2024-11-11,north,3']));
    expect(firstRepeatedPoint(ds, 20, columns)).toMatchObject({ row: 22, earlier: 20, group: 'north' });
  });

  it('takes a time another group has, and new times, and leaves stored repeats to the job', () => {
    const fresh = datasetFromCsv(shops(10, ['2024-11-11,north,1', '2024-11-11,south,2', '2024-11-11,east,3']));
    expect(firstRepeatedPoint(fresh, 20, columns)).toBeNull();
    // A repeat already stored (rows 0 and 20 once they are the base) is not the appended rows' doing.
    const stored = datasetFromCsv(shops(10, ['2024-11-01,north,1', '2024-11-11,north,2']));
    expect(firstRepeatedPoint(stored, 21, columns)).toBeNull();
    expect(firstRepeatedPoint(stored, 20, columns)).toMatchObject({ row: 20, earlier: 0 });
  });

  it('without a group column, any appended row at a stored time repeats it; an empty time is left to the job', () => {
    const ds = datasetFromCsv('day,y\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n,4\n2024-01-02,5\n');
    expect(firstRepeatedPoint(ds, 3, { timeColumn: 'day' })).toEqual({ row: 4, earlier: 1, time: '2024-01-02T00:00:00.000Z', group: '' });
    expect(firstRepeatedPoint(ds, 3, { timeColumn: 'missing' })).toBeNull();
  });

  it('reads a numeric time column as the series does', () => {
    const ds = datasetFromCsv('t,y\n1,1\n2,2\n3,3\n2,4\n', { t: 'numeric' });
    expect(firstRepeatedPoint(ds, 3, { timeColumn: 't' })).toEqual({ row: 3, earlier: 1, time: '2', group: '' });
  });
});

describe("a job's refusal of a repeated time", () => {
  it('advises a group column only for data without one', () => {
    const grouped = datasetFromCsv(shops(30, ['2024-11-09,north,7']));
    const inGroup = engineError(() => describeSeries(grouped, { target: 'sales', timeColumn: 'date', groupColumn: 'shop' }));
    expect(inGroup.message).toContain('repeats 2024-11-09T00:00:00.000Z in group "north" at data rows 17 and 61');
    expect(inGroup.message).not.toContain('add a group column');
    expect(inGroup.message).toContain('the series of group "north" repeats that time');
    const single = datasetFromCsv('day,y\n2024-01-01,1\n2024-01-02,2\n2024-01-02,3\n2024-01-03,4\n');
    expect(engineError(() => describeSeries(single, { target: 'y' })).message).toContain('(add a group column for several series)');
  });
});

describe('a planned row without a target and its observation', () => {
  // 10 days of 2 shops, 11 November planned for both (no sales yet), then its observations appended.
  const planned = (extra: string[]) => datasetFromCsv(shops(10, ['2024-11-11,north,', '2024-11-11,south,', ...extra]));

  it('are no repeated point for the append, given the target; a second observation is', () => {
    const withTarget = { ...columns, target: 'sales' };
    expect(firstRepeatedPoint(planned(['2024-11-11,north,120', '2024-11-11,south,60']), 22, withTarget)).toBeNull();
    expect(firstRepeatedPoint(planned(['2024-11-11,north,120', '2024-11-11,north,121']), 22, withTarget)).toMatchObject({ row: 23, earlier: 22, group: 'north' });
    // Without the target (a model whose artifact does not say it) the rule is as before.
    expect(firstRepeatedPoint(planned(['2024-11-11,north,120']), 22, columns)).toMatchObject({ row: 22, earlier: 20 });
  });

  it('written after the observation of its time: read as nothing, and counted', () => {
    const late = datasetFromCsv(shops(10, ['2024-11-05,north,']));
    expect(firstRepeatedPoint(late, 20, { ...columns, target: 'sales' })).toBeNull();
    const { info } = extractSeries(late, { target: 'sales', groupColumn: 'shop' });
    expect(info.lengths).toEqual({ north: 10, south: 10 });
    expect(info.latePlans).toEqual({ north: 1 });
    // A plan written before its observation is the usual order: not counted.
    expect(extractSeries(planned(['2024-11-11,north,120', '2024-11-11,south,60']), { target: 'sales', groupColumn: 'shop' }).info.latePlans).toBeUndefined();
  });

  it('read as the observation by a job, where two observations of one time are still refused', () => {
    const read = extractSeries(planned(['2024-11-11,north,120', '2024-11-11,south,60']), { target: 'sales', groupColumn: 'shop' });
    expect(read.info.lengths).toEqual({ north: 11, south: 11 });
    expect(Array.from(read.series[0].values).at(-1)).toBe(120);
    expect(engineError(() => describeSeries(planned(['2024-11-11,north,120', '2024-11-11,north,121']), { target: 'sales', groupColumn: 'shop' })).message).toContain('repeats 2024-11-11');
  });
});

describe('an observation that leaves the planned covariate empty', () => {
  it('reads the planned value for it, and a value it sets itself as what happened', () => {
    const days = Array.from({ length: 30 }, (_, d) => `${new Date(Date.UTC(2024, 10, 1 + d)).toISOString().slice(0, 10)},${100 + (d % 7)},${d % 5 === 0 ? 1 : 0}`);
    // 1 and 2 December planned with a promotion; then their sales appended, the first without the promotion, the second saying there was none.
    const csv = ['date,sales,promo', ...days, '2024-12-01,,1', '2024-12-02,,1', '2024-12-01,130,', '2024-12-02,104,0'].join('\n');
    const ds = datasetFromCsv(csv);
    expect(firstRepeatedPoint(ds, 32, { timeColumn: 'date', target: 'sales' })).toBeNull();
    const { series } = extractSeries(ds, { target: 'sales', covariates: ['promo'] });
    expect(series[0].values.length).toBe(32);
    expect(Array.from(series[0].values.slice(-2))).toEqual([130, 104]);
    expect(Array.from(series[0].covariates![0].slice(-2))).toEqual([1, 0]);
  });
});

describe('a planned row revised by a later one', () => {
  const days = Array.from({ length: 30 }, (_, d) => `${new Date(Date.UTC(2024, 10, 1 + d)).toISOString().slice(0, 10)},${100 + (d % 7)},${d % 5 === 0 ? 1 : 0}`);
  // 1 December planned with a promotion, then the plan revised to none (appended later).
  const revised = (extra: string[]) => datasetFromCsv(['date,sales,promo', ...days, '2024-12-01,,1', '2024-12-01,,0', ...extra].join('\n'));

  it('is no repeated point for the append; an observation after it is none either, a second observation is', () => {
    expect(firstRepeatedPoint(revised([]), 31, { timeColumn: 'date', target: 'sales' })).toBeNull();
    expect(firstRepeatedPoint(revised(['2024-12-01,130,']), 31, { timeColumn: 'date', target: 'sales' })).toBeNull();
    expect(firstRepeatedPoint(revised(['2024-12-01,130,', '2024-12-01,131,']), 31, { timeColumn: 'date', target: 'sales' })).toMatchObject({ row: 33, earlier: 32 });
  });

  it('is read by a job, the observation taking the latest plan for a covariate it leaves empty', () => {
    const planned = extractSeries(revised([]), { target: 'sales', covariates: ['promo'] }).info;
    expect(planned.lengths).toEqual({ '': 30 });
    // The revised row is counted apart from the plan left out at the series' end.
    expect(planned).toMatchObject({ revisedPlans: { '': 1 }, trailingMissing: { '': 1 } });
    const { series } = extractSeries(revised(['2024-12-01,130,']), { target: 'sales', covariates: ['promo'] });
    expect(Array.from(series[0].values.slice(-1))).toEqual([130]);
    expect(Array.from(series[0].covariates![0].slice(-1))).toEqual([0]);
  });

  it('set back to the first plan by a copy of it: the copy written last is the plan', () => {
    const ds = revised(['2024-12-01,,1', '2024-12-01,130,']);
    expect(firstRepeatedPoint(ds, 31, { timeColumn: 'date', target: 'sales' })).toBeNull();
    const { series } = extractSeries(ds, { target: 'sales', covariates: ['promo'] });
    expect(Array.from(series[0].values.slice(-1))).toEqual([130]);
    expect(Array.from(series[0].covariates![0].slice(-1))).toEqual([1]);
  });
});
