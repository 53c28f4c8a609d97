/**
 * firstInvalidUtf8 agrees with the platform's strict decoder: -1 exactly when strict decoding succeeds,
 * and otherwise an offset whose prefix decodes while the prefix one sequence longer does not.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/core/rng';
import { firstInvalidUtf8, utf8DecodeStrict, utf8Encode } from '../../src/engine/core/utf8';

describe('firstInvalidUtf8', () => {
  it('names the first bad sequence of hand-made cases', () => {
    const b = (...bytes: number[]) => Uint8Array.from(bytes);
    expect(firstInvalidUtf8(utf8Encode('a,b\né,😀,ü\n'))).toBe(-1);
    expect(firstInvalidUtf8(b(0x61, 0xc0, 0xaf))).toBe(1); // overlong "/"
    expect(firstInvalidUtf8(b(0x61, 0xe0, 0x80, 0xaf))).toBe(1); // overlong 3-byte
    expect(firstInvalidUtf8(b(0xed, 0xa0, 0x80))).toBe(0); // surrogate half
    expect(firstInvalidUtf8(b(0x61, 0x62, 0xf4, 0x90, 0x80, 0x80))).toBe(2); // past U+10FFFF
    expect(firstInvalidUtf8(b(0x61, 0xe2, 0x82))).toBe(1); // truncated at the end
    expect(firstInvalidUtf8(b(0xe2, 0x82, 0x61))).toBe(0); // bad continuation
    expect(firstInvalidUtf8(b(0x80))).toBe(0); // lone continuation
  });

  it('agrees with the strict decoder on 5,000 random byte strings', () => {
    const rng = new Rng(11);
    // Mostly valid text with a few random bytes mixed in, so both outcomes are common.
    const pieces = ['a', ',', '\n', 'é', '€', '😀', 'ü'].map((s) => utf8Encode(s));
    let invalid = 0;
    for (let t = 0; t < 5000; t++) {
      const parts: number[] = [];
      for (let k = 0; k < 12; k++) {
        if (rng.next() < 0.08) parts.push(rng.int(256));
        else parts.push(...pieces[rng.int(pieces.length)]);
      }
      const bytes = Uint8Array.from(parts);
      const at = firstInvalidUtf8(bytes);
      const valid = utf8DecodeStrict(bytes) !== undefined;
      expect(at === -1).toBe(valid);
      if (!valid) {
        invalid++;
        expect(utf8DecodeStrict(bytes.subarray(0, at))).toBeDefined();
        expect(utf8DecodeStrict(bytes.subarray(0, Math.min(bytes.length, at + 4)))).toBeUndefined();
      }
    }
    expect(invalid).toBeGreaterThan(1000);
  });
});
