/**
 * Which failures to start a scheduled run's job pass by themselves (worker/retrain passesByItself): the
 * run then waits for the next tick instead of losing its period. A service not answering passes, for an
 * hour after the run's due time; a refusal of the request, or a stored file gone, lasts.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine';
import { ApiError } from '../../src/worker/errors';
import { passesByItself, TRANSIENT_RETRY_MS } from '../../src/worker/retrain';

describe('a scheduled run whose job could not start', () => {
  const justDue = { due_at: Date.now() - 60_000 };
  const longDue = { due_at: Date.now() - TRANSIENT_RETRY_MS - 60_000 };

  it('waits on a full tenant or a job its coordinator did not take, however long ago it was due', () => {
    for (const claim of [justDue, longDue]) {
      expect(passesByItself(new ApiError(429, 'too_many_jobs', 'full'), claim)).toBe(true);
      expect(passesByItself(new ApiError(503, 'job_not_started', 'not taken'), claim)).toBe(true);
    }
  });

  it('waits on storage not answering or a runtime failure for an hour after its due time, then no longer', () => {
    const unavailable = new ApiError(503, 'storage_unavailable', 'object storage could not be reached');
    const reset = new Error('Durable Object reset because its code was updated.');
    expect(passesByItself(unavailable, justDue)).toBe(true);
    expect(passesByItself(reset, justDue)).toBe(true);
    expect(passesByItself(unavailable, longDue)).toBe(false);
    expect(passesByItself(reset, longDue)).toBe(false);
  });

  it('never waits on a refusal of the request or a stored file gone', () => {
    expect(passesByItself(new ApiError(400, 'invalid_request', 'target column "label" is not in the dataset'), justDue)).toBe(false);
    expect(passesByItself(new ApiError(404, 'dataset_not_found', 'gone'), justDue)).toBe(false);
    expect(passesByItself(new ApiError(500, 'storage_missing', 'the stored dataset is missing'), justDue)).toBe(false);
    expect(passesByItself(new EngineError('invalid_target', 'one class only'), justDue)).toBe(false);
  });
});
