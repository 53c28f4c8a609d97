/**
 * @module engine/models/nn/host-adam
 * Adam with its moments on the JS side: one step reads each gradient once, updates every weight in a
 * typed-array loop and uploads the new weights, a dozen backend calls per step where tf.train.adam runs
 * about fifteen small kernels per variable (multiplies, divides, square roots, assigns), whose dispatch
 * cost dominated an MLP's training step on wasm. Same update as tf.train.adam (bias-corrected moments,
 * epsilon added to the corrected second moment's square root, accumulated beta powers), so results agree
 * to float rounding; the arithmetic runs in float64 and is stored in float32. An optional L2 penalty per
 * variable is applied here too (its value added to the loss, its gradient to the weights' gradient), which
 * saves the penalty's kernels and their gradients on the device.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamSettings {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  /** Default: the backend's epsilon, as tf.train.adam takes it (1e-7 for float32). */
  readonly epsilon?: number;
  /** L2 coefficient per variable (same order; default none): the loss gains l2·Σw², the gradient 2·l2·w. */
  readonly l2?: readonly number[];
}

/**
 * The optimizer for a fixed list of variables. Keeps host copies of the weights: it must be the only
 * writer of the variables between construction and the last step.
 */
export class HostAdam {
  private readonly weights: Float32Array[];
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    private readonly vars: readonly tf.Variable[],
    private readonly settings: AdamSettings,
  ) {
    this.beta1 = settings.beta1 ?? 0.9;
    this.beta2 = settings.beta2 ?? 0.999;
    this.epsilon = settings.epsilon ?? tf.backend().epsilon();
    this.accBeta1 = this.beta1;
    this.accBeta2 = this.beta2;
    this.weights = vars.map((x) => Float32Array.from(x.dataSync() as Float32Array));
    this.m = vars.map((x) => new Float32Array(x.size));
    this.v = vars.map((x) => new Float32Array(x.size));
  }

  /**
   * Computes `f`'s gradients with respect to the variables, applies one Adam step to f plus the L2
   * penalty, and returns that loss (at the weights before the step). Every tensor made here is disposed.
   */
  minimize(f: () => tf.Scalar): number {
    const { value, grads } = tf.variableGrads(f, this.vars as tf.Variable[]);
    let loss = value.dataSync()[0];
    value.dispose();
    const l2 = this.settings.l2;
    const lr = this.settings.learningRate;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const c1 = 1 - this.accBeta1;
    const c2 = 1 - this.accBeta2;
    const eps = this.epsilon;
    for (let i = 0; i < this.vars.length; i++) {
      const variable = this.vars[i];
      const grad = grads[variable.name];
      // A variable f does not reach has no gradient: like tf.train.adam, leave it (and its moments) alone.
      if (grad === undefined) continue;
      const g = grad.dataSync() as Float32Array;
      grad.dispose();
      const w = this.weights[i];
      const m = this.m[i];
      const v = this.v[i];
      const decay = l2?.[i] ?? 0;
      if (decay > 0) {
        let squares = 0;
        for (let j = 0; j < w.length; j++) squares += w[j] * w[j];
        loss += decay * squares;
      }
      for (let j = 0; j < w.length; j++) {
        const gj = g[j] + 2 * decay * w[j];
        const mj = b1 * m[j] + (1 - b1) * gj;
        const vj = b2 * v[j] + (1 - b2) * gj * gj;
        m[j] = mj;
        v[j] = vj;
        w[j] -= (lr * (mj / c1)) / (Math.sqrt(vj / c2) + eps);
      }
      // tensor() copies into the backend, so the host copy stays ours; assign takes the new data over.
      const next = tf.tensor(w, variable.shape, 'float32');
      variable.assign(next);
      next.dispose();
    }
    this.accBeta1 *= b1;
    this.accBeta2 *= b2;
    return loss;
  }
}
