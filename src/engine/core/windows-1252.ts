/**
 * @module engine/core/windows-1252
 * Decodes Windows-1252 text, the encoding Excel on Windows writes a "CSV (Comma delimited)" file in, and
 * what WHATWG Encoding reads for the labels "iso-8859-1", "latin1" and "us-ascii" too (ISO-8859-1 differs
 * only in the C1 controls 0x80-0x9F, which no spreadsheet writes). Bytes below 0x80 are ASCII; 0xA0-0xFF
 * are U+00A0-U+00FF; 0x80-0x9F map to the table below (five unassigned bytes keep their C1 code point).
 */

/** Unicode of bytes 0x80-0x9F. */
const HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

/** Charset labels (lower case) read as Windows-1252, as WHATWG Encoding maps them. */
export const WINDOWS_1252_LABELS: ReadonlySet<string> = new Set(['windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii']);

export function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  // In slices, so String.fromCharCode never gets more arguments than the engine allows.
  for (let start = 0; start < bytes.length; start += 8192) {
    const end = Math.min(bytes.length, start + 8192);
    const codes = new Array<number>(end - start);
    for (let i = start; i < end; i++) {
      const b = bytes[i];
      codes[i - start] = b >= 0x80 && b < 0xa0 ? HIGH[b - 0x80] : b;
    }
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}
