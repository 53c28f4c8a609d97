/**
 * @module engine/features/codes
 * Categorical and boolean columns for tree learners: the category's integer code as one feature of kind
 * 'categorical', so the tree learner can split on sets of categories natively. Missing values and
 * categories never seen in training become NaN and follow the learned missing direction.
 */
import type { EncoderState, FittedEncoder } from './encoder';
import { rowAt, rowCount } from './encoder';

export interface CodesState extends EncoderState {
  readonly kind: 'codes';
  readonly levels: number;
}

export function fitCodes(column: string, levels: number): FittedEncoder {
  return codesEncoder({ kind: 'codes', column, levels });
}

export function codesEncoder(s: CodesState): FittedEncoder {
  return {
    names: [s.column],
    kinds: ['categorical'],
    write(col, rows, out, stride, offset) {
      if (col.storage !== 'codes') throw new TypeError(`column "${col.name}" is not coded`);
      const n = rowCount(col, rows);
      for (let i = 0; i < n; i++) {
        const c = col.codes[rowAt(rows, i)];
        out[i * stride + offset] = c >= 0 && c < s.levels ? c : NaN;
      }
    },
    toJSON: () => s,
  };
}
