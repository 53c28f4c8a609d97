/**
 * @module client
 * The package's entry point: a typed client for the edge-automl HTTP API, usable from any runtime with
 * `fetch` (an edge app on Workers, Node 20, a browser). See examples/edge-app for a Worker that predicts.
 *
 * ```ts
 * import { createClient } from 'edge-automl';
 * const api = createClient({ url: 'https://automl.example.workers.dev', key: env.AUTOML_KEY });
 * const { predictions, probabilities } = await api.models.predict('credit-risk', [{ duration: 12 }]);
 * ```
 */
export { createClient, type EdgeAutoMLClient, type UploadOptions } from './client';
export { ApiClientError, errorFromResponse } from './errors';
export type { ClientOptions, FetchFn, RawBody, RetryOptions } from './transport';
export { isTerminalStatus, JobWaitTimeoutError, type WaitOptions } from './wait-for-job';
export type * from './types';
