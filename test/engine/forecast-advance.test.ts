/**
 * Advancing a fitted forecaster to newer data (engine/forecast/advance-envelope): the fitted parameters,
 * scales and spreads stay, and each series forecasts after its newest point exactly as the same model
 * forecasts after the whole newer history (forecastAfter), for a lag-feature model, ets (whose level,
 * trend and season run on over the new points), a blend and the baselines, with covariates and past
 * covariates too. Data that do not continue a series (replaced values, a series cut short, nothing new)
 * leave it as it was, saying why; a series the model never saw stays unknown to it; data of other columns
 * are refused.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  advanceEnvelope,
  buildForecastBlendEnvelope,
  type ForecastEnvelope,
  type ForecastFamily,
  forecastDefaults,
  forecastOriginTruth,
  extractSeries,
  loadForecaster,
  runForecastTrial,
  type SeriesColumns,
  type SeriesHistory,
  stateAtLatest,
  withoutSeriesTail,
} from '../../src/engine/forecast';
import type { Dataset } from '../../src/engine/data/dataset';
import type { Params } from '../../src/engine/search/space';
import { airpassengers, datasetFromCsv, TARGET, trainCsvText } from './forecast-fixtures';
import { engineError } from './helpers/assertions';

const H = 12;
const AIR: SeriesColumns = { target: TARGET };
const shape = { length: 96, season: 12, groups: 1, horizon: H };
const full = airpassengers('train');
/** The model's data: every month but the newest year (1949 to 1956); the newer data add 1957. */
const older = withoutSeriesTail(full, AIR, H);

async function fitted(ds: Dataset, family: ForecastFamily, columns: SeriesColumns = AIR, params: Params = forecastDefaults(family, shape)): Promise<{ envelope: ForecastEnvelope; predictions: Float32Array; score: number }> {
  const out = await runForecastTrial(ds, { family, params, ...columns, horizon: H, seed: 1 });
  if (out.status !== 'complete') throw new Error(`${family}: ${out.reason}`);
  return { envelope: out.envelope, predictions: out.originForecasts, score: out.score };
}

/** Each series of `ds` as a history to forecast after (covariates as read, running on past the target when the data hold future rows). */
function histories(ds: Dataset, columns: SeriesColumns, points?: number): Map<string, SeriesHistory> {
  const { info, series } = extractSeries(ds, columns);
  return new Map(
    series.map((s) => {
      const n = points ?? s.values.length;
      const covariates = info.covariates && s.covariates ? { covariates: { specs: info.covariates, columns: s.covariates } } : {};
      const past = info.pastCovariates && s.pastCovariates ? { pastCovariates: { specs: info.pastCovariates, columns: s.pastCovariates } } : {};
      return [s.group, { values: s.values.subarray(0, n), times: s.times.subarray(0, n), ...covariates, ...past }];
    }),
  );
}

/**
 * The advanced envelope forecasts what the unadvanced one forecasts after the whole newer history (the
 * same fitted model given the new tail), starting the step after the newest point; the model, scales and
 * spreads are untouched. Returns the advanced envelope.
 */
async function expectAdvancedLikeNewHistory(envelope: ForecastEnvelope): Promise<ForecastEnvelope> {
  const { envelope: advanced, advanced: moved, left } = advanceEnvelope(envelope, full, AIR);
  expect(left).toEqual([]);
  expect(moved).toEqual([{ group: '', from: Date.UTC(1956, 11, 1), to: Date.UTC(1957, 11, 1), points: H }]);
  expect(advanced.model).toEqual(envelope.model);
  expect(advanced.stepSpread).toEqual(envelope.stepSpread);
  expect(advanced.groups[0].scale).toBe(envelope.groups[0].scale);
  expect(advanced.groups[0].tail.length).toBe(envelope.groups[0].tail.length);
  const [before, after] = await Promise.all([loadForecaster(envelope), loadForecaster(advanced)]);
  const forecast = after.forecast(H);
  expect(forecast[0].time).toBe('1958-01-01T00:00:00.000Z');
  const expected = before.forecastAfter(histories(full, AIR).get('') as SeriesHistory, H);
  forecast.forEach((p, h) => expect(p.value).toBeCloseTo(expected[h], 9));
  // It no longer answers what the unadvanced model answers: those are the months 1957 already observed.
  expect(before.forecast(1)[0].time).toBe('1957-01-01T00:00:00.000Z');
  before.dispose();
  after.dispose();
  return advanced;
}

describe('advancing a forecaster to newer data', () => {
  it('a linear model forecasts after the newest point as it would after the whole newer history', async () => {
    const { envelope } = await fitted(older, 'linear');
    const advanced = await expectAdvancedLikeNewHistory(envelope);
    const values = extractSeries(full, AIR).series[0].values;
    expect(advanced.groups[0]).toMatchObject({ count: 108, first: values[0], lastTime: Date.UTC(1957, 11, 1) });
    expect(advanced.groups[0].tail).toEqual(Array.from(values.slice(108 - advanced.groups[0].tail.length)));
    // Newer data that keep only the last 18 months (the model's stored tail reaches further back) advance it
    // the same: the stored points fill in before them, and the series still counts from its first point.
    const lines = trainCsvText().trim().split('\n');
    const recent = datasetFromCsv([lines[0], ...lines.slice(1 + 90)].join('\n'), { date: 'datetime' });
    expect(advanced.groups[0].tail.length).toBeGreaterThan(18 - H);
    expect(advanceEnvelope(envelope, recent, AIR).envelope).toEqual(advanced);
  });

  it('ets runs its level, trend and season on over the new points with its fitted weights', async () => {
    const { envelope } = await fitted(older, 'ets', AIR, { transform: 'log', trend: 'damped', seasonal: true });
    const advanced = await expectAdvancedLikeNewHistory(envelope);
    // Its state is the smoothing over its window of the newest points: the tail is that window.
    const window = envelope.model.window as number;
    expect(advanced.groups[0].tail).toEqual(Array.from(extractSeries(full, AIR).series[0].values.slice(108 - window)));
    // Smoothing the newer window with the same weights: the forecast of a model given exactly that state.
    const same = await loadForecaster({ ...envelope, groups: [{ ...envelope.groups[0], tail: advanced.groups[0].tail, lastTime: advanced.groups[0].lastTime, count: 108 }] });
    const after = await loadForecaster(advanced);
    expect(after.forecast(H).map((p) => p.value)).toEqual(same.forecast(H).map((p) => p.value));
  });

  it('seasonal naive repeats the newest season, drift draws its line on to the newest point', async () => {
    const { envelope: naive } = await fitted(older, 'seasonal_naive');
    const advanced = await expectAdvancedLikeNewHistory(naive);
    const values = extractSeries(full, AIR).series[0].values;
    const f = await loadForecaster(advanced);
    expect(f.forecast(H).map((p) => p.value)).toEqual(Array.from(values.slice(96, 108)));
    const { envelope: drift } = await fitted(older, 'drift');
    const line = await loadForecaster(await expectAdvancedLikeNewHistory(drift));
    expect(line.forecast(1)[0].value).toBeCloseTo(values[107] + (values[107] - values[0]) / 107, 9);
  });

  it('a blend advances every member: each forecasts from the newest points', async () => {
    const members = await Promise.all([fitted(older, 'linear'), fitted(older, 'seasonal_naive'), fitted(older, 'ets', AIR, { transform: 'none', trend: 'none', seasonal: true })]);
    const truth = forecastOriginTruth(older, { ...AIR, horizon: H });
    const weights = [0.5, 0.3, 0.2];
    const blended = new Float64Array(truth.actual.length);
    members.forEach((m, i) => m.predictions.forEach((v, k) => (blended[k] += weights[i] * v)));
    const blend = buildForecastBlendEnvelope(members.map((m, i) => ({ envelope: m.envelope, weight: weights[i] })), truth, blended, 1);
    const advanced = await expectAdvancedLikeNewHistory(blend);
    // The mix of each member advanced alone.
    const alone = await Promise.all(members.map(async (m) => (await loadForecaster(advanceEnvelope(m.envelope, full, AIR).envelope)).forecast(H)));
    const mix = (await loadForecaster(advanced)).forecast(H);
    mix.forEach((p, h) => expect(p.value).toBeCloseTo(alone.reduce((a, f, i) => a + weights[i] * f[h].value, 0), 9));
  });

  it('keeps covariates beside the newest points and forecasts with them as after the newer history', async () => {
    const train = readFileSync('examples/store-sales/train.csv', 'utf8');
    const columns: SeriesColumns = { target: 'sales', groupColumn: 'shop', covariates: ['promo', 'holiday'] };
    const shops = (text: string) => datasetFromCsv(text, { date: 'datetime', shop: 'categorical', holiday: 'categorical' });
    const newer = shops(train);
    const { envelope } = await fitted(withoutSeriesTail(newer, columns, 14), 'linear', columns, forecastDefaults('linear', { length: 338, season: 7, groups: 2, horizon: H }));
    const { envelope: advanced, advanced: moved } = advanceEnvelope(envelope, newer, columns);
    expect(moved.map((m) => [m.group, m.points])).toEqual([['north', 14], ['south', 14]]);
    // The same state as read from the whole series (how a retrained challenger's state is taken).
    expect(advanced.groups).toEqual(stateAtLatest(envelope, newer, columns).groups);
    // The next days' promotions and holidays, as a request gives them and as a history running on past its
    // sales (their sales a placeholder the history never reads: rows without one end a series, see series.ts).
    const future = readFileSync('examples/store-sales/future.csv', 'utf8').trim().split('\n').slice(1);
    const ahead = shops(`${train.trim()}\n${future.map((l) => `${l},0`).join('\n')}\n`);
    const f = await loadForecaster(advanced);
    const before = await loadForecaster(envelope);
    for (const shop of ['north', 'south']) {
      const steps = future.map((l) => l.split(',')).filter((c) => c[1] === shop).slice(0, 7).map((c) => ({ promo: Number(c[2]), holiday: c[3] }));
      const history = histories(ahead, columns, extractSeries(newer, columns).info.lengths[shop]).get(shop) as SeriesHistory;
      const forecast = f.forecast(7, { group: shop, covariates: steps });
      expect(forecast[0].time).toBe('2024-12-18T00:00:00.000Z');
      const expected = before.forecastAfter(history, 7, shop);
      forecast.forEach((p, h) => expect(p.value).toBeCloseTo(expected[h], 9));
    }
  });
  it('forecasts held-out months better than the same model left at its training data', async () => {
    // Fitted on 1949-1955, advanced with 1956, scored on 1957, which neither saw. Left where it was, the
    // model forecasts 1956 and 1957 from 1955 and is scored on the second year.
    const months = (n: number) => withoutSeriesTail(full, AIR, 108 - n);
    const truth = extractSeries(full, AIR).series[0].values.slice(96);
    const rmse = (f: { value: number }[]) => Math.sqrt(f.reduce((a, p, h) => a + (p.value - truth[h]) ** 2, 0) / H);
    for (const family of ['seasonal_naive', 'linear', 'ets'] as const) {
      const { envelope } = await fitted(months(84), family, AIR, forecastDefaults(family, { ...shape, length: 84 }));
      const stale = rmse((await loadForecaster(envelope)).forecast(2 * H).slice(H));
      const moved = rmse((await loadForecaster(advanceEnvelope(envelope, months(96), AIR).envelope)).forecast(H));
      // Measured: seasonal naive 86.2 to 41.5, linear 17.5 to 12.5, ets 22.9 to 19.0.
      expect(moved, family).toBeLessThan(0.9 * stale);
    }
  });

  it('keeps the newest observed values of past covariates, which a model reading them forecasts from', async () => {
    // Store sales with the promotion as a past covariate (observed, read at lags of at least the horizon).
    const columns: SeriesColumns = { target: 'sales', groupColumn: 'shop', pastCovariates: ['promo'] };
    const newer = datasetFromCsv(readFileSync('examples/store-sales/train.csv', 'utf8'), { date: 'datetime', shop: 'categorical', holiday: 'categorical' });
    const { envelope } = await fitted(withoutSeriesTail(newer, columns, 14), 'linear', columns, forecastDefaults('linear', { length: 338, season: 7, groups: 2, horizon: H, pastCovariates: true }));
    expect(envelope.pastCovariates).toEqual([{ name: 'promo', kind: 'numeric' }]);
    const { envelope: advanced } = advanceEnvelope(envelope, newer, columns);
    expect(advanced.groups).toEqual(stateAtLatest(envelope, newer, columns).groups);
    const [before, after] = await Promise.all([loadForecaster(envelope), loadForecaster(advanced)]);
    const all = histories(newer, columns);
    for (const shop of ['north', 'south']) {
      const expected = before.forecastAfter(all.get(shop) as SeriesHistory, H, shop);
      after.forecast(H, { group: shop }).forEach((p, h) => expect(p.value).toBeCloseTo(expected[h], 9));
    }
  });
});

describe('what advancing leaves as it was', () => {
  /** Two monthly series: "a" (airpassengers) and "b" (twice its first 100 months), by `series`. */
  function grouped(b: (i: number, y: number) => number | null = (_, y) => 2 * y, extra = ''): Dataset {
    const body = trainCsvText().trim().split('\n').slice(1).map((l) => l.split(','));
    const rows = [...body.map(([d, y]) => `${d},a,${y}`), ...body.slice(0, 100).flatMap(([d, y], i) => (b(i, Number(y)) === null ? [] : [`${d},b,${b(i, Number(y))}`]))];
    return datasetFromCsv(['date,series,y', ...rows].join('\n') + extra, { date: 'datetime', series: 'categorical' });
  }
  const COLUMNS: SeriesColumns = { target: 'y', groupColumn: 'series' };

  it('leaves a series whose values were replaced, one cut short and one with nothing new, saying why; a new series stays unknown', async () => {
    const { envelope } = await fitted(withoutSeriesTail(grouped(), COLUMNS, 6), 'linear', COLUMNS, forecastDefaults('linear', { length: 94, season: 12, groups: 2, horizon: H }));
    // "b" replaced: its month 90 (in the stored tail) differs.
    const replaced = advanceEnvelope(envelope, grouped((i, y) => (i === 90 ? y : 2 * y)), COLUMNS);
    expect(replaced.advanced.map((a) => a.group)).toEqual(['a']);
    expect(replaced.left).toEqual([{ group: 'b', reason: expect.stringMatching(/its value at 1956-07-01T00:00:00.000Z is \d+ in the new data but \d+ in the model: the data were replaced or corrected/) }]);
    expect(replaced.envelope.groups[1]).toBe(envelope.groups[1]);
    expect(replaced.envelope.groups[0].lastTime).toBe(Date.UTC(1957, 11, 1));

    // "b" cut before its stored end: its latest point is gone.
    const cut = advanceEnvelope(envelope, grouped((i, y) => (i < 80 ? 2 * y : null)), COLUMNS);
    expect(cut.left).toEqual([{ group: 'b', reason: 'its latest point, 1956-10-01T00:00:00.000Z, is not in the new data (the new data end at 1955-08-01T00:00:00.000Z), so they do not continue the series the model knows' }]);

    // The model's own data: nothing after either series' latest point, so the envelope is the same.
    const same = advanceEnvelope(envelope, withoutSeriesTail(grouped(), COLUMNS, 6), COLUMNS);
    expect(same.advanced).toEqual([]);
    expect(same.left.map((l) => l.reason)).toEqual(['no point after its latest one, 1957-06-01T00:00:00.000Z', 'no point after its latest one, 1956-10-01T00:00:00.000Z']);
    expect(same.envelope).toBe(envelope);

    // A series new in the data is not learned by advancing: the model still knows a and b only.
    const body = trainCsvText().trim().split('\n').slice(1, 60).map((l) => `\n${l.split(',')[0]},c,${l.split(',')[1]}`).join('');
    const withC = advanceEnvelope(envelope, grouped(undefined, body), COLUMNS);
    expect(withC.envelope.groups.map((g) => g.group)).toEqual(['a', 'b']);
    expect(withC.advanced.map((a) => a.group)).toEqual(['a', 'b']);
  });

  it('leaves a series whose newest points hold a covariate category the model was not trained with', async () => {
    const columns: SeriesColumns = { target: 'y', covariates: ['kind'] };
    const text = (n: number, newKindFrom: number) =>
      ['date,kind,y', ...trainCsvText().trim().split('\n').slice(1, n + 1).map((l, i) => `${l.split(',')[0]},${i >= newKindFrom ? 'clearance' : i % 3 === 0 ? 'discount' : 'none'},${l.split(',')[1]}`)].join('\n');
    const { envelope } = await fitted(datasetFromCsv(text(96, 999), { date: 'datetime', kind: 'categorical' }), 'linear', columns, forecastDefaults('linear', shape));
    const out = advanceEnvelope(envelope, datasetFromCsv(text(108, 100), { date: 'datetime', kind: 'categorical' }), columns);
    expect(out.advanced).toEqual([]);
    expect(out.left[0].reason).toMatch(/covariate "kind" holds "clearance", not one of the categories the model was trained with at its newest points/);
    expect(out.envelope).toBe(envelope);
  });

  // From a read-only audit of forecasting: a champion kept on newer data whose newest points hold a 0
  // read it as the log of the transform's floor (-20.7), and forecast 1138 for a truth of 71.
  it('leaves a series whose newest points hold a zero when the model reads it through a log, and advances one that does not', async () => {
    const lines = trainCsvText().trim().split('\n');
    const zeroAt = 1 + 96 + 9;
    const withZero = datasetFromCsv([lines[0], ...lines.slice(1, 1 + 108).map((l, i) => (1 + i === zeroAt ? `${l.split(',')[0]},0` : l))].join('\n'), { date: 'datetime' });
    const logged = await fitted(older, 'linear', AIR, { ...forecastDefaults('linear', shape), transform: 'log' });
    const out = advanceEnvelope(logged.envelope, withZero, AIR);
    expect(out.advanced).toEqual([]);
    expect(out.left).toEqual([{ group: '', reason: "its newest points hold a zero, which the model's log or Box-Cox transform cannot read; a retraining learns the series without that transform" }]);
    expect(out.envelope).toBe(logged.envelope);
    // A blend with one log member is left too; a model without the transform is advanced.
    const plain = await fitted(older, 'linear', AIR, { ...forecastDefaults('linear', shape), transform: 'none' });
    const truth = forecastOriginTruth(older, { ...AIR, horizon: H });
    const blended = logged.predictions.map((v, k) => 0.5 * v + 0.5 * plain.predictions[k]!);
    const blend = buildForecastBlendEnvelope([{ envelope: logged.envelope, weight: 0.5 }, { envelope: plain.envelope, weight: 0.5 }], truth, Float64Array.from(blended), 1);
    expect(advanceEnvelope(blend, withZero, AIR).advanced).toEqual([]);
    expect(advanceEnvelope(plain.envelope, withZero, AIR).advanced).toHaveLength(1);
  });

  it('refuses data that are not the series the model forecasts, naming what differs', async () => {
    const { envelope } = await fitted(older, 'seasonal_naive');
    const other = datasetFromCsv(trainCsvText().replace(TARGET, 'sales'), { date: 'datetime' });
    expect(engineError(() => advanceEnvelope(envelope, other, { target: 'sales' })).message).toMatch(/the model forecasts the target "passengers_thousands", the data were read with "sales"/);
    const withCovariates = await fitted(datasetFromCsv(`date,kind,y\n${trainCsvText().trim().split('\n').slice(1, 97).map((l, i) => `${l.split(',')[0]},${i % 2 ? 'a' : 'b'},${l.split(',')[1]}`).join('\n')}`, { date: 'datetime', kind: 'categorical' }), 'linear', { target: 'y', covariates: ['kind'] }, forecastDefaults('linear', shape));
    const plain = datasetFromCsv(trainCsvText().replace(TARGET, 'y'), { date: 'datetime' });
    const refused = engineError(() => advanceEnvelope(withCovariates.envelope, plain, { target: 'y' }));
    expect(refused.code).toBe('invalid_input');
    expect(refused.message).toMatch(/forecasts from the covariates "kind", which the data were read without/);
  });
});
