/**
 * `npm run bench:mlp [-- wasm|nofix|cpu]`: ms/epoch and GFLOP/s of the MLP 64-128-64-10 (Adam, 2000 rows)
 * at batch 128 and 512, measured by the shared core in scripts/lib/mlp-bench-core.ts,
 * kept as an npm script so the number is one command away.
 *   wasm  (default) wasm-SIMD through the engine's initWasmBackend, with the transposed-matmul fix
 *   nofix wasm-SIMD without the fix
 *   cpu   the cpu backend (imported only in this mode: one backend per process keeps timings comparable)
 */
import * as tf from '@tensorflow/tfjs-core';
import { benchMlp } from './lib/mlp-bench-core';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const mode = process.argv[2] ?? 'wasm';
if (mode === 'cpu') {
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
} else {
  const t0 = performance.now();
  await initWasmInNode({ transposedMatMulFix: mode !== 'nofix' });
  console.log(`init ${(performance.now() - t0).toFixed(1)} ms`);
}
for (const batch of [128, 512]) {
  // The cpu backend is ~10x slower: fewer epochs keep its run short without changing the per-epoch figure.
  const r = await benchMlp(batch, mode === 'cpu' ? 3 : 10, 3, () => performance.now());
  console.log(`${mode} (${tf.getBackend()}) batch ${batch}: ${r.msPerEpoch.toFixed(1)} ms/epoch, ${r.gflops.toFixed(2)} GFLOP/s`);
}
console.log('tensors left', tf.memory().numTensors);
