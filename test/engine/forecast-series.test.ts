/**
 * Series extraction, frequency detection and refusals (each naming the column), the seasonal-naive
 * baseline against REFERENCE.md, grouped series, the horizon cap and envelope validation.
 */
import { describe, expect, it } from 'vitest';
import { describeSeries, extractSeries, forecastDefaults, forecastShapeOf, forecastSpace, loadForecaster, parseForecastEnvelope, runForecastTrial, validationPlan } from '../../src/engine/forecast';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { alignDaylightSaving } from '../../src/engine/forecast/frequency';
import { airpassengers, datasetFromCsv, HORIZON, rmseOf, TARGET, testTruth, trainCsvText } from './forecast-fixtures';
import { engineError } from './helpers/assertions';

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
    // Days in reverse order.
    const days = Array.from({ length: 40 }, (_, i) => `${new Date(Date.UTC(2024, 0, 40 - i)).toISOString().slice(0, 10)},${i}`);
    const daily = datasetFromCsv(`day,y\n${days.join('\n')}\n`);
    expect(describeSeries(daily, { target: 'y' })).toMatchObject({ frequency: { name: 'daily' }, season: 7 });
    const quarters = Array.from({ length: 24 }, (_, i) => `${2015 + Math.floor(i / 4)}-${String(1 + 3 * (i % 4)).padStart(2, '0')}-01,${i}`);
    const quarterly = datasetFromCsv(`q,y\n${quarters.join('\n')}\n`);
    expect(describeSeries(quarterly, { target: 'y' })).toMatchObject({ frequency: { name: 'quarterly', months: 3 }, season: 4 });
    // Too short to learn a yearly season from (30 months; 49 are needed): monthly, without a season, not refused.
    const short = datasetFromCsv(lines.slice(0, 31).join('\n'), { date: 'datetime' });
    expect(describeSeries(short, { target: TARGET })).toMatchObject({ frequency: { name: 'monthly' }, season: 1 });
    expect(validationPlan({ length: 30, season: 1, groups: 1, horizon: 6 }).horizon).toBeGreaterThanOrEqual(1);
    const index = datasetFromCsv('t,y\n10,1\n15,2\n20,3\n', { t: 'numeric' });
    expect(describeSeries(index, { target: 'y', timeColumn: 't' })).toMatchObject({ timeKind: 'numeric', frequency: { kind: 'index', step: 5 }, season: 1 });
  });

  it('refuses duplicate timestamps, naming the column and rows', () => {
    // Another value at the same time (an exact copy of a row is read once: forecast-origins-duplicates).
    const ds = datasetFromCsv([...lines.slice(0, 4), lines[3].replace(/,\d+$/, ',999')].join('\n'), { date: 'datetime' });
    const err = engineError(() => describeSeries(ds, { target: TARGET }));
    expect(err.code).toBe('invalid_dataset');
    expect(err.message).toContain('"date"');
    expect(err.message).toContain('1949-03-01');
    expect(err.details.rows).toEqual([3, 4]);
  });

  it('refuses a non-numeric target, a missing time column and an irregular step, naming the column', () => {
    const cat = datasetFromCsv('date,y\n2020-01-01,a\n2020-02-01,b\n2020-03-01,a\n', { y: 'categorical' });
    expect(engineError(() => describeSeries(cat, { target: 'y' })).message).toMatch(/target column "y" is categorical/);
    const missing = engineError(() => describeSeries(airpassengers('train'), { target: TARGET, timeColumn: 'month' }));
    expect(missing.message).toContain('time column "month" is not in the dataset');
    const noDate = engineError(() => describeSeries(datasetFromCsv('a,y\nx,1\nz,2\n'), { target: 'y' }));
    expect(noDate.message).toContain('no datetime column');
    const gap = datasetFromCsv([...lines.slice(0, 4), ...lines.slice(5, 8)].join('\n'), { date: 'datetime' });
    // One month missing of seven is too many to add by itself (over a tenth).
    const irregular = engineError(() => describeSeries(gap, { target: TARGET }));
    expect(irregular.message).toContain('time column "date" misses 1 of 7 timestamps (14%), the first between rows 3 (1949-03-01T00:00:00.000Z) and 4 (1949-05-01T00:00:00.000Z)');
    expect(irregular.details.row).toBe(4);
    // A step that is no whole number of months is irregular.
    const offDay = datasetFromCsv([...lines.slice(0, 4), lines[4].replace(/-01,/, '-17,'), ...lines.slice(5, 8)].join('\n'), { date: 'datetime' });
    expect(engineError(() => describeSeries(offDay, { target: TARGET })).message).toContain('time column "date" is irregular');
  });

  it('names the stray row of an irregular series, not the first step (the step is the most common one)', () => {
    // One mistyped date (the 15th) and, apart, one time of day in a monthly series.
    const typo = lines.map((l, i) => (i === 78 ? l.replace(/^(\d{4}-\d{2})-01/, '$1-15') : l));
    const err = engineError(() => describeSeries(datasetFromCsv(typo.join('\n'), { date: 'datetime' }), { target: TARGET }));
    expect(err.details.row).toBe(78);
    expect(err.message).toMatch(/row 78 \(1955-06-15T00:00:00.000Z\) follows row 77 \(1955-05-01T00:00:00.000Z\), but the series steps by 1 month/);
    const timed = lines.map((l, i) => (i === 30 ? l.replace(/^(\d{4}-\d{2}-01)/, '$1T06:00:00Z') : l));
    expect(engineError(() => describeSeries(datasetFromCsv(timed.join('\n'), { date: 'datetime' }), { target: TARGET })).details.row).toBe(30);
    // A daily series with one stray hour.
    const days = ['day,y', ...Array.from({ length: 30 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}${i === 12 ? 'T06:00:00Z' : ''},${i}`)];
    const stray = engineError(() => describeSeries(datasetFromCsv(days.join('\n')), { target: 'y' }));
    expect(stray.details.row).toBe(13);
    expect(stray.message).toContain('steps by 1 day(s)');
  });

  it('reads a target stored as Float32 as the decimals uploaded (51.64, not 51.63999938964844)', () => {
    const csv = ['date,y', ...Array.from({ length: 60 }, (_, i) => `20${String(10 + Math.floor(i / 12))}-${String((i % 12) + 1).padStart(2, '0')}-01,${(51.64 + i * 1.01).toFixed(2)}`)].join('\n');
    const stored = decodeDataset(encodeDataset(datasetFromCsv(csv)));
    const y = stored.columns.find((c) => c.name === 'y')!;
    expect(y.storage === 'f64' && y.values instanceof Float32Array).toBe(true);
    const { series } = extractSeries(stored, { target: 'y' });
    expect(Array.from(series[0].values)).toEqual(csv.split('\n').slice(1).map((l) => Number(l.split(',')[1])));
  });

  it('reads local times whose UTC offset follows daylight saving time as regular, on their local dates', () => {
    // Local midnights in Paris: +01:00 in winter, +02:00 in summer (last Sundays of March and October).
    const parisOffset = (y: number, m: number, d: number) => {
      const lastSunday = (month: number) => 31 - new Date(Date.UTC(y, month, 31)).getUTCDay();
      const summer = (m > 2 && m < 9) || (m === 2 && d > lastSunday(2)) || (m === 9 && d <= lastSunday(9));
      return summer ? '+02:00' : '+01:00';
    };
    const iso = (y: number, m: number, d: number) => `${y}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00${parisOffset(y, m, d)}`;
    const daily = ['day,y', ...Array.from({ length: 400 }, (_, i) => {
      const d = new Date(Date.UTC(2023, 0, 1 + i));
      return `${iso(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())},${100 + (i % 7)}`;
    })];
    const { info, series } = extractSeries(datasetFromCsv(daily.join('\n')), { target: 'y' });
    expect(info).toMatchObject({ frequency: { name: 'daily' }, season: 7 });
    expect(new Date(series[0].times[0]).toISOString()).toBe('2023-01-01T00:00:00.000Z');
    expect(new Date(series[0].times[399]).toISOString()).toBe('2024-02-04T00:00:00.000Z');
    const monthly = ['month,y', ...Array.from({ length: 60 }, (_, i) => `${iso(2009 + Math.floor(i / 12), i % 12, 1)},${200 + i}`)];
    const months = extractSeries(datasetFromCsv(monthly.join('\n')), { target: 'y' });
    expect(months.info).toMatchObject({ frequency: { name: 'monthly', monthEnd: false }, season: 12 });
    expect(new Date(months.series[0].times[3]).toISOString()).toBe('2009-04-01T00:00:00.000Z');
    // Hourly data keeps its instants (DST makes a 23- or 25-hour day there, which is the truth of the data).
    const hourly = Float64Array.from({ length: 48 }, (_, i) => Date.UTC(2024, 2, 30, i));
    expect(alignDaylightSaving(hourly)).toBe(hourly);
    // A constant offset is left as written.
    const constant = Float64Array.from({ length: 10 }, (_, i) => Date.UTC(2024, 0, 1 + i, 23));
    expect(alignDaylightSaving(constant)).toBe(constant);
  });

  it('interpolates a missing target value linearly and says so', () => {
    const ds = datasetFromCsv('date,y\n2020-01-01,10\n2020-02-01,\n2020-03-01,30\n', { y: 'numeric' });
    expect(describeSeries(ds, { target: 'y' }).interpolated).toEqual({ '': 1 });
  });

  it('leaves out rows at the end without a target (future rows holding covariates): the series ends at its last value', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},${i < 26 ? 100 + i : ''},${i % 2},${i < 28 ? 'a' : 'b'}`);
    const ds = datasetFromCsv(['day,y,promo,shop', ...rows].join('\n'), { y: 'numeric' });
    const { info, series } = extractSeries(ds, { target: 'y' });
    expect(info.trailingMissing).toEqual({ '': 4 });
    expect(info.lengths).toEqual({ '': 26 });
    expect(series[0].times.at(-1)).toBe(Date.UTC(2024, 0, 26));
    expect(series[0].values.at(-1)).toBe(125);
    // Per group: only the rows after each series' last value; a value missing inside is still interpolated.
    const grouped = datasetFromCsv('day,y,g\n2024-01-01,1,a\n2024-01-02,,a\n2024-01-03,3,a\n2024-01-04,,a\n2024-01-01,5,b\n2024-01-02,6,b\n2024-01-03,7,b\n2024-01-04,8,b\n', { y: 'numeric' });
    const g = describeSeries(grouped, { target: 'y', groupColumn: 'g' });
    expect(g.trailingMissing).toEqual({ a: 1 });
    expect(g.interpolated).toEqual({ a: 1, b: 0 });
    expect(g.lengths).toEqual({ a: 3, b: 4 });
  });

  it('refuses a series too short for rolling-origin validation', () => {
    expect(() => validationPlan({ length: 40, season: 12, groups: 1, horizon: 12 })).toThrow(/needs at least 49/);
    expect(validationPlan({ length: 108, season: 12, groups: 1, horizon: 36 })).toEqual({ horizon: 36, origins: 3, step: 12, earliestTrain: 48 });
    // Among groups, the one too short is named.
    const err = engineError(() => validationPlan({ length: 3, season: 12, groups: 4, horizon: 12 }, undefined, 'store 7'));
    expect(err.message).toMatch(/^the shortest series \(group "store 7"\) has 3 points/);
    expect(err.details.group).toBe('store 7');
  });

  it('offers log and Box-Cox only to a series above zero: none of a shifted series\' trials fails on its transform', async () => {
    const shifted = ['date,y', ...lines.slice(1).map((l) => `${l.split(',')[0]},${Number(l.split(',')[1]) - 300}`)].join('\n');
    const ds = datasetFromCsv(shifted, { date: 'datetime' });
    const shape = forecastShapeOf(ds, { target: 'y', horizon: 12 });
    expect(shape.positive).toBe(false);
    expect(forecastShapeOf(airpassengers('train'), { target: TARGET, horizon: 12 }).positive).toBe(true);
    for (const family of ['linear', 'gbdt', 'random_forest', 'rnn'] as const) {
      const space = forecastSpace(family, shape);
      expect(space.transform).toEqual({ type: 'categorical', choices: ['none'] });
      expect(forecastDefaults(family, shape).transform).toBe('none');
    }
    expect(forecastDefaults('linear', { ...shape, positive: true }).transform).toBe('log');
    const out = await runForecastTrial(ds, { family: 'linear', params: forecastDefaults('linear', shape), target: 'y', horizon: 12, seed: 1 });
    expect(out.status).toBe('complete');
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
    expect(() => f.forecast(12, { group: 'c' })).toThrow('unknown group "c"; "series" has 2 groups ("a", "b")');
    // Each group's recent points are its own: b's are twice a's, at the same months; a group must be named.
    const [ra, rb] = [f.recent('a'), f.recent('b')];
    expect(rb.map((p) => p.time)).toEqual(ra.map((p) => p.time));
    expect(rb.map((p) => p.value)).toEqual(ra.map((p) => 2 * p.value));
    expect(String(ra.at(-1)!.time).slice(0, 7)).toBe('1957-12');
    expect(f.description).toMatchObject({ groupColumn: 'series', frequency: 'monthly', horizon: 12 });
    expect(() => f.recent()).toThrow(/name the group/);
  });

  it('keys a numeric group column stored as Float32 by its values as written, so a request naming 1.1 finds its series', async () => {
    const body = lines.slice(1);
    const rows = [...body.map((l) => `${l.split(',')[0]},1.1,${l.split(',')[1]}`), ...body.map((l) => `${l.split(',')[0]},2.2,${2 * Number(l.split(',')[1])}`)];
    // Stored and read back as a job's trials read it: the group column narrowed to Float32.
    const stored = decodeDataset(encodeDataset(datasetFromCsv(['date,series,y', ...rows].join('\n'), { date: 'datetime', series: 'numeric' })));
    const column = stored.columns.find((c) => c.name === 'series');
    expect(column?.storage === 'f64' && column.values instanceof Float32Array).toBe(true);
    expect(describeSeries(stored, { target: 'y', groupColumn: 'series' }).lengths).toEqual({ '1.1': 108, '2.2': 108 });
    const out = await runForecastTrial(stored, { family: 'seasonal_naive', params: {}, target: 'y', groupColumn: 'series', horizon: 12, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const f = await loadForecaster(out.envelope);
    expect(f.groups).toEqual(['1.1', '2.2']);
    expect(f.forecast(3, { group: '2.2' }).map((p) => p.value)).toEqual(f.forecast(3, { group: '1.1' }).map((p) => 2 * p.value));
  });

  it('leaves a group too short to validate on (minLength) out of the model, and forecasts it by a simple rule', async () => {
    const body = lines.slice(1);
    const grouped = ['date,series,y', ...body.map((l) => `${l.split(',')[0]},a,${l.split(',')[1]}`), ...body.slice(-3).map((l) => `${l.split(',')[0]},new,${l.split(',')[1]}`)].join('\n');
    const ds = datasetFromCsv(grouped, { date: 'datetime', series: 'categorical' });
    // Without minLength the short group holds every group to its 3 points: the plan is refused.
    const all = describeSeries(ds, { target: 'y', groupColumn: 'series' });
    expect(all.lengths).toEqual({ a: 108, new: 3 });
    expect(() => validationPlan({ length: 3, season: all.season, groups: 2, horizon: 12 })).toThrow(/has 3 points/);
    const kept = describeSeries(ds, { target: 'y', groupColumn: 'series', minLength: 21 });
    expect(kept).toMatchObject({ lengths: { a: 108 }, skipped: { new: 3 }, season: 12 });
    const out = await runForecastTrial(ds, { family: 'seasonal_naive', params: {}, target: 'y', groupColumn: 'series', minLength: 21, horizon: 12, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    expect(out.envelope.skippedGroups).toEqual({ new: 3 });
    const f = await loadForecaster(parseForecastEnvelope(JSON.parse(JSON.stringify(out.envelope))));
    expect(f.groups).toEqual(['a']);
    expect(f.forecast(12, { group: 'a' })).toHaveLength(12);
    // Its 3 points hold no season of 12: its last value, forecast flat (./fallback).
    const last = Number(body.at(-1)!.split(',')[1]);
    expect(f.forecast(12, { group: 'new' }).map((p) => p.value)).toEqual(Array(12).fill(last));
    expect(f.fallback('new')).toMatchObject({ rule: 'last_value', points: 3 });
    expect(f.fallback('a')).toBeUndefined();
    // Covariates sent for it are refused as for the model's own groups: this model was trained without any.
    const without = 'this model was trained without covariates; leave covariates out';
    expect(() => f.forecast(2, { group: 'a', covariates: [{ x: 1 }, { x: 2 }] })).toThrow(without);
    expect(() => f.forecast(2, { group: 'new', covariates: [{ x: 1 }, { x: 2 }] })).toThrow(without);
    // An envelope made before fallbacks (skippedGroups without points) refuses the group as it did.
    const { fallbackGroups: _points, ...old } = out.envelope;
    const before = await loadForecaster(parseForecastEnvelope(JSON.parse(JSON.stringify(old))));
    expect(() => before.forecast(12, { group: 'new' })).toThrow('group "new" had 3 points, too few to validate a forecast on, so this model was trained without it');
  });

  it('refuses foreign or corrupt envelopes with bad_artifact', async () => {
    const out = await runForecastTrial(airpassengers('train'), { family: 'drift', params: {}, target: TARGET, horizon: 12, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const good = JSON.parse(JSON.stringify(out.envelope));
    expect(parseForecastEnvelope(JSON.stringify(good)).family).toBe('drift');
    for (const bad of ['not json', { ...good, format: 'edge-automl/model' }, { ...good, version: 2 }, { ...good, groups: [{ ...good.groups[0], tail: ['x'] }] }, { ...good, model: { family: 'linear', version: 1 } }]) {
      const err = engineError(() => parseForecastEnvelope(bad));
      expect(err.code).toBe('bad_artifact');
    }
  });

  it('returns bad data as a failed outcome naming the column', async () => {
    const out = await runForecastTrial(airpassengers('train'), { family: 'linear', params: {}, target: 'nope', horizon: 12, seed: 1 });
    expect(out).toMatchObject({ status: 'failed', code: 'invalid_target' });
    expect(out.status === 'failed' && out.reason).toContain('"nope"');
  });
});
