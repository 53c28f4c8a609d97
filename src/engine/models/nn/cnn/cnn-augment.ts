/**
 * @module engine/models/nn/cnn/cnn-augment
 * Training-time image augmentation, applied while a batch is assembled on the JS side (no extra tensors):
 * a random translation of up to about a tenth of each side (at least one pixel; none along sides under 4
 * pixels), the uncovered border
 * filled with 0, and for 'shift_flip' a random horizontal mirror. Every draw comes from the engine's Rng.
 */
import type { Rng } from '../../../core/rng';
import type { ImageShape } from '../../../core/image-shape';
import type { CnnAugmentation } from './cnn-options';

/** Largest shift along a side of `size` pixels: none on sides under 4 pixels (a shift would erase most of them). */
export function maxShift(size: number): number {
  return size < 4 ? 0 : Math.max(1, Math.round(size / 10));
}

/**
 * Writes image `src[srcAt ..]` into `dst[dstAt ..]` moved by (dy, dx) pixels and mirrored left-right when
 * `flip`; pixels shifted in from outside the image are 0. Layout is row-major height x width x channels.
 */
export function shiftImageInto(src: Float32Array, srcAt: number, dst: Float32Array, dstAt: number, image: ImageShape, dy: number, dx: number, flip: boolean): void {
  const { height: H, width: W, channels: C } = image;
  const rowLen = W * C;
  for (let r = 0; r < H; r++) {
    const sr = r - dy;
    const outRow = dstAt + r * rowLen;
    if (sr < 0 || sr >= H) {
      dst.fill(0, outRow, outRow + rowLen);
      continue;
    }
    const inRow = srcAt + sr * rowLen;
    for (let c = 0; c < W; c++) {
      const moved = c - dx;
      const sc = flip ? W - 1 - moved : moved;
      const o = outRow + c * C;
      if (moved < 0 || moved >= W) {
        for (let k = 0; k < C; k++) dst[o + k] = 0;
      } else {
        const i = inRow + sc * C;
        for (let k = 0; k < C; k++) dst[o + k] = src[i + k];
      }
    }
  }
}

/** Copies row `row` of `X` into batch slot `slot`, augmented as `mode` says (a plain copy for 'none'). */
export function augmentRowInto(X: Float32Array, row: number, buf: Float32Array, slot: number, image: ImageShape, mode: CnnAugmentation, rng: Rng): void {
  const size = image.height * image.width * image.channels;
  if (mode === 'none') {
    buf.set(X.subarray(row * size, (row + 1) * size), slot * size);
    return;
  }
  const sy = maxShift(image.height);
  const sx = maxShift(image.width);
  const dy = rng.int(2 * sy + 1) - sy;
  const dx = rng.int(2 * sx + 1) - sx;
  const flip = mode === 'shift_flip' && rng.next() < 0.5;
  shiftImageInto(X, row * size, buf, slot * size, image, dy, dx, flip);
}
