/**
 * The `ets` forecast family (exponential smoothing) and the Nelder-Mead minimiser that fits its weights:
 * exact series are continued exactly, a damped trend flattens, the fitted weights respect their bounds,
 * grouped series share them, stored models reload to the same forecasts, and what cannot be fitted or
 * loaded is refused by name. On airpassengers its default is judged once on the held-out 36 months.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { minimize } from '../../src/engine/core/nelder-mead';
import { Rng } from '../../src/engine/core/rng';
import { forecastDefaults, forecastSpace, loadForecaster, runForecastTrial } from '../../src/engine/forecast';
import type { Calendar } from '../../src/engine/forecast/calendar';
import { etsWindow, fitEtsForecaster, loadEtsForecaster } from '../../src/engine/forecast/ets-forecaster';
import type { FitSeries } from '../../src/engine/forecast/forecast-model';
import { seriesScale } from '../../src/engine/forecast/target-transform';
import { airpassengers, HORIZON, rmseOf, TARGET, testTruth } from './forecast-fixtures';

const monthly: Calendar = { frequency: { kind: 'months', name: 'monthly', months: 1, monthEnd: false }, season: 12, anchor: 0 };
const ctx = (calendar = monthly) => ({ calendar, rng: new Rng(1), target: 'y' });
const fitSeries = (values: number[]): FitSeries => {
  const v = Float64Array.from(values);
  return { values: v, times: Float64Array.from(values, (_, i) => i), scale: seriesScale(v) };
};
const stateOf = (s: FitSeries, tail = s.values.length) => ({ tail: s.values.slice(s.values.length - tail), lastTime: s.times.at(-1)!, scale: s.scale, first: s.values[0], count: s.values.length });
/** Level 100, slope 0.5 a month, and a fixed yearly pattern: an exact additive-trend, additive-season series. */
const exact = (t: number) => 100 + 0.5 * t + 10 * Math.sin((2 * Math.PI * t) / 12) + (t % 12 === 3 ? 4 : 0);

describe('nelder-mead', () => {
  it('finds the minimum of the Rosenbrock valley', () => {
    const r = minimize((x) => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2, [-1.2, 1], { maxEvaluations: 2000, tolerance: 1e-14 });
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
    expect(r.value).toBeLessThan(1e-6);
  });

  it('treats points the function refuses as infinitely bad', () => {
    // NaN left of 2: the minimum at 3 is still found from a start inside the refused region's edge.
    const r = minimize((x) => (x[0] < 2 ? Number.NaN : (x[0] - 3) ** 2), [2.5], { step: 0.25 });
    expect(r.x[0]).toBeCloseTo(3, 4);
  });
});

describe('ets forecasts', () => {
  it('continues an exact trend and season exactly', async () => {
    const s = fitSeries(Array.from({ length: 96 }, (_, t) => exact(t)));
    const model = await fitEtsForecaster({ transform: 'none', trend: 'additive', seasonal: true }, [s], ctx());
    const out = model.forecast(stateOf(s, model.tailLength), 24);
    out.forEach((v, h) => expect(v).toBeCloseTo(exact(96 + h), 1));
    expect(model.fitInfo.one_step_rmse).toBeLessThan(1e-3);
  });

  it('flattens a damped trend: each step adds phi times the one before', async () => {
    const s = fitSeries(Array.from({ length: 80 }, (_, t) => 50 + 2 * t + Math.sin(t)));
    const model = await fitEtsForecaster({ transform: 'none', trend: 'damped', seasonal: false }, [s], ctx());
    const out = model.forecast(stateOf(s, model.tailLength), 30);
    const phi = model.fitInfo.phi;
    expect(phi).toBeGreaterThanOrEqual(0.8);
    expect(phi).toBeLessThanOrEqual(0.98);
    for (let h = 2; h < 30; h++) expect(out[h] - out[h - 1]).toBeCloseTo(phi * (out[h - 1] - out[h - 2]), 8);
    // Undamped, the same series goes on climbing by the same step.
    const straight = await fitEtsForecaster({ transform: 'none', trend: 'additive', seasonal: false }, [s], ctx());
    const line = straight.forecast(stateOf(s, straight.tailLength), 30);
    expect(line[29] - line[28]).toBeCloseTo(line[1] - line[0], 8);
    expect(line[29]).toBeGreaterThan(out[29]);
  });

  it('keeps its weights within bounds and shares them between the series of a group', async () => {
    const a = fitSeries(Array.from({ length: 72 }, (_, t) => exact(t) * (1 + 0.02 * Math.cos(t * 1.7))));
    const b = fitSeries(Array.from({ length: 60 }, (_, t) => 3 * exact(t + 5)));
    const model = await fitEtsForecaster({ transform: 'log', trend: 'damped', seasonal: true }, [a, b], ctx());
    const { alpha, beta, gamma, window } = model.fitInfo;
    expect(alpha).toBeGreaterThan(0);
    expect(alpha).toBeLessThan(1);
    expect(beta).toBeLessThanOrEqual(alpha);
    expect(gamma).toBeLessThanOrEqual(1 - alpha);
    // The window is the shortest series when that is under the cap.
    expect(window).toBe(60);
    expect(model.tailLength).toBe(60);
    // One model forecasts both series, each at its own level.
    const [fa, fb] = [model.forecast(stateOf(a, 60), 12), model.forecast(stateOf(b, 60), 12)];
    expect(fb[0] / fa[0]).toBeGreaterThan(2);
  });

  it('smooths over at most eight seasons (60 points without one, 400 at most)', () => {
    expect([etsWindow(1), etsWindow(7), etsWindow(12), etsWindow(52), etsWindow(168)]).toEqual([60, 60, 96, 400, 400]);
  });

  it('reloads from its artifact to the same forecasts', async () => {
    const s = fitSeries(Array.from({ length: 100 }, (_, t) => exact(t) + 3 * Math.sin(t * 0.9)));
    const model = await fitEtsForecaster({ transform: 'boxcox', trend: 'additive', seasonal: true }, [s], ctx());
    const back = await loadEtsForecaster(JSON.parse(JSON.stringify(model.toArtifact())), monthly);
    const [x, y] = [model.forecast(stateOf(s, 96), 20), back.forecast(stateOf(s, 96), 20)];
    expect(Array.from(y)).toEqual(Array.from(x));
  });

  it('refuses a series too short to start from, and stored models that could not have been written', async () => {
    const short = fitSeries(Array.from({ length: 20 }, (_, t) => exact(t)));
    const err = await fitEtsForecaster({ transform: 'none', trend: 'none', seasonal: true }, [short], ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toBe('exponential smoothing with a season of 12 needs at least 24 points per series; the shortest has 20');
    // Without the season, 20 points are enough.
    await expect(fitEtsForecaster({ transform: 'none', trend: 'none', seasonal: false }, [short], ctx())).resolves.toBeDefined();
    await expect(fitEtsForecaster({ trend: 'quadratic' }, [short], ctx())).rejects.toThrow('trend must be one of none, additive, damped; got "quadratic"');

    const model = await fitEtsForecaster({ transform: 'none', trend: 'none', seasonal: false }, [short], ctx());
    const good = model.toArtifact() as Record<string, unknown>;
    await expect(loadEtsForecaster({ ...good, version: 9 } as never, monthly)).rejects.toThrow('unknown ets forecast artifact version 9');
    await expect(loadEtsForecaster({ ...good, alpha: 'x' } as never, monthly)).rejects.toThrow(/missing its transform, trend, weights or window/);
    await expect(loadEtsForecaster({ ...good, window: 2 } as never, monthly)).rejects.toThrow('ets forecast artifact has a season of 1 and a window of 2');
  });

  it('searches the structure, not the weights', () => {
    const shape = { length: 108, season: 12, groups: 1, horizon: 12 };
    expect(Object.keys(forecastSpace('ets', shape)).sort()).toEqual(['seasonal', 'transform', 'trend']);
    expect(forecastDefaults('ets', shape)).toEqual({ transform: 'log', trend: 'damped', seasonal: true });
    // No season to search without one, and no log of a series with a zero.
    expect(Object.keys(forecastSpace('ets', { ...shape, season: 1 })).sort()).toEqual(['transform', 'trend']);
    expect(forecastDefaults('ets', { ...shape, positive: false }).transform).toBe('none');
  });

  it('forecasts airpassengers\' held-out months far better than repeating the last year', async () => {
    const out = await runForecastTrial(airpassengers('train'), { family: 'ets', params: forecastDefaults('ets', { length: 108, season: 12, groups: 1, horizon: HORIZON }), target: TARGET, horizon: HORIZON, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const forecaster = await loadForecaster(out.envelope);
    const rmse = rmseOf(forecaster.forecast(HORIZON), testTruth());
    // Seasonal naive scores 73.6 on this split (REFERENCE.md), Holt-Winters 26.7.
    expect(rmse).toBeLessThan(35);
    forecaster.dispose();
  });
});
