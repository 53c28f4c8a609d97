/**
 * engine/core/text-sniff: UTF-16 is known by its byte-order mark or by NULs in every other byte of its
 * first pairs (either byte order), while UTF-8 text, a stray NUL in it and binary formats are not taken
 * for it; the first NUL byte is named by its line (LF, CRLF and lone CR endings) and byte.
 */
import { describe, expect, it } from 'vitest';
import { nulBytePosition, utf16Order } from '../../src/engine/core/text-sniff';
import { utf8Encode } from '../../src/engine/core/utf8';
import { utf16 } from '../fixtures/text-encodings';

const CSV = 'id,x,cat,y\n1,0.5,a,3.2\n2,0.7,b,4.1\n';

describe('utf16Order', () => {
  it('reads the byte order from a mark or from where the NULs sit', () => {
    expect(utf16Order(utf16(CSV, 'le', true))).toBe('utf-16le');
    expect(utf16Order(utf16(CSV, 'be', true))).toBe('utf-16be');
    expect(utf16Order(utf16(CSV, 'le', false))).toBe('utf-16le');
    expect(utf16Order(utf16(CSV, 'be', false))).toBe('utf-16be');
    // Accented header letters are not NUL-paired in UTF-16 (é is E9 00, but € is AC 20): still most pairs are.
    expect(utf16Order(utf16('prix €,ville\n3,Zürich\n', 'le', false))).toBe('utf-16le');
  });

  it('does not take UTF-8 text, a stray NUL, a Parquet or zip header for UTF-16', () => {
    expect(utf16Order(utf8Encode(CSV))).toBeUndefined();
    expect(utf16Order(utf8Encode('x,lab\u0000el\n1,2\n'))).toBeUndefined();
    expect(utf16Order(Uint8Array.from([...utf8Encode('PAR1'), 0x15, 0x04, 0xff, 0x00, ...utf8Encode('PAR1')]))).toBeUndefined();
    expect(utf16Order(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]))).toBeUndefined();
    expect(utf16Order(new Uint8Array(0))).toBeUndefined();
    expect(utf16Order(Uint8Array.from([0x61, 0x00]))).toBeUndefined(); // one pair says nothing
  });
});

describe('nulBytePosition', () => {
  it('names the first NUL by line and byte, whatever the line endings', () => {
    expect(nulBytePosition(utf8Encode(CSV))).toBeUndefined();
    expect(nulBytePosition(utf8Encode('x,lab\u0000el\n1,2\n'))).toEqual({ line: 1, byte: 6 });
    expect(nulBytePosition(utf8Encode('a,b\n1,2\n3,\u0000\n4,\u0000\n'))).toEqual({ line: 3, byte: 11 });
    expect(nulBytePosition(utf8Encode('a,b\r\n1,2\r\n3,\u0000\r\n'))).toEqual({ line: 3, byte: 13 });
    expect(nulBytePosition(utf8Encode('a,b\r1,2\r3,\u0000\r'))).toEqual({ line: 3, byte: 11 });
    // A multi-byte letter before it counts its bytes, not its characters.
    expect(nulBytePosition(utf8Encode('é\u0000'))).toEqual({ line: 1, byte: 3 });
  });
});
