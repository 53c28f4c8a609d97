/**
 * @module engine/models/tree/objectives
 * The losses boosting optimises: binary log loss, multiclass softmax and squared error. Each gives the
 * starting raw score (from the weighted prior, so the first trees fit structure rather than the base rate),
 * per-row gradients and hessians for one class, the loss used for early stopping, and the map from raw
 * scores to the model's outputs (probabilities or values).
 */
import { softmaxInto } from '../../core/softmax';
import type { Task } from '../../core/task';

/** Smallest probability used in logs, and the floor of a hessian (pure leaves would divide by ~0). */
const EPS = 1e-15;
const MIN_HESSIAN = 1e-16;

/** A boosting objective over raw scores laid out row-major with `k` scores per row. */
export interface Objective {
  /** Raw scores (trees) per row and per round: 1, or K for multiclass. */
  readonly k: number;
  /** Initial raw score per class. */
  initScores(y: Float32Array, w: Float32Array | undefined): Float64Array;
  /** Called once per round before `gradients` (multiclass computes its softmax here). */
  prepare(scores: Float64Array, n: number): void;
  /** Writes gradient and hessian of class `c` for rows 0..n-1, multiplied by the row weights. */
  gradients(c: number, scores: Float64Array, y: Float32Array, w: Float32Array | undefined, n: number, g: Float32Array, h: Float32Array): void;
  /** Weighted mean loss of raw scores against labels (lower is better). */
  loss(scores: Float64Array, y: Float32Array, w: Float32Array | undefined, n: number): number;
  /** Writes the outputs of one row's raw scores `raw[0, k)` to `out[o, o + width)`. */
  transform(raw: Float64Array, out: Float32Array, o: number): void;
}

/** The objective for a task. */
export function objectiveFor(task: Task, nClasses: number): Objective {
  switch (task) {
    case 'regression':
      return squaredError;
    case 'binary':
      return binaryLogloss;
    case 'multiclass':
      return new Softmax(nClasses);
  }
}

function weightedMean(y: Float32Array, w: Float32Array | undefined): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    s += wi * y[i];
    sw += wi;
  }
  return sw > 0 ? s / sw : 0;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

const squaredError: Objective = {
  k: 1,
  initScores: (y, w) => Float64Array.of(weightedMean(y, w)),
  prepare: () => {},
  gradients(_c, scores, y, w, n, g, h) {
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      g[i] = (scores[i] - y[i]) * wi;
      h[i] = wi;
    }
  },
  loss(scores, y, w, n) {
    let s = 0;
    let sw = 0;
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      const d = scores[i] - y[i];
      s += wi * d * d;
      sw += wi;
    }
    return sw > 0 ? s / sw : 0;
  },
  transform(raw, out, o) {
    out[o] = raw[0];
  },
};

const binaryLogloss: Objective = {
  k: 1,
  initScores(y, w) {
    const p = Math.min(1 - EPS, Math.max(EPS, weightedMean(y, w)));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  prepare: () => {},
  gradients(_c, scores, y, w, n, g, h) {
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      const p = sigmoid(scores[i]);
      g[i] = (p - y[i]) * wi;
      h[i] = Math.max(p * (1 - p), MIN_HESSIAN) * wi;
    }
  },
  loss(scores, y, w, n) {
    let s = 0;
    let sw = 0;
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      const p = Math.min(1 - EPS, Math.max(EPS, sigmoid(scores[i])));
      s -= wi * (y[i] === 1 ? Math.log(p) : Math.log(1 - p));
      sw += wi;
    }
    return sw > 0 ? s / sw : 0;
  },
  transform(raw, out, o) {
    out[o] = sigmoid(raw[0]);
  },
};

/** Softmax cross-entropy with one tree per class per round. */
class Softmax implements Objective {
  private prob = new Float64Array(0);
  private readonly tmp: Float64Array;
  /** LightGBM's K/(K-1) factor: compensates for the redundant parametrisation of K free scores. */
  private readonly hessScale: number;

  constructor(readonly k: number) {
    this.tmp = new Float64Array(k);
    this.hessScale = k / Math.max(1, k - 1);
  }

  initScores(y: Float32Array, w: Float32Array | undefined): Float64Array {
    const mass = new Float64Array(this.k);
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      const wi = w ? w[i] : 1;
      mass[y[i]] += wi;
      total += wi;
    }
    // Log priors (floored so an absent class does not start at -Infinity).
    return mass.map((m) => Math.log(Math.max(total > 0 ? m / total : 1 / this.k, 1e-6)));
  }

  prepare(scores: Float64Array, n: number): void {
    const k = this.k;
    if (this.prob.length < n * k) this.prob = new Float64Array(n * k);
    for (let i = 0; i < n; i++) softmaxInto(scores, i * k, k, this.prob, i * k);
  }

  gradients(c: number, _scores: Float64Array, y: Float32Array, w: Float32Array | undefined, n: number, g: Float32Array, h: Float32Array): void {
    const k = this.k;
    const prob = this.prob;
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      const p = prob[i * k + c];
      g[i] = (p - (y[i] === c ? 1 : 0)) * wi;
      h[i] = Math.max(this.hessScale * p * (1 - p), MIN_HESSIAN) * wi;
    }
  }

  loss(scores: Float64Array, y: Float32Array, w: Float32Array | undefined, n: number): number {
    const k = this.k;
    let s = 0;
    let sw = 0;
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      softmaxInto(scores, i * k, k, this.tmp, 0);
      s -= wi * Math.log(Math.max(EPS, this.tmp[y[i]]));
      sw += wi;
    }
    return sw > 0 ? s / sw : 0;
  }

  transform(raw: Float64Array, out: Float32Array, o: number): void {
    softmaxInto(raw, 0, this.k, this.tmp, 0);
    for (let c = 0; c < this.k; c++) out[o + c] = this.tmp[c];
  }
}
