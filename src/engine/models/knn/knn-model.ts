/**
 * @module engine/models/knn/knn-model
 * A fitted k-nearest-neighbours model: a float32 copy of the training rows and their labels, searched by
 * brute force for every query (one pass over the rows with a bounded heap of the k nearest). Classification
 * returns the (weighted) vote shares, regression the (weighted) mean. The artifact stores the training
 * matrix itself, so a loaded model predicts bit-identically.
 */
import { EngineError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { outputWidth, TASKS, type Task } from '../../core/task';
import { decodeF32, encodeF32 } from '../../serialize/codec';
import type { FittedModel, ModelArtifact } from '../model';
import type { KnnOptions } from './knn-params';
import { TopK } from './top-k';

/** Current artifact format version. */
export const KNN_ARTIFACT_VERSION = 1;

/** What a knn artifact holds besides the family tag and version. */
export interface KnnArtifact extends ModelArtifact {
  readonly family: 'knn';
  readonly version: typeof KNN_ARTIFACT_VERSION;
  readonly task: Task;
  readonly nClasses: number;
  readonly nFeatures: number;
  readonly rows: number;
  readonly k: number;
  readonly weights: KnnOptions['weights'];
  readonly p: KnnOptions['p'];
  /** Base64 float32 training matrix, row-major rows x nFeatures. */
  readonly X: string;
  /** Base64 float32 labels (class indices or values). */
  readonly y: string;
  /** Base64 float32 sample weights; absent when every row weighs 1. */
  readonly sampleWeights?: string;
  readonly fitInfo: Record<string, number>;
}

/** A fitted brute-force nearest-neighbours model. */
export class KnnModel implements FittedModel {
  readonly family = 'knn' as const;
  private readonly width: number;
  /** Neighbours actually used: k, at most the stored rows. */
  private readonly kEff: number;

  /**
   * @param X training rows, row-major, NaN already replaced (see knn.ts)
   * @param sampleWeights per-row vote weights, or null for all 1
   */
  constructor(
    readonly task: Task,
    readonly nClasses: number,
    readonly nFeatures: number,
    private readonly opts: KnnOptions,
    private readonly X: Float32Array,
    private readonly y: Float32Array,
    private readonly sampleWeights: Float32Array | null,
    readonly fitInfo: Readonly<Record<string, number>>,
  ) {
    this.width = outputWidth(task, nClasses);
    this.kEff = Math.max(1, Math.min(opts.k, y.length));
  }

  predict(Q: Matrix): Float32Array {
    const cols = this.nFeatures;
    if (Q.cols !== cols) throw new EngineError('invalid_input', `the model expects ${cols} feature columns, got ${Q.cols}`, { expected: cols, got: Q.cols });
    const out = new Float32Array(Q.rows * this.width);
    const top = new TopK(this.kEff);
    const q = new Float32Array(cols);
    const votes = new Float64Array(Math.max(1, this.nClasses));
    for (let r = 0; r < Q.rows; r++) {
      // Missing values sit at the standardised mean (0), the same as in the stored training rows.
      for (let c = 0; c < cols; c++) {
        const v = Q.data[r * cols + c];
        q[c] = v === v ? v : 0;
      }
      this.search(q, top);
      this.aggregate(top, votes, out, r * this.width);
    }
    return out;
  }

  /** Fills `top` with the k nearest training rows of `q` (squared distance for p = 2, L1 for p = 1). */
  private search(q: Float32Array, top: TopK): void {
    const n = this.y.length;
    top.reset();
    let bound = Infinity;
    for (let j = 0; j < n; j++) {
      const s = this.opts.p === 1 ? this.l1(q, j * this.nFeatures, bound) : this.l2(q, j * this.nFeatures, bound);
      if (s < bound) {
        top.offer(s, j);
        bound = top.bound;
      }
    }
  }

  /**
   * Squared distance from `q` to the row at `base`, in blocks of 8 columns with 4 independent sums (so the
   * CPU can overlap them). Partial sums only grow: once one reaches `bound` the row cannot be among the k
   * nearest (a later row never wins a tie), so the rest is skipped.
   */
  private l2(q: Float32Array, base: number, bound: number): number {
    const X = this.X;
    const cols = this.nFeatures;
    let s = 0;
    let c = 0;
    for (; c + 8 <= cols; c += 8) {
      const o = base + c;
      const d0 = q[c] - X[o];
      const d1 = q[c + 1] - X[o + 1];
      const d2 = q[c + 2] - X[o + 2];
      const d3 = q[c + 3] - X[o + 3];
      const d4 = q[c + 4] - X[o + 4];
      const d5 = q[c + 5] - X[o + 5];
      const d6 = q[c + 6] - X[o + 6];
      const d7 = q[c + 7] - X[o + 7];
      s += d0 * d0 + d4 * d4 + (d1 * d1 + d5 * d5) + (d2 * d2 + d6 * d6) + (d3 * d3 + d7 * d7);
      if (s >= bound) return s;
    }
    for (; c < cols; c++) {
      const d = q[c] - X[base + c];
      s += d * d;
    }
    return s;
  }

  /** Manhattan distance, blocked and cut short like `l2`. */
  private l1(q: Float32Array, base: number, bound: number): number {
    const X = this.X;
    const cols = this.nFeatures;
    let s = 0;
    let c = 0;
    for (; c + 8 <= cols; c += 8) {
      const o = base + c;
      s +=
        Math.abs(q[c] - X[o]) +
        Math.abs(q[c + 4] - X[o + 4]) +
        (Math.abs(q[c + 1] - X[o + 1]) + Math.abs(q[c + 5] - X[o + 5])) +
        (Math.abs(q[c + 2] - X[o + 2]) + Math.abs(q[c + 6] - X[o + 6])) +
        (Math.abs(q[c + 3] - X[o + 3]) + Math.abs(q[c + 7] - X[o + 7]));
      if (s >= bound) return s;
    }
    for (; c < cols; c++) s += Math.abs(q[c] - X[base + c]);
    return s;
  }

  /** Writes the prediction for one query from its neighbours. */
  private aggregate(top: TopK, votes: Float64Array, out: Float32Array, at: number): void {
    const { y, sampleWeights } = this;
    const byDistance = this.opts.weights === 'distance';
    const size = top.size;
    // With inverse-distance weights an exact match has infinite weight: exact matches alone decide (as in scikit-learn).
    let exact = false;
    if (byDistance) for (let i = 0; i < size && !exact; i++) exact = top.dist[i] === 0;
    votes.fill(0);
    let total = 0;
    let sum = 0;
    for (let i = 0; i < size; i++) {
      const d = top.dist[i];
      if (exact && d !== 0) continue;
      const row = top.row[i];
      let w = sampleWeights ? sampleWeights[row] : 1;
      if (byDistance && !exact) w /= this.opts.p === 2 ? Math.sqrt(d) : d;
      total += w;
      if (this.task === 'regression') sum += w * y[row];
      else votes[y[row]] += w;
    }
    if (this.task === 'regression') out[at] = sum / total;
    else if (this.task === 'binary') out[at] = votes[1] / total;
    else for (let c = 0; c < this.nClasses; c++) out[at + c] = votes[c] / total;
  }

  toArtifact(): KnnArtifact {
    return {
      family: 'knn',
      version: KNN_ARTIFACT_VERSION,
      task: this.task,
      nClasses: this.nClasses,
      nFeatures: this.nFeatures,
      rows: this.y.length,
      k: this.opts.k,
      weights: this.opts.weights,
      p: this.opts.p,
      X: encodeF32(this.X),
      y: encodeF32(this.y),
      ...(this.sampleWeights ? { sampleWeights: encodeF32(this.sampleWeights) } : {}),
      fitInfo: { ...this.fitInfo },
    };
  }

  dispose(): void {}

  /** Rebuilds a model from `toArtifact()` output; throws EngineError('bad_artifact') on anything unexpected. */
  static fromArtifact(artifact: ModelArtifact): KnnModel {
    const bad = (why: string): EngineError => new EngineError('bad_artifact', `cannot load knn artifact: ${why}`, { family: artifact.family, version: artifact.version });
    if (artifact.family !== 'knn') throw bad(`family is ${JSON.stringify(artifact.family)}`);
    if (artifact.version !== KNN_ARTIFACT_VERSION) throw bad(`unknown version ${JSON.stringify(artifact.version)}`);
    const a = artifact as Partial<KnnArtifact>;
    if (!a.task || !TASKS.includes(a.task)) throw bad('unknown task');
    const int = (v: unknown, lo: number): boolean => Number.isInteger(v) && (v as number) >= lo;
    if (!int(a.nClasses, 0) || !int(a.nFeatures, 1) || !int(a.rows, 1) || !int(a.k, 1)) throw bad('bad shape');
    if (a.task !== 'regression' && a.nClasses! < 2) throw bad('classification needs at least 2 classes');
    if (a.weights !== 'uniform' && a.weights !== 'distance') throw bad('bad weights');
    if (a.p !== 1 && a.p !== 2) throw bad('bad p');
    if (typeof a.X !== 'string' || typeof a.y !== 'string' || (a.sampleWeights !== undefined && typeof a.sampleWeights !== 'string')) throw bad('missing arrays');
    let X: Float32Array;
    let y: Float32Array;
    let sw: Float32Array | null;
    try {
      X = decodeF32(a.X);
      y = decodeF32(a.y);
      sw = a.sampleWeights === undefined ? null : decodeF32(a.sampleWeights);
    } catch (cause) {
      throw new EngineError('bad_artifact', 'cannot load knn artifact: arrays do not decode', {}, { cause });
    }
    if (X.length !== a.rows! * a.nFeatures! || y.length !== a.rows || (sw && sw.length !== a.rows)) throw bad('arrays do not match the shape');
    if (a.task !== 'regression') for (let i = 0; i < y.length; i++) if (!(Number.isInteger(y[i]) && y[i] >= 0 && y[i] < a.nClasses!)) throw bad('bad class label');
    const fitInfo = a.fitInfo && typeof a.fitInfo === 'object' ? a.fitInfo : {};
    return new KnnModel(a.task, a.nClasses!, a.nFeatures!, { k: a.k!, weights: a.weights, p: a.p }, X, y, sw, fitInfo);
  }
}
