/**
 * Drift bins a category the way predict codes it (features/level-lookup categoryCode). From a read-only
 * audit of drift: a truth word ("yes" for a level "Y" among Y, N, Maybe), which the model reads as that
 * level, was binned as "(other)", a category never seen, so unchanged data read as significant drift and
 * on_drift retrained forever; and a JSON true was binned under a level "1" of a 0/1/2 column, which the
 * model reads as unseen, hiding a real change.
 */
import { describe, expect, it } from 'vitest';
import { binnerFor } from '../../src/engine/drift/binner';
import type { CategoricalFeatureReference } from '../../src/engine/drift/reference';

const reference = (categories: string[]): CategoricalFeatureReference => ({ name: 'c', type: 'categorical', kind: 'categorical', categories, proportions: categories.map(() => 1 / categories.length) });

describe('drift bins of a category column', () => {
  it('put a truth word or a JSON boolean in the level spelling that truth value in words, as predict does', () => {
    const bin = binnerFor(reference(['Maybe', 'N', 'Y']));
    expect(['Y', 'yes', 'YES', ' true ', true, 'no', false, 'Maybe'].map(bin)).toEqual([2, 2, 2, 2, 2, 1, 1, 0]);
  });

  it('keep a JSON boolean out of a number level, as predict does (it reads it as unseen)', () => {
    const bin = binnerFor(reference(['0', '1', '2']));
    const other = 3;
    expect([true, false, 'yes'].map(bin)).toEqual([other, other, other]);
    // Numbers still match the level they spell.
    expect([1, '1', 2.0, '02'].map(bin)).toEqual([1, 1, 2, 2]);
  });

  it('count missing values apart from other categories', () => {
    const bin = binnerFor(reference(['a', 'b']));
    expect([null, undefined, '', 'NA', Number.NaN, 'c', {}].map(bin)).toEqual([3, 3, 3, 3, 3, 2, 3]);
  });
});
