/**
 * @module engine/models/nn/cnn/cnn-model
 * A fitted CNN (FittedModel) and its artifact: the image shape, the architecture as built (per block:
 * filters, kernel, batch norm, the pool actually applied), the task head and target standardisation,
 * whether predictions combine shift views (version 2; a version 1 artifact predicts plainly), and every
 * weight as base64 Float32 in a fixed order (bit-exact, so a reloaded model predicts identically).
 * Loading rebuilds the plan from the stored architecture and checks every weight's length against it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../../../core/errors';
import type { ImageShape } from '../../../core/image-shape';
import type { Matrix } from '../../../core/matrix';
import { outputWidth, TASKS, type Task } from '../../../core/task';
import { decodeF32, encodeF32 } from '../../../serialize/codec';
import type { FittedModel, ModelArtifact } from '../../model';
import { headFor } from '../mlp-net';
import { type CnnShape, type CnnWeights, predictImages, weightList, weightShapes, weightsFromList } from './cnn-net';
import { predictWithShiftViews } from './cnn-tta';
import type { CnnPlan, ConvBlockPlan } from './cnn-options';

export const CNN_ARTIFACT_VERSION = 2;

/** The serialised CNN (version 1: predictions read each image once). */
export interface CnnArtifactV1 extends ModelArtifact {
  readonly family: 'cnn';
  readonly version: 1 | 2;
  readonly task: Task;
  readonly nClasses: number;
  readonly image: ImageShape;
  readonly blocks: readonly { readonly filters: number; readonly kernelSize: number; readonly batchNorm: boolean; readonly pool: 'max' | 'avg' | null }[];
  readonly denseUnits: number;
  /** Every tensor in weightList order (see cnn-net), each base64 of little-endian Float32. */
  readonly weights: readonly string[];
  readonly target: { readonly mean: number; readonly std: number };
}

/** Version 2: version 1 plus whether predictions combine shift views (cnn-tta). */
export interface CnnArtifactV2 extends CnnArtifactV1 {
  readonly version: 2;
  readonly shiftViews: boolean;
}

/** A trained or loaded CNN holding its weights as tfjs tensors until dispose(). */
export class CnnModel implements FittedModel {
  readonly family = 'cnn' as const;
  private weights: CnnWeights | null;

  constructor(
    readonly shape: CnnShape,
    weights: CnnWeights,
    readonly fitInfo: Readonly<Record<string, number>>,
  ) {
    this.weights = weights;
  }

  /** Raw outputs, rows * outputWidth: P(class 1), K class probabilities, or the predicted value. */
  predict(X: Matrix): Float32Array {
    const weights = this.live();
    const { height, width, channels } = this.shape.plan.image;
    const expected = height * width * channels;
    if (X.cols !== expected) {
      throw new EngineError('invalid_input', `the cnn expects ${expected} pixel columns (${height}x${width}x${channels}), got ${X.cols}`, { expected, got: X.cols });
    }
    if (this.shape.shiftViews) return predictWithShiftViews(this.shape, weights, X.data, X.rows, 'log_mean');
    return predictImages(this.shape, weights, X.data, X.rows);
  }

  toArtifact(): CnnArtifactV2 {
    const weights = this.live();
    const { plan } = this.shape;
    return {
      family: 'cnn',
      version: 2,
      task: this.shape.task,
      nClasses: this.shape.nClasses,
      image: { ...plan.image },
      blocks: plan.blocks.map((b) => ({ filters: b.filters, kernelSize: b.kernelSize, batchNorm: b.batchNorm, pool: b.pool })),
      denseUnits: plan.denseUnits,
      weights: weightList(weights).map((t) => encodeF32(t.dataSync() as Float32Array)),
      target: { mean: this.shape.yMean, std: this.shape.yStd },
      shiftViews: this.shape.shiftViews,
    };
  }

  dispose(): void {
    if (this.weights === null) return;
    for (const t of weightList(this.weights)) t.dispose();
    this.weights = null;
  }

  private live(): CnnWeights {
    if (this.weights === null) throw new EngineError('not_fitted', 'this cnn model has been disposed');
    return this.weights;
  }
}

/** Rebuilds a CnnModel from its artifact; rejects unknown versions and malformed content. */
export function loadCnn(artifact: ModelArtifact): CnnModel {
  if (artifact.family !== 'cnn') throw bad(`expected a cnn artifact, got family ${JSON.stringify(artifact.family)}`);
  switch (artifact.version) {
    case 1:
      return loadV1(artifact as CnnArtifactV1, false);
    case 2: {
      const shiftViews = (artifact as CnnArtifactV2).shiftViews;
      if (typeof shiftViews !== 'boolean') throw bad('cnn artifact shiftViews must be a boolean');
      return loadV1(artifact as CnnArtifactV1, shiftViews);
    }
    default:
      throw bad(`unknown cnn artifact version ${JSON.stringify(artifact.version)} (this build reads versions 1 to ${CNN_ARTIFACT_VERSION})`);
  }
}

const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Reads the fields versions 1 and 2 share; `shiftViews` is version 2's addition (false for version 1). */
function loadV1(a: CnnArtifactV1, shiftViews: boolean): CnnModel {
  if (!TASKS.includes(a.task)) throw bad(`cnn artifact has an unknown task ${JSON.stringify(a.task)}`);
  const img = a.image;
  if (!img || !positiveInt(img.height) || !positiveInt(img.width) || !positiveInt(img.channels)) throw bad('cnn artifact image shape is invalid');
  if (!Array.isArray(a.blocks) || a.blocks.length === 0 || !positiveInt(a.denseUnits)) throw bad('cnn artifact architecture is invalid');
  const plan = rebuildPlan(img, a);
  const mean = Number(a.target?.mean);
  const std = Number(a.target?.std);
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std <= 0) throw bad('cnn artifact target standardisation is invalid');
  const shapes = weightShapes(plan);
  if (!Array.isArray(a.weights) || a.weights.length !== shapes.length) throw bad(`cnn artifact has ${Array.isArray(a.weights) ? a.weights.length : 0} weight tensors, expected ${shapes.length}`);
  const decoded = shapes.map((shape, i) => decode(a.weights[i], shape.reduce((x, y) => x * y, 1), i));
  const tensors = decoded.map((values, i) => tf.tensor(values, shapes[i]));
  const shape: CnnShape = { plan, task: a.task, nClasses: a.nClasses, head: headFor(a.task), yMean: mean, yStd: std, shiftViews };
  return new CnnModel(shape, weightsFromList(plan, tensors), {});
}

function rebuildPlan(image: ImageShape, a: CnnArtifactV1): CnnPlan {
  const blocks: ConvBlockPlan[] = [];
  let h = image.height;
  let w = image.width;
  let c = image.channels;
  a.blocks.forEach((b, i) => {
    if (!positiveInt(b?.filters) || (b.kernelSize !== 3 && b.kernelSize !== 5) || typeof b.batchNorm !== 'boolean' || ![null, 'max', 'avg'].includes(b.pool)) {
      throw bad(`cnn artifact block ${i} is invalid`);
    }
    const outHeight = b.pool ? Math.ceil(h / 2) : h;
    const outWidth = b.pool ? Math.ceil(w / 2) : w;
    blocks.push({ inHeight: h, inWidth: w, inChannels: c, filters: b.filters, kernelSize: b.kernelSize, batchNorm: b.batchNorm, pool: b.pool, outHeight, outWidth });
    h = outHeight;
    w = outWidth;
    c = b.filters;
  });
  return { image: { ...image }, blocks, flat: h * w * c, denseUnits: a.denseUnits, outputs: outputWidth(a.task, a.nClasses) };
}

function decode(text: unknown, length: number, index: number): Float32Array {
  let values: Float32Array;
  try {
    if (typeof text !== 'string') throw new TypeError('not a string');
    values = decodeF32(text);
  } catch (cause) {
    throw bad(`cnn artifact weight tensor ${index} is not valid base64 Float32`, cause);
  }
  if (values.length !== length) throw bad(`cnn artifact weight tensor ${index} has ${values.length} values, expected ${length}`);
  return values;
}

function bad(message: string, cause?: unknown): EngineError {
  return new EngineError('bad_artifact', message, {}, cause === undefined ? undefined : { cause });
}
