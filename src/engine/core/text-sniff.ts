/**
 * @module engine/core/text-sniff
 * What a text body's bytes say before they are decoded: whether they are UTF-16 (Excel's "Unicode Text",
 * Notepad's "Unicode"), and where a NUL byte sits. Both decode without error as UTF-8 or Windows-1252
 * (NUL is a valid character in both), so a decoder alone would store column names full of NULs.
 */

/** The UTF-16 byte order of `bytes`, from its byte-order mark or, without one, from NULs in every other byte. */
export function utf16Order(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  // Without a mark: ASCII text in UTF-16 is a NUL beside each letter. Judged on the first pairs only,
  // where a CSV's header is; a stray NUL or two in a UTF-8 file does not make most pairs look so.
  const pairs = Math.min(SNIFF_PAIRS, bytes.length >> 1);
  if (pairs < 2) return undefined;
  let low = 0;
  let high = 0;
  for (let p = 0; p < pairs; p++) {
    const a = bytes[2 * p];
    const b = bytes[2 * p + 1];
    if (a !== 0 && b === 0) low++;
    else if (a === 0 && b !== 0) high++;
  }
  if (low >= pairs * 0.75) return 'utf-16le';
  if (high >= pairs * 0.75) return 'utf-16be';
  return undefined;
}

/** How many leading byte pairs utf16Order reads when there is no byte-order mark. */
const SNIFF_PAIRS = 64;

/**
 * The line (1-based; LF, CRLF and a lone CR each end one) and byte (1-based) of the first NUL byte in
 * `bytes`, undefined when there is none. In UTF-8 and Windows-1252 a NUL byte is the NUL character.
 */
export function nulBytePosition(bytes: Uint8Array): { line: number; byte: number } | undefined {
  const at = bytes.indexOf(0);
  if (at < 0) return undefined;
  let line = 1;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return { line, byte: at + 1 };
}
