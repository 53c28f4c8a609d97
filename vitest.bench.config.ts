/**
 * Benchmarks that must run inside workerd (a Durable Object's own cost), kept out of `npm test`: they
 * time things and print tables; they assert only that the run completed. `npm run bench:coordinator`.
 */
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './src/worker/index.ts',
      wrangler: { configPath: './wrangler.toml' },
      // BENCH_TRIALS shortens a run (the default is the 1,000).
      miniflare: { bindings: { ADMIN_API_KEY: 'bench-admin-key', BENCH_TRIALS: process.env.BENCH_TRIALS ?? '1000' } },
    }),
  ],
  test: {
    name: 'workerd-bench',
    include: ['bench/**/*.bench-run.ts'],
    testTimeout: 900_000,
  },
});
