/**
 * @module engine/features/level-lookup
 * The code of a category a prediction request sends, against the training levels. A level is matched by
 * its text first; when that misses and the value reads as a number, by that number, provided exactly one
 * level reads as it. Categories made from a number column are labelled as the file spelled them ("007",
 * "1.0"; data/numeric-labels), or past 200 distinct values as the number prints ("2134" for "02134"), so a
 * client sending 7, "7.0" or the file's own "02134" sent a value training saw, which text alone called
 * unseen. Two levels that read as one number ("1" and "01" in a text column) leave that number unmatched.
 */
import { parseNumberCell } from '../data/column-types';
import { UNSEEN_CODE } from '../data/dataset';
import type { InputColumn } from './pipeline';

/** A number two or more levels read as: matches none of them. */
const AMBIGUOUS = -1;

/** Number → code maps, built once per loaded model's input column, on its first textual miss. */
const numericLevels = new WeakMap<InputColumn, Map<number, number>>();

function numericLevelsOf(input: InputColumn): Map<number, number> {
  let map = numericLevels.get(input);
  if (!map) {
    map = new Map();
    const levels = input.levels ?? [];
    for (let k = 0; k < levels.length; k++) {
      const v = parseNumberCell(levels[k]);
      if (Number.isNaN(v)) continue;
      // -0 and 0 are one key in a Map (SameValueZero), as they are one number to a user.
      map.set(v, map.has(v) ? AMBIGUOUS : k);
    }
    numericLevels.set(input, map);
  }
  return map;
}

/** The code of `key` (already trimmed) among `input`'s levels (`index`: level → code), UNSEEN_CODE when none. */
export function levelCode(input: InputColumn, index: ReadonlyMap<string, number>, key: string): number {
  const code = index.get(key);
  if (code !== undefined) return code;
  const v = parseNumberCell(key);
  if (Number.isNaN(v)) return UNSEEN_CODE;
  const byNumber = numericLevelsOf(input).get(v);
  return byNumber === undefined || byNumber === AMBIGUOUS ? UNSEEN_CODE : byNumber;
}
