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

/**
 * Offset of the first byte of the first invalid UTF-8 sequence (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequence at the end), or -1 when all are valid. Only
 * called once strict decoding has failed, to say where.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // Length of the sequence, and the allowed range of its second byte (which rules out overlongs,
    // surrogates and code points past U+10FFFF).
    let length: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + length > bytes.length) return i;
    if (bytes[i + 1] < lo || bytes[i + 1] > hi) return i;
    for (let k = 2; k < length; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    i += length;
  }
  return -1;
}

/** Where the first invalid UTF-8 sequence is: its 1-based line (LF-counted) and byte; undefined when there is none. */
export function invalidUtf8Position(bytes: Uint8Array): { line: number; byte: number } | undefined {
  const at = firstInvalidUtf8(bytes);
  if (at < 0) return undefined;
  let line = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
  return { line, byte: at + 1 };
}
