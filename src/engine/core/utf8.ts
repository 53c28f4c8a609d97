/**
 * @module engine/core/utf8
 * UTF-8 encoding through the platform's TextEncoder/TextDecoder, which Node, workerd and browsers all
 * provide. Reached through globalThis because the engine compiles without DOM or Node ambient types.
 */
import type { Steps } from './steps';

interface Encoder {
  encode(text: string): Uint8Array;
}
interface Decoder {
  decode(bytes?: Uint8Array, options?: { stream?: boolean }): string;
}

const g = globalThis as unknown as {
  TextEncoder: new () => Encoder;
  TextDecoder: new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => Decoder;
};

const encoder = new g.TextEncoder();
const decoder = new g.TextDecoder('utf-8');
const strictDecoder = new g.TextDecoder('utf-8', { fatal: true });
// For the pieces after the first: a byte-order mark there is a character of the text, not a mark to drop.
const strictKeepingMarks = new g.TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Decodes UTF-8, returning undefined when the bytes are not valid UTF-8. */
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  return decodeStrictWith(strictDecoder, bytes);
}

function decodeStrictWith(decoder: Decoder, bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Bytes decoded between two turns of the host by utf8DecodeStrictSteps (some milliseconds' work). */
export const UTF8_PIECE_BYTES = 1024 * 1024;

/** Whether a byte continues a UTF-8 sequence (10xxxxxx) rather than starting one. */
const continues = (b: number) => (b & 0xc0) === 0x80;

/**
 * utf8DecodeStrict as steps, about `pieceBytes` at a time (Infinity: at once), yielding between pieces: a
 * 50 MB upload takes a few hundred milliseconds to decode, which a Worker's other requests must not wait
 * behind. Each piece ends before a byte that starts a character (at most 3 bytes further), so no character
 * is split: valid bytes decode to the same text, and invalid bytes leave some piece invalid (a run of more
 * than 3 continuation bytes is invalid wherever it is cut). Not the decoder's stream mode: on 45 MB in
 * Node its pieces took twice as long to decode and to join (0.26-0.35 s and 0.29-0.31 s, against
 * 0.15-0.18 s and 0.13 s). The join, at the end, is a copy of the whole text in one go: the one long slice left.
 */
export function* utf8DecodeStrictSteps(bytes: Uint8Array, pieceBytes = UTF8_PIECE_BYTES): Steps<string | undefined> {
  if (bytes.length <= pieceBytes) return utf8DecodeStrict(bytes);
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; ) {
    let end = Math.min(bytes.length, start + pieceBytes);
    for (let k = 0; k < 3 && end < bytes.length && continues(bytes[end]); k++) end++;
    const part = decodeStrictWith(start === 0 ? strictDecoder : strictKeepingMarks, bytes.subarray(start, end));
    if (part === undefined) return undefined;
    parts.push(part);
    start = end;
    yield;
  }
  return parts.join('');
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
