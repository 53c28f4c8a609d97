/**
 * @module engine/features/unseen-categories
 * The category cells of a prediction request that the model never saw in training. They are read as no
 * known level (a tree model treats them as an empty cell, a dense model's one-hot as a rare category:
 * features/one-hot), which is documented and right for a new level, but a client could not tell that a
 * value was dropped: a typo ("RADIO/TV" for "radio/tv") scored as an empty cell or a rare category. The answer names them (worker predict route), found from the decoded request
 * (codes UNSEEN_CODE), so nothing is decoded twice.
 */
import { type Dataset, UNSEEN_CODE } from '../data/dataset';

/** A request cell whose category the model never saw: its row (0-based, in request order), column and value as sent. */
export interface UnseenCategory {
  readonly row: number;
  readonly column: string;
  readonly value: string;
}

/** The most unseen cells an answer lists; `unseen_total` counts them all. */
export const MAX_UNSEEN_LISTED = 100;
/** The most characters of an unseen value an answer repeats. */
export const MAX_UNSEEN_CHARS = 256;

export interface UnseenReport {
  /** The first MAX_UNSEEN_LISTED, by row then column. */
  readonly unseen: UnseenCategory[];
  /** Present when more were found than listed. */
  readonly unseen_total?: number;
}

/**
 * The unseen category cells of `datasets` (one per input schema of the model; a column read by several
 * is counted once), with `valueOf` giving the cell as the request sent it; undefined when there are none.
 */
export function unseenCategories(datasets: readonly Dataset[], valueOf: (row: number, column: string) => string): UnseenReport | undefined {
  const found: { row: number; column: string }[] = [];
  const columns = new Set<string>();
  for (const ds of datasets) {
    for (const col of ds.columns) {
      if (col.storage !== 'codes' || columns.has(col.name)) continue;
      columns.add(col.name);
      const codes = col.codes;
      for (let i = 0; i < codes.length; i++) if (codes[i] === UNSEEN_CODE) found.push({ row: i, column: col.name });
    }
  }
  if (found.length === 0) return undefined;
  found.sort((a, b) => a.row - b.row);
  // A value's first MAX_UNSEEN_CHARS characters: 100 cells of 80 KB each would make the answer the request's size.
  const unseen = found.slice(0, MAX_UNSEEN_LISTED).map((u) => ({ ...u, value: valueOf(u.row, u.column).slice(0, MAX_UNSEEN_CHARS) }));
  return { unseen, ...(found.length > MAX_UNSEEN_LISTED ? { unseen_total: found.length } : {}) };
}
