/**
 * @module engine/features/text-hash
 * Free-text columns: lowercase, split on anything that is not a letter or digit, and count tokens into
 * TEXT_BUCKETS buckets by a 32-bit FNV-1a hash (the hashing trick), so there is no vocabulary to store or
 * to miss at serving time: any new text maps somewhere. Counts are log1p-damped; dense models get each
 * row's bucket vector L2-normalised (a TF direction, independent of text length) plus the standardised
 * log token count, trees get log1p counts and the raw token count. Missing or empty text is all zeros.
 * Text columns arrive coded (levels = distinct strings), so each distinct text is tokenised once.
 *
 * Tokens are read from the text in Unicode's composed form (NFC), and a combining mark belongs to its
 * word: "café" typed on a Mac (e + a combining accent) is the same token as "café" from a Windows
 * export, and Devanagari or Thai words are words, not single letters. Encoders stored before this
 * (no `tokenizer` field) keep splitting as they were trained to.
 */
import { EngineError } from '../core/errors';
import type { Column } from '../data/dataset';
import { type EncoderState, type FittedEncoder, rowAt, rowCount } from './encoder';

/** Hash buckets per text column. */
export const TEXT_BUCKETS = 128;

export interface TextHashState extends EncoderState {
  readonly kind: 'text_hash';
  readonly dense: boolean;
  readonly buckets: number;
  /** Training mean and scale of log1p(token count), for dense models. */
  readonly lenMean: number;
  readonly lenScale: number;
  /** 2: NFC, marks kept in their words (see the module comment); absent: the first tokenizer. */
  readonly tokenizer?: 2;
}

/** The tokenizer new encoders are fitted with. */
const TOKENIZER = 2;

/** Lowercased tokens of a text: runs of letters, marks and digits, composed (`version` 2), or letters and digits. */
export function tokenize(text: string, version: 1 | 2 = TOKENIZER): string[] {
  const tokens = version === 2 ? text.normalize('NFC').toLowerCase().split(/[^\p{L}\p{M}\p{N}]+/u) : text.toLowerCase().split(/[^\p{L}\p{N}]+/u);
  return tokens.filter((t) => t.length > 0);
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Sparse hashed counts of one text: bucket indices and log1p counts, plus the token count. */
interface Hashed {
  readonly index: Int32Array;
  readonly value: Float32Array;
  readonly tokens: number;
}

function hashText(text: string, buckets: number, dense: boolean, tokenizer: 1 | 2): Hashed {
  const counts = new Map<number, number>();
  const tokens = tokenize(text, tokenizer);
  for (const t of tokens) {
    const b = fnv1a(t) % buckets;
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const index = Int32Array.from(counts.keys());
  const value = Float32Array.from(counts.values(), (c) => Math.log1p(c));
  if (dense) {
    let norm = 0;
    for (const v of value) norm += v * v;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < value.length; i++) value[i] /= norm;
  }
  return { index, value, tokens: tokens.length };
}

const EMPTY: Hashed = { index: new Int32Array(0), value: new Float32Array(0), tokens: 0 };

export function fitTextHash(col: Column, rows: ArrayLike<number>, dense: boolean): FittedEncoder {
  const probe = textHashEncoder({ kind: 'text_hash', column: col.name, dense, buckets: TEXT_BUCKETS, lenMean: 0, lenScale: 1, tokenizer: TOKENIZER });
  let sum = 0;
  let sumSq = 0;
  const counts = probe.tokenCounts(col, rows);
  for (const c of counts) {
    const v = Math.log1p(c);
    sum += v;
    sumSq += v * v;
  }
  const n = counts.length;
  const lenMean = n > 0 ? sum / n : 0;
  const variance = n > 0 ? sumSq / n - lenMean * lenMean : 0;
  return textHashEncoder({ kind: 'text_hash', column: col.name, dense, buckets: TEXT_BUCKETS, lenMean, lenScale: variance > 1e-12 ? Math.sqrt(variance) : 1, tokenizer: TOKENIZER });
}

export function textHashEncoder(s: TextHashState): FittedEncoder & { tokenCounts(col: Column, rows: ArrayLike<number>): number[] } {
  if (!(Number.isInteger(s.buckets) && s.buckets >= 1 && s.buckets <= 4096) || !Number.isFinite(s.lenMean) || !(s.lenScale > 0)) {
    throw new EngineError('bad_artifact', `text encoder for "${s.column}" has invalid settings`);
  }
  if (s.tokenizer !== undefined && s.tokenizer !== 2) throw new EngineError('bad_artifact', `text encoder for "${s.column}" names an unknown tokenizer ${JSON.stringify(s.tokenizer)}`);
  const tokenizer = s.tokenizer ?? 1;
  // Each distinct text is hashed once per levels list (a dataset's column or one request's column).
  const cache = new WeakMap<readonly string[], (Hashed | undefined)[]>();
  const hashedOf = (col: Column, row: number): Hashed => {
    if (col.storage !== 'codes') throw new TypeError(`column "${col.name}" is not coded`);
    const code = col.codes[row];
    if (code < 0) return EMPTY;
    let byLevel = cache.get(col.levels);
    if (!byLevel) cache.set(col.levels, (byLevel = new Array(col.levels.length)));
    return (byLevel[code] ??= hashText(col.levels[code], s.buckets, s.dense, tokenizer));
  };
  const names = [...Array.from({ length: s.buckets }, (_, b) => `${s.column}__h${b}`), `${s.column}__tokens`];
  return {
    names,
    kinds: names.map(() => 'numeric' as const),
    write(col, rows, out, stride, offset) {
      const n = rowCount(col, rows);
      for (let i = 0; i < n; i++) {
        const h = hashedOf(col, rowAt(rows, i));
        const at = i * stride + offset;
        out.fill(0, at, at + s.buckets);
        for (let k = 0; k < h.index.length; k++) out[at + h.index[k]] = h.value[k];
        out[at + s.buckets] = s.dense ? (Math.log1p(h.tokens) - s.lenMean) / s.lenScale : h.tokens;
      }
    },
    tokenCounts: (col, rows) => Array.from({ length: rows.length }, (_, i) => hashedOf(col, rows[i]).tokens),
    toJSON: () => s,
  };
}
