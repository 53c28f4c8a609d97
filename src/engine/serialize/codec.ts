/**
 * @module engine/serialize/codec
 * Typed arrays to and from base64 strings, so artifacts stay JSON while weights stay exact bit-for-bit.
 * Written here (not btoa/Buffer) because the engine runs in Node, workerd and browsers alike.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** ASCII codes of the alphabet and of the padding character. */
const CODES = Uint8Array.from(ALPHABET, (ch) => ch.charCodeAt(0));
const PAD = '='.charCodeAt(0);
/** Characters per String.fromCharCode call: well under engines' argument-count limits. */
const CHUNK = 8192;

export function bytesToBase64(bytes: Uint8Array): string {
  // The text is written as ASCII codes first, then turned into flat strings a chunk at a time. Appending
  // with `+=` instead keeps every small piece alive as a rope node until the final join: about 18 bytes
  // of heap per output character, 160 MiB at the peak for a 14 MiB forest artifact.
  const n = bytes.length;
  const out = new Uint8Array(4 * Math.ceil(n / 3));
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = CODES[v >> 18];
    out[o++] = CODES[(v >> 12) & 63];
    out[o++] = CODES[(v >> 6) & 63];
    out[o++] = CODES[v & 63];
  }
  if (i < n) {
    const v = (bytes[i] << 16) | ((i + 1 < n ? bytes[i + 1] : 0) << 8);
    out[o++] = CODES[v >> 18];
    out[o++] = CODES[(v >> 12) & 63];
    out[o++] = i + 1 < n ? CODES[(v >> 6) & 63] : PAD;
    out[o++] = PAD;
  }
  const parts: string[] = [];
  for (let s = 0; s < out.length; s += CHUNK) parts.push(String.fromCharCode.apply(null, out.subarray(s, s + CHUNK) as unknown as number[]));
  return parts.join('');
}

export function base64ToBytes(text: string): Uint8Array {
  let len = text.length;
  while (len > 0 && text[len - 1] === '=') len--;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    const a = LOOKUP[text.charCodeAt(i)];
    const b = LOOKUP[text.charCodeAt(i + 1)];
    const c = i + 2 < len ? LOOKUP[text.charCodeAt(i + 2)] : 0;
    const d = i + 3 < len ? LOOKUP[text.charCodeAt(i + 3)] : 0;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

export function encodeF32(values: Float32Array): string {
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

export function decodeF32(text: string): Float32Array {
  const bytes = base64ToBytes(text);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

export function encodeI32(values: Int32Array): string {
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

export function decodeI32(text: string): Int32Array {
  const bytes = base64ToBytes(text);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
