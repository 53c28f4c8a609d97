/**
 * A two-valued category column in a dense model keeps one indicator, the other value being its
 * complement. A missing or unseen cell there must not read as the dropped value (all zeros): it gets the
 * kept value's training share, a mean fill, as a missing number gets the median. From a read-only audit of
 * serving: credit-g's foreign_worker (yes 963 / no 37) sent as null, left out or "maybe" scored exactly
 * as "no".
 */
import { describe, expect, it } from 'vitest';
import type { CodedColumn } from '../../src/engine/data/dataset';
import { fitOneHot, oneHotEncoder, type OneHotState } from '../../src/engine/features/one-hot';

/** A coded column of `codes` over `levels`. */
const coded = (levels: string[], codes: number[]): CodedColumn => ({ name: 'foreign_worker', type: 'categorical', storage: 'codes', codes: Int32Array.from(codes), levels });
const all = (n: number) => Array.from({ length: n }, (_, i) => i);

const f = Math.fround;

/** What the encoder writes for each of `codes` (one output per row: the column keeps one indicator). */
function written(state: OneHotState, levels: string[], codes: number[]): number[] {
  const enc = oneHotEncoder(state);
  const out = new Float32Array(codes.length * enc.names.length);
  enc.write(coded(levels, codes), null, out, enc.names.length, 0);
  return Array.from(out);
}

describe('a two-valued category column', () => {
  // 8 "yes" and 2 "no", no missing cell in training.
  const levels = ['yes', 'no', 'maybe'];
  const train = coded(levels, [0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
  const state = fitOneHot(train, all(10)).toJSON() as OneHotState;

  it('keeps one indicator for the more frequent value, with its training share', () => {
    expect(state.kept).toEqual([0]);
    expect(state.other).toBe(false);
    expect(state.indicator).toBe(false);
    expect(state.dropped).toBe(1);
    expect(state.share).toBeCloseTo(0.8, 12);
  });

  it('writes a missing or unseen cell as that share, neither value', () => {
    // yes, no, missing, a value training never saw.
    expect(written(state, levels, [0, 1, -1, 2])).toEqual([1, 0, f(0.8), f(0.8)]);
  });

  it('reads a saved pipeline the same way, and one saved before the share as it always did', () => {
    const saved = JSON.parse(JSON.stringify(state)) as OneHotState;
    expect(written(saved, levels, [0, 1, -1, 2, -2])).toEqual([1, 0, f(0.8), f(0.8), f(0.8)]);
    const { share: _share, dropped: _dropped, ...older } = saved;
    expect(written(older, levels, [0, 1, -1, 2])).toEqual([1, 0, 0, 0]);
  });

  it('leaves columns of more values or with missing training cells to their own indicators', () => {
    const many = fitOneHot(coded(['a', 'b', 'c'], [0, 1, 2, 0, 1, 0]), all(6)).toJSON() as OneHotState;
    expect(many.share).toBeUndefined();
    expect(written(many, ['a', 'b', 'c', 'd'], [-1, 3])).toEqual([0, 0, 0, 0, 0, 0]);
    const gappy = fitOneHot(coded(['yes', 'no'], [0, -1, 1, 0]), all(4)).toJSON() as OneHotState;
    expect(gappy.share).toBeUndefined();
    expect(gappy.indicator).toBe(true);
    expect(written(gappy, ['yes', 'no'], [-1])).toEqual([0, 0, 1]);
  });

  // From a second read-only audit: with a missing indicator and no "other" one, an unseen category was
  // all zeros, a row no training row looked like; the README says it reads as an empty cell.
  it('reads an unseen category as an empty cell when training had empty cells and no rare categories', () => {
    const colours = fitOneHot(coded(['red', 'blue', 'green'], [0, 1, -1, 0, 1, -1]), all(6)).toJSON() as OneHotState;
    expect(colours).toMatchObject({ kept: [0, 1], other: false, indicator: true });
    // red, blue, empty, green (never in training), a code serving gives a value it cannot match.
    expect(written(colours, ['red', 'blue', 'green'], [0, 1, -1, 2, -2])).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
  });
});
