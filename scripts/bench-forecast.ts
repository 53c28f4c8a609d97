/**
 * `npm run bench:forecast -- [--data DIR] [--seed 1] [--families a,b] [--params JSON] [--backend wasm|cpu]`
 * Forecast families on airpassengers (REFERENCE.md's time-series table): each family's DEFAULT
 * configuration (or, with --params, that configuration over the defaults, for every family named) is
 * scored by rolling-origin validation on the train split (3 origins, 36-month horizon, the job's
 * selection score), refitted on all 108 train months, then forecasts the 36 test months from
 * the end of train once. Prints rolling-origin RMSE, test RMSE and MAPE, 95% interval coverage of the test
 * points, and fit_ms (wall time of the whole trial: every fold fit plus the refit), beside REFERENCE.md.
 * The rnn trains on the tfjs wasm backend (booted as the Worker boots it) unless --backend cpu.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { parseCsv } from '../src/engine/data/csv';
import type { NumericColumn } from '../src/engine/data/dataset';
import { inferDataset } from '../src/engine/data/infer-schema';
import { FORECAST_FAMILIES, forecastDefaults, loadForecaster, runForecastTrial, type ForecastFamily } from '../src/engine/forecast';
import type { Params } from '../src/engine/search/space';
import { formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    seed: { type: 'string', default: '1' },
    families: { type: 'string' },
    // e.g. '{"transform":"none","differencing":"seasonal","calendar":true,"trend":false}': REFERENCE.md's
    // linear 18.49 is of that kind (raw values, seasonal differences, month dummies; see issue 6's notes).
    params: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
  },
});

/** REFERENCE.md, time series: airpassengers, forecast of the whole test horizon from the end of train. */
const REFERENCE: Readonly<Record<string, number>> = {
  seasonal_naive: 73.61,
  holt_winters: 26.67,
  sarima_airline: 36.54,
  hgb_default: 39.24,
  rf_300: 28.81,
  linear: 18.49,
  xgb_default: 22.76,
};
const REFERENCE_FOR: Partial<Record<ForecastFamily, string>> = { seasonal_naive: 'seasonal_naive', linear: 'linear', gbdt: 'hgb_default', random_forest: 'rf_300' };

const TARGET = 'passengers_thousands';
const HORIZON = 36;

function load(split: string) {
  const text = readFileSync(join(values.data!, `airpassengers.${split}.csv`), 'utf8');
  return inferDataset(parseCsv(text), { date: 'datetime' }).dataset;
}

async function main(): Promise<void> {
  if (values.backend === 'cpu') await tf.setBackend('cpu');
  else await initWasmInNode();
  const train = load('train');
  const truth = (load('test').columns.find((c) => c.name === TARGET) as NumericColumn).values;
  const families = values.families ? (values.families.split(',') as ForecastFamily[]) : FORECAST_FAMILIES;
  const shape = { length: train.rows, season: 12, groups: 1, horizon: HORIZON };
  const rows: (string | number)[][] = [];
  for (const family of families) {
    const t0 = performance.now();
    const params = { ...forecastDefaults(family, shape), ...(values.params ? (JSON.parse(values.params) as Params) : {}) };
    const out = await runForecastTrial(train, { family, params, target: TARGET, horizon: HORIZON, seed: Number(values.seed) });
    const fitMs = performance.now() - t0;
    if (out.status !== 'complete') {
      rows.push([family, 'failed', out.reason, '', '', '', '']);
      continue;
    }
    const f = await loadForecaster(out.envelope);
    const points = f.forecast(HORIZON, { level: 0.95 });
    f.dispose();
    let se = 0;
    let ape = 0;
    let inside = 0;
    for (let i = 0; i < HORIZON; i++) {
      se += (points[i].value - truth[i]) ** 2;
      ape += Math.abs(points[i].value - truth[i]) / truth[i];
      if (truth[i] >= points[i].lower && truth[i] <= points[i].upper) inside++;
    }
    const ref = REFERENCE_FOR[family];
    rows.push([
      family,
      out.score.toFixed(2),
      Math.sqrt(se / HORIZON).toFixed(2),
      ((100 * ape) / HORIZON).toFixed(2),
      `${inside}/${HORIZON}`,
      fitMs.toFixed(0),
      ref ? `${ref} ${REFERENCE[ref]}` : '',
    ]);
  }
  console.log(`airpassengers, ${values.params ? `defaults overridden by ${values.params}` : 'default configurations'}, seed ${values.seed}, tfjs backend ${tf.getBackend()}`);
  console.log(formatTable(['family', 'rolling_origin_rmse', 'test_rmse', 'test_mape_%', 'cover95', 'fit_ms', 'REFERENCE.md'], rows));
  console.log(`REFERENCE.md also lists: holt_winters ${REFERENCE.holt_winters}, sarima_airline ${REFERENCE.sarima_airline}, xgb_default ${REFERENCE.xgb_default}`);
}

await main();
