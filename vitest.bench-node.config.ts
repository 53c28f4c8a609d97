/**
 * CPU benchmarks of Durable Object logic in plain Node (JIT on, exact clocks), with `cloudflare:workers`
 * replaced by a stub base class and storage by an in-memory fake: what the object's own code costs per
 * call, without the runtime around it. `npm run bench:coordinator` runs it after the workerd bench.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { 'cloudflare:workers': resolve(import.meta.dirname, 'bench/stubs/cloudflare-workers.ts') } },
  test: {
    name: 'node-bench',
    environment: 'node',
    include: ['bench/**/*.node-run.ts'],
    testTimeout: 900_000,
  },
});
