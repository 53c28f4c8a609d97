/**
 * `npm run bench:mlp [-- wasm|fix|nofix|cpu] [--node-only]`: ms/epoch and GFLOP/s of the MLP 64-128-64-10
 * (Adam, 2000 rows) at batch 128 and 512, measured by the shared core in scripts/lib/mlp-bench-core.ts:
 * first in Node (wall time, and the process's CPU time, steadier on a shared machine), then inside
 * workerd (scripts/workerd/mlp.workerd-bench.ts in the vitest pool, wall time; wasm and fix modes only,
 * about 30 s more; alone: `npm run bench:mlp:workerd`).
 *   wasm  (default) wasm-SIMD through the engine's initWasmBackend with the project's SIMD kernels
 *   fix   wasm-SIMD with the package's kernels and the transposed-matmul fix only
 *   nofix wasm-SIMD with the package's kernels alone
 *   cpu   the cpu backend (imported only in this mode: one backend per process keeps timings comparable)
 */
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { benchMlp } from './lib/mlp-bench-core';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const args = process.argv.slice(2);
const nodeOnly = args.includes('--node-only');
const mode = args.find((a) => !a.startsWith('--')) ?? 'wasm';
if (!['wasm', 'fix', 'nofix', 'cpu'].includes(mode)) throw new Error(`unknown mode ${mode}: wasm, fix, nofix or cpu`);
if (mode === 'cpu') {
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
} else {
  const t0 = performance.now();
  await initWasmInNode({ transposedMatMulFix: mode !== 'nofix', simdKernels: mode === 'wasm' });
  console.log(`init ${(performance.now() - t0).toFixed(1)} ms`);
}
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const batch of [128, 512]) {
  // The cpu backend is ~10x slower: fewer epochs keep its run short without changing the per-epoch figure.
  const r = await benchMlp(batch, mode === 'cpu' ? 3 : 10, 3, () => performance.now(), cpuNow);
  console.log(
    `${mode} (${tf.getBackend()}) batch ${batch}: ${r.msPerEpoch.toFixed(1)} ms/epoch, ${r.gflops.toFixed(2)} GFLOP/s` +
      ` | cpu time ${r.cpuMsPerEpoch!.toFixed(1)} ms/epoch, ${r.cpuGflops!.toFixed(2)} GFLOP/s`,
  );
}
console.log('tensors left', tf.memory().numTensors);

if (!nodeOnly && (mode === 'wasm' || mode === 'fix')) {
  // The pool prints its own progress; keep only the benchmark's lines (and everything on failure).
  const run = spawnSync('npx', ['vitest', 'run', '--config', 'scripts/workerd/vitest.mlp-bench.config.ts'], {
    env: { ...process.env, BENCH_MLP_MODE: mode },
    encoding: 'utf8',
  });
  const lines = `${run.stdout}\n${run.stderr}`.split('\n');
  if (run.status !== 0) {
    console.error(lines.join('\n'));
    process.exit(run.status ?? 1);
  }
  for (const line of lines) {
    const found = /workerd \w+ batch .*/.exec(line.replace(/\u001b\[[0-9;]*m/g, ''));
    if (found) console.log(found[0]);
  }
}
