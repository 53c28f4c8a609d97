/**
 * A dense model's date features outside the training dates (engine/features/datetime): the trend parts
 * (days since the epoch, year) are clipped to the training range's, as numeric inputs are clipped, while
 * the calendar parts stay the date's own; trees' parts and models made before the range are unclipped.
 * A year typed 2204 for 2024 was hundreds of standard deviations out for a linear model. Fails without
 * the range.
 */
import { describe, expect, it } from 'vitest';
import type { Column } from '../../src/engine/data/dataset';
import { type DatetimeState, datetimeEncoder, fitDatetime } from '../../src/engine/features/datetime';

const dates = (texts: readonly string[]): Column => ({ name: 'sold', type: 'datetime', storage: 'f64', values: Float64Array.from(texts, (t) => Date.parse(t)) });

const training = dates(Array.from({ length: 36 }, (_, k) => `${2021 + Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}-15`));

function encoded(encoder: ReturnType<typeof fitDatetime>, text: string): Record<string, number> {
  const out = new Float32Array(encoder.names.length);
  encoder.write(dates([text]), null, out, encoder.names.length, 0);
  return Object.fromEntries(encoder.names.map((n, k) => [n.replace('sold__', ''), out[k]]));
}

describe('date features beyond the training range', () => {
  const dense = fitDatetime(training, Array.from({ length: 36 }, (_, i) => i), true);

  it('clip the trend parts of a dense model to the last training date, keeping the calendar parts', () => {
    const typo = encoded(dense, '2204-03-15');
    const last = encoded(dense, '2023-12-15');
    const march = encoded(dense, '2023-03-15');
    expect(typo.days).toBe(last.days);
    expect(typo.year).toBe(last.year);
    expect(Math.abs(typo.days)).toBeLessThan(3);
    for (const part of ['month', 'day', 'month_sin', 'month_cos']) expect(typo[part]).toBe(march[part]);
    // And before the first one.
    expect(encoded(dense, '1824-06-15').days).toBe(encoded(dense, '2021-01-15').days);
    // Dates within the range are untouched.
    expect(encoded(dense, '2022-07-01').days).toBeGreaterThan(encoded(dense, '2022-06-30').days);
  });

  it('leave trees, and dense models stored without a range, unclipped', () => {
    const tree = fitDatetime(training, Array.from({ length: 36 }, (_, i) => i), false);
    expect(encoded(tree, '2204-03-15').year).toBe(2204);
    const { range: _range, ...before } = dense.toJSON() as DatetimeState;
    expect(encoded(datetimeEncoder(before), '2204-03-15').days).toBeGreaterThan(100);
  });
});
