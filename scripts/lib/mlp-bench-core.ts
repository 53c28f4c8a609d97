/**
 * The MLP training benchmark shared by the Node script (bench-mlp.ts) and the workerd one
 * (workerd/mlp.workerd-bench.ts, run by the same `npm run bench:mlp`): an MLP
 * 64-128-64-10 with Adam on 2000 synthetic rows, on whatever tfjs backend is active. FLOPs are counted as
 * 6 x weights x rows per epoch (forward 2, backward 4), as in PLATFORM.md. Not a test.
 */
import { Rng } from '../../src/engine/core/rng';
import type { MlpShape } from '../../src/engine/models/nn/mlp-net';
import { resolveMlpOptions } from '../../src/engine/models/nn/mlp-options';
import { trainMlp } from '../../src/engine/models/nn/mlp-train';

const ROWS = 2000;
const SIZES = [64, 128, 64, 10];
const WEIGHTS = 64 * 128 + 128 * 64 + 64 * 10;

export interface BenchResult {
  readonly batch: number;
  readonly msPerEpoch: number;
  readonly gflops: number;
  /** The same from the process's CPU time, when a CPU clock was given (steadier on a shared machine). */
  readonly cpuMsPerEpoch?: number;
  readonly cpuGflops?: number;
}

/** MFLOP per epoch of the benchmark's MLP (6 x weights x rows). */
export const MFLOP_PER_EPOCH = (6 * WEIGHTS * ROWS) / 1e6;

/**
 * Best of `repeats` timings of `epochs` epochs (after a 2-epoch warm-up); best-of because shared
 * machines add noise only upwards. `now` is injected (performance.now in Node, Date.now in workerd);
 * `cpuNow`, when given, is a CPU-time clock in ms (process.cpuUsage in Node) timed alongside.
 */
export async function benchMlp(batch: number, epochs: number, repeats: number, now: () => number, cpuNow?: () => number): Promise<BenchResult> {
  const rng = new Rng(7);
  const X = { rows: ROWS, cols: 64, data: Float32Array.from({ length: ROWS * 64 }, () => rng.normal()) };
  const y = Float32Array.from({ length: ROWS }, () => rng.int(10));
  const shape: MlpShape = { task: 'multiclass', nClasses: 10, sizes: SIZES, head: 'softmax', yMean: 0, yStd: 1 };
  const opts = resolveMlpOptions({ batch_size: batch, dropout: 0, l2: 0 });
  const run = async (n: number) => {
    const res = await trainMlp({ X, y }, undefined, { shape, opts, rng: new Rng(1), epochs: n, earlyStopping: false });
    for (const l of res.layers) {
      l.kernel.dispose();
      l.bias.dispose();
    }
  };
  await run(2);
  let best = Infinity;
  let bestCpu = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = now();
    const cpuStart = cpuNow?.() ?? 0;
    await run(epochs);
    best = Math.min(best, (now() - start) / epochs);
    if (cpuNow) bestCpu = Math.min(bestCpu, (cpuNow() - cpuStart) / epochs);
  }
  const result = { batch, msPerEpoch: best, gflops: MFLOP_PER_EPOCH / best };
  return cpuNow ? { ...result, cpuMsPerEpoch: bestCpu, cpuGflops: MFLOP_PER_EPOCH / bestCpu } : result;
}
