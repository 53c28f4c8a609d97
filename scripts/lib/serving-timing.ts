/**
 * In-process prediction time of loaded models, as the serving-estimate bench measures it: single-row
 * `predictRows([row])` calls in sequence over distinct rows (what a stream of one-row requests costs the
 * engine) and one batch call, in µs per row. Models take turns in rounds (rotated each round) and the
 * figures are medians over rounds, so a shared machine's load spreads over every model alike. Each
 * figure is given as wall time and as process CPU time (which leaves out the waits for a core).
 */
import type { Predictor } from '../../src/engine';
import { median } from './model-bench-measure';

export interface TimingOptions {
  readonly rounds: number;
  /** Least time per single-row slice, ms (at least 200 calls). */
  readonly sliceMs: number;
  readonly batchRows: number;
}

export interface ServingTiming {
  readonly single_wall_us: number;
  readonly single_cpu_us: number;
  readonly batch_wall_us_per_row: number;
  readonly batch_cpu_us_per_row: number;
}

/** Wall and CPU µs of f(). */
function clock(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  f();
  const wall = Number(process.hrtime.bigint() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: c.user + c.system };
}

/** Single-row and batch timings of each predictor over the same rows, medians over interleaved rounds. */
export function timePredictors(predictors: readonly Predictor[], rows: readonly unknown[], options: TimingOptions): ServingTiming[] {
  const batch = Array.from({ length: options.batchRows }, (_, i) => rows[i % rows.length]);
  const samples = predictors.map(() => ({ sw: [] as number[], sc: [] as number[], bw: [] as number[], bc: [] as number[] }));
  // Warm the JIT on every model before any slice counts.
  for (const p of predictors) {
    for (let i = 0; i < 300; i++) p.predictRows([rows[i % rows.length]]);
    p.predictRows(batch.slice(0, 200));
  }
  let next = 0;
  for (let round = 0; round < options.rounds; round++) {
    for (let j = 0; j < predictors.length; j++) {
      const k = (j + round) % predictors.length;
      const p = predictors[k];
      let calls = 0;
      const single = clock(() => {
        const t0 = performance.now();
        while (calls < 200 || performance.now() - t0 < options.sliceMs) {
          p.predictRows([rows[next++ % rows.length]]);
          calls++;
        }
      });
      samples[k].sw.push(single.wall / calls);
      samples[k].sc.push(single.cpu / calls);
      const b = clock(() => p.predictRows(batch));
      samples[k].bw.push(b.wall / batch.length);
      samples[k].bc.push(b.cpu / batch.length);
    }
  }
  return samples.map((s) => ({
    single_wall_us: median(s.sw),
    single_cpu_us: median(s.sc),
    batch_wall_us_per_row: median(s.bw),
    batch_cpu_us_per_row: median(s.bc),
  }));
}
