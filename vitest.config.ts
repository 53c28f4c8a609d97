/**
 * Two test projects: the pure engine in plain Node (fast), and the Worker, Durable Objects, R2 and
 * Queues inside workerd through @cloudflare/vitest-pool-workers.
 */
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'engine',
          environment: 'node',
          include: ['test/engine/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            main: './src/worker/index.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: { bindings: { ADMIN_API_KEY: 'test-admin-key' } },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/worker/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
