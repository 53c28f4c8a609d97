/**
 * @module engine/features/steps
 * Matrix steps: transforms fitted after the column encoders, on the encoded training matrix, and replayed
 * in order at serving time. A `keep` step retains a subset of columns (constant/duplicate pruning, feature
 * selection); a `construct` step appends terms built from existing columns (products, differences, safe
 * ratios, squares), each standardised with training statistics and clipped so an extreme serving row
 * cannot blow up a dense model. Steps are plain JSON state; loading rejects unknown kinds.
 */
import { assertNever, EngineError } from '../core/errors';
import { type Matrix, matrix } from '../core/matrix';
import type { FeatureKind } from './encoder';

/** Why a keep step exists (reported, not used to transform). */
export type KeepReason = 'prune' | 'mutual_info' | 'importance';

export interface KeepStep {
  readonly kind: 'keep';
  readonly reason: KeepReason;
  /** Input column indices kept, in output order. */
  readonly columns: readonly number[];
}

export type TermOp = 'mul' | 'sub' | 'ratio' | 'square';

/** One constructed feature: op(x[a], x[b]), standardised by (mean, scale). */
export interface Term {
  readonly op: TermOp;
  readonly a: number;
  readonly b: number;
  readonly mean: number;
  readonly scale: number;
}

export interface ConstructStep {
  readonly kind: 'construct';
  readonly terms: readonly Term[];
}

export type StepState = KeepStep | ConstructStep;

/** Constructed values are clipped to this many training standard deviations. */
const CLIP = 8;

/** The raw value of a term (before standardisation). */
export function termValue(op: TermOp, x: number, z: number): number {
  switch (op) {
    case 'mul':
      return x * z;
    case 'sub':
      return x - z;
    case 'ratio':
      // Inputs are standardised, so a plain ratio would explode near zero; 1 + |z| keeps it bounded by |x|.
      return x / (1 + Math.abs(z));
    case 'square':
      return x * x;
    default:
      return assertNever(op, 'construct op');
  }
}

/** Feature metadata carried through the steps: names, kinds and the input column each came from. */
export interface FeatureMeta {
  readonly names: readonly string[];
  readonly kinds: readonly FeatureKind[];
  readonly sources: readonly string[];
}

/** Checks a step against the width it receives and returns the metadata it produces. */
export function stepMeta(step: StepState, meta: FeatureMeta): FeatureMeta {
  const width = meta.names.length;
  const inRange = (j: number) => Number.isInteger(j) && j >= 0 && j < width;
  switch (step.kind) {
    case 'keep':
      if (step.columns.length === 0 || !step.columns.every(inRange)) throw new EngineError('bad_artifact', 'keep step lists columns outside its input');
      return { names: step.columns.map((j) => meta.names[j]), kinds: step.columns.map((j) => meta.kinds[j]), sources: step.columns.map((j) => meta.sources[j]) };
    case 'construct': {
      if (!step.terms.every((t) => inRange(t.a) && inRange(t.b) && Number.isFinite(t.mean) && t.scale > 0)) {
        throw new EngineError('bad_artifact', 'construct step has an invalid term');
      }
      const symbol: Record<TermOp, string> = { mul: '*', sub: '-', ratio: '/', square: '^2' };
      const label = (t: Term) => (t.op === 'square' ? `${meta.names[t.a]}^2` : `${meta.names[t.a]}${symbol[t.op]}${meta.names[t.b]}`);
      return {
        names: [...meta.names, ...step.terms.map(label)],
        kinds: [...meta.kinds, ...step.terms.map(() => 'numeric' as const)],
        sources: [...meta.sources, ...step.terms.map((t) => meta.sources[t.a])],
      };
    }
    default:
      return assertNever(step, 'pipeline step');
  }
}

/**
 * A keep step applied to a matrix the caller owns, in place: each row's kept values move to the front of
 * the same buffer (through a one-row copy, so any column order is safe). Fitting uses it on the training
 * matrix so pruning a column does not cost a second matrix.
 */
export function keepInPlace(step: KeepStep, X: Matrix): Matrix {
  const k = step.columns.length;
  const row = new Float32Array(k);
  for (let i = 0; i < X.rows; i++) {
    const src = i * X.cols;
    for (let c = 0; c < k; c++) row[c] = X.data[src + step.columns[c]];
    X.data.set(row, i * k);
  }
  return matrix(X.rows, k, X.data.subarray(0, X.rows * k));
}

/** Applies one fitted step to a matrix. */
export function applyStep(step: StepState, X: Matrix): Matrix {
  switch (step.kind) {
    case 'keep': {
      const out = matrix(X.rows, step.columns.length);
      for (let i = 0; i < X.rows; i++) {
        const src = i * X.cols;
        const dst = i * out.cols;
        for (let k = 0; k < step.columns.length; k++) out.data[dst + k] = X.data[src + step.columns[k]];
      }
      return out;
    }
    case 'construct': {
      const cols = X.cols + step.terms.length;
      const out = matrix(X.rows, cols);
      for (let i = 0; i < X.rows; i++) {
        const src = i * X.cols;
        const dst = i * cols;
        out.data.set(X.data.subarray(src, src + X.cols), dst);
        step.terms.forEach((t, k) => {
          const v = (termValue(t.op, X.data[src + t.a], X.data[src + t.b]) - t.mean) / t.scale;
          out.data[dst + X.cols + k] = Math.max(-CLIP, Math.min(CLIP, v));
        });
      }
      return out;
    }
    default:
      return assertNever(step, 'pipeline step');
  }
}
