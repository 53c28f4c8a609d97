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

/**
 * True when at most `tolerance` rows differ from column j's most common value (NaN counts as a value).
 * `sorted` (at least X.rows long) is scratch for a sorted copy (either precision holds a Float32 exactly).
 */
function nearConstant(X: Matrix, j: number, tolerance: number, sorted: Float64Array | Float32Array): boolean {
  if (tolerance === 0) {
    const first = X.data[j];
    for (let i = 1; i < X.rows; i++) {
      const v = X.data[i * X.cols + j];
      if (!(v === first || (Number.isNaN(v) && Number.isNaN(first)))) return false;
    }
    return true;
  }
  const copy = sorted.subarray(0, X.rows);
  for (let i = 0; i < X.rows; i++) copy[i] = X.data[i * X.cols + j];
  copy.sort();
  let best = 0;
  let run = 0;
  for (let i = 0; i < copy.length; i++) {
    run = i > 0 && (copy[i] === copy[i - 1] || (Number.isNaN(copy[i]) && Number.isNaN(copy[i - 1]))) ? run + 1 : 1;
    if (run > best) best = run;
  }
  return X.rows - best <= tolerance;
}

/** FNV-1a over column j's float bits (NaN normalised), to find duplicate candidates quickly. */
function columnHash(X: Matrix, bits: Uint32Array, j: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < X.rows; i++) {
    const at = i * X.cols + j;
    h ^= Number.isNaN(X.data[at]) ? 0x7fc00000 : bits[at];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Compares columns a and b of X in place (no copies: pruning must not double the matrix). */
function sameColumn(X: Matrix, a: number, b: number): boolean {
  for (let i = 0; i < X.rows; i++) {
    const u = X.data[i * X.cols + a];
    const v = X.data[i * X.cols + b];
    if (!(u === v || (Number.isNaN(u) && Number.isNaN(v)))) return false;
  }
  return true;
}

/**
 * The pruning step: drops near-constant and duplicate columns of the training matrix; undefined when
 * nothing is dropped. At least one column always survives, so a model has something to read. `scratch`
 * (at least X.rows long) serves for sorting; a caller fitting often passes one so pruning allocates nothing
 * row-sized.
 */
export function fitPrune(X: Matrix, scratch?: Float64Array | Float32Array): KeepStep | undefined {
  const tolerance = Math.floor(0.001 * X.rows);
  const kept: number[] = [];
  // Kept columns are remembered by index, not by copy; columns are read in place, sorted in the scratch.
  const byHash = new Map<number, number[]>();
  const sorted = scratch && scratch.length >= X.rows ? scratch : new Float32Array(X.rows);
  const bits = new Uint32Array(X.data.buffer, X.data.byteOffset, X.data.length);
  for (let j = 0; j < X.cols; j++) {
    if (X.rows > 1 && nearConstant(X, j, tolerance, sorted)) continue;
    const h = columnHash(X, bits, j);
    const bucket = byHash.get(h) ?? [];
    if (bucket.some((other) => sameColumn(X, j, other))) continue;
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
