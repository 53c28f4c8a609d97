/**
 * @module client/types
 * The shapes the HTTP API answers with, written from the route code (src/worker/routes/*) and the
 * Durable Objects' views (durable/job-view, durable/registry), not imported from them: the client must
 * type-check in any runtime without the Worker's code. Request bodies are the Worker's own zod-inferred
 * types, imported as types only. Families, metrics and column types are open strings where the server
 * may grow new ones, so an older client keeps reading a newer server.
 *
 * The types live in one file per area; this module re-exports them all, so the client and the package
 * entry (`export type * from './types'`) name every one from here.
 */
export type * from './service-types';
export type * from './dataset-types';
export type * from './job-types';
export type * from './model-types';
export type * from './prediction-types';
export type * from './forecast-types';
export type * from './retraining-types';
export type * from './drift-types';
