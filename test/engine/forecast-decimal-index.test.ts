/**
 * A numeric time column stepping by a decimal (0.1, 0.25 of an hour as 0.25): from a read-only audit of
 * forecasting, such a series was refused as irregular with a step of 0.10000000000000009 (the most common
 * binary difference), and its future times would have carried the sums' rounding errors. The step is what
 * the differences round to, and stepping lands on the decimals the data writes.
 */
import { describe, expect, it } from 'vitest';
import { checkRegular, detectFrequency, stepTime } from '../../src/engine/forecast/frequency';

const decimals = (start: number, step: number, n: number) => Float64Array.from({ length: n }, (_, i) => Number((start + i * step).toFixed(6)));

describe('an index series with a decimal step', () => {
  it('is read as regular, at that step, from 0 and from a large start', () => {
    for (const times of [decimals(0, 0.1, 40), decimals(2000, 0.1, 40), decimals(7.5, 0.25, 30)]) {
      const freq = detectFrequency(times, false);
      expect(freq).toMatchObject({ kind: 'index' });
      expect(() => checkRegular(freq, times, 't', '', (i) => i + 1, false)).not.toThrow();
    }
    expect(detectFrequency(decimals(0, 0.1, 40), false)).toEqual({ kind: 'index', name: 'index', step: 0.1 });
  });

  it('steps onto the decimals the data writes, forward and back', () => {
    const freq = detectFrequency(decimals(2000, 0.1, 40), false);
    expect([1, 2, 3, 10].map((k) => stepTime(freq, 2003.9, k))).toEqual([2004, 2004.1, 2004.2, 2004.9]);
    expect(stepTime(freq, 0.2, 1)).toBe(0.3);
    expect(stepTime(freq, 2000, -3)).toBe(1999.7);
  });

  it('still refuses a gap, and leaves whole steps as they were', () => {
    const gap = Float64Array.from([0, 0.1, 0.2, 0.4, 0.5, 0.6]);
    expect(() => checkRegular(detectFrequency(gap, false), gap, 't', '', (i) => i + 1, false)).toThrow(/row 4 \(0\.4\) follows row 3 \(0\.2\), but the series steps by 0\.1;/);
    const big = Float64Array.from({ length: 5 }, (_, i) => 1_700_000_000_000_000 + i * 1_000);
    const freq = detectFrequency(big, false);
    expect(freq).toEqual({ kind: 'index', name: 'index', step: 1000 });
    expect(stepTime(freq, big[4]!, 1)).toBe(1_700_000_000_005_000);
  });
});
