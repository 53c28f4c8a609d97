/**
 * @module engine/data/images/resize
 * Resampling a decoded image to a model's input shape in one pass: size, channel count and alpha.
 * - Shrinking an axis averages the source pixels each target pixel covers, weighted by the covered
 *   fraction (area resampling: no aliasing, exact block means for integer factors); growing an axis
 *   interpolates linearly between the two nearest source pixel centres (bilinear). The same size is an
 *   exact copy.
 * - Alpha is dropped by compositing over a background, white unless told otherwise: a transparent
 *   background usually stands for the paper a drawing or icon sits on. Compositing is done on
 *   premultiplied sums, so resampling then compositing equals compositing every pixel then resampling.
 * - RGB becomes gray by ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B); gray becomes RGB by copying.
 * The result is row-major height x width x channels bytes, rounded, as a decoded image would be.
 */
import { EngineError } from '../../core/errors';
import type { DecodedImage } from './decode-image';

export interface ResizeTarget {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

/** What transparent pixels are composited over. */
export type AlphaBackground = 'white' | 'black';

/** Source taps of each target index along one axis: target d reads `weights[d * maxTaps + t]` of source `start[d] + t`. */
interface AxisTaps {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Float64Array;
  readonly maxTaps: number;
}

function axisTaps(src: number, dst: number): AxisTaps {
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const scale = src / dst;
  const maxTaps = dst < src ? Math.ceil(scale) + 1 : 2;
  const weights = new Float64Array(dst * maxTaps);
  for (let d = 0; d < dst; d++) {
    if (dst < src) {
      const lo = d * scale;
      const hi = (d + 1) * scale;
      const first = Math.floor(lo);
      const last = Math.min(src, Math.ceil(hi));
      start[d] = first;
      count[d] = last - first;
      for (let s = first; s < last; s++) weights[d * maxTaps + s - first] = (Math.min(hi, s + 1) - Math.max(lo, s)) / scale;
    } else {
      // The target pixel's centre in source coordinates, clamped so edge pixels repeat instead of fading.
      const x = Math.min(src - 1, Math.max(0, (d + 0.5) * scale - 0.5));
      const s0 = Math.floor(x);
      const f = x - s0;
      start[d] = s0;
      count[d] = s0 + 1 < src && f > 0 ? 2 : 1;
      weights[d * maxTaps] = count[d] === 2 ? 1 - f : 1;
      if (count[d] === 2) weights[d * maxTaps + 1] = f;
    }
  }
  return { start, count, weights, maxTaps };
}

/**
 * Resamples `image` to `target` (see the module comment for the rules).
 * @example resizeImage(decoded, { height: 32, width: 32, channels: 3 }) // Uint8Array of 32*32*3
 */
export function resizeImage(image: DecodedImage, target: ResizeTarget, background: AlphaBackground = 'white'): Uint8Array {
  const { width: sw, height: sh, channels: sc, data } = image;
  const { width: tw, height: th, channels: tc } = target;
  if (!(tw >= 1 && th >= 1 && Number.isInteger(tw) && Number.isInteger(th))) throw new EngineError('invalid_params', `cannot resize to ${tw}x${th}: sizes are positive integers`);
  const rows = axisTaps(sh, th);
  const cols = axisTaps(sw, tw);
  const hasAlpha = sc === 2 || sc === 4;
  const colours = hasAlpha ? sc - 1 : sc;
  const bg = background === 'white' ? 255 : 0;
  const out = new Uint8Array(th * tw * tc);
  // Premultiplied colour sums (0..255) and the alpha sum (0..1) of one target pixel.
  const sum = new Float64Array(3);
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      sum[0] = sum[1] = sum[2] = 0;
      let alpha = 0;
      for (let a = 0; a < rows.count[ty]; a++) {
        const wy = rows.weights[ty * rows.maxTaps + a];
        const rowBase = (rows.start[ty] + a) * sw;
        for (let b = 0; b < cols.count[tx]; b++) {
          const w = wy * cols.weights[tx * cols.maxTaps + b];
          const p = (rowBase + cols.start[tx] + b) * sc;
          const opacity = hasAlpha ? data[p + colours] / 255 : 1;
          alpha += w * opacity;
          for (let k = 0; k < colours; k++) sum[k] += w * opacity * data[p + k];
        }
      }
      const behind = bg * (1 - alpha);
      const o = (ty * tw + tx) * tc;
      if (colours === tc) {
        for (let k = 0; k < tc; k++) out[o + k] = clampByte(sum[k] + behind);
      } else if (tc === 1) {
        out[o] = clampByte(0.299 * sum[0] + 0.587 * sum[1] + 0.114 * sum[2] + behind);
      } else {
        const gray = clampByte(sum[0] + behind);
        out[o] = out[o + 1] = out[o + 2] = gray;
      }
    }
  }
  return out;
}

const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));
