/**
 * @module engine/features/construct
 * Fits the feature-construction step for dense models: the (at most MAX_BASE) numeric, non-binary columns
 * with the highest mutual information with the target are combined pairwise into products, differences
 * and safe ratios, plus squares when asked (polynomial terms let a linear model bend). Each term's mean and
 * scale come from the training rows. Trees need none of this: they find interactions by splitting.
 */
import type { Matrix } from '../core/matrix';
import type { Task } from '../core/task';
import type { FeatureKind } from './encoder';
import { mutualInformation, topColumns } from './mutual-info';
import { type ConstructStep, type Term, type TermOp, termValue } from './steps';

/** Base features combined (6 gives 15 pairs, 45 pairwise terms). */
const MAX_BASE = 6;

/** The most columns construction adds: every pairwise term, and a square per base feature. */
export const MAX_CONSTRUCTED_TERMS = (3 * MAX_BASE * (MAX_BASE - 1)) / 2 + MAX_BASE;

/** True when a column takes more than two distinct values (indicators are poor material for ratios). */
function continuous(X: Matrix, j: number): boolean {
  const seen = new Set<number>();
  for (let i = 0; i < X.rows && seen.size <= 2; i++) seen.add(X.data[i * X.cols + j]);
  return seen.size > 2;
}

/** The construction step for this training matrix, or undefined when fewer than two columns qualify. */
export function fitConstruct(X: Matrix, y: Float32Array, task: Task, nClasses: number, kinds: readonly FeatureKind[], squares: boolean): ConstructStep | undefined {
  const candidates: number[] = [];
  for (let j = 0; j < X.cols; j++) if (kinds[j] === 'numeric' && continuous(X, j)) candidates.push(j);
  if (candidates.length < (squares ? 1 : 2)) return undefined;
  const mi = mutualInformation(X, y, task, nClasses, kinds);
  const base = topColumns(mi, MAX_BASE, candidates);
  const shapes: { op: TermOp; a: number; b: number }[] = [];
  for (let p = 0; p < base.length; p++) {
    if (squares) shapes.push({ op: 'square', a: base[p], b: base[p] });
    for (let q = p + 1; q < base.length; q++) for (const op of ['mul', 'sub', 'ratio'] as const) shapes.push({ op, a: base[p], b: base[q] });
  }
  const terms: Term[] = shapes.map(({ op, a, b }) => {
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < X.rows; i++) {
      const v = termValue(op, X.data[i * X.cols + a], X.data[i * X.cols + b]);
      sum += v;
      sumSq += v * v;
    }
    const mean = X.rows > 0 ? sum / X.rows : 0;
    const variance = X.rows > 0 ? sumSq / X.rows - mean * mean : 0;
    return { op, a, b, mean, scale: variance > 1e-12 ? Math.sqrt(variance) : 1 };
  });
  return terms.length > 0 ? { kind: 'construct', terms } : undefined;
}
