/**
 * @module worker
 * The Worker's entry: HTTP (Hono app), the trial queue consumer, the cron handler, and the Durable Object
 * classes the runtime instantiates.
 */
import type { TrialMessage } from '../durable/protocol';
import { createApp } from './app';
// Registers the tfjs wasm backend's init with the engine (see ./tfjs-wasm), before anything can load a model.
import './tfjs-wasm';
import { handleTrialBatch } from './queue/trial-consumer';
import { runDueSchedules } from './scheduled';

export { DriftMonitor } from '../durable/drift-monitor';
export { KeyStore } from '../durable/key-store';
export { Registry } from '../durable/registry';
export { ScheduleBoard } from '../durable/schedule-board';
export { SearchCoordinator } from '../durable/search-coordinator';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleTrialBatch(batch, env),
  // Cron ticks start due retraining runs; "now" is the tick's scheduled time, so a retried tick claims
  // exactly what the first attempt would have. Searches are driven by their coordinators' alarms.
  scheduled: async (controller, env) => {
    await runDueSchedules(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env, TrialMessage>;
