/**
 * Intervals at any level and forecast quantiles (engine/forecast/normal-quantile, ./intervals,
 * ./forecast-point): the inverse normal CDF against published values, symmetric and increasing; the five
 * table levels keep their z exactly; quantiles are ordered, centred on the value, floored like the bounds
 * and equal to the bounds at a level's tails, on the model's own series and on a group a rule forecasts.
 */
import { describe, expect, it } from 'vitest';
import { loadForecaster, parseForecastEnvelope, runForecastTrial } from '../../src/engine/forecast';
import { forecastPoint } from '../../src/engine/forecast/forecast-point';
import { MAX_LEVEL, quantileZs, spreadAt, zForLevel } from '../../src/engine/forecast/intervals';
import { normalQuantile } from '../../src/engine/forecast/normal-quantile';
import { datasetFromCsv, trainCsvText } from './forecast-fixtures';

/** The error thrown by `f`, for asserting its code, message and details. */
function thrown(f: () => unknown): { code?: string; message: string; details?: Record<string, unknown> } {
  try {
    f();
  } catch (err) {
    return err as { code?: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a throw');
}

describe('the inverse normal CDF', () => {
  it('gives the published quantiles to about double precision', () => {
    // Reference values of the standard normal quantile (to 16 significant digits).
    const known: [number, number][] = [
      [0.75, 0.6744897501960817],
      [0.9, 1.2815515655446004],
      [0.925, 1.4395314709384563],
      [0.95, 1.6448536269514722],
      [0.975, 1.959963984540054],
      [0.995, 2.5758293035489004],
      [0.9975, 2.807033768343811],
      [0.001, -3.090232306167813],
      [0.02425, -1.972961051311885],
      [0.3, -0.5244005127080409],
      [1e-10, -6.361340902404056],
    ];
    for (const [p, z] of known) expect(Math.abs(normalQuantile(p) - z), `p = ${p}`).toBeLessThan(1e-13 * Math.max(1, Math.abs(z)));
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });

  it('is symmetric and strictly increasing', () => {
    let previous = -Infinity;
    for (let i = 1; i < 10_000; i++) {
      const p = i / 10_000;
      const z = normalQuantile(p);
      expect(z).toBeGreaterThan(previous);
      previous = z;
      if (p > 0.5) expect(normalQuantile(1 - p)).toBe(-z);
    }
  });
});

describe('interval levels', () => {
  it('keeps the five table levels exactly, and computes any other from 0.5 to 0.995', () => {
    expect([0.5, 0.8, 0.9, 0.95, 0.99].map(zForLevel)).toEqual([0.6745, 1.2816, 1.6449, 1.96, 2.5758]);
    expect(zForLevel(0.85)).toBeCloseTo(1.4395314709, 9);
    expect(zForLevel(0.975)).toBeCloseTo(2.241402727604947, 9);
    expect(zForLevel(MAX_LEVEL)).toBeCloseTo(2.807033768343811, 9);
    // Never decreasing in the level, the rounded table values included (nested intervals).
    let previous = 0;
    for (let l = 0.5; l <= 0.995; l += 0.0001) {
      const z = zForLevel(l);
      expect(z, `level ${l}`).toBeGreaterThanOrEqual(previous);
      previous = z;
    }
    expect(zForLevel(0.99 - 1e-9)).toBeLessThanOrEqual(2.5758);
    expect(zForLevel(0.8 + 1e-9)).toBeGreaterThanOrEqual(1.2816);
  });

  it('refuses levels outside the range, naming the field and the range', () => {
    for (const level of [0.3, 0.4999, 0.996, 1, Number.NaN]) {
      const err = thrown(() => zForLevel(level));
      expect(err.code).toBe('invalid_input');
      expect(err.details).toMatchObject({ field: 'level', min: 0.5, max: 0.995 });
      expect(err.message).toContain('level must be a number from 0.5 to 0.995');
    }
  });
});

describe('forecast quantiles', () => {
  it('sorts and de-duplicates them, keyed by their shortest decimal text, and refuses bad ones', () => {
    const zs = quantileZs([0.9, 0.1, 0.5, 0.1, 0.025]);
    expect(zs.map((q) => q.key)).toEqual(['0.025', '0.1', '0.5', '0.9']);
    // At a table level's tails, exactly minus or plus its z.
    expect(zs.map((q) => q.z)).toEqual([-1.96, -1.2816, 0, 1.2816]);
    expect(thrown(() => quantileZs([0.5, 0.001])).details).toMatchObject({ field: 'quantiles', index: 1 });
    expect(thrown(() => quantileZs([1])).message).toBe('quantiles[0] must be a number from 0.005 to 0.995; got 1');
    const many = Array.from({ length: 21 }, (_, i) => 0.01 + i * 0.04);
    expect(thrown(() => quantileZs(many))).toMatchObject({ message: 'quantiles may hold at most 20 distinct values; got 21', details: { field: 'quantiles' } });
    expect(quantileZs([...many.slice(0, 20), many[0]])).toHaveLength(20);
  });

  it("are exactly minus or plus a level's z at its tails, at any level (as a client writes them: 0.075 and 0.925 at 0.85)", () => {
    // Up to 0.99: the tails of higher levels are below the least quantile offered (0.005).
    for (let k = 500; k <= 990; k++) {
      const level = k / 1000;
      const tails = [(1000 - k) / 2000, (1000 + k) / 2000];
      expect(quantileZs(tails).map((q) => q.z), `level ${level}`).toEqual([-zForLevel(level), zForLevel(level)]);
    }
  });

  it('are value + z(q) * spread, ordered, equal to the bounds at the level\'s tails, and floored like them', () => {
    const qs = [0.005, 0.05, 0.1, 0.25, 0.5, 0.6, 0.75, 0.9, 0.95, 0.995];
    const zs = { z: zForLevel(0.8), quantiles: quantileZs(qs) };
    const free = forecastPoint('t', 100, 3, 2.5, zs, undefined, 1, false);
    const q = free.quantiles!;
    expect(Object.keys(q)).toEqual(qs.map(String));
    expect(q['0.5']).toBe(free.value);
    expect(q['0.1']).toBe(free.lower);
    expect(q['0.9']).toBe(free.upper);
    expect(q['0.6']).toBeCloseTo(100 + 0.2533471031357997 * 7.5, 9);
    const values = Object.values(q);
    values.slice(1).forEach((v, i) => expect(v).toBeGreaterThan(values[i]));
    // Without quantiles asked for, the point has none.
    expect(forecastPoint('t', 100, 3, 2.5, { z: 1.2816 }, undefined, 1, false)).toEqual({ time: 't', value: 100, lower: 100 - 1.2816 * 3 * 2.5, upper: 100 + 1.2816 * 3 * 2.5 });

    // Floored at 0: the value near 0, its low quantiles cut at the floor as the lower bound is.
    const floored = forecastPoint('t', 3, 3, 1, zs, 0, 1, false);
    const fq = floored.quantiles!;
    expect(fq['0.5']).toBe(3);
    expect(fq['0.1']).toBe(floored.lower);
    expect(fq['0.1']).toBe(0);
    expect(fq['0.005']).toBe(0);
    expect(fq['0.25']).toBeCloseTo(3 - 0.6745 * 3, 12);
    expect(fq['0.9']).toBe(floored.upper);
    // A point forecast below the floor: raised to it, and every quantile at least that.
    const below = forecastPoint('t', -5, 1, 1, zs, 0, 1, false);
    expect(below.value).toBe(0);
    expect(Math.min(...Object.values(below.quantiles!))).toBe(0);
    expect(below.quantiles!['0.5']).toBe(0);
  });

  it('come with the model\'s forecasts and a short group\'s rule, leaving the intervals as they were', async () => {
    const body = trainCsvText().trim().split('\n').slice(1);
    const month = (l: string) => l.split(',')[0];
    // airpassengers as group "a"; "low" is 11 months near 0 (too short to validate on: a rule forecasts it).
    const rows = ['date,series,y', ...body.map((l) => `${month(l)},a,${l.split(',')[1]}`), ...body.slice(-11).map((l, i) => `${month(l)},low,${i % 2 === 0 ? 1 : 9}`)];
    const ds = datasetFromCsv(rows.join('\n'), { date: 'datetime', series: 'categorical' });
    const out = await runForecastTrial(ds, { family: 'seasonal_naive', params: {}, target: 'y', groupColumn: 'series', minLength: 21, horizon: 12, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const envelope = parseForecastEnvelope(JSON.parse(JSON.stringify(out.envelope)));
    expect(envelope.floor).toBe(0);
    const f = await loadForecaster(envelope);
    const spread = Float64Array.from(envelope.stepSpread);
    const scale = envelope.groups.find((g) => g.group === 'a')!.scale;

    const plain = f.forecast(18, { group: 'a', level: 0.95 });
    // The table level's bounds are z * spread * scale from the value, to the bit, and no quantiles are added.
    plain.forEach((p, i) => {
      expect(p.upper).toBe(p.value + 1.96 * spreadAt(spread, i + 1) * scale);
      expect(p.quantiles).toBeUndefined();
    });
    const asked = f.forecast(18, { group: 'a', level: 0.95, quantiles: [0.975, 0.5, 0.025, 0.1] });
    asked.forEach((p, i) => {
      expect({ ...p, quantiles: undefined }).toEqual({ ...plain[i], quantiles: undefined });
      expect(Object.keys(p.quantiles!)).toEqual(['0.025', '0.1', '0.5', '0.975']);
      expect(p.quantiles!['0.025']).toBe(p.lower);
      expect(p.quantiles!['0.975']).toBe(p.upper);
      expect(p.quantiles!['0.5']).toBe(p.value);
      expect(p.quantiles!['0.1']).toBeGreaterThan(p.lower);
    });
    // 0.85 lies between 0.8 and 0.9 at every step.
    const [w80, w85, w90] = [0.8, 0.85, 0.9].map((level) => f.forecast(18, { group: 'a', level }).map((p) => p.upper - p.lower));
    w85.forEach((w, i) => {
      expect(w).toBeGreaterThan(w80[i]);
      expect(w).toBeLessThan(w90[i]);
      expect(w / w80[i]).toBeCloseTo(1.4395314709 / 1.2816, 9);
    });

    // The rule's forecast of "low" (last value 9, step-to-step errors of 8): its low quantiles meet the floor.
    expect(f.fallback('low')?.rule).toBe('last_value');
    const low = f.forecast(6, { group: 'low', level: 0.8, quantiles: [0.05, 0.1, 0.5, 0.9] });
    for (const p of low) {
      const q = p.quantiles!;
      expect(q['0.5']).toBe(p.value);
      expect(q['0.1']).toBe(p.lower);
      expect(q['0.9']).toBe(p.upper);
      expect(q['0.05']).toBeLessThanOrEqual(q['0.1']);
      expect(q['0.05']).toBeGreaterThanOrEqual(0);
    }
    expect(low.at(-1)!.quantiles!['0.05']).toBe(0);
    expect(() => f.forecast(6, { group: 'a', quantiles: [0.5, 0.999] })).toThrow(/quantiles\[1\] must be a number from 0.005 to 0.995/);
    f.dispose();
  });
});
