/**
 * @module engine/models/forest/row-sample
 * Which rows each tree sees and with what weight. A row's base weight is its sample weight times its class
 * weight; bootstrapping then multiplies it by how often the row was drawn (n draws with replacement), which
 * is exactly how scikit-learn's forests bootstrap: duplicates become weights, so a tree keeps one index per
 * distinct row and min_samples_leaf counts distinct rows.
 */
import { EngineError } from '../../core/errors';
import type { Rng } from '../../core/rng';
import type { ClassWeight } from './forest-params';

/**
 * Sample weights (1 when absent) times class weights. 'balanced' gives class c the weight W / (K · W_c),
 * W_c its total sample weight (scikit-learn's n / (K · n_c) without sample weights), so every class
 * present carries the same total. Throws EngineError('invalid_input') when no row has positive weight.
 */
export function baseWeights(y: Float32Array, sampleWeights: Float32Array | undefined, classWeight: ClassWeight, nClasses: number): Float32Array {
  const n = y.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = sampleWeights ? sampleWeights[i] : 1;
  if (classWeight === 'balanced' && nClasses > 0) {
    const perClass = new Float64Array(nClasses);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      perClass[y[i]] += out[i];
      sum += out[i];
    }
    for (let c = 0; c < nClasses; c++) perClass[c] = perClass[c] > 0 ? sum / (nClasses * perClass[c]) : 0;
    for (let i = 0; i < n; i++) out[i] *= perClass[y[i]];
  }
  let any = false;
  for (let i = 0; i < n && !any; i++) any = out[i] > 0;
  if (!any) throw new EngineError('invalid_input', 'every training row has weight 0; at least one row needs a positive weight');
  return out;
}

/** The rows a tree may draw from: those whose fold is not `skip`, `size` of them. */
export interface TreePool {
  readonly fold: Int32Array;
  readonly skip: number;
  readonly size: number;
}

/**
 * Fills one tree's row weights `w` (base weight times bootstrap count, or the base weight alone) and lists
 * the rows with positive weight in increasing order in `rows`. Returns how many rows are listed. With a
 * `pool`, the tree learns from the pool's rows alone, as a forest fitted on just those rows would: a
 * bootstrap draws as many rows as the pool holds from it (uniform draws over every row, redrawn when
 * outside the pool: no list of the pool's rows is kept), otherwise every row outside it weighs 0.
 */
export function drawTreeRows(base: Float32Array, bootstrap: boolean, rng: Rng, counts: Int32Array, w: Float32Array, rows: Uint32Array, pool?: TreePool): number {
  const n = base.length;
  if (bootstrap && pool) {
    counts.fill(0);
    const { fold, skip } = pool;
    for (let i = 0; i < pool.size; i++) {
      let r = rng.int(n);
      while (fold[r] === skip) r = rng.int(n);
      counts[r]++;
    }
  } else if (bootstrap) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[rng.int(n)]++;
  }
  let size = 0;
  for (let r = 0; r < n; r++) {
    const wr = bootstrap ? base[r] * counts[r] : pool && pool.fold[r] === pool.skip ? 0 : base[r];
    w[r] = wr;
    if (wr > 0) rows[size++] = r;
  }
  return size;
}
