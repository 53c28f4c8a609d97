/**
 * @module engine/data/distinct-levels
 * A column's distinct values (its levels, sorted) and each value's level, found by sorting the values
 * instead of filling a Set and a Map of every distinct value, and as steps (engine/core/steps). A Set of
 * an identifier column's 400,000 strings grew on a heap already holding the whole upload, and the garbage
 * collections that growth brought on held a Worker's thread 0.1-0.7 s at a time; sorted arrays of the
 * same strings (a run at a time, then merged pairwise) and a search by halving grow no hash table past
 * a few thousand values.
 * The levels are in the order `<` gives (UTF-16 code units), as Array.prototype.sort orders strings.
 */
import type { Steps } from '../core/steps';
import { sortStringsSteps } from './sort-steps';

/** The distinct values sorted, and for each value given, the index of its level. */
export interface DistinctLevels {
  readonly levels: string[];
  readonly codes: Int32Array;
}

/**
 * Distinct values counted in a Set up to this many: a column of categories is coded through a small Set
 * and Map, as sorting all its values would cost it (hundreds of thousands of equal strings) more.
 */
const SET_AT_MOST = 16_384;

/**
 * `values`' levels and codes, yielding every `pieceLength` values counted, and after each run of
 * `pieceLength` values sorted and every `pieceLength` merged, kept or coded.
 */
export function* distinctLevelsSteps(values: readonly string[], pieceLength: number): Steps<DistinctLevels> {
  const few = new Set<string>();
  for (let i = 0; i < values.length && few.size <= SET_AT_MOST; i++) {
    few.add(values[i]);
    if (i % pieceLength === pieceLength - 1) yield;
  }
  if (few.size <= SET_AT_MOST) return yield* codedThroughSet(values, [...few].sort(), pieceLength);
  const sorted = yield* sortStringsSteps(values, pieceLength);
  const levels: string[] = [];
  for (let r = 0; r < sorted.length; r++) {
    // Equal values sit together once sorted: a level starts where the value changes.
    if (levels.length === 0 || sorted[r] !== levels[levels.length - 1]) levels.push(sorted[r]);
    if (r % pieceLength === pieceLength - 1) yield;
  }
  // Each value's level found by halving: no Map of every level to its index.
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    let low = 0;
    let high = levels.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (levels[middle] < value) low = middle + 1;
      else high = middle;
    }
    codes[i] = low;
    if (i % pieceLength === pieceLength - 1) yield;
  }
  return { levels, codes };
}

/** `values` coded against their few `levels` (sorted) through a Map. */
function* codedThroughSet(values: readonly string[], levels: string[], pieceLength: number): Steps<DistinctLevels> {
  const index = new Map(levels.map((level, i) => [level, i]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    codes[i] = index.get(values[i]) as number;
    if (i % pieceLength === pieceLength - 1) yield;
  }
  return { levels, codes };
}
