/**
 * @module engine/forecast/fresh-dropout
 * Dropout for the rnn's tfjs-layers network that draws a new mask at every training step. tfjs' own
 * dropout layer, given a seed (as reproducible trials need), seeds its random draw afresh on every call,
 * so each step dropped the same units: fixed pruning, not dropout. This layer takes each step's seed from
 * the engine's Rng instead (a new mask every step, the same sequence of masks for the same trial), and
 * passes its input through unchanged outside training.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../core/rng';

type CallArgs = Parameters<tfl.layers.Layer['call']>[1];

export class FreshDropout extends tfl.layers.Layer {
  static className = 'EdgeAutomlFreshDropout';

  /** `masks`: the seeds of the masks, one drawn per training step; null draws unseeded ones. */
  constructor(
    private readonly rate: number,
    private readonly masks: Rng | null,
  ) {
    super({});
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallArgs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs?.training !== true || this.rate <= 0) return x;
    const seed = this.masks === null ? undefined : this.masks.nextUint32() % 2_147_483_647;
    return tf.dropout(x, this.rate, undefined, seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
