/**
 * Each series' own interval width in a grouped forecast (engine/forecast/group-spread). The spread is
 * measured in units of each series' scale and was pooled: a store selling 10,000 a day give or take 10,
 * beside one selling 20 give or take 5, had intervals a hundred times its errors, and the small store's
 * were too narrow. Checked on each series' own continuation, held out from training.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { Rng } from '../../src/engine/core/rng';
import { groupSpreadFactors } from '../../src/engine/forecast/group-spread';
import { buildForecastBlendEnvelope, forecastOriginTruth, loadForecaster, runForecastTrial } from '../../src/engine/forecast/index';

const DAY = 86_400_000;
const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * DAY).toISOString().slice(0, 10);
const TRAIN = 150;
const AHEAD = 14;
const stores = [
  { id: 'big', level: 10_000, noise: 10 },
  { id: 'small', level: 20, noise: 5 },
];

/** Each store's days: a weekly pattern proportional to its level plus its own noise. */
function sales(seed: number) {
  const rng = new Rng(seed);
  return stores.map((s) => Array.from({ length: TRAIN + AHEAD }, (_, i) => s.level * (1 + 0.05 * Math.sin((2 * Math.PI * i) / 7)) + s.noise * rng.normal()));
}

describe('grouped forecast intervals', () => {
  it('are as wide as each series errs, not as the series pooled do', async () => {
    let heldBig = 0;
    let heldSmall = 0;
    const widthOver = { big: [] as number[], small: [] as number[] };
    for (const seed of [1, 2, 3]) {
      const values = sales(seed);
      const rows = stores.flatMap((s, k) => values[k].slice(0, TRAIN).map((v, i) => `${day(i)},${s.id},${v.toFixed(3)}`));
      const { dataset } = inferDataset(parseCsv(['date,store,sales', ...rows].join('\n')));
      const out = await runForecastTrial(dataset, { seed, family: 'seasonal_naive', params: {}, target: 'sales', horizon: AHEAD, groupColumn: 'store' });
      if (out.status !== 'complete') throw new Error(out.reason);
      const f = await loadForecaster(out.envelope);
      for (const [k, s] of stores.entries()) {
        const points = f.forecast(AHEAD, { group: s.id });
        points.forEach((p, h) => {
          const truth = values[k][TRAIN + h];
          const held = truth >= p.lower && truth <= p.upper;
          if (s.id === 'big') heldBig += Number(held);
          else heldSmall += Number(held);
          // A seasonal-naive error is the difference of two noisy days: noise · √2; 80% half-width 1.28 times that.
          widthOver[s.id as 'big' | 'small'].push((p.upper - p.lower) / 2 / (1.2816 * s.noise * Math.SQRT2));
        });
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    // Pooled, the big store's half-width was about 150 times its error's and the small store's 0.7.
    expect(median(widthOver.big)).toBeGreaterThan(0.6);
    expect(median(widthOver.big)).toBeLessThan(2);
    expect(median(widthOver.small)).toBeGreaterThan(0.6);
    expect(median(widthOver.small)).toBeLessThan(2);
    // 80% intervals over 3 × 14 held-out days each.
    expect(heldBig / (3 * AHEAD)).toBeGreaterThan(0.6);
    expect(heldSmall / (3 * AHEAD)).toBeGreaterThan(0.6);
  });

  it('is each series own width, never under its own floor at any step, and absent for one series', () => {
    // Pooled mean square 1: the other series √2 of the pooled width; the exact one its floor (0.1) times √h
    // over the spread at the step that asks most: √2 / 0.5 at step 2 → 0.1 · 2.83.
    const spread = Float64Array.of(1, 0.5, 2);
    const f = Array.from(groupSpreadFactors(Float64Array.of(0, 8), Float64Array.of(4, 4), Float64Array.of(0.1, 0.001), spread)!);
    expect(f[0]).toBeCloseTo(0.1 * Math.SQRT2 / 0.5);
    expect(f[1]).toBeCloseTo(Math.SQRT2);
    expect(groupSpreadFactors(Float64Array.of(3), Float64Array.of(4), Float64Array.of(0.01), spread)).toBeUndefined();
    expect(groupSpreadFactors(Float64Array.of(0, 0), Float64Array.of(4, 4), Float64Array.of(0.01, 0.01), spread)).toBeUndefined();
  });

  it('are the blend own in a blended model, measured on its blended forecasts', async () => {
    const values = sales(4);
    const rows = stores.flatMap((s, k) => values[k].slice(0, TRAIN).map((v, i) => `${day(i)},${s.id},${v.toFixed(3)}`));
    const { dataset } = inferDataset(parseCsv(['date,store,sales', ...rows].join('\n')));
    const out = await runForecastTrial(dataset, { seed: 4, family: 'seasonal_naive', params: {}, target: 'sales', horizon: AHEAD, groupColumn: 'store' });
    if (out.status !== 'complete') throw new Error(out.reason);
    const factors = out.envelope.groups.map((g) => g.spreadFactor!);
    expect(factors[0]).toBeLessThan(0.05);
    expect(factors[1]).toBeGreaterThan(1);
    // A member that claims the pooled width: the blend measures each series' share again.
    const pooled = { ...out.envelope, groups: out.envelope.groups.map(({ spreadFactor: _, ...g }) => g) };
    const truth = forecastOriginTruth(dataset, { target: 'sales', groupColumn: 'store', horizon: AHEAD });
    const blend = buildForecastBlendEnvelope([{ envelope: pooled, weight: 1 }], truth, Float64Array.from(out.originForecasts), out.score);
    blend.groups.forEach((g, i) => expect(g.spreadFactor).toBeCloseTo(factors[i], 4));
  });
});
