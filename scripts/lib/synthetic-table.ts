/**
 * A synthetic, learnable table in the engine's decoded columnar form (the Dataset a trial reads from R2),
 * for memory and speed benchmarks at sizes the shared datasets do not reach: numeric columns (a few with
 * missing values), a few categorical columns of various cardinalities, and a binary target that depends on
 * both kinds through a noisy logistic link, so trees grow real splits rather than pure noise.
 */
import { Rng } from '../../src/engine/core/rng';
import type { Task } from '../../src/engine/core/task';
import type { Column, Dataset } from '../../src/engine/data/dataset';

export interface SyntheticTableOptions {
  readonly rows: number;
  /** Feature columns, the target not included. */
  readonly cols: number;
  /** How many of the feature columns are categorical. */
  readonly categorical: number;
  /** Levels of every categorical column, in place of the cycle of small cardinalities (a 50,000-level zip code column). */
  readonly levels?: number;
  readonly seed: number;
}

export const SYNTHETIC_TARGET = 'label';
/** The task of the synthetic target (two classes, 'no' and 'yes'). */
export const SYNTHETIC_TASK: Task = 'binary';

/** Levels of categorical column j: cardinalities cycle through small and larger ones. */
const CARDINALITIES = [3, 8, 20, 5, 50];

export function syntheticTable(opts: SyntheticTableOptions): Dataset {
  const { rows, cols, categorical, seed } = opts;
  const rng = new Rng(seed);
  const numeric = cols - categorical;
  const logit = new Float64Array(rows);
  const columns: Column[] = [];
  for (let j = 0; j < numeric; j++) {
    const values = new Float64Array(rows);
    // The first eight columns carry signal with decaying weights; every fifth column has 2 % missing.
    const weight = j < 8 ? 1.2 / (j + 1) : 0;
    const missing = j % 5 === 4 ? 0.02 : 0;
    for (let i = 0; i < rows; i++) {
      const v = rng.normal();
      values[i] = missing > 0 && rng.next() < missing ? Number.NaN : v;
      logit[i] += weight * (j === 1 ? v * v - 1 : v);
    }
    columns.push({ name: `x${j}`, type: 'numeric', storage: 'f64', values });
  }
  for (let j = 0; j < categorical; j++) {
    const k = opts.levels ?? CARDINALITIES[j % CARDINALITIES.length];
    const levels = Array.from({ length: k }, (_, l) => `c${j}_${l}`);
    const effect = Float64Array.from(levels, () => (j < 2 ? rng.normal() : 0));
    const codes = new Int32Array(rows);
    // With `levels` given, the column is skewed as zip codes or products are (a level's rank drawn
    // log-uniformly), and its frequent levels lie anywhere in the alphabet (a shuffled rank-to-code map).
    const byRank = opts.levels === undefined ? undefined : shuffled(k, rng);
    for (let i = 0; i < rows; i++) {
      codes[i] = byRank ? byRank[Math.min(k - 1, Math.floor(k ** rng.next()) - 1)] : rng.int(k);
      logit[i] += effect[codes[i]];
    }
    columns.push({ name: `cat${j}`, type: 'categorical', storage: 'codes', codes, levels });
  }
  const target = new Int32Array(rows);
  for (let i = 0; i < rows; i++) target[i] = rng.next() < 1 / (1 + Math.exp(-(logit[i] + 0.5 * rng.normal()))) ? 1 : 0;
  columns.push({ name: SYNTHETIC_TARGET, type: 'categorical', storage: 'codes', codes: target, levels: ['no', 'yes'] });
  return { rows, columns };
}

/** 0..n-1 in a random order (Fisher-Yates). */
function shuffled(n: number, rng: Rng): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
