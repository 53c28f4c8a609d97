/**
 * Synthetic monthly series for the forecast benchmarks (bench-intervals, bench-forecast-blend): shared so
 * both measure on the very same series, each fully determined by its index.
 */
import { Rng } from '../../src/engine/core/rng';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';

/** A positive monthly series: 100 × (1 + trend·t) × (1 + amp·sin(2πt/12)) × exp(AR(1) noise). */
export function syntheticSeries(index: number, n: number): number[] {
  const rng = new Rng(10_000 + index);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const [trend, amp, phi, sigma] = [0.002 + 0.01 * rng.next(), 0.1 + 0.3 * rng.next(), 0.3 + 0.6 * rng.next(), 0.02 + 0.06 * rng.next()];
  const out: number[] = [];
  let noise = 0;
  for (let t = 0; t < n; t++) {
    noise = phi * noise + sigma * normal();
    out.push(100 * (1 + trend * t) * (1 + amp * Math.sin((2 * Math.PI * t) / 12)) * Math.exp(noise));
  }
  return out;
}

/** The values as a dataset with columns `date` (monthly from 2000-01) and `y`, as a job would read it. */
export function monthlyDataset(values: readonly number[]) {
  const lines = ['date,y', ...values.map((v, t) => `${2000 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01,${v.toFixed(4)}`)];
  return inferDataset(parseCsv(lines.join('\n')), { date: 'datetime' }).dataset;
}
