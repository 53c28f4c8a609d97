/**
 * @module engine/data/images/pixel-like
 * Runs of columns that look like an image's pixels without being named `px_*` (`p0..p63`, Kaggle's
 * `pixel0..pixel783`), found in a table's column profile so that reports can show them as one entry and
 * say how to train them as images (an image job given `image: {height, width}` reads such columns in file
 * order: worker/job-inputs shapeGiven). Nothing is stored or read differently: this is a guess for the
 * eyes, so it asks for what pixels nearly always show and numbered answers or amounts rarely do:
 * - at least MIN_PIXEL_LIKE columns side by side in the file, named `<prefix><n>` with one prefix (ending
 *   in a non-digit) and n counting up by one from 0 or 1, as the job reads them (in file order);
 * - every one numeric (or constant: a digit's blank corner), with values;
 * - their values together run from exactly 0 (black, or an empty background) to at most 255 (a byte; 1
 *   for intensities in 0..1, 16 for the digits set). Survey answers on a 1..5 scale (no 0) and numbered
 *   amounts such as monthly sales in the thousands are not pixels, and stay listed one by one.
 */
import type { ColumnProfile } from '../infer-schema';
import { isPixelColumnName } from './pixel-columns';

/** Fewest columns read as pixels: a 4x4 image. Shorter numbered runs are more often repeated measures. */
export const MIN_PIXEL_LIKE = 16;

/** The largest pixel value believed: a byte. */
const MAX_PIXEL_VALUE = 255;

/** `<prefix><n>`: a prefix ending in a non-digit, then a number written without leading zeros. */
const NUMBERED_RE = /^(.*\D)(0|[1-9]\d*)$/;

/** One run of pixel-like columns with the statistics of all its values together. */
export interface PixelLikeRun {
  /** `p0..p63`: the first and last column, as the drift of a model trained on them names its entry. */
  readonly name: string;
  /** The columns, in file order. */
  readonly columns: readonly string[];
  readonly type: 'numeric';
  /** Missing cells over every column of the run. */
  readonly missing: number;
  /** The most distinct values one column of the run has. */
  readonly unique: number;
  readonly min: number;
  readonly max: number;
  /** Mean and standard deviation over every present value of the run. */
  readonly mean: number;
  readonly std: number;
  /** A square image of that many values (gray, else RGB) when there is one: a guess of its shape, nothing tells the real one. */
  readonly image?: { readonly height: number; readonly width: number; readonly channels: 1 | 3 };
}

/**
 * The pixel-like runs of a table's columns (see the module's rule), in file order; empty for most tables.
 * @param profile the version's column profile, each with its statistics (as stored)
 * @param rows the version's rows, to weigh each column's mean and spread by its present values
 */
export function pixelLikeRuns(profile: readonly ColumnProfile[], rows: number): PixelLikeRun[] {
  const runs: PixelLikeRun[] = [];
  let i = 0;
  while (i < profile.length) {
    const end = runEnd(profile, i);
    const run = profile.slice(i, end);
    if (run.length >= MIN_PIXEL_LIKE && run.every(holdsPixels)) {
      const pooled = pooledRun(run, rows);
      if (pooled.min === 0 && pooled.max <= MAX_PIXEL_VALUE) runs.push(pooled);
    }
    i = Math.max(end, i + 1);
  }
  return runs;
}

/** Where the numbered run starting at column `start` ends (exclusive): `start` itself when it begins none. */
function runEnd(profile: readonly ColumnProfile[], start: number): number {
  const first = numbered(profile[start].name);
  if (!first || first.n > 1) return start;
  let end = start + 1;
  while (end < profile.length) {
    const next = numbered(profile[end].name);
    if (!next || next.prefix !== first.prefix || next.n !== first.n + (end - start)) break;
    end++;
  }
  return end;
}

/** A `<prefix><n>` name split, unless it is a `px_*` pixel name (those form a grid of their own). */
function numbered(name: string): { prefix: string; n: number } | undefined {
  if (isPixelColumnName(name)) return undefined;
  const m = NUMBERED_RE.exec(name);
  return m ? { prefix: m[1], n: Number(m[2]) } : undefined;
}

/** Numbers (a constant column of one number too), with the statistics that tell their range. */
const holdsPixels = (c: ColumnProfile): boolean =>
  (c.type === 'numeric' || c.type === 'constant') && typeof c.min === 'number' && typeof c.max === 'number' && typeof c.mean === 'number';

/** The run's entry: its values' range, and mean and std from each column's own, weighted by its present values. */
function pooledRun(run: readonly ColumnProfile[], rows: number): PixelLikeRun {
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  // Loops, not Math.min(...spread): a table may have tens of thousands of columns.
  let [min, max, missing, unique] = [Infinity, -Infinity, 0, 0];
  for (const c of run) {
    const n = Math.max(0, rows - c.missing);
    const std = c.std ?? 0;
    count += n;
    sum += n * c.mean!;
    sumSq += n * (std * std + c.mean! * c.mean!);
    min = Math.min(min, c.min!);
    max = Math.max(max, c.max!);
    missing += c.missing;
    unique = Math.max(unique, c.unique);
  }
  const mean = count > 0 ? sum / count : 0;
  const image = squareImage(run.length);
  return {
    name: `${run[0].name}..${run[run.length - 1].name}`,
    columns: run.map((c) => c.name),
    type: 'numeric',
    missing,
    unique,
    min,
    max,
    mean,
    std: count > 0 ? Math.sqrt(Math.max(0, sumSq / count - mean * mean)) : 0,
    ...(image ? { image } : {}),
  };
}

/** The square image of `values` values, gray first (784: 28x28x1, 3072: 32x32x3); undefined when there is none. */
export function squareImage(values: number): PixelLikeRun['image'] {
  for (const channels of [1, 3] as const) {
    const side = Math.round(Math.sqrt(values / channels));
    if (side > 1 && side * side * channels === values) return { height: side, width: side, channels };
  }
  return undefined;
}
