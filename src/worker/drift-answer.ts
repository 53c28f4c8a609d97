/**
 * @module worker/drift-answer
 * The drift route's entries: one per feature (its PSI, reading, noise and bins, rounded), except the pixel
 * columns of an image, which are one `px_*` entry. Listed one by one, a 32x32 RGB model's 3,072 pixels made a
 * 1.2 MB answer, a 3,077-line CLI report and a dashboard page 97,600 px tall, and at a few hundred sampled rows
 * about 1 pixel in 100 reads beyond its noise by chance alone, so the list cried drift on dozens of them.
 * The entry reads the grid as a whole: the mean pixel PSI (with its noise, so one shifted corner does not
 * call the image drifted), how many pixels stand beyond their noise, the most drifted ones, and the mean
 * pixel value before and after. `?detail=pixels` keeps the list of every pixel. A grid is recognised by
 * its column names (engine/data/pixel-grid; a table model's constant pixels are no inputs, the rest are
 * still the grid), so a table model trained on a CSV of pixels reads the same as a CNN; pixel columns
 * named otherwise (an image job given its shape read `p0..p63` in file order) by the model's own shape,
 * which names them, and their entry is named after them (`p0..p63`).
 */
import type { DriftReference, FeatureDrift, FeatureReference, SkippedFeature } from '../engine/drift';
import { driftStatus } from '../engine/drift';
import type { ImageShape } from '../engine/core/image-shape';
import { pixelGridName, pixelGridOf } from '../engine/data/pixel-grid';

/** The `detail` value that lists every pixel column instead of the summary. */
export const PIXEL_DETAIL = 'pixels';
/** Most drifted pixels named in the summary. */
const TOP_PIXELS = 10;

const round = (x: number) => Math.round(x * 1e4) / 1e4;
const roundOrNull = (x: number | null) => (x === null ? null : round(x));

/** One feature's entry as the route answers it. */
export function featureEntry(f: FeatureDrift) {
  return {
    name: f.name,
    type: f.type,
    psi: roundOrNull(f.psi),
    status: f.status,
    noise_psi: roundOrNull(f.noise),
    within_noise: f.withinNoise,
    bins: f.bins,
    reference: f.reference.map(round),
    live: f.live.map(round),
    ...(f.kind === 'text_length' ? { measure: 'length in characters' } : {}),
  };
}

type Entry = ReturnType<typeof featureEntry> & { measure?: string; pixels?: PixelSummary };

/** What the pixel entry (`px_*`, or `p0..p63`) says of the grid beside the usual fields. */
interface PixelSummary {
  /** The pixel columns measured (a table model's has none of the pixels training found constant). */
  readonly columns: number;
  readonly image: { readonly height: number; readonly width: number; readonly channels: number };
  /** Pixels whose PSI is at least moderate and beyond what noise reaches 99 times in 100; null before live rows. */
  readonly drifting: number | null;
  readonly drifting_share: number | null;
  /** The mean pixel value in training and live, estimated from each pixel's bins (see meanValue); null without numeric pixels. */
  readonly mean_value: { readonly reference: number; readonly live: number | null } | null;
  readonly top: readonly { name: string; psi: number | null; status: FeatureDrift['status']; noise_psi: number | null; within_noise: boolean | null }[];
}

/**
 * The features and skipped columns as answered: the pixel columns of a grid folded into one entry
 * (placed by its PSI among the others, most drifted first), unless `perPixel` asks for every one.
 * @param named the model's image shape when its pixel columns are not named `px_*` (it names them)
 */
export function driftEntries(reference: DriftReference, features: readonly FeatureDrift[], perPixel: boolean, named?: ImageShape): { features: Entry[]; skipped: SkippedFeature[] } {
  const grid = perPixel ? undefined : pixelGridOf(reference.features.map((f) => f.name), named);
  if (!grid) return { features: features.map(featureEntry), skipped: [...reference.skipped] };
  const pixels = features.filter((f) => grid.present.has(f.name));
  const others = features.filter((f) => !grid.present.has(f.name)).map(featureEntry);
  const summary = pixelEntry(pixels, reference, grid.shape);
  // Most drifted first, as compareWithReference orders features; no reading (no live rows) last.
  const at = others.findIndex((e) => (e.psi ?? -1) < (summary.psi ?? -1));
  others.splice(at < 0 ? others.length : at, 0, summary);
  return { features: others, skipped: [...reference.skipped] };
}

/**
 * The grid's entry. Its PSI is the mean over the pixels, its noise the mean of theirs, and it is within
 * noise when that mean stays under the mean of their 99-in-100 noise limits: a shift of the whole image
 * (lighting, another camera) moves every pixel and stands far above it, while the few pixels any sample
 * reads beyond noise by chance do not carry it.
 */
function pixelEntry(pixels: readonly FeatureDrift[], reference: DriftReference, shape: ImageShape): Entry {
  const measured = pixels.filter((f) => f.psi !== null);
  const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const psi = measured.length > 0 ? mean(measured.map((f) => f.psi!)) : null;
  const noise = measured.length > 0 ? mean(measured.map((f) => f.noise ?? 0)) : null;
  const limit = measured.length > 0 ? mean(measured.map((f) => f.noiseLimit ?? 0)) : null;
  const drifting = measured.length > 0 ? measured.filter((f) => f.withinNoise === false && f.status !== 'stable').length : null;
  const profiles = new Map(reference.features.map((f) => [f.name, f]));
  return {
    name: pixelGridName(shape),
    type: 'numeric',
    psi: roundOrNull(psi),
    status: psi === null ? null : driftStatus(psi),
    noise_psi: roundOrNull(noise),
    within_noise: psi === null || limit === null ? null : psi <= limit,
    bins: [],
    reference: [],
    live: [],
    measure: `mean over ${pixels.length} pixel columns`,
    pixels: {
      columns: pixels.length,
      image: { height: shape.height, width: shape.width, channels: shape.channels },
      drifting,
      drifting_share: drifting === null ? null : round(drifting / pixels.length),
      mean_value: meanValue(pixels, profiles, measured.length > 0),
      top: pixels.slice(0, TOP_PIXELS).map((f) => ({ name: f.name, psi: roundOrNull(f.psi), status: f.status, noise_psi: roundOrNull(f.noise), within_noise: f.withinNoise })),
    },
  };
}

/**
 * The mean pixel value of training and of the live rows, averaged over the pixels (each has every row),
 * estimated from each pixel's bins: a bin between two deciles at its middle, the end bins at their edge,
 * the missing bin left out. The end bins hold the darkest and brightest tenth, so the estimate is drawn in
 * towards the middle, alike for both: it shows which way and roughly how far the images moved.
 */
function meanValue(pixels: readonly FeatureDrift[], profiles: ReadonlyMap<string, FeatureReference>, live: boolean): PixelSummary['mean_value'] {
  let reference = 0;
  let current = 0;
  let counted = 0;
  for (const f of pixels) {
    const profile = profiles.get(f.name);
    if (profile?.kind !== 'numeric' || profile.edges.length === 0) continue;
    const values = binValues(profile.edges);
    reference += weightedMean(values, f.reference);
    current += weightedMean(values, f.live);
    counted++;
  }
  if (counted === 0) return null;
  return { reference: round(reference / counted), live: live ? round(current / counted) : null };
}

/** A value standing for each value bin of decile cuts `edges` (bins: <= e0, (e0, e1], ..., > e_last). */
function binValues(edges: readonly number[]): number[] {
  const inner = edges.slice(1).map((e, k) => (edges[k] + e) / 2);
  return [edges[0], ...inner, edges[edges.length - 1]];
}

/** The mean of `values` weighted by `shares` (the missing bin, past the values, left out). */
function weightedMean(values: readonly number[], shares: readonly number[]): number {
  let sum = 0;
  let weight = 0;
  for (let k = 0; k < values.length; k++) {
    sum += values[k] * shares[k];
    weight += shares[k];
  }
  return weight > 0 ? sum / weight : 0;
}
