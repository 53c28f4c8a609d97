/**
 * @module engine/models/nn/cnn/cnn-tta
 * Test-time augmentation for a CNN trained with shifts: every image is predicted as itself and as its four
 * one-pixel shifts (up, down, left, right; the uncovered border 0, exactly as training drew them), and the
 * five outputs are averaged. The network saw each digit at every such offset, so each view is an equally
 * valid reading; averaging them is a small ensemble for one network's weights, which smooths out what a
 * single set of weights gets wrong at one offset (fewer errors, better-calibrated probabilities).
 * The views of a chunk of rows go through the network as one batch, so a single-row request still makes
 * one forward call.
 */
import type { ImageShape } from '../../../core/image-shape';
import { shiftImageInto } from './cnn-augment';
import { type CnnShape, type CnnWeights, forwardChunkRows, predictImages } from './cnn-net';

/** The (dy, dx) offsets predicted and averaged: the image itself first, then the four one-pixel moves. */
export const SHIFT_VIEWS: readonly (readonly [number, number])[] = [
  [0, 0],
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

/** Floor of a probability before its logarithm (a float32 softmax can underflow to exactly 0). */
const MIN_PROBABILITY = 1e-12;

/** Whether shift views suit an image: not on sides under 4 pixels (as training, see cnn-augment). */
export function shiftViewsApply(image: ImageShape): boolean {
  return image.height >= 4 && image.width >= 4;
}

/**
 * How the views' class probabilities combine: 'mean' averages them; 'log_mean' averages their logarithms
 * and renormalises (a geometric mean: a class every view finds likely stays confident, which the
 * arithmetic mean dilutes). Outputs other than a softmax's are always averaged.
 */
export type ViewCombination = 'mean' | 'log_mean';

/** Predicts `rows` images of `data` as the combined output over SHIFT_VIEWS (rows * outputs values). */
export function predictWithShiftViews(shape: CnnShape, w: CnnWeights, data: Float32Array, rows: number, combine: ViewCombination = 'mean'): Float32Array {
  const geometric = combine === 'log_mean' && shape.head === 'softmax';
  const image = shape.plan.image;
  const pixels = image.height * image.width * image.channels;
  const outputs = shape.plan.outputs;
  const views = SHIFT_VIEWS.length;
  const out = new Float32Array(rows * outputs);
  const chunk = Math.max(1, Math.floor(forwardChunkRows(shape.plan) / views));
  const batch = new Float32Array(Math.min(rows, chunk) * views * pixels);
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    // View-major: rows [v*n, (v+1)*n) of the batch are view v of the chunk's images.
    SHIFT_VIEWS.forEach(([dy, dx], v) => {
      for (let i = 0; i < n; i++) shiftImageInto(data, (start + i) * pixels, batch, (v * n + i) * pixels, image, dy, dx, false);
    });
    const y = predictImages(shape, w, batch.subarray(0, n * views * pixels), n * views);
    for (let i = 0; i < n; i++) {
      const at = (start + i) * outputs;
      let total = 0;
      for (let k = 0; k < outputs; k++) {
        let sum = 0;
        for (let v = 0; v < views; v++) {
          const p = y[(v * n + i) * outputs + k];
          sum += geometric ? Math.log(Math.max(p, MIN_PROBABILITY)) : p;
        }
        const value = geometric ? Math.exp(sum / views) : sum / views;
        out[at + k] = value;
        total += value;
      }
      if (geometric) for (let k = 0; k < outputs; k++) out[at + k] /= total;
    }
  }
  return out;
}
