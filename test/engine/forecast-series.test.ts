/**
 * Series extraction, frequency detection and refusals (each naming the column), the seasonal-naive
 * baseline against REFERENCE.md, grouped series, the horizon cap and envelope validation.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { describeSeries, forecastDefaults, loadForecaster, parseForecastEnvelope, runForecastTrial, validationPlan } from '../../src/engine/forecast';
import { airpassengers, datasetFromCsv, HORIZON, rmseOf, TARGET, testTruth, trainCsvText } from './forecast-fixtures';

function thrown(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected an EngineError');
}

const lines = trainCsvText().trim().split('\n');

describe('describeSeries', () => {
  it('detects airpassengers as one monthly series with a season of 12', () => {
    const info = describeSeries(airpassengers('train'), { target: TARGET });
    expect(info.timeColumn).toBe('date');
    expect(info.timeKind).toBe('datetime');
    expect(info.frequency).toEqual({ kind: 'months', name: 'monthly', months: 1, monthEnd: false });
    expect(info.season).toBe(12);
    expect(info.lengths).toEqual({ '': 108 });
  });

  it('detects daily, quarterly and numeric-index series, in any row order', () => {
    const daily = datasetFromCsv('day,y\n2024-01-03,3\n2024-01-01,1\n2024-01-02,2\n');
    expect(describeSeries(daily, { target: 'y' })).toMatchObject({ frequency: { name: 'daily' }, season: 7 });
    const quarterly = datasetFromCsv('q,y\n2020-01-01,1\n2020-04-01,2\n2020-07-01,3\n2020-10-01,4\n');
    expect(describeSeries(quarterly, { target: 'y' })).toMatchObject({ frequency: { name: 'quarterly', months: 3 }, season: 4 });
    const index = datasetFromCsv('t,y\n10,1\n15,2\n20,3\n', { t: 'numeric' });
    expect(describeSeries(index, { target: 'y', timeColumn: 't' })).toMatchObject({ timeKind: 'numeric', frequency: { kind: 'index', step: 5 }, season: 1 });
  });

  it('refuses duplicate timestamps, naming the column and rows', () => {
    const ds = datasetFromCsv([...lines.slice(0, 4), lines[3]].join('\n'), { date: 'datetime' });
    const err = thrown(() => describeSeries(ds, { target: TARGET }));
    expect(err.code).toBe('invalid_dataset');
    expect(err.message).toContain('"date"');
    expect(err.message).toContain('1949-03-01');
    expect(err.details.rows).toEqual([3, 4]);
  });

  it('refuses a non-numeric target, a missing time column and an irregular step, naming the column', () => {
    const cat = datasetFromCsv('date,y\n2020-01-01,a\n2020-02-01,b\n2020-03-01,a\n', { y: 'categorical' });
    expect(thrown(() => describeSeries(cat, { target: 'y' })).message).toMatch(/target column "y" is categorical/);
    const missing = thrown(() => describeSeries(airpassengers('train'), { target: TARGET, timeColumn: 'month' }));
    expect(missing.message).toContain('time column "month" is not in the dataset');
    const noDate = thrown(() => describeSeries(datasetFromCsv('a,y\nx,1\nz,2\n'), { target: 'y' }));
    expect(noDate.message).toContain('no datetime column');
    const gap = datasetFromCsv([...lines.slice(0, 4), ...lines.slice(5, 8)].join('\n'), { date: 'datetime' });
    const irregular = thrown(() => describeSeries(gap, { target: TARGET }));
    expect(irregular.message).toContain('time column "date" is irregular');
    expect(irregular.details.row).toBe(4);
  });

  it('interpolates a missing target value linearly and says so', () => {
    const ds = datasetFromCsv('date,y\n2020-01-01,10\n2020-02-01,\n2020-03-01,30\n', { y: 'numeric' });
    expect(describeSeries(ds, { target: 'y' }).interpolated).toEqual({ '': 1 });
  });

  it('refuses a series too short for rolling-origin validation', () => {
    expect(() => validationPlan({ length: 40, season: 12, groups: 1, horizon: 12 })).toThrow(/needs at least 49/);
    expect(validationPlan({ length: 108, season: 12, groups: 1, horizon: 36 })).toEqual({ horizon: 36, origins: 3, step: 12, earliestTrain: 48 });
  });
});

describe('baselines and serving', () => {
  it('seasonal naive from the end of train matches REFERENCE.md (73.61 rmse over the test horizon)', async () => {
    const out = await runForecastTrial(airpassengers('train'), { family: 'seasonal_naive', params: {}, target: TARGET, horizon: HORIZON, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const f = await loadForecaster(out.envelope);
    expect(rmseOf(f.forecast(HORIZON), testTruth())).toBeCloseTo(73.61, 2);
    expect(() => f.forecast(4 * 36 + 1)).toThrow(/horizon must be an integer from 1 to 144/);
    expect(f.forecast(144)).toHaveLength(144);
  });

  it('forecasts grouped series per group with each group on its own scale', async () => {
    const body = lines.slice(1);
    const grouped = ['date,series,y', ...body.map((l) => `${l.split(',')[0]},a,${l.split(',')[1]}`), ...body.map((l) => `${l.split(',')[0]},b,${2 * Number(l.split(',')[1])}`)].join('\n');
    const ds = datasetFromCsv(grouped, { date: 'datetime', series: 'categorical' });
    expect(describeSeries(ds, { target: 'y', groupColumn: 'series' }).lengths).toEqual({ a: 108, b: 108 });
    const shape = { length: 108, season: 12, groups: 2, horizon: 12 };
    const out = await runForecastTrial(ds, { family: 'linear', params: forecastDefaults('linear', shape), target: 'y', groupColumn: 'series', horizon: 12, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const f = await loadForecaster(out.envelope);
    expect(f.groups).toEqual(['a', 'b']);
    const a = f.forecast(12, { group: 'a' });
    const b = f.forecast(12, { group: 'b' });
    const truth = testTruth();
    for (let i = 0; i < 12; i++) {
      expect(b[i].value / a[i].value).toBeCloseTo(2, 3);
      expect(Math.abs(a[i].value - truth[i]) / truth[i]).toBeLessThan(0.2);
    }
    expect(() => f.forecast(12)).toThrow(/name the group/);
    expect(() => f.forecast(12, { group: 'c' })).toThrow(/unknown group "c"/);
    // Each group's recent points are its own: b's are twice a's, at the same months; a group must be named.
    const [ra, rb] = [f.recent('a'), f.recent('b')];
    expect(rb.map((p) => p.time)).toEqual(ra.map((p) => p.time));
    expect(rb.map((p) => p.value)).toEqual(ra.map((p) => 2 * p.value));
    expect(String(ra.at(-1)!.time).slice(0, 7)).toBe('1957-12');
    expect(f.description).toMatchObject({ groupColumn: 'series', frequency: 'monthly', horizon: 12 });
    expect(() => f.recent()).toThrow(/name the group/);
  });

  it('refuses foreign or corrupt envelopes with bad_artifact', async () => {
    const out = await runForecastTrial(airpassengers('train'), { family: 'drift', params: {}, target: TARGET, horizon: 12, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const good = JSON.parse(JSON.stringify(out.envelope));
    expect(parseForecastEnvelope(JSON.stringify(good)).family).toBe('drift');
    for (const bad of ['not json', { ...good, format: 'edge-automl/model' }, { ...good, version: 2 }, { ...good, groups: [{ ...good.groups[0], tail: ['x'] }] }, { ...good, model: { family: 'linear', version: 1 } }]) {
      const err = thrown(() => parseForecastEnvelope(bad));
      expect(err.code).toBe('bad_artifact');
    }
  });

  it('returns bad data as a failed outcome naming the column', async () => {
    const out = await runForecastTrial(airpassengers('train'), { family: 'linear', params: {}, target: 'nope', horizon: 12, seed: 1 });
    expect(out).toMatchObject({ status: 'failed', code: 'invalid_target' });
    expect(out.status === 'failed' && out.reason).toContain('"nope"');
  });
});
