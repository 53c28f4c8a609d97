/**
 * @module engine/models/nn/mlp-model
 * A fitted MLP (FittedModel) and its artifact: layer widths, activations, the task head and the target
 * standardisation, with every kernel and bias as base64 Float32 (bit-exact, so a reloaded model predicts
 * identically). Loading is strict: an unknown version or inconsistent shapes is EngineError('bad_artifact').
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { TASKS, type Task } from '../../core/task';
import { decodeF32, encodeF32 } from '../../serialize/codec';
import type { FittedModel, ModelArtifact } from '../model';
import { headFor, predictRows, type DenseLayer, type MlpShape } from './mlp-net';

/** Current artifact format version written by toArtifact(). */
export const MLP_ARTIFACT_VERSION = 1;

/** The serialised MLP (version 1). */
export interface MlpArtifactV1 extends ModelArtifact {
  readonly family: 'mlp';
  readonly version: 1;
  readonly task: Task;
  readonly nClasses: number;
  readonly head: MlpShape['head'];
  /** Layer config, input side first: fan-in, units and the activation applied after the layer. */
  readonly layers: readonly { readonly inputs: number; readonly units: number; readonly activation: 'relu' | 'linear' }[];
  /** Per layer: kernel [inputs, units] row-major and bias [units], each base64 of little-endian Float32. */
  readonly weights: readonly { readonly kernel: string; readonly bias: string }[];
  /** Regression target standardisation (mean 0 / std 1 for classification). */
  readonly target: { readonly mean: number; readonly std: number };
}

/** A trained or loaded MLP holding its weights as tfjs tensors until dispose(). */
export class MlpModel implements FittedModel {
  readonly family = 'mlp' as const;
  private layers: DenseLayer[] | null;

  constructor(
    readonly shape: MlpShape,
    layers: DenseLayer[],
    readonly fitInfo: Readonly<Record<string, number>>,
  ) {
    this.layers = layers;
  }

  /** Raw outputs, rows * outputWidth: P(class 1), K class probabilities, or the predicted value. */
  predict(X: Matrix): Float32Array {
    const layers = this.live();
    if (X.cols !== this.shape.sizes[0]) {
      throw new EngineError('invalid_input', `the mlp expects ${this.shape.sizes[0]} feature columns, got ${X.cols}`, { expected: this.shape.sizes[0], got: X.cols });
    }
    return predictRows(this.shape, layers, X.data, X.rows);
  }

  toArtifact(): MlpArtifactV1 {
    const layers = this.live();
    const sizes = this.shape.sizes;
    return {
      family: 'mlp',
      version: 1,
      task: this.shape.task,
      nClasses: this.shape.nClasses,
      head: this.shape.head,
      layers: layers.map((_, l) => ({ inputs: sizes[l], units: sizes[l + 1], activation: l === layers.length - 1 ? 'linear' : 'relu' })),
      weights: layers.map((layer) => ({
        kernel: encodeF32(layer.kernel.dataSync() as Float32Array),
        bias: encodeF32(layer.bias.dataSync() as Float32Array),
      })),
      target: { mean: this.shape.yMean, std: this.shape.yStd },
    };
  }

  dispose(): void {
    if (this.layers === null) return;
    for (const l of this.layers) {
      l.kernel.dispose();
      l.bias.dispose();
    }
    this.layers = null;
  }

  private live(): DenseLayer[] {
    if (this.layers === null) throw new EngineError('not_fitted', 'this mlp model has been disposed');
    return this.layers;
  }
}

/** Rebuilds an MlpModel from its artifact; rejects unknown versions and malformed content. */
export function loadMlp(artifact: ModelArtifact): MlpModel {
  if (artifact.family !== 'mlp') throw bad(`expected an mlp artifact, got family ${JSON.stringify(artifact.family)}`);
  switch (artifact.version) {
    case 1:
      return loadV1(artifact as MlpArtifactV1);
    default:
      throw bad(`unknown mlp artifact version ${JSON.stringify(artifact.version)} (this build reads version ${MLP_ARTIFACT_VERSION})`);
  }
}

function loadV1(a: MlpArtifactV1): MlpModel {
  if (!TASKS.includes(a.task) || a.head !== headFor(a.task)) throw bad('mlp artifact has an unknown task or a head that does not match it');
  if (!Array.isArray(a.layers) || !Array.isArray(a.weights) || a.layers.length === 0 || a.layers.length !== a.weights.length) {
    throw bad('mlp artifact layers and weights do not match');
  }
  const sizes = [a.layers[0].inputs, ...a.layers.map((l) => l.units)];
  for (let l = 0; l < a.layers.length; l++) {
    const expected = l === a.layers.length - 1 ? 'linear' : 'relu';
    if (a.layers[l].inputs !== sizes[l] || a.layers[l].activation !== expected || !(sizes[l + 1] > 0)) throw bad(`mlp artifact layer ${l} is inconsistent`);
  }
  const mean = Number(a.target?.mean);
  const std = Number(a.target?.std);
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std <= 0) throw bad('mlp artifact target standardisation is invalid');

  const decoded = a.weights.map((w, l) => {
    const kernel = decode(w.kernel, sizes[l] * sizes[l + 1], l);
    const bias = decode(w.bias, sizes[l + 1], l);
    return { kernel, bias };
  });
  const layers = decoded.map(({ kernel, bias }, l) => ({
    kernel: tf.tensor2d(kernel, [sizes[l], sizes[l + 1]]),
    bias: tf.tensor1d(bias),
  }));
  const shape: MlpShape = { task: a.task, nClasses: a.nClasses, sizes, head: a.head, yMean: mean, yStd: std };
  return new MlpModel(shape, layers, {});
}

function decode(text: unknown, length: number, layer: number): Float32Array {
  let values: Float32Array;
  try {
    if (typeof text !== 'string') throw new TypeError('not a string');
    values = decodeF32(text);
  } catch (cause) {
    throw bad(`mlp artifact layer ${layer} weights are not valid base64 Float32`, cause);
  }
  if (values.length !== length) throw bad(`mlp artifact layer ${layer} has ${values.length} values, expected ${length}`);
  return values;
}

function bad(message: string, cause?: unknown): EngineError {
  return new EngineError('bad_artifact', message, {}, cause === undefined ? undefined : { cause });
}
