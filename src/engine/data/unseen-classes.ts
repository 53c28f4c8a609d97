/**
 * @module engine/data/unseen-classes
 * The classes a target column holds on some rows that a model's classes lack: labels named as
 * data/target names them (a level, or a number as the file wrote it), so they compare with the classes a
 * published model records. Used on appended rows, whose new class a classification model never predicted.
 */
import { findColumn, type Dataset } from './dataset';
import { numericLabelOf } from './numeric-labels';

/** A class label missing from the known ones, with the index of the first row holding it. */
export interface UnseenClass {
  readonly label: string;
  readonly row: number;
}

/** The labels of `target` on rows `from` onwards that `known` lacks, in order of first appearance; none when the column is absent. */
export function unseenClasses(ds: Dataset, target: string, known: readonly string[], from: number): UnseenClass[] {
  const col = findColumn(ds, target);
  if (!col) return [];
  const knownSet = new Set(known);
  const found = new Map<string, number>();
  const note = (label: string, row: number) => {
    if (!knownSet.has(label) && !found.has(label)) found.set(label, row);
  };
  if (col.storage === 'codes') {
    for (let i = from; i < ds.rows; i++) if (col.codes[i] >= 0) note(col.levels[col.codes[i]], i);
  } else {
    const labelOf = numericLabelOf(col);
    for (let i = from; i < ds.rows; i++) if (!Number.isNaN(col.values[i])) note(labelOf(col.values[i]), i);
  }
  return [...found].map(([label, row]) => ({ label, row }));
}
