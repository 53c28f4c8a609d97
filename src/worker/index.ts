/**
 * @module worker
 * The Worker's entry: HTTP (Hono app), the trial queue consumer, the cron handler, and the Durable Object
 * classes the runtime instantiates.
 */
import type { TrialMessage } from '../durable/protocol';
import { createApp } from './app';
import { handleTrialBatch } from './queue/trial-consumer';

export { KeyStore } from '../durable/key-store';
export { Registry } from '../durable/registry';
export { SearchCoordinator } from '../durable/search-coordinator';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleTrialBatch(batch, env),
  // Cron ticks are the entry point for scheduled retraining; searches themselves are driven by their
  // coordinators' alarms, so there is nothing to sweep here yet.
  scheduled: async () => undefined,
} satisfies ExportedHandler<Env, TrialMessage>;
