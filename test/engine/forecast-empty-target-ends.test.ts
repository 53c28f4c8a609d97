/**
 * Rows without a target at either end of a series (future rows holding a planned calendar, rows listed
 * before a product's launch) are left out before anything reads the series: its length against the
 * shortest a job takes, where its covariates start, a short group's rule forecast. Read first, they made a
 * short group modelled or refused, started a short group's forecast a week late from invented points,
 * refused a calendar's empty future cell, and (leading) filled a flat history the series never had
 * (forecast audit).
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { extractSeries, loadForecaster, runForecastTrial } from '../../src/engine/forecast/index';
import { resolveForecast } from '../../src/worker/job-inputs';

const DAY = 86_400_000;
const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * DAY).toISOString().slice(0, 10);
const table = (lines: readonly string[]) => inferDataset(parseCsv(lines.join('\n'))).dataset;

/** An "old" shop of 100 days and a "new" one of its last `newDays`, with `future` empty-target days each after them. */
function shops(newDays: number, future: number): string[] {
  const rows = ['date,shop,sales'];
  for (let i = 0; i < 100; i++) rows.push(`${day(i)},old,${100 + (i % 7) * 3}`);
  for (let i = 100 - newDays; i < 100; i++) rows.push(`${day(i)},new,${50 + (i % 7) * 2}`);
  for (let i = 100; i < 100 + future; i++) rows.push(`${day(i)},old,`, `${day(i)},new,`);
  return rows;
}

describe('rows without a target at the ends of a series', () => {
  it('leave a short group short, forecast by its rule from its last value, as without them', async () => {
    const plain = resolveForecast(table(shops(15, 0)), 'sales', { group_column: 'shop' });
    const withFuture = resolveForecast(table(shops(15, 7)), 'sales', { group_column: 'shop' });
    expect(withFuture.skipped).toEqual(plain.skipped);
    expect(withFuture.skipped).toEqual({ new: 15 });
    expect(withFuture.fallback).toEqual({ new: 'seasonal_naive' });
    expect(withFuture.trailingMissing).toEqual({ new: 7, old: 7 });

    const forecastOf = async (lines: string[]) => {
      const out = await runForecastTrial(table(lines), { seed: 1, family: 'seasonal_naive', params: {}, target: 'sales', horizon: 7, groupColumn: 'shop', minLength: 21 });
      if (out.status !== 'complete') throw new Error(out.reason);
      return (await loadForecaster(out.envelope)).forecast(3, { group: 'new' });
    };
    const short = await forecastOf(shops(10, 7));
    expect(short).toEqual(await forecastOf(shops(10, 0)));
    expect(short[0].time).toBe('2024-04-10T00:00:00.000Z');
  });

  it('accept a planned calendar whose later future cells are still empty', () => {
    const rows = ['date,promo,sales', ...Array.from({ length: 60 }, (_, i) => `${day(i)},${i % 5 === 0 ? 1 : 0},${100 + (i % 7) * 3}`), ...Array.from({ length: 14 }, (_, i) => `${day(60 + i)},${i < 7 ? 0 : ''},`)];
    const { info } = extractSeries(table(rows), { target: 'sales', covariates: ['promo'] });
    expect(info.lengths).toEqual({ '': 60 });
    expect(info.trailingMissing).toEqual({ '': 14 });
  });

  it('start a series at its first value: rows listed before it are left out, not filled with it', async () => {
    const rows = ['date,sales', ...Array.from({ length: 100 }, (_, i) => `${day(i)},${i < 70 ? '' : 50 + 5 * (i - 70)}`)];
    const { info } = extractSeries(table(rows), { target: 'sales' });
    expect(info.lengths).toEqual({ '': 30 });
    expect(info.leadingMissing).toEqual({ '': 70 });
    expect(info.interpolated).toEqual({ '': 0 });
    const out = await runForecastTrial(table(rows), { seed: 1, family: 'drift', params: {}, target: 'sales', horizon: 3 });
    if (out.status !== 'complete') throw new Error(out.reason);
    expect((await loadForecaster(out.envelope)).forecast(3).map((p) => Math.round(p.value * 10) / 10)).toEqual([200, 205, 210]);
  });
});
