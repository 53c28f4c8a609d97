/**
 * @module engine/features/select
 * Fits the column-keeping steps on the encoded training matrix: pruning (always) of near-constant columns
 * (at most 0.1 % of rows differ from the most common value; exactly constant below 1,000 rows) and exact
 * duplicates (the first copy stays), and the searchable selection that keeps the top fraction of columns
 * by mutual information with the target or by quick-model permutation importance.
 */
import type { Matrix } from '../core/matrix';
import type { Rng } from '../core/rng';
import type { Task } from '../core/task';
import type { FeatureKind } from './encoder';
import { permutationImportance } from './importance';
import { mutualInformation, topColumns } from './mutual-info';
import type { KeepStep } from './steps';

/** The column at j as a fresh array. */
function column(X: Matrix, j: number): Float32Array {
  const out = new Float32Array(X.rows);
  for (let i = 0; i < X.rows; i++) out[i] = X.data[i * X.cols + j];
  return out;
}

/** True when at most `tolerance` rows differ from the column's most common value (NaN counts as a value). */
function nearConstant(values: Float32Array, tolerance: number): boolean {
  if (tolerance === 0) {
    const first = values[0];
    for (const v of values) if (!(v === first || (Number.isNaN(v) && Number.isNaN(first)))) return false;
    return true;
  }
  const sorted = Float32Array.from(values).sort();
  let best = 0;
  let run = 0;
  for (let i = 0; i < sorted.length; i++) {
    run = i > 0 && (sorted[i] === sorted[i - 1] || (Number.isNaN(sorted[i]) && Number.isNaN(sorted[i - 1]))) ? run + 1 : 1;
    if (run > best) best = run;
  }
  return values.length - best <= tolerance;
}

/** FNV-1a over a column's float bits (NaN normalised), to find duplicate candidates quickly. */
function columnHash(values: Float32Array): number {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) {
    h ^= Number.isNaN(values[i]) ? 0x7fc00000 : bits[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Compares a column copy with column j of X in place (no second copy: pruning must not double the matrix). */
function sameColumn(a: Float32Array, X: Matrix, j: number): boolean {
  for (let i = 0; i < a.length; i++) {
    const b = X.data[i * X.cols + j];
    if (!(a[i] === b || (Number.isNaN(a[i]) && Number.isNaN(b)))) return false;
  }
  return true;
}

/**
 * The pruning step: drops near-constant and duplicate columns of the training matrix; undefined when
 * nothing is dropped. At least one column always survives, so a model has something to read.
 */
export function fitPrune(X: Matrix): KeepStep | undefined {
  const tolerance = Math.floor(0.001 * X.rows);
  const kept: number[] = [];
  // Kept columns are remembered by index, not by copy, so pruning holds one column at a time.
  const byHash = new Map<number, number[]>();
  for (let j = 0; j < X.cols; j++) {
    const values = column(X, j);
    if (X.rows > 1 && nearConstant(values, tolerance)) continue;
    const h = columnHash(values);
    const bucket = byHash.get(h) ?? [];
    if (bucket.some((other) => sameColumn(values, X, other))) continue;
    bucket.push(j);
    byHash.set(h, bucket);
    kept.push(j);
  }
  if (kept.length === X.cols) return undefined;
  return { kind: 'keep', reason: 'prune', columns: kept.length > 0 ? kept : [0] };
}

/** What selection needs besides the matrix: the target and how to read it. */
export interface SelectContext {
  readonly y: Float32Array;
  readonly task: Task;
  readonly nClasses: number;
  readonly kinds: readonly FeatureKind[];
  readonly rng: Rng;
}

/**
 * The selection step keeping the top `keep` fraction of columns by the chosen score; undefined when it
 * would keep every column.
 */
export async function fitSelect(X: Matrix, method: 'mutual_info' | 'importance', keep: number, ctx: SelectContext): Promise<KeepStep | undefined> {
  const count = Math.max(1, Math.ceil(keep * X.cols));
  if (count >= X.cols) return undefined;
  const scores =
    method === 'mutual_info'
      ? mutualInformation(X, ctx.y, ctx.task, ctx.nClasses, ctx.kinds)
      : await permutationImportance(X, ctx.y, ctx.task, ctx.nClasses, ctx.kinds, ctx.rng);
  return { kind: 'keep', reason: method, columns: topColumns(scores, count) };
}
