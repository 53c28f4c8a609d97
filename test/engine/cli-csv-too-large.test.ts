/**
 * A CSV file too large for Node to hold as one string (valid UTF-8 over ~512 MiB): the CLI says so and
 * how to proceed, instead of calling the file "not valid UTF-8" at line 1 (an audit saw that for a
 * 560 MiB ASCII file). The decoder failing as V8 does on such a length is simulated: no test writes 512 MiB.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../src/engine/core/utf8', async (importActual) => ({
  ...(await importActual<typeof import('../../src/engine/core/utf8')>()),
  // As TextDecoder fails past V8's longest string: the error swallowed, undefined returned.
  utf8DecodeStrict: () => undefined,
}));

const { decodeCsvFile } = await import('../../src/cli/csv-encoding');

describe('a CSV file too large to decode at once', () => {
  it('is named too large, not invalid UTF-8', () => {
    const bytes = new TextEncoder().encode('a,b\n1,2\n');
    expect(() => decodeCsvFile(bytes, 'big.csv', undefined)).toThrow(/too large to read as one text; split it/);
    expect(() => decodeCsvFile(bytes, 'big.csv', undefined)).not.toThrow(/not valid UTF-8/);
  });

  it('still names the line of a byte that is not UTF-8', () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('a,b\n1,'), 0xff, 0x0a]);
    expect(() => decodeCsvFile(bytes, 'bad.csv', undefined)).toThrow(/line 2 is not valid UTF-8/);
  });
});
