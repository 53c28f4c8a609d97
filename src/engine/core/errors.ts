/**
 * @module engine/core/errors
 * The one error root of the engine. Every failure the engine can explain carries a closed string code,
 * a message written for the user (what went wrong and how to fix it) and optional details naming the
 * offending column, row or line. The Worker maps codes to HTTP statuses in exactly one place.
 */

/** Closed set of engine error codes; the worker's error mapper switches over these. */
export type EngineErrorCode =
  | 'invalid_csv'
  | 'invalid_parquet'
  | 'payload_too_large'
  | 'invalid_dataset'
  | 'invalid_target'
  | 'invalid_params'
  | 'invalid_input'
  | 'unsupported_task'
  | 'insufficient_budget'
  | 'not_fitted'
  | 'bad_artifact'
  | 'explain_unavailable'
  | 'trial_finished';

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: EngineErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
    this.details = details;
  }
}

/** Exhaustiveness guard for switches over closed unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new EngineError('bad_artifact', `unknown ${what}: ${JSON.stringify(value)}`);
}
