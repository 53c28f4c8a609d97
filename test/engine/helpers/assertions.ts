/**
 * Assertions shared by the engine's model tests: an EngineError with a given code (from a promise or a
 * function), and bit-for-bit equality of Float32 outputs (round trips must not change a single bit).
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

export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
