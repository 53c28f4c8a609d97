/**
 * The holdout of forecast retraining (engine/forecast/series-holdout): the latest points of every series
 * are cut from the search's data, and a model is scored on them after the same history, whichever data
 * it was trained on (on the series it knows, when asked: a retraining's data may hold new ones).
 */
import { describe, expect, it } from 'vitest';
import { describeSeries, loadForecaster, runForecastTrial, scoreOnSeriesTail, seriesKnownTo, stateAtLatest, withoutSeriesTail } from '../../src/engine/forecast';
import type { NumericColumn } from '../../src/engine/data/dataset';
import { airpassengers, datasetFromCsv, TARGET, trainCsvText } from './forecast-fixtures';

/** Two series, b twice a, rows interleaved out of time order (the cut must not rely on row order). */
function groupedShuffled() {
  const body = trainCsvText().trim().split('\n').slice(1);
  const rows = [...body.map((l) => `${l.split(',')[0]},a,${l.split(',')[1]}`), ...body.slice(0, 100).map((l) => `${l.split(',')[0]},b,${2 * Number(l.split(',')[1])}`)];
  rows.reverse();
  return datasetFromCsv(['date,series,y', ...rows].join('\n'), { date: 'datetime', series: 'categorical' });
}

describe('withoutSeriesTail', () => {
  it('removes the latest points of every series, by time, whatever the row order', () => {
    const ds = groupedShuffled();
    const cut = withoutSeriesTail(ds, { target: 'y', groupColumn: 'series' }, 12);
    expect(cut.rows).toBe(ds.rows - 24);
    expect(describeSeries(cut, { target: 'y', groupColumn: 'series' }).lengths).toEqual({ a: 96, b: 88 });
    // What is left of a is exactly its first 96 months.
    const full = describeSeries(ds, { target: 'y', groupColumn: 'series' });
    expect(full.lengths).toEqual({ a: 108, b: 100 });
  });

  it('keeps the earliest values untouched', () => {
    const ds = airpassengers('train');
    const cut = withoutSeriesTail(ds, { target: TARGET }, 36);
    const before = (ds.columns.find((c) => c.name === TARGET) as NumericColumn).values;
    const after = (cut.columns.find((c) => c.name === TARGET) as NumericColumn).values;
    expect(Array.from(after)).toEqual(Array.from(before.slice(0, 72)));
  });

  it('refuses a tail that would leave a series empty, naming the series', () => {
    expect(() => withoutSeriesTail(groupedShuffled(), { target: 'y', groupColumn: 'series' }, 100)).toThrow(/series "b" has 100 points; holding out its last 100/);
    expect(() => withoutSeriesTail(airpassengers('train'), { target: TARGET }, 0)).toThrow(/whole number of points >= 1/);
  });
});

describe('scoreOnSeriesTail', () => {
  it('scores a model trained without the tail exactly as its own forecast of the tail', async () => {
    const ds = airpassengers('train');
    const train = withoutSeriesTail(ds, { target: TARGET }, 12);
    const out = await runForecastTrial(train, { family: 'linear', params: { transform: 'log', lags: 12, differencing: 'first', calendar: true, seasonal_lags: 0, rolling_window: 0 }, target: TARGET, horizon: 12, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const f = await loadForecaster(out.envelope);
    const own = f.forecast(12);
    const truth = (ds.columns.find((c) => c.name === TARGET) as NumericColumn).values.slice(96);
    const expected = Math.sqrt(own.reduce((a, p, i) => a + (p.value - truth[i]) ** 2, 0) / 12);
    const scored = scoreOnSeriesTail(f, ds, { target: TARGET }, 12);
    expect(scored.points).toBe(12);
    expect(scored.rmse).toBeCloseTo(expected, 9);
    f.dispose();
  });

  it('scores an older model after the newer history: it sees the same points as a newer one', async () => {
    const ds = airpassengers('train');
    // Trained on 60 months only: forecastAfter must start from month 96, not from month 60.
    const old = await runForecastTrial(withoutSeriesTail(ds, { target: TARGET }, 48), { family: 'seasonal_naive', params: {}, target: TARGET, horizon: 12, seed: 1 });
    if (old.status !== 'complete') throw new Error(old.reason);
    const f = await loadForecaster(old.envelope);
    const values = (ds.columns.find((c) => c.name === TARGET) as NumericColumn).values;
    // Seasonal naive after month 96 repeats months 85..96.
    let se = 0;
    for (let h = 0; h < 12; h++) se += (values[96 + h] - values[84 + h]) ** 2;
    expect(scoreOnSeriesTail(f, ds, { target: TARGET }, 12).rmse).toBeCloseTo(Math.sqrt(se / 12), 9);
    f.dispose();
  });

  it('refuses a series the model never saw', async () => {
    const ds = groupedShuffled();
    const onlyA = datasetFromCsv(['date,series,y', ...trainCsvText().trim().split('\n').slice(1).map((l) => `${l.split(',')[0]},a,${l.split(',')[1]}`)].join('\n'), { date: 'datetime', series: 'categorical' });
    const out = await runForecastTrial(onlyA, { family: 'drift', params: {}, target: 'y', groupColumn: 'series', horizon: 12, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const f = await loadForecaster(out.envelope);
    expect(() => scoreOnSeriesTail(f, ds, { target: 'y', groupColumn: 'series' }, 12)).toThrow(/never seen the series "b"/);
    // Told apart beforehand, the known series alone are scored, as if the new one were not in the data.
    const columns = { target: 'y', groupColumn: 'series' };
    expect(seriesKnownTo(f, ds, columns)).toEqual({ known: ['a'], unknown: ['b'] });
    const onA = scoreOnSeriesTail(f, ds, columns, 12, new Set(['a']));
    expect(onA.points).toBe(12);
    expect(onA.rmse).toBe(scoreOnSeriesTail(f, onlyA, columns, 12).rmse);
    expect(() => scoreOnSeriesTail(f, ds, columns, 12, new Set(['b']))).toThrow(/never seen the series "b"/);
    f.dispose();
  });
});

describe('stateAtLatest', () => {
  it('keeps the fitted model but forecasts from the end of the whole series', async () => {
    const ds = airpassengers('train');
    const out = await runForecastTrial(withoutSeriesTail(ds, { target: TARGET }, 12), { family: 'linear', params: { transform: 'log', lags: 12, differencing: 'first', calendar: true, seasonal_lags: 0, rolling_window: 0 }, target: TARGET, horizon: 12, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const latest = stateAtLatest(out.envelope, ds, { target: TARGET });
    expect(latest.model).toEqual(out.envelope.model);
    expect(latest.groups[0].count).toBe(108);
    expect(latest.groups[0].scale).toBe(out.envelope.groups[0].scale);
    const moved = await loadForecaster(latest);
    const fitted = await loadForecaster(out.envelope);
    const values = (ds.columns.find((c) => c.name === TARGET) as NumericColumn).values;
    const times = (ds.columns.find((c) => c.name === 'date') as NumericColumn).values;
    const points = moved.forecast(12);
    // The first forecast month follows the last training month (1957-12), not the cut (1956-12).
    expect(points[0].time).toMatch(/^1958-01/);
    const after = fitted.forecastAfter({ values: Float64Array.from(values), times: Float64Array.from(times) }, 12);
    points.forEach((p, i) => expect(p.value).toBeCloseTo(after[i], 9));
    moved.dispose();
    fitted.dispose();
  });
});

