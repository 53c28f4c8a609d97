/**
 * @module engine/features/codes
 * Categorical and boolean columns for tree learners: the category's integer code as one feature of kind
 * 'categorical', so the tree learner can split on sets of categories natively. Missing values and
 * categories never seen in training become NaN and follow the learned missing direction.
 *
 * A column of more than MAX_CODED_LEVELS levels is coded by training frequency instead (its most frequent
 * level 0, the next 1, …), its rarer levels NaN. The tree binning tells apart at most MAX_BIN_LIMIT - 1
 * of a column's codes, its most frequent, and the rest share the missing bin already, so the trees learn
 * the same splits; but a categorical split stores a bitset over codes up to the largest one it tells
 * apart, and with levels in alphabetical order the frequent ones of a 50,000-level column (zip codes,
 * products) lie anywhere below 50,000: 6 KiB a split. On 50,000 rows of such a column (npm run
 * bench:memory -- --rows 50000 --cols 10 --categorical 2 --levels 50000) a gbdt trial held 142 MiB, a
 * random forest 821 MiB and extra trees 1.2 GiB, against estimates of 21-56 MiB; coded by frequency, a
 * bitset is at most 8 words.
 */
import type { CodedColumn } from '../data/dataset';
import { MAX_BIN_LIMIT } from '../models/tree/binning';
import type { EncoderState, FittedEncoder } from './encoder';
import { rowAt, rowCount } from './encoder';

/** Levels a column keeps codes for, most frequent first, when it has more (see the module comment). */
export const MAX_CODED_LEVELS = MAX_BIN_LIMIT;

export interface CodesState extends EncoderState {
  readonly kind: 'codes';
  readonly levels: number;
  /**
   * A column of more than MAX_CODED_LEVELS levels: the codes of its most frequent training levels, most
   * frequent first; the feature is a level's place here, NaN for the rest. Absent: the feature is the code.
   */
  readonly top?: readonly number[];
}

export function fitCodes(col: CodedColumn, rows: ArrayLike<number>): FittedEncoder {
  const levels = col.levels.length;
  if (levels <= MAX_CODED_LEVELS) return codesEncoder({ kind: 'codes', column: col.name, levels });
  const counts = new Int32Array(levels);
  for (let i = 0; i < rows.length; i++) {
    const c = col.codes[rows[i]];
    if (c >= 0 && c < levels) counts[c]++;
  }
  const present: number[] = [];
  for (let c = 0; c < levels; c++) if (counts[c] > 0) present.push(c);
  // Ties by code, so the same rows always give the same coding.
  const top = present.sort((a, b) => counts[b] - counts[a] || a - b).slice(0, MAX_CODED_LEVELS);
  return codesEncoder({ kind: 'codes', column: col.name, levels, top });
}

export function codesEncoder(s: CodesState): FittedEncoder {
  // A level's feature value: its code, or its place among the most frequent (-1 for the others).
  let rank: Int32Array | undefined;
  if (s.top) {
    rank = new Int32Array(s.levels).fill(-1);
    s.top.forEach((code, place) => {
      if (code >= 0 && code < s.levels) rank![code] = place;
    });
  }
  return {
    names: [s.column],
    kinds: ['categorical'],
    write(col, rows, out, stride, offset) {
      if (col.storage !== 'codes') throw new TypeError(`column "${col.name}" is not coded`);
      const n = rowCount(col, rows);
      for (let i = 0; i < n; i++) {
        const c = col.codes[rowAt(rows, i)];
        const v = c >= 0 && c < s.levels ? (rank ? rank[c] : c) : -1;
        out[i * stride + offset] = v >= 0 ? v : NaN;
      }
    },
    toJSON: () => s,
  };
}
