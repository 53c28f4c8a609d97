/**
 * The end-to-end forecast tests' split: a `day,y` series with its last `held` points held out, the shape
 * a job would search it with, the RMSE of a forecast of the held-out points, and one trial's envelope
 * (failing the test with the trial's reason if it fails); and the default linear model against seasonal
 * naive on the held-out points, the comparison every calendar's end-to-end test makes.
 */
import { type ForecastEnvelope, type ForecastFamily, type ForecastShape, forecastDefaults, loadForecaster, runForecastTrial } from '../../../src/engine/forecast';
import type { Params } from '../../../src/engine/search/space';
import { daySeries } from '../forecast-fixtures';

export function heldOutSeries(times: readonly number[], values: readonly number[], held: number, season: number) {
  const train = daySeries(times.slice(0, -held), values.slice(0, -held).map((v) => v.toFixed(3)));
  const truth = values.slice(-held);
  const spec = { target: 'y', horizon: held, seed: 1 };
  const shape = { length: times.length - held, season, groups: 1, horizon: held };
  const rmse = (f: ArrayLike<number>) => Math.sqrt(truth.reduce((a, v, i) => a + (v - f[i]) ** 2, 0) / held);
  async function trial(family: ForecastFamily, params: Params, origins?: number): Promise<ForecastEnvelope> {
    const out = await runForecastTrial(train, { ...spec, family, params, ...(origins ? { origins } : {}) });
    if (out.status !== 'complete') throw new Error(`${family}: ${out.reason}`);
    return out.envelope;
  }
  return { train, truth, shape, rmse, trial };
}

/**
 * The default linear model of `shape` (the split's own by default) and seasonal naive, fitted on the split
 * and asked for the held-out points: the linear envelope, its forecaster loaded after a JSON round trip
 * (the caller disposes it), its points at a 90% level, and both RMSEs.
 */
export async function linearAgainstNaive(split: ReturnType<typeof heldOutSeries>, shape: ForecastShape = split.shape) {
  const held = split.truth.length;
  const naive = await loadForecaster(await split.trial('seasonal_naive', {}));
  const naiveRmse = split.rmse(naive.forecast(held).map((p) => p.value));
  naive.dispose();
  const envelope = await split.trial('linear', forecastDefaults('linear', shape));
  const model = await loadForecaster(JSON.parse(JSON.stringify(envelope)));
  const points = model.forecast(held, { level: 0.9 });
  return { envelope, model, points, modelRmse: split.rmse(points.map((p) => p.value)), naiveRmse };
}
