/**
 * Groups too short to validate a forecast on (engine/forecast/fallback): the model is trained without
 * them, the envelope keeps their latest points, and they are forecast by seasonal naive when they hold a
 * full season, else by their last value, with intervals from the rule's own errors that are never
 * narrower than the model's at the same step, floored like the model's. A group of one point is refused;
 * a retraining job's published envelope (stateAtLatest) reads them from the whole data; advancing a
 * champion to newer data (advanceEnvelope) moves them on as it moves the model's series.
 */
import { describe, expect, it } from 'vitest';
import { advanceEnvelope, loadForecaster, parseForecastEnvelope, runForecastTrial, stateAtLatest, withoutSeriesTail } from '../../src/engine/forecast';
import { FALLBACK_ENOUGH_ERRORS, fallbackForecast, fallbackSpread } from '../../src/engine/forecast/fallback';
import { spreadAt, zForLevel } from '../../src/engine/forecast/intervals';
import { seriesScale } from '../../src/engine/forecast/target-transform';
import { datasetFromCsv, trainCsvText } from './forecast-fixtures';

const body = trainCsvText().trim().split('\n').slice(1);
const month = (l: string) => l.split(',')[0];
const value = (l: string) => Number(l.split(',')[1]);

/** The 108 airpassengers months as group "a", and each extra group's rows as given (month line, value). */
function grouped(extra: Record<string, readonly (readonly [string, number])[]>) {
  const rows = ['date,series,y', ...body.map((l) => `${month(l)},a,${value(l)}`)];
  for (const [g, points] of Object.entries(extra)) for (const [m, v] of points) rows.push(`${m},${g},${v}`);
  return datasetFromCsv(rows.join('\n'), { date: 'datetime', series: 'categorical' });
}

/** The last `n` months of the series with `f` applied to each value. */
const lastMonths = (n: number, f: (v: number, i: number) => number = (v) => v) => body.slice(-n).map((l, i) => [month(l), f(value(l), i)] as const);

async function trained(ds: ReturnType<typeof grouped>, horizon = 12) {
  const out = await runForecastTrial(ds, { family: 'seasonal_naive', params: {}, target: 'y', groupColumn: 'series', minLength: 21, horizon, seed: 1 });
  if (out.status !== 'complete') throw new Error(out.reason);
  const envelope = parseForecastEnvelope(JSON.parse(JSON.stringify(out.envelope)));
  return { envelope, f: await loadForecaster(envelope) };
}

describe('fallback forecasts of short groups', () => {
  it('repeats the last season of a group that holds one, and the last value of one that does not', async () => {
    const season = lastMonths(15, (v) => v / 2);
    const few = lastMonths(8, (v, i) => 100 + i);
    const { envelope, f } = await trained(grouped({ season, few }));
    expect(envelope.season).toBe(12);
    expect(envelope.skippedGroups).toEqual({ few: 8, season: 15 });
    expect(f.groups).toEqual(['a']);
    // Seasonal naive: step h repeats the point 12 months before it (the last 12 points, then again).
    const s = f.forecast(18, { group: 'season' });
    const last12 = season.slice(-12).map(([, v]) => v);
    expect(s.map((p) => p.value)).toEqual([...last12, ...last12.slice(0, 6)]);
    expect(String(s[0].time).slice(0, 7)).toBe('1958-01');
    expect(f.fallback('season')).toMatchObject({ rule: 'seasonal_naive', points: 15 });
    expect(f.fallback('season')!.reason).toContain('group "season" had 15 points, too few to validate a forecast on');
    // Last value: 8 points hold no season of 12.
    expect(f.forecast(5, { group: 'few' }).map((p) => p.value)).toEqual(Array(5).fill(107));
    expect(f.fallback('few')).toMatchObject({ rule: 'last_value', points: 8 });
    // Its history is its own points.
    expect(f.recent('few').map((p) => p.value)).toEqual(few.map(([, v]) => v));
    expect(String(f.recent('few').at(-1)!.time).slice(0, 7)).toBe('1957-12');
    // Refusals name the groups a rule forecasts beside the model's own; a name only an object inherits is unknown.
    expect(() => f.forecast(3, { group: 'zzz' })).toThrow('unknown group "zzz"; "series" has 1 group ("a") and 2 more forecast by a simple rule ("few", "season")');
    expect(() => f.forecast(3, { group: 'toString' })).toThrow('unknown group "toString"; "series" has 1 group ("a")');
    expect(() => f.forecast(3)).toThrow('the model forecasts one series per "series": name the group (one of "a", "few", "season")');
  });

  it('gives intervals never narrower than the model gives at the same step, wider with few errors to measure', async () => {
    // 11 noisy points (no season of 12): 10 one-step errors, enough to measure its own spread; 3 points: 2 errors, widened.
    const noisy = lastMonths(11, (v, i) => 300 + (i % 2 === 0 ? 40 : -40));
    const flat = lastMonths(3, () => 250);
    const { envelope, f } = await trained(grouped({ noisy, flat }));
    const spread = Float64Array.from(envelope.stepSpread);
    const z = zForLevel(0.8);
    for (const [g, points] of [['noisy', noisy], ['flat', flat]] as const) {
      const values = points.map(([, v]) => v);
      const scale = seriesScale(Float64Array.from(values));
      const out = f.forecast(24, { group: g });
      out.forEach((p, i) => {
        const main = z * spreadAt(spread, i + 1) * scale;
        expect(p.upper - p.value).toBeGreaterThanOrEqual(main * (1 - 1e-12));
        // Symmetric, unless the floor (0) cut the lower bound.
        if (p.lower > 0) expect(p.value - p.lower).toBeCloseTo(p.upper - p.value, 9);
        else expect(p.lower).toBe(0);
      });
    }
    // noisy: the last value's own errors (80 each step) growing as sqrt(h), or the model's where wider.
    const noisyScale = seriesScale(Float64Array.from(noisy.map(([, v]) => v)));
    const own = f.forecast(24, { group: 'noisy' }).map((p) => (p.upper - p.value) / z);
    expect(own).toEqual(own.map((_, i) => expect.closeTo(Math.max(80 * Math.sqrt(i + 1), spreadAt(spread, i + 1) * noisyScale), 6)));
    expect(own[0]).toBeCloseTo(80, 6);
    // flat: no change to measure, so the model's spread at its level, widened by sqrt(8 / 2 errors).
    const flatHalf = f.forecast(1, { group: 'flat' })[0];
    expect((flatHalf.upper - flatHalf.value) / z).toBeCloseTo(Math.sqrt(FALLBACK_ENOUGH_ERRORS / 2) * spreadAt(spread, 1) * 250, 6);
  });

  it('computes the rule and its spread from the points alone', () => {
    const main = Float64Array.from([0.001, 0.001]);
    // A full season of 4 repeated twice, one step off: seasonal naive errors are 0 but 1 (of 4), widened.
    const values = [1, 2, 3, 4, 1, 2, 3, 6];
    expect(Array.from(fallbackForecast(values, 4, 6))).toEqual([1, 2, 3, 6, 1, 2]);
    const s = fallbackSpread(values, 4, 5, main);
    const own = Math.sqrt(4 / 4);
    const widen = Math.sqrt(FALLBACK_ENOUGH_ERRORS / 4);
    // Steps 1-4 are one season ahead, step 5 two.
    expect(Array.from(s)).toEqual([1, 2, 3, 4, 5].map((h) => expect.closeTo(widen * own * Math.sqrt(Math.floor((h - 1) / 4) + 1), 9)));
    // Under a season: the last value, its spread from step-to-step changes.
    expect(Array.from(fallbackForecast([5, 7], 12, 3))).toEqual([7, 7, 7]);
  });

  it('floors a never-negative target, and refuses a group of one point', async () => {
    // A short group plunging towards 0: the interval would reach below 0 without the floor.
    const plunge = lastMonths(6, (_, i) => [90, 10, 80, 5, 60, 2][i]);
    const one = lastMonths(1);
    const { envelope, f } = await trained(grouped({ plunge, one }));
    expect(envelope.floor).toBe(0);
    const out = f.forecast(6, { group: 'plunge' });
    expect(out.map((p) => p.value)).toEqual(Array(6).fill(2));
    for (const p of out) expect(p.lower).toBe(0);
    expect(out[5].upper).toBeGreaterThan(50);
    expect(() => f.forecast(3, { group: 'one' })).toThrow('group "one" had 1 point, too few to validate a forecast on or to forecast by a simple rule (at least 2 are needed), so this model was trained without it');
    expect(f.fallback('one')).toBeUndefined();
    // A negative value in a short group makes the target signed: nothing is floored.
    const signed = await trained(grouped({ plunge: lastMonths(6, (_, i) => [90, 10, 80, 5, 60, -2][i]) }));
    expect(signed.envelope.floor).toBeUndefined();
    expect(signed.f.forecast(2, { group: 'plunge' })[0].lower).toBeLessThan(0);
  });

  it('reads the short groups from the whole data when a retraining job publishes (stateAtLatest)', async () => {
    const ds = grouped({ tiny: lastMonths(10, (v) => v + 1) });
    const columns = { target: 'y', groupColumn: 'series', minLength: 21, horizon: 6 };
    // The search sees every series without its last 4 points, and no short group at all.
    const cut = withoutSeriesTail(ds, columns, 4);
    const out = await runForecastTrial(cut, { family: 'seasonal_naive', params: {}, ...columns, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    expect(out.envelope.fallbackGroups).toBeUndefined();
    const published = parseForecastEnvelope(JSON.parse(JSON.stringify(stateAtLatest(out.envelope, ds, columns))));
    expect(published.skippedGroups).toEqual({ tiny: 10 });
    const f = await loadForecaster(published);
    expect(f.forecast(3, { group: 'tiny' }).map((p) => p.value)).toEqual(Array(3).fill(value(body.at(-1)!) + 1));
    expect(f.fallback('tiny')).toMatchObject({ rule: 'last_value', points: 10 });
  });
});

describe('advancing the fallback groups of a champion to newer data', () => {
  /** "a": airpassengers' first `a` months; "tiny": months `from` to `to` (exclusive) of it, plus 7 (unless `alter` changes a value). */
  function data(a: number, from: number, to: number, alter: (i: number, v: number) => number = (_, v) => v) {
    const rows = ['date,series,y', ...body.slice(0, a).map((l) => `${month(l)},a,${value(l)}`)];
    for (let i = from; i < to; i++) rows.push(`${month(body[i])},tiny,${alter(i, value(body[i]) + 7)}`);
    return datasetFromCsv(rows.join('\n'), { date: 'datetime', series: 'categorical' });
  }
  const tinyValues = (from: number, to: number) => body.slice(from, to).map((l) => value(l) + 7);
  const COLUMNS = { target: 'y', groupColumn: 'series', minLength: 21, horizon: 12 };

  it('moves a group a rule forecasts to its newest points, choosing its rule again, and leaves one gone or replaced as it was', async () => {
    // Fitted on 1949-1956: "tiny" is its 10 months to 1956-12, under a season of 12: last value.
    const { envelope, f: before } = await trained(data(96, 86, 96));
    expect(before.fallback('tiny')).toMatchObject({ rule: 'last_value', points: 10 });
    expect(String(before.forecast(1, { group: 'tiny' })[0].time).slice(0, 7)).toBe('1957-01');

    // The newer data hold 10 more months of it (20 points, still too short to validate on): a full season now.
    const out = advanceEnvelope(envelope, data(108, 86, 106), COLUMNS);
    expect(out.fallbackAdvanced).toEqual([{ group: 'tiny', from: Date.UTC(1956, 11, 1), to: Date.UTC(1957, 9, 1), points: 10 }]);
    expect(out.fallbackLeft).toEqual([]);
    expect(out.advanced.map((a) => a.group)).toEqual(['a']);
    const after = await loadForecaster(parseForecastEnvelope(JSON.parse(JSON.stringify(out.envelope))));
    expect(after.groups).toEqual(['a']);
    expect(after.fallback('tiny')).toMatchObject({ rule: 'seasonal_naive', points: 20 });
    expect(after.fallback('tiny')!.reason).toContain('group "tiny" had 10 points when the model was trained, too few to validate a forecast on, so the model was trained without it; advanced to newer data, it now has 20, and it is forecast by the rule seasonal_naive');
    const newest = tinyValues(86, 106);
    expect(after.recent('tiny').map((p) => p.value)).toEqual(newest);
    const forecast = after.forecast(14, { group: 'tiny' });
    expect(String(forecast[0].time).slice(0, 7)).toBe('1957-11');
    expect(forecast.map((p) => p.value)).toEqual([...newest.slice(-12), ...newest.slice(-12, -10)]);
    expect(after.description.fallbackGroups).toEqual([{ group: 'tiny', rule: 'seasonal_naive', points: 20 }]);

    // Replaced: its value of 1956-10 (a stored point) differs in the newer data; gone: not in them at all.
    const replaced = advanceEnvelope(envelope, data(108, 86, 106, (i, v) => (i === 93 ? v + 1 : v)), COLUMNS);
    expect(replaced.fallbackAdvanced).toEqual([]);
    expect(replaced.fallbackLeft).toEqual([{ group: 'tiny', reason: expect.stringMatching(/^its value at 1956-10-01T00:00:00.000Z is \d+ in the new data but \d+ in the model: the data were replaced or corrected/) }]);
    expect(replaced.envelope.fallbackGroups![0]).toBe(envelope.fallbackGroups![0]);
    const kept = await loadForecaster(replaced.envelope);
    expect(kept.forecast(3, { group: 'tiny' }).map((p) => p.value)).toEqual(before.forecast(3, { group: 'tiny' }).map((p) => p.value));
    expect(kept.fallback('tiny')).toEqual(before.fallback('tiny'));
    const gone = advanceEnvelope(envelope, data(108, 0, 0), COLUMNS);
    expect(gone.fallbackLeft).toEqual([{ group: 'tiny', reason: 'it is not in the new data' }]);
    expect(gone.envelope.fallbackGroups).toBe(envelope.fallbackGroups);
  });

  it('keeps a group that grew long enough to validate on a group the rule forecasts, from its newest points', async () => {
    const { envelope } = await trained(data(96, 86, 96));
    // 22 points: a retraining job then reads it as a series (no group is short), but the model was never fitted on it.
    const out = advanceEnvelope(envelope, data(108, 86, 108), { target: 'y', groupColumn: 'series', horizon: 12 });
    expect(out.fallbackAdvanced).toEqual([{ group: 'tiny', from: Date.UTC(1956, 11, 1), to: Date.UTC(1957, 11, 1), points: 12 }]);
    expect(out.envelope.groups.map((g) => g.group)).toEqual(['a']);
    const f = await loadForecaster(out.envelope);
    expect(f.groups).toEqual(['a']);
    expect(f.fallback('tiny')).toMatchObject({ rule: 'seasonal_naive', points: 22 });
    expect(f.recent('tiny').map((p) => p.value)).toEqual(tinyValues(86, 108));
    expect(f.forecast(2, { group: 'tiny' }).map((p) => p.value)).toEqual(tinyValues(96, 98));
    // The model's own series moved on alike, from its newest point.
    expect(String(f.forecast(1, { group: 'a' })[0].time).slice(0, 7)).toBe('1958-01');
  });
});
