/**
 * @module engine/features/level-lookup
 * The code of a category a prediction request sends, against the training levels. A level is matched by
 * its text first; when that misses and the value reads as a number, by that number, provided exactly one
 * level reads as it. Categories made from a number column are labelled as the file spelled them ("007",
 * "1.0"; data/numeric-labels), or past 200 distinct values as the number prints ("2134" for "02134"), so a
 * client sending 7, "7.0" or the file's own "02134" sent a value training saw, which text alone called
 * unseen. Two levels that read as one number ("1" and "01" in a text column) leave that number unmatched.
 * A truth value (JSON true, or a word such as "yes" or "False") that is no level matches the one level
 * spelling that truth value in words ("Y" among Y, N and Maybe), in JSON rows and CSV cells alike; never a
 * level that is a number ("1" among 0, 1 and 2), which a truth value sent to a category does not mean.
 * A number written with a decimal comma ("38,5") matches the level a semicolon file's "38,5" became.
 */
import { parseBooleanCell, parseNumberCell } from '../data/column-types';
import { UNSEEN_CODE } from '../data/dataset';
import type { InputColumn } from './pipeline';

/** A reading (a number, a truth value) two or more levels share: matches none of them. */
const AMBIGUOUS = -1;

/**
 * A map from what a level reads as (a number, a truth value) to its code, AMBIGUOUS where two levels read
 * as one value; built once per loaded model's input column, on the first miss that needs it.
 */
function readingsOf<K>(cache: WeakMap<InputColumn, Map<K, number>>, input: InputColumn, read: (level: string) => K | undefined): Map<K, number> {
  let map = cache.get(input);
  if (!map) {
    map = new Map();
    const levels = input.levels ?? [];
    for (let k = 0; k < levels.length; k++) {
      const value = read(levels[k]);
      // -0 and 0 are one key in a Map (SameValueZero), as they are one number to a user.
      if (value !== undefined) map.set(value, map.has(value) ? AMBIGUOUS : k);
    }
    cache.set(input, map);
  }
  return map;
}

/** Number → code of the one level reading as it. */
const numericLevels = new WeakMap<InputColumn, Map<number, number>>();
const numericLevelsOf = (input: InputColumn) => readingsOf(numericLevels, input, (level) => {
  const v = parseNumberCell(level);
  return Number.isNaN(v) ? undefined : v;
});

/** Truth value → code of the one level spelling it in words. */
const truthLevels = new WeakMap<InputColumn, Map<boolean, number>>();
const truthLevelsOf = (input: InputColumn) => readingsOf(truthLevels, input, wordTruth);

/** The truth value text spells in words ("yes", "F"); undefined for a number ("1") or anything else. */
function wordTruth(text: string): boolean | undefined {
  return Number.isNaN(parseNumberCell(text)) ? parseBooleanCell(text) : undefined;
}

/** The code of `key` (already trimmed) among `input`'s levels (`index`: level → code), UNSEEN_CODE when none. */
export function levelCode(input: InputColumn, index: ReadonlyMap<string, number>, key: string): number {
  const code = index.get(key);
  if (code !== undefined) return code;
  const byNumber = levelOfNumber(input, parseNumberCell(key));
  if (byNumber !== UNSEEN_CODE) return byNumber;
  // A decimal comma ("38,5"): a semicolon file's numbers were read with it (data/decimal-comma), so the
  // level is "38.5" where the client, sending the file's own text, writes "38,5".
  return DECIMAL_COMMA.test(key) ? levelOfNumber(input, Number(key.replace(',', '.'))) : UNSEEN_CODE;
}

/** One comma between digits, no other separator: "38,5", "-0,25", "1,234" (1.234 in such a file). */
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/** The code of the one level reading as the number `v`; UNSEEN_CODE for NaN, none or several. */
function levelOfNumber(input: InputColumn, v: number): number {
  if (Number.isNaN(v)) return UNSEEN_CODE;
  const byNumber = numericLevelsOf(input).get(v);
  return byNumber === undefined || byNumber === AMBIGUOUS ? UNSEEN_CODE : byNumber;
}

/**
 * The code of a sent category value (JSON string, number or boolean, or a CSV cell): levelCode of its
 * text, else, for a truth value, the level spelling that truth value in words (see the module comment).
 */
export function categoryCode(input: InputColumn, index: ReadonlyMap<string, number>, value: string | number | boolean): number {
  const key = String(value).trim();
  const code = levelCode(input, index, key);
  if (code !== UNSEEN_CODE) return code;
  const truth = typeof value === 'boolean' ? value : wordTruth(key);
  if (truth === undefined) return UNSEEN_CODE;
  const byTruth = truthLevelsOf(input).get(truth);
  return byTruth === undefined || byTruth === AMBIGUOUS ? UNSEEN_CODE : byTruth;
}
