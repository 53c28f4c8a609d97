/**
 * The end-to-end forecast tests' split: a `day,y` series with its last `held` points held out, the shape
 * a job would search it with, the RMSE of a forecast of the held-out points, and one trial's envelope
 * (failing the test with the trial's reason if it fails).
 */
import { type ForecastEnvelope, type ForecastFamily, runForecastTrial } from '../../../src/engine/forecast';
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
