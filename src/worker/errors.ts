/**
 * @module worker/errors
 * The single error mapper. Routes throw ApiError (or let an EngineError escape); onError turns either
 * into the contract's body {"error": {code, message, details}} with the right status. Unknown errors are
 * logged and answered with a generic 500, never a stack trace.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { EngineError, type EngineErrorCode } from '../engine';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const ENGINE_STATUS: Record<EngineErrorCode, ContentfulStatusCode> = {
  invalid_csv: 400,
  invalid_parquet: 400,
  payload_too_large: 413,
  invalid_dataset: 400,
  invalid_target: 400,
  invalid_params: 400,
  invalid_input: 400,
  unsupported_task: 400,
  insufficient_budget: 400,
  not_fitted: 500,
  bad_artifact: 500,
  // The model exists and predicts; this family (or artifact) cannot produce exact explanations.
  explain_unavailable: 422,
  trial_finished: 409,
};

export function errorBody(code: string, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    // Every refusal that asks the client to come back later says when, in the header too.
    const retryAfter = err.details.retry_after_seconds;
    if (typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter));
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  }
  if (err instanceof EngineError) {
    const status = ENGINE_STATUS[err.code];
    if (status >= 500) console.error('engine error', err.code, err.message);
    return c.json(errorBody(err.code, status >= 500 ? 'the stored model could not be used; retrain or contact the operator' : err.message, status >= 500 ? {} : err.details), status);
  }
  console.error('unhandled error', err);
  return c.json(errorBody('internal_error', 'something went wrong on our side; the request changed nothing and can be retried'), 500);
}

/** "a, b, c and 4 more": the first `shown` items of a list a message names, and how many it leaves out. */
export function listSome(items: readonly string[], shown: number): string {
  const head = items.slice(0, shown).join(', ');
  return items.length > shown ? `${head} and ${items.length - shown} more` : head;
}

export const notFound = (what: string, name: string, code = `${what}_not_found`) => new ApiError(404, code, `${what} "${name}" does not exist`, { [what]: name });
