/**
 * Assertions shared by the engine's tests: an EngineError with a given code (from a promise or a
 * function), the EngineError a function throws (to look at its message and details), and bit-for-bit
 * equality of Float32 outputs (round trips must not change a single bit).
 */
import { expect } from 'vitest';
import { EngineError } from '../../../src/engine/core/errors';

export async function expectEngineError(p: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).code).toBe(code);
    return;
  }
  throw new Error(`expected EngineError ${code}`);
}

/** The EngineError `fn` throws; fails the test when it throws something else or nothing. */
export function engineError(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error('expected an EngineError');
}

export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
