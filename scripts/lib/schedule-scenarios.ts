/**
 * One scenario of bench-forecast-schedule: a simulated business-hours series whose days open for different
 * hours (./synthetic-schedule), its season read back `season` points (`clock_aligned: false`, as models
 * did before) and on the clock (the default). Each option that reads the season back is fitted alone both
 * ways and scored on the held-out week: seasonal differencing (gbdt's defaults, and linear's with it),
 * seasonal lags (linear's defaults with two of them) and exponential smoothing with its season; then the
 * job's search (./forecast-search) runs both ways with the same seed, so only the reading differs, and its
 * published forecaster is scored on that week too. Here so the worker threads run exactly what it reports.
 */
import { type ForecastFamily, type ForecastShape, forecastDefaults, forecastShapeOf, loadForecaster, runForecastTrial } from '../../src/engine/forecast';
import type { Params } from '../../src/engine/search/space';
import { searchAndScore, type SearchSettings } from './forecast-search';
import { type ScheduleParams, syntheticSchedule } from './synthetic-schedule';

/** An option fitted alone: its family and parameters over the job's shape. */
interface SingleOption {
  readonly name: string;
  readonly family: ForecastFamily;
  readonly params: (shape: ForecastShape) => Params;
}

export const OPTIONS: readonly SingleOption[] = [
  { name: 'gbdt, seasonal differencing', family: 'gbdt', params: (s) => forecastDefaults('gbdt', s) },
  { name: 'linear, seasonal differencing', family: 'linear', params: (s) => ({ ...forecastDefaults('linear', s), differencing: 'seasonal' }) },
  { name: 'linear, 2 seasonal lags', family: 'linear', params: (s) => ({ ...forecastDefaults('linear', s), lags: 3, seasonal_lags: 2 }) },
  { name: 'ets, seasonal', family: 'ets', params: (s) => forecastDefaults('ets', s) },
];

/** With --rnn: the rnn's defaults, which difference seasonally (slow: a minute or more per fit). */
export const RNN_OPTION: SingleOption = { name: 'rnn, seasonal differencing', family: 'rnn', params: (s) => forecastDefaults('rnn', s) };

/** What each worker thread is given: the search, and whether the rnn option is fitted too. */
export interface ScheduleSettings {
  readonly search: SearchSettings;
  readonly rnn: boolean;
}

/** The options a run fits alone. */
export const optionsOf = (rnn: boolean): readonly SingleOption[] => (rnn ? [...OPTIONS, RNN_OPTION] : OPTIONS);

/** The two readings: `season` points back, and on the clock. */
export const READINGS = [
  { name: 'positional', params: { clock_aligned: false } },
  { name: 'clock', params: { clock_aligned: true } },
] as const;

export interface ScheduleResult {
  readonly index: number;
  readonly params: ScheduleParams;
  readonly horizon: number;
  readonly naiveRmse: number;
  /** Held-out RMSE per option, per reading (READINGS' order); NaN when the trial failed. */
  readonly options: readonly (readonly number[])[];
  /** The search's published RMSE per reading, and what it published. */
  readonly searches: readonly { readonly rmse: number; readonly published: string }[];
  readonly seconds: number;
}

/** Held-out RMSE of one trial's model (NaN when the trial fails). */
async function optionRmse(index: number, family: ForecastFamily, params: Params, truth: readonly number[]): Promise<number> {
  const { history } = syntheticSchedule(index);
  const out = await runForecastTrial(history, { family, params, target: 'y', horizon: truth.length, seed: index + 1 });
  if (out.status !== 'complete') return NaN;
  const forecaster = await loadForecaster(out.envelope);
  try {
    const points = forecaster.forecast(truth.length);
    return Math.sqrt(points.reduce((a, p, h) => a + (p.value - truth[h]) ** 2, 0) / truth.length);
  } finally {
    forecaster.dispose();
  }
}

/** Scenario `index`: every option both ways, then the search both ways with search seed index + 1. */
export async function runScheduleScenario(index: number, { search, rnn }: ScheduleSettings): Promise<ScheduleResult> {
  const started = performance.now();
  const { params, history, future, horizon } = syntheticSchedule(index);
  const truth = future[0].values;
  const shape = forecastShapeOf(history, { target: 'y', horizon });
  const options = [];
  for (const option of optionsOf(rnn)) {
    const row = [];
    for (const reading of READINGS) row.push(await optionRmse(index, option.family, { ...option.params(shape), ...reading.params }, truth));
    options.push(row);
  }
  const naiveRmse = await optionRmse(index, 'seasonal_naive', {}, truth);
  const searches = [];
  for (const reading of READINGS) {
    const r = await searchAndScore(history, future, { target: 'y', horizon, seed: index + 1, params: reading.params }, search);
    searches.push({ rmse: r.published.rmse, published: r.blendPublished ? `ensemble(${r.members})` : r.best.family });
  }
  return { index, params, horizon, naiveRmse, options, searches, seconds: (performance.now() - started) / 1000 };
}
