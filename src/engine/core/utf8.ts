/**
 * @module engine/core/utf8
 * UTF-8 encoding through the platform's TextEncoder/TextDecoder, which Node, workerd and browsers all
 * provide. Reached through globalThis because the engine compiles without DOM or Node ambient types.
 */

interface Encoder {
  encode(text: string): Uint8Array;
}
interface Decoder {
  decode(bytes: Uint8Array): string;
}

const g = globalThis as unknown as {
  TextEncoder: new () => Encoder;
  TextDecoder: new (label?: string, options?: { fatal?: boolean }) => Decoder;
};

const encoder = new g.TextEncoder();
const decoder = new g.TextDecoder('utf-8');
const strictDecoder = new g.TextDecoder('utf-8', { fatal: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Decodes UTF-8, returning undefined when the bytes are not valid UTF-8. */
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
