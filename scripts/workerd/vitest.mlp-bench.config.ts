/**
 * The MLP training benchmark inside workerd (the vitest pool's local workerd, the runtime the queue
 * consumer trains in), kept apart from the test suites and from `npm run bench:coordinator`. Run by
 * `npm run bench:mlp` after the Node figures, or alone with `npm run bench:mlp:workerd`.
 * BENCH_MLP_MODE: 'wasm' (the project's SIMD kernels, default) or 'fix' (the package's kernels with the
 * transposed-matmul fix only).
 */
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  plugins: [
    cloudflareTest({
      main: './src/worker/index.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: { bindings: { ADMIN_API_KEY: 'bench-admin-key', BENCH_MLP_MODE: process.env.BENCH_MLP_MODE ?? 'wasm' } },
    }),
  ],
  test: {
    name: 'workerd-mlp-bench',
    include: ['scripts/workerd/*.workerd-bench.ts'],
    testTimeout: 900_000,
  },
});
