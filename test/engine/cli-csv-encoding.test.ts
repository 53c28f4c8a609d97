/**
 * cli/csv-encoding in plain Node (s25 audit, finding 1): a UTF-16 file is refused naming the file and
 * saying UTF-16, with or without --encoding windows-1252 (either would read it without error, into NULs),
 * and never advising Windows-1252; UTF-8 and Windows-1252 files read as before.
 */
import { describe, expect, it } from 'vitest';
import { decodeCsvFile } from '../../src/cli/csv-encoding';
import { UsageError } from '../../src/cli/errors';

const CSV = 'x,cat\n10,a\n90,b\n';
const utf16le = (text: string, mark: boolean) => Uint8Array.from([...(mark ? [0xff, 0xfe] : []), ...Array.from(text).flatMap((c) => [c.charCodeAt(0), 0])]);

function refusal(bytes: Uint8Array, encoding: string | undefined): UsageError {
  try {
    decodeCsvFile(bytes, 'rows.csv', encoding);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

describe('decodeCsvFile', () => {
  it('refuses UTF-16, marked or not, whatever the encoding option, without advising Windows-1252', () => {
    for (const [bytes, encoding] of [[utf16le(CSV, true), undefined], [utf16le(CSV, false), undefined], [utf16le(CSV, true), 'windows-1252']] as const) {
      const err = refusal(bytes, encoding);
      expect(err.message).toMatch(/UTF-16.*CSV UTF-8/);
      expect(err.message).not.toMatch(/1252/);
    }
  });

  it('reads UTF-8 and Windows-1252 files as before', () => {
    expect(decodeCsvFile(new TextEncoder().encode(CSV), 'rows.csv', undefined)).toBe(CSV);
    expect(decodeCsvFile(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]), 'rows.csv', 'windows-1252')).toBe('café');
    expect(refusal(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]), undefined).message).toMatch(/not valid UTF-8.*--encoding windows-1252/);
  });
});
