/**
 * Empty cells of past covariates (engine/forecast/past-covariate-fill) on the simulated shops whose sales
 * follow their web visits nine days later: the newest visits not recorded yet, up to half the horizon
 * per shop, carry the last observed value forward, lose no row and are recorded for the job's warning;
 * no training row or rolling origin reads them, so a trial scores and fits exactly as on complete data,
 * and the held-out week is forecast about as well; short runs inside a series are carried forward too,
 * named by row. Refused, naming column, series and rows: more newest empty cells than half the horizon,
 * any without a horizon, a column empty throughout a series, long or many runs inside; known-future
 * covariates keep refusing every empty cell after a series' start (empty cells before a column's first
 * value start the series later: forecast-covariate-start.test.ts). A model advanced to newer
 * data reads the carried values, no more of them than its own horizon allows.
 */
import { describe, expect, it } from 'vitest';
import {
  advanceEnvelope,
  checkNewestFills,
  extractSeries,
  type ForecastFamily,
  forecastDefaults,
  loadForecaster,
  pastFillWarnings,
  runForecastTrial,
  stateAtLatest,
  withoutSeriesTail,
} from '../../src/engine/forecast';
import { engineError } from './helpers/assertions';
import { DAY, DAYS, type Row, SHOPS, shops, START, table } from './visit-shops';

/** The job's horizon: a week ahead. */
const H = 7;
const COLUMNS = { target: 'sales', groupColumn: 'shop', pastCovariates: ['visits'] };
const shape = { length: DAYS - H, season: 7, groups: SHOPS.length, horizon: H, pastCovariates: true };
const iso = (t: number) => new Date(t).toISOString();
const dayTime = (i: number) => START + i * DAY;
/** The 1-based data row of day `i` of shop `shop` (the rows are shop by shop). */
const rowOf = (shop: string, i: number) => SHOPS.indexOf(shop) * DAYS + i + 1;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Day `i` of a row's shop (0 for START). */
const dayOf = (r: Row) => (Date.parse(r.day) - START) / DAY;

/** The rows with `column` of shop `shop` emptied on days `days` (0 is START). */
function emptied(rows: readonly Row[], shop: string, days: readonly number[], column: 'visits' | 'channel' = 'visits'): Row[] {
  return rows.map((r) => (r.shop === shop && days.includes(dayOf(r)) ? { ...r, [column]: column === 'visits' ? Number.NaN : '' } : r));
}

/** Each shop's first `days` days. */
const firstDays = (rows: readonly Row[], days: number) => rows.filter((r) => dayOf(r) < days);

describe('the newest points of a past covariate, not observed yet', () => {
  it('carry each series\' last observed value forward, up to half the horizon, losing no row, and say so', () => {
    const rows = shops();
    const data = emptied(emptied(emptied(rows, 'b', [DAYS - 2, DAYS - 1]), 'c', [DAYS - 1]), 'b', [DAYS - 1], 'channel');
    const { info, series } = extractSeries(table(data), { ...COLUMNS, pastCovariates: ['visits', 'channel'], horizon: H });
    expect(info.lengths).toEqual({ a: DAYS, b: DAYS, c: DAYS });
    const [, b, c] = series;
    expect(Array.from(b.values)).toEqual(rows.filter((r) => r.shop === 'b').map((r) => r.sales));
    const observed = rows.filter((r) => r.shop === 'b')[DAYS - 3];
    expect(Array.from(b.pastCovariates![0].subarray(DAYS - 3))).toEqual([observed.visits, observed.visits, observed.visits]);
    expect(b.pastCovariates![0][DAYS - 4]).toBe(rows.filter((r) => r.shop === 'b')[DAYS - 4].visits);
    expect(c.pastCovariates![0][DAYS - 1]).toBe(rows.filter((r) => r.shop === 'c')[DAYS - 2].visits);
    // The category one-hot, carried as a whole from the day before.
    const levels = (info.pastCovariates![1] as { levels: readonly string[] }).levels;
    const channelBefore = rows.filter((r) => r.shop === 'b')[DAYS - 2].channel;
    levels.forEach((l, j) => expect(b.pastCovariates![1 + j][DAYS - 1]).toBe(l === channelBefore ? 1 : 0));

    expect(info.pastFilled).toEqual([
      { column: 'visits', group: 'b', at: 'newest', points: 2, from: dayTime(DAYS - 2), to: dayTime(DAYS - 1), rows: [rowOf('b', DAYS - 2), rowOf('b', DAYS - 1)] },
      { column: 'channel', group: 'b', at: 'newest', points: 1, from: dayTime(DAYS - 1), to: dayTime(DAYS - 1), rows: [rowOf('b', DAYS - 1)] },
      { column: 'visits', group: 'c', at: 'newest', points: 1, from: dayTime(DAYS - 1), to: dayTime(DAYS - 1), rows: [rowOf('c', DAYS - 1)] },
    ]);
    const [visits, channel] = pastFillWarnings(info.pastFilled!, H, iso);
    const after = `No training row or validation fold reads them, but the last steps of a forecast do, one per point filled (of its ${H}), in place of observed values, so those steps may be less accurate than the score says: add the values once they are recorded and retrain`;
    expect(visits).toBe(
      `past covariate "visits" is empty at the newest points of 2 series, each filled with its series' last observed value carried forward: "b" 2 points (${iso(dayTime(DAYS - 2))} to ${iso(dayTime(DAYS - 1))}), "c" 1 point (${iso(dayTime(DAYS - 1))}). ${after}`,
    );
    expect(channel).toMatch(/^past covariate "channel" is empty at the newest points of 1 series, .*: "b" 1 point \(2024-08-27T00:00:00\.000Z\)\. No training row/);

    // One series: named by its rows and times alone.
    const one = data.filter((r) => r.shop === 'b').map(({ shop: _, ...r }) => ({ ...r, shop: '' }));
    const single = extractSeries(table(one), { target: 'sales', timeColumn: 'day', pastCovariates: ['visits'], horizon: H });
    expect(pastFillWarnings(single.info.pastFilled!, H, iso)).toEqual([
      `past covariate "visits" is empty at the newest 2 points (${iso(dayTime(DAYS - 2))} to ${iso(dayTime(DAYS - 1))}, data rows ${DAYS - 1} to ${DAYS}), filled with its last observed value carried forward. ${after}`,
    ]);
  });

  it('refuses more of them than half the horizon, or any without one, naming column, series, rows and times', () => {
    const rows = emptied(shops(), 'b', range(DAYS - 4, DAYS));
    const over = engineError(() => extractSeries(table(rows), { ...COLUMNS, horizon: H }));
    expect(over.message).toBe(
      `past covariate column "visits" is empty at the newest 4 points in group "b", at data rows ${rowOf('b', DAYS - 4)} to ${rowOf('b', DAYS - 1)} (${iso(dayTime(DAYS - 4))} to ${iso(dayTime(DAYS - 1))}); ` +
        'with forecast.horizon 7 at most 3 may be (half of it): filled with the last value observed, they are read by no training row or validation fold, but by a forecast\'s last steps, one per point filled, in place of observed values, ' +
        'and at least the first half of a forecast must read observed values only; a forecast.horizon of 8 or more would take them (fill them in, drop those rows, or leave the column out of forecast.past_covariates)',
    );
    expect(over.details).toMatchObject({ field: 'forecast.past_covariates', column: 'visits', group: 'b', rows: range(rowOf('b', DAYS - 4), rowOf('b', DAYS - 1) + 1), horizon: H });
    expect(extractSeries(table(rows), { ...COLUMNS, horizon: 8 }).info.pastFilled).toMatchObject([{ group: 'b', points: 4 }]);
    expect(extractSeries(table(emptied(shops(), 'b', range(DAYS - 3, DAYS))), { ...COLUMNS, horizon: H }).info.pastFilled).toMatchObject([{ group: 'b', points: 3 }]);
    expect(engineError(() => extractSeries(table(emptied(shops(), 'a', [DAYS - 1])), { ...COLUMNS, horizon: 1 })).message).toMatch(/with forecast\.horizon 1 none may be: .*a forecast\.horizon of 2 or more would take them/);

    // A caller that learns the horizon from the series reads them all, then checks: the same refusal.
    const { info } = extractSeries(table(rows), { ...COLUMNS, horizon: Number.POSITIVE_INFINITY });
    expect(engineError(() => checkNewestFills(info.pastFilled!, H, iso)).message).toBe(over.message);
    expect(() => checkNewestFills(info.pastFilled!, 8, iso)).not.toThrow();

    const unknown = engineError(() => extractSeries(table(emptied(shops(), 'a', [DAYS - 1])), COLUMNS));
    expect(unknown.message).toMatch(/^past covariate column "visits" is empty at the newest point in group "a", at data row 240 \(2024-08-27T00:00:00\.000Z\); without a forecast horizon, none may be empty/);

    // Through the trial harness: a failed trial saying why, not a model forecasting half its steps from stand-ins.
    return runForecastTrial(table(rows), { family: 'linear', params: forecastDefaults('linear', shape), ...COLUMNS, horizon: H, seed: 1 }).then((out) => {
      expect(out).toMatchObject({ status: 'failed', code: 'invalid_dataset', reason: over.message });
    });
  });

  // Measured (held-out RMSE over the week after the training days, complete data / newest 2 visits of
  // every shop empty): linear 2.48 / 2.47, gbdt 18.58 / 18.34 (data seeds 2 and 3: linear 3.10 / 3.13,
  // 4.31 / 4.34; gbdt 18.59 / 18.40, 23.61 / 22.74). Without the visits about 26 and 42.
  const cases: readonly [ForecastFamily, number][] = [
    ['linear', 1.1],
    ['gbdt', 1.15],
  ];
  for (const [family, slack] of cases) {
    it(`${family}: trained and scored exactly as on complete data, and the held-out week forecast about as well`, async () => {
      const rows = shops();
      const train = firstDays(rows, DAYS - H);
      const missing = SHOPS.reduce((r, shop) => emptied(r, shop, [DAYS - H - 2, DAYS - H - 1]), train);
      const run = async (data: readonly Row[]) => {
        const out = await runForecastTrial(table(data), { family, params: forecastDefaults(family, shape), ...COLUMNS, horizon: H, seed: 3 });
        if (out.status !== 'complete') throw new Error(out.reason);
        return out;
      };
      const [complete, filled] = [await run(train), await run(missing)];
      // No fold and no training row reads the newest H points: the same score, folds and fitted model.
      expect(filled.score).toBe(complete.score);
      expect(filled.foldScores).toEqual(complete.foldScores);
      expect(filled.envelope.model).toEqual(complete.envelope.model);
      // The published state holds the last observed visits, carried forward, where the complete data had the newest.
      filled.envelope.groups.forEach((g, s) => {
        const own = train.filter((r) => r.shop === SHOPS[s]);
        const visits = g.pastCovariates![0] as number[];
        expect(visits.slice(-3)).toEqual([own[DAYS - H - 3].visits, own[DAYS - H - 3].visits, own[DAYS - H - 3].visits]);
        expect(visits.slice(0, -2)).toEqual((complete.envelope.groups[s].pastCovariates![0] as number[]).slice(0, -2));
      });

      const heldOut = async (envelope: unknown) => {
        const f = await loadForecaster(envelope);
        let se = 0;
        for (const shop of SHOPS) {
          const points = f.forecast(H, { group: shop });
          rows.filter((r) => r.shop === shop).slice(DAYS - H).forEach((r, h) => {
            se += (r.sales - points[h].value) ** 2;
          });
        }
        return Math.sqrt(se / (SHOPS.length * H));
      };
      const [a, b] = [await heldOut(complete.envelope), await heldOut(filled.envelope)];
      // Only the last two steps read a carried value at the nearest lags; the sales follow lag 9, which is observed.
      expect(b).toBeLessThan(a * slack);
      // Far from a model without the visits (an error of about 20 there).
      expect(b).toBeLessThan(family === 'linear' ? 8 : 25);
    });
  }
});

describe('empty cells inside a series, and what stays refused', () => {
  it('carries a short run forward from the value before it, a short gap\'s added timestamp inside it too, and names the rows', () => {
    const rows = shops();
    // Shop b: days 100 to 102 empty; shop a: day 50 empty, and day 51 missing altogether (a gap added by itself).
    const data = emptied(emptied(rows, 'b', [100, 101, 102]), 'a', [50]).filter((r, i) => !(r.shop === 'a' && i === 51));
    const { info, series } = extractSeries(table(data), { ...COLUMNS, horizon: H });
    const own = (shop: string) => rows.filter((r) => r.shop === shop);
    expect(Array.from(series[1].pastCovariates![0].subarray(99, 104))).toEqual([own('b')[99].visits, own('b')[99].visits, own('b')[99].visits, own('b')[99].visits, own('b')[103].visits]);
    expect(Array.from(series[0].pastCovariates![0].subarray(49, 53))).toEqual([own('a')[49].visits, own('a')[49].visits, own('a')[49].visits, own('a')[52].visits]);
    expect(info.pastFilled).toEqual([
      { column: 'visits', group: 'a', at: 'inside', points: 2, from: dayTime(50), to: dayTime(51), rows: [51] },
      { column: 'visits', group: 'b', at: 'inside', points: 3, from: dayTime(100), to: dayTime(102), rows: [rowOf('b', 100) - 1, rowOf('b', 101) - 1, rowOf('b', 102) - 1] },
    ]);
    expect(pastFillWarnings(info.pastFilled!, H, iso)).toEqual([
      `past covariate "visits" is empty at 5 points between observed values ("a" data row 51 (${iso(dayTime(50))} to ${iso(dayTime(51))}), "b" data rows 340 to 342 (${iso(dayTime(100))} to ${iso(dayTime(102))})), each filled with the value observed before it, as a short gap's added timestamp is; the models learn from those values: fill them in and retrain if they are known`,
    ]);
  });

  it('refuses a column empty throughout a series or in too many cells, naming column, series and rows', () => {
    const rows = shops();
    const read = (data: readonly Row[]) => engineError(() => extractSeries(table(data), { ...COLUMNS, horizon: H }));
    const never = read(emptied(rows, 'c', range(0, DAYS)));
    expect(never.message).toBe(`past covariate column "visits" is empty at every point in group "c" (data rows 481 to 720); a past covariate must be observed in every series: fill it in, or leave the column out of forecast.past_covariates`);
    expect(never.details).toMatchObject({ field: 'forecast.past_covariates', column: 'visits', group: 'c', rows: range(481, 501) });
    // Empty before the first value: the series starts after them (forecast-covariate-start.test.ts).
    expect(extractSeries(table(emptied(rows, 'a', [0, 1, 2])), { ...COLUMNS, horizon: H }).info.lengths.a).toBe(DAYS - 3);
    // 25 single days of 240, more than 10%.
    const days = range(0, 25).map((i) => 10 + 5 * i);
    const many = read(emptied(rows, 'b', days));
    expect(many.message).toBe(
      'past covariate column "visits" is empty at 25 of the 240 points in group "b" (data rows 251, 256, 261, 266, 271 and 20 more); short runs between observed values are filled while they come to at most 10% of a series: fill them in, or leave the column out of forecast.past_covariates',
    );
    expect(extractSeries(table(emptied(rows, 'b', days.slice(0, 24))), { ...COLUMNS, horizon: H }).info.pastFilled).toHaveLength(24);
  });

  it('known-future covariates keep refusing every empty cell, the newest too', () => {
    const last = engineError(() => extractSeries(table(emptied(shops(), 'a', [DAYS - 1])), { target: 'sales', groupColumn: 'shop', covariates: ['visits'], horizon: H }));
    expect(last.message).toBe('covariate column "visits" is empty at data row 240; a covariate must be known at every point (fill it in, or leave the column out of forecast.covariates)');
    expect(last.details).toMatchObject({ field: 'forecast.covariates', column: 'visits', row: 240 });
  });
});

describe('a model brought to newer data whose newest visits are not recorded yet', () => {
  it('forecasts from the carried values after advancing or a retraining holdout, no more of them than its own horizon', async () => {
    const rows = shops();
    const train = firstDays(rows, DAYS - H);
    const out = await runForecastTrial(table(train), { family: 'linear', params: forecastDefaults('linear', shape), ...COLUMNS, horizon: H, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const newer = SHOPS.reduce((r, shop) => emptied(r, shop, [DAYS - 2, DAYS - 1]), rows);
    const { envelope, advanced } = advanceEnvelope(out.envelope, table(newer), { ...COLUMNS, horizon: H });
    expect(advanced.map((a) => a.points)).toEqual([H, H, H]);
    envelope.groups.forEach((g, s) => {
      const v = rows.filter((r) => r.shop === SHOPS[s])[DAYS - 3].visits;
      expect((g.pastCovariates![0] as number[]).slice(-3)).toEqual([v, v, v]);
    });
    // The job may forecast further, but the model reads the visits from its own horizon back.
    const far = SHOPS.reduce((r, shop) => emptied(r, shop, range(DAYS - 4, DAYS)), rows);
    expect(engineError(() => advanceEnvelope(out.envelope, table(far), { ...COLUMNS, horizon: 10 })).message).toMatch(/empty at the newest 4 points in group "a", .*with forecast\.horizon 7 at most 3 may be/);

    // A retraining job holds out the newest H points (the empty cells with them) and publishes from the carried values.
    const cut = withoutSeriesTail(table(newer), { ...COLUMNS, horizon: H }, H);
    expect(extractSeries(cut, { ...COLUMNS, horizon: H }).info.pastFilled).toBeUndefined();
    const latest = stateAtLatest(out.envelope, table(newer), { ...COLUMNS, horizon: H });
    expect(latest.groups.map((g) => (g.pastCovariates![0] as number[]).slice(-2))).toEqual(envelope.groups.map((g) => (g.pastCovariates![0] as number[]).slice(-2)));
  });
});
