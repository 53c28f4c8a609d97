/**
 * The MLP training benchmark shared by the Node script (mlp-bench.ts) and ad-hoc workerd runs: an MLP
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
}

/**
 * Best of `repeats` timings of `epochs` epochs (after a 2-epoch warm-up); best-of because shared
 * machines add noise only upwards. `now` is injected (performance.now in Node, Date.now in workerd).
 */
export async function benchMlp(batch: number, epochs: number, repeats: number, now: () => number): Promise<BenchResult> {
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
  for (let r = 0; r < repeats; r++) {
    const start = now();
    await run(epochs);
    best = Math.min(best, (now() - start) / epochs);
  }
  return { batch, msPerEpoch: best, gflops: (6 * WEIGHTS * ROWS) / (best * 1e6) };
}
