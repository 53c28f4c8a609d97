/**
 * The MLP 64-128-64-10 training benchmark (scripts/lib/mlp-bench-core.ts) inside workerd, on the
 * backend the Worker itself boots: ms/epoch and GFLOP/s at batch 128 and 512. Prints a line per batch
 * and asserts only that the run finished. Run: `npm run bench:mlp:workerd` (or `npm run bench:mlp`).
 */
import { env } from 'cloudflare:workers';
import * as tf from '@tensorflow/tfjs-core';
import simdModule from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
import glueFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js';
import { expect, it } from 'vitest';
import { initWasmBackend } from '../../src/engine/models/nn/backend';
import { ensureTfjsWasm } from '../../src/worker/tfjs-wasm';
import { benchMlp } from '../lib/mlp-bench-core';

const mode = (env as unknown as { BENCH_MLP_MODE?: string }).BENCH_MLP_MODE ?? 'wasm';

it(`times MLP training in workerd (${mode})`, async () => {
  // 'fix' boots without the kernel module: the package's kernels with the transposed-matmul fix.
  if (mode === 'fix') await initWasmBackend({ wasmModule: simdModule, glueFactory });
  else await ensureTfjsWasm();
  expect(tf.getBackend()).toBe('wasm');
  const lines: string[] = [];
  for (const batch of [128, 512]) {
    // Best of 6 short timings: wall time is all workerd offers, and on a shared machine short windows
    // are likelier to catch the core uncontended.
    const r = await benchMlp(batch, 5, 6, () => performance.now());
    lines.push(`workerd ${mode} batch ${batch}: ${r.msPerEpoch.toFixed(1)} ms/epoch, ${r.gflops.toFixed(2)} GFLOP/s`);
  }
  console.log(lines.join('\n'));
  expect(tf.memory().numTensors).toBe(0);
});
