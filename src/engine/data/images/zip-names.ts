/**
 * @module engine/data/images/zip-names
 * Entry names of a zip as their writer meant them. A name is UTF-8 when the entry's general-purpose
 * flag bit 11 says so; without it the format says CP437, and fflate reads such names as Latin-1. But
 * Info-ZIP's `zip` on Linux and macOS Finder store UTF-8 names without setting the flag, so a class folder
 * "chats_été" would become "chats_Ã©tÃ©". Here an unflagged name is taken from its Info-ZIP Unicode Path
 * extra field (0x7075) when that matches the stored name, else read as UTF-8 when its bytes are valid
 * UTF-8 (legacy CP437/Latin-1 names with accents almost never are), else read as CP437 when the zip's
 * such names look like it (./cp437: Windows' own zip writes its OEM code page, and "café" came out as
 * "caf\x82"), else left to the legacy reading.
 * The central directory is walked as fflate walks it, so the i-th name here is fflate's i-th entry.
 */
import { utf8DecodeStrict } from '../../core/utf8';
import { decodeCp437, looksLikeCp437 } from './cp437';

const u16 = (d: Uint8Array, at: number) => d[at] | (d[at + 1] << 8);
const u32 = (d: Uint8Array, at: number) => (d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) | (d[at + 3] << 24)) >>> 0;

const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const UTF8_FLAG = 0x800;
const UNICODE_PATH = 0x7075;

/**
 * The names of the central directory's entries in order, each as its writer meant it; undefined where
 * the legacy reading (fflate's) should stand, and for the whole zip when its directory cannot be walked
 * here (fflate then reports what is wrong with it).
 */
export function writerNames(zip: Uint8Array): (string | undefined)[] | undefined {
  const end = findEndOfDirectory(zip);
  if (end < 0) return undefined;
  let count = u16(zip, end + 10);
  let at = u32(zip, end + 16);
  // Zip64: the locator 20 bytes before the end record points at the zip64 end record (as fflate reads it).
  if (end >= 20 && u32(zip, end - 20) === 0x07064b50) {
    const z = u32(zip, end - 12);
    if (z + 56 <= zip.length && u32(zip, z) === 0x06064b50) {
      count = u32(zip, z + 32);
      at = u32(zip, z + 48);
    }
  }
  const names: (string | undefined)[] = [];
  // Unflagged names that are neither UTF-8 nor given by a Unicode Path field, by index: CP437 or Latin-1.
  const legacy = new Map<number, Uint8Array>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || u32(zip, at) !== CENTRAL_HEADER) return undefined;
    const nameLength = u16(zip, at + 28);
    const extraLength = u16(zip, at + 30);
    const commentLength = u16(zip, at + 32);
    const nameStart = at + 46;
    if (nameStart + nameLength + extraLength > zip.length) return undefined;
    const raw = zip.subarray(nameStart, nameStart + nameLength);
    const flagged = (u16(zip, at + 8) & UTF8_FLAG) !== 0;
    const name = flagged ? undefined : unflaggedName(raw, zip.subarray(nameStart + nameLength, nameStart + nameLength + extraLength));
    if (!flagged && name === undefined && raw.some((b) => b >= 0x80)) legacy.set(i, raw);
    names.push(name);
    at = nameStart + nameLength + extraLength + commentLength;
  }
  // One reading for the whole zip: its writer used one code page. Latin-1 is fflate's own (undefined).
  if (looksLikeCp437([...legacy.values()])) for (const [i, raw] of legacy) names[i] = decodeCp437(raw);
  return names;
}

/** The end-of-central-directory record, searched backwards past a comment of up to 64 KiB; -1 if none. */
function findEndOfDirectory(zip: Uint8Array): number {
  for (let e = zip.length - 22; e >= 0 && zip.length - e <= 65558; e--) if (u32(zip, e) === END_OF_DIRECTORY) return e;
  return -1;
}

/** An unflagged name: its Unicode Path field, or its bytes as UTF-8 when they are valid UTF-8 beyond ASCII. */
function unflaggedName(raw: Uint8Array, extra: Uint8Array): string | undefined {
  const unicode = unicodePath(raw, extra);
  if (unicode !== undefined) return unicode;
  if (raw.every((b) => b < 0x80)) return undefined;
  return utf8DecodeStrict(raw);
}

/** The Info-ZIP Unicode Path extra field's name, when its CRC-32 matches the stored name (a tool that renamed the entry without updating the field leaves a stale one). */
function unicodePath(raw: Uint8Array, extra: Uint8Array): string | undefined {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = u16(extra, at);
    const size = u16(extra, at + 2);
    const body = extra.subarray(at + 4, at + 4 + size);
    if (id === UNICODE_PATH && body.length === size && size >= 5 && body[0] === 1 && u32(body, 1) === crc32(raw)) return utf8DecodeStrict(body.subarray(5));
    at += 4 + size;
  }
  return undefined;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE, as zip uses it) of a name: a few bytes, so a table built once on first use. */
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
