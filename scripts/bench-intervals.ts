/**
 * `npm run bench:intervals -- [--series 30] [--select 1,30] [--families linear,gbdt] [--length 120] [--horizon 24]`
 * How often forecast intervals hold the truth. Synthetic monthly series (trend, a yearly season of random
 * amplitude, multiplicative AR(1) noise; each series seeded by its index) are cut after `length` points;
 * the forecast model is the best of `select` configurations by rolling-origin score (1: the family
 * defaults; more: random configurations from the job's forecast space, as a search picks), and its 80%
 * and 95% intervals over the next `horizon` points are checked against the series' continuation. Each
 * row also shows the coverage had the intervals been m times as wide, and the ratio of test RMSE to the
 * rolling-origin RMSE the model was chosen on. Picking among many configurations makes that score, and
 * the intervals built from it, optimistic: the gap between the rows shows by how much. The `widened`
 * columns are what a job publishes: the intervals widened by the optimism its trials' errors per origin
 * show (engine/eval/fold-selection-estimate), with the median factor.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../src/engine/core/rng';
import { foldSelectionEstimate } from '../src/engine/eval/fold-selection-estimate';
import { type ForecastFamily, forecastDefaults, forecastSpace, loadForecaster, runForecastTrial } from '../src/engine/forecast';
import { sampleSpace } from '../src/engine/search/sample-distribution';
import { monthlyDataset, syntheticSeries } from './lib/synthetic-series';
import { formatTable } from './lib/tables';

const { values } = parseArgs({
  options: {
    series: { type: 'string', default: '30' },
    select: { type: 'string', default: '1,30' },
    families: { type: 'string', default: 'linear,gbdt' },
    length: { type: 'string', default: '120' },
    horizon: { type: 'string', default: '24' },
  },
});
const SERIES = Number(values.series);
const LENGTH = Number(values.length);
const HORIZON = Number(values.horizon);
const FAMILIES = values.families!.split(',') as ForecastFamily[];
const WIDTHS = [1, 1.2, 1.4];

/** The best of `select` trials on one series (the first `families.length` are the defaults). */
async function chosenModel(values: readonly number[], index: number, select: number) {
  const shape = { length: LENGTH, season: 12, groups: 1, horizon: HORIZON };
  const rng = new Rng(index + 1);
  let best: { score: number; envelope: unknown } | undefined;
  const folds: (readonly number[])[] = [];
  for (let k = 0; k < select; k++) {
    const family = FAMILIES[k % FAMILIES.length];
    const params = select === 1 || k < FAMILIES.length ? forecastDefaults(family, shape) : sampleSpace(forecastSpace(family, shape), rng);
    const out = await runForecastTrial(monthlyDataset(values), { family, params, target: 'y', horizon: HORIZON, seed: 1 });
    if (out.status !== 'complete') continue;
    folds.push(out.foldScores);
    if (!best || out.score < best.score) best = out;
  }
  if (!best) throw new Error(`series ${index}: every trial failed`);
  return { ...best, optimism: foldSelectionEstimate(folds)?.optimism ?? 1 };
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const rows: (string | number)[][] = [];
  for (const select of values.select!.split(',').map(Number)) {
    const inside = { 0.8: WIDTHS.map(() => 0), 0.95: WIDTHS.map(() => 0) };
    const widened = { 0.8: 0, 0.95: 0 };
    const ratios: number[] = [];
    const optimism: number[] = [];
    for (let i = 0; i < SERIES; i++) {
      const series = syntheticSeries(i, LENGTH + HORIZON);
      const best = await chosenModel(series.slice(0, LENGTH), i, select);
      const forecaster = await loadForecaster(best.envelope);
      let sq = 0;
      for (const level of [0.8, 0.95] as const) {
        const points = forecaster.forecast(HORIZON, { level });
        points.forEach((p, h) => {
          const miss = Math.abs(series[LENGTH + h] - p.value);
          if (level === 0.8) sq += miss * miss;
          WIDTHS.forEach((m, k) => (inside[level][k] += miss <= m * (p.upper - p.value) ? 1 : 0));
          widened[level] += miss <= best.optimism * (p.upper - p.value) ? 1 : 0;
        });
      }
      forecaster.dispose();
      ratios.push(Math.sqrt(sq / HORIZON) / best.score);
      optimism.push(best.optimism);
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const share = (c: number) => (c / (SERIES * HORIZON)).toFixed(3);
    rows.push([
      select === 1 ? 'defaults' : `best of ${select}`,
      median(ratios).toFixed(2),
      ...WIDTHS.map((_, k) => share(inside[0.8][k])),
      ...WIDTHS.map((_, k) => share(inside[0.95][k])),
      median(optimism).toFixed(2),
      share(widened[0.8]),
      share(widened[0.95]),
    ]);
  }
  console.log(`${SERIES} synthetic monthly series, ${LENGTH} points, horizon ${HORIZON}, families ${FAMILIES.join(', ')}`);
  const widths = (level: number) => WIDTHS.map((m) => `${level}${m === 1 ? '' : ` x${m}`}`);
  console.log(formatTable(['model', 'median test/cv rmse', ...widths(80), ...widths(95), 'median widening', '80 widened', '95 widened'], rows));
}

await main();
