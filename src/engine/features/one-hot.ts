/**
 * @module engine/features/one-hot
 * Categorical columns for dense models: one indicator per frequent training category (at most
 * MAX_LEVELS, the most frequent first), plus an "other" indicator collecting rare categories and
 * categories unseen in training, plus a missing indicator when training had missing values (which an
 * unseen category sets when there is no "other" indicator: it reads as an empty cell).
 * A column of two values and no missing cells keeps one indicator (the other is its complement); a
 * missing or unseen cell there gets the kept value's training share, as a missing number gets the
 * median: all zeros would read it as the dropped value, a category it is not known to be.
 */
import type { Column } from '../data/dataset';
import type { EncoderState, FittedEncoder } from './encoder';
import { rowAt, rowCount } from './encoder';

const MAX_LEVELS = 32;

export interface OneHotState extends EncoderState {
  readonly kind: 'one_hot';
  /** Codes of the categories that get their own indicator, in output order. */
  readonly kept: readonly number[];
  readonly labels: readonly string[];
  readonly other: boolean;
  readonly indicator: boolean;
  /**
   * A two-valued column's dropped value (its code: the kept indicator's 0) and the kept value's share of
   * the training rows, what a missing or unseen cell gets. Absent in pipelines saved before them (they
   * write 0 for those cells, the dropped value's encoding).
   */
  readonly dropped?: number;
  readonly share?: number;
}

export function fitOneHot(col: Column, rows: ArrayLike<number>): FittedEncoder {
  if (col.storage !== 'codes') throw new TypeError(`column "${col.name}" is not coded`);
  const counts = new Array<number>(col.levels.length).fill(0);
  let missing = 0;
  for (let i = 0; i < rows.length; i++) {
    const c = col.codes[rows[i]];
    if (c < 0) missing++;
    else counts[c]++;
  }
  const minCount = rows.length >= 200 ? 2 : 1;
  const ranked = counts
    .map((count, code) => ({ count, code }))
    .filter((e) => e.count >= minCount)
    .sort((a, b) => b.count - a.count || a.code - b.code);
  const kept = ranked.slice(0, MAX_LEVELS).map((e) => e.code);
  // Two-level columns need one indicator only; the second would be its exact complement.
  const keptFinal = kept.length === 2 && missing === 0 && counts.filter((c) => c > 0).length === 2 ? kept.slice(0, 1) : kept;
  const other = counts.some((c, code) => c > 0 && !kept.includes(code));
  return oneHotEncoder({
    kind: 'one_hot',
    column: col.name,
    kept: keptFinal,
    labels: keptFinal.map((c) => col.levels[c]),
    other,
    indicator: missing > 0,
    ...(keptFinal.length < kept.length ? { dropped: kept[1], share: counts[kept[0]] / (rows.length - missing) } : {}),
  });
}

export function oneHotEncoder(s: OneHotState): FittedEncoder {
  const slot = new Map(s.kept.map((code, k) => [code, k]));
  const names = [...s.labels.map((l) => `${s.column}=${l}`), ...(s.other ? [`${s.column}=__other__`] : []), ...(s.indicator ? [`${s.column}__missing`] : [])];
  const otherAt = s.kept.length;
  const missingAt = s.kept.length + (s.other ? 1 : 0);
  const keptIsComplement = s.kept.length === 1 && !s.other;
  // Neither of two values (missing, or unseen: not the dropped one): the kept one's training share, a mean fill.
  const neither = keptIsComplement && s.share !== undefined && s.dropped !== undefined ? s.share : 0;
  return {
    names,
    kinds: names.map(() => 'numeric' as const),
    write(col, rows, out, stride, offset) {
      if (col.storage !== 'codes') throw new TypeError(`column "${col.name}" is not coded`);
      const n = rowCount(col, rows);
      for (let i = 0; i < n; i++) {
        const at = i * stride + offset;
        for (let k = 0; k < names.length; k++) out[at + k] = 0;
        const c = col.codes[rowAt(rows, i)];
        if (c === -1) {
          if (s.indicator) out[at + missingAt] = 1;
          else if (keptIsComplement) out[at] = neither;
          continue;
        }
        const k = slot.get(c);
        if (k !== undefined) out[at + k] = 1;
        else if (keptIsComplement) out[at] = c === s.dropped ? 0 : neither;
        else if (s.other) out[at + otherAt] = 1;
        // Without an "other" indicator, a category training never held reads as an empty cell, as the
        // README says: all zeros would be a row no training row looked like.
        else if (s.indicator) out[at + missingAt] = 1;
      }
    },
    toJSON: () => s,
  };
}
