/**
 * Ad-hoc benchmark (not a test): ms/epoch and GFLOP/s of an MLP 64-128-64-10 (Adam, 2000 rows) in Node.
 * Run: npx tsx test/engine/mlp-bench.ts [wasm|nofix|cpu]
 *   wasm  (default) wasm-SIMD with the transposed-matmul fix, booted through the engine's initWasmBackend
 *   nofix wasm-SIMD without the fix
 *   cpu   the cpu backend (imported only in this mode: one backend per process keeps timings comparable)
 */
import * as tf from '@tensorflow/tfjs-core';
import { initWasmBackend } from '../../src/engine/models/nn/backend';
import { benchMlp } from './mlp-bench-core';
import { compileWasm } from './mlp-fixtures';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const mode = process.argv[2] ?? 'wasm';
if (mode === 'cpu') {
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
} else {
  const require = createRequire(import.meta.url);
  const t0 = performance.now();
  await initWasmBackend(
    {
      wasmModule: compileWasm(readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))),
      glueFactory: require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js'),
    },
    { transposedMatMulFix: mode !== 'nofix' },
  );
  console.log(`init ${(performance.now() - t0).toFixed(1)} ms`);
}
for (const batch of [128, 512]) {
  const r = await benchMlp(batch, mode === 'cpu' ? 3 : 10, 3, () => performance.now());
  console.log(`${mode} (${tf.getBackend()}) batch ${batch}: ${r.msPerEpoch.toFixed(1)} ms/epoch, ${r.gflops.toFixed(2)} GFLOP/s`);
}
console.log('tensors left', tf.memory().numTensors);
