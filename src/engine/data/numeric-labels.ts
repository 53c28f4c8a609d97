/**
 * @module engine/data/numeric-labels
 * The text of a numeric column's values where they serve as labels: a classification target's classes,
 * categories made from numbers, cells written back out (appended versions). A class is named as the file
 * wrote it ("1.0", "007"), not as the number prints ("1", "7"), so predictions answer the user's labels.
 * Upload records the spellings (data/infer-schema) when a column's values are few enough to be classes;
 * other values read as their shortest text, at the precision storage kept (data/numeric-precision).
 */
import type { NumericColumn } from './dataset';
import { float32Text } from './numeric-precision';

/** Most distinct values whose spellings are kept: the most classes a target may have. */
export const MAX_SPELLED_VALUES = 200;

/** The label of each value of `col`. */
export function numericLabelOf(col: NumericColumn): (value: number) => string {
  const plain = col.values instanceof Float32Array ? float32Text : String;
  const spellings = col.spellings;
  if (!spellings) return plain;
  return (value) => spellings.get(value) ?? plain(value);
}

/**
 * Each distinct value's first spelling (trimmed), when some spelling is not the value's shortest text and
 * there are at most MAX_SPELLED_VALUES values; undefined otherwise (labels then read as numbers print).
 */
export function spellingsOf(cells: readonly string[], values: Float64Array): ReadonlyMap<number, string> | undefined {
  const spellings = new Map<number, string>();
  let differs = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v) || spellings.has(v)) continue;
    if (spellings.size >= MAX_SPELLED_VALUES) return undefined;
    const text = cells[i].trim();
    spellings.set(v, text);
    if (text !== String(v)) differs = true;
  }
  return differs ? spellings : undefined;
}
