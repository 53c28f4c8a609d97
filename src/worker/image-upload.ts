/**
 * @module worker/image-upload
 * Reading an image dataset upload: a zip of class folders (`Content-Type: application/zip`) with the
 * optional query `?size=WxH&channels=1|3`, turned into the engine's pixel table. The profile it
 * registers stays small whatever the image size: one summary entry for all pixel columns (carrying the
 * image shape and the images per class) and the label column's own profile, instead of thousands of
 * per-pixel statistics in the registry's SQLite row. What the zip held that was left out (files of other
 * image formats, folders without images, unlabelled images in a split folder) or that a user should
 * know (classes of few images, split folders merged) becomes the version's `warnings`.
 */
import { EngineError } from '../engine';
import type { Dataset } from '../engine/data/dataset';
import { type ColumnProfile, profileColumn } from '../engine/data/infer-schema';
import { IMAGE_LABEL_COLUMN, imageTableFromZip } from '../engine/data/images/image-table';
import { ApiError } from './errors';
import { readBodyLimited } from './storage';

/** Media types read as a zip of images (Windows browsers send the second). */
export const ZIP_TYPES = new Set(['application/zip', 'application/x-zip-compressed']);

/** Name of the profile entry that stands for every pixel column. */
export const PIXEL_SUMMARY_NAME = 'px_*';

/**
 * Whether a dataset version's profile is that of a zip upload: its pixel summary entry carries the image
 * info. Such a table holds decoded image files, 0..255 by construction, whatever its brightest pixel.
 */
export const isImageUploadProfile = (columns: readonly { readonly name: string; readonly image?: unknown }[]) => columns.some((col) => col.name === PIXEL_SUMMARY_NAME && col.image !== undefined);

/** What the dataset routes show about an image dataset. */
export interface ImageInfo {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Images per class folder. */
  readonly classes: Readonly<Record<string, number>>;
}

/** The profile entry summarising the pixel columns; `image` is lifted out of it by the dataset routes. */
export type PixelSummary = ColumnProfile & { readonly pixel_columns: number; readonly image: ImageInfo };

export interface ImageUpload {
  readonly bytes: Uint8Array;
  readonly format: 'zip';
  readonly dataset: Dataset;
  readonly columns: ColumnProfile[];
  readonly image: ImageInfo;
  /** The version's warnings: what the zip held that was left out or looks wrong (engine class-folders). */
  readonly warnings?: readonly string[];
}

/** Reads, decodes and profiles a zip upload; 400/413 naming the query field, the file or the cap at fault. */
export async function readImageUpload(req: Request, query: { size?: string; channels?: string }, maxBytes: number): Promise<ImageUpload> {
  const size = parseSize(query.size);
  const channels = parseChannels(query.channels);
  const bytes = await readBodyLimited(req, maxBytes);
  let table: ReturnType<typeof imageTableFromZip>;
  try {
    table = imageTableFromZip(bytes, { ...(size ? { size } : {}), ...(channels ? { channels } : {}) });
  } catch (err) {
    // Decompressed sizes over the caps are the zip-bomb guard: the same answer as an oversized body.
    if (err instanceof EngineError && err.details.reason === 'too_large') throw new ApiError(413, 'payload_too_large', err.message, err.details);
    throw err;
  }
  const { dataset, shape, classCounts, warnings } = table;
  const image: ImageInfo = { height: shape.height, width: shape.width, channels: shape.channels, classes: classCounts };
  const label = dataset.columns.find((c) => c.name === IMAGE_LABEL_COLUMN);
  const pixels = dataset.columns.filter((c) => c.name !== IMAGE_LABEL_COLUMN);
  const columns: ColumnProfile[] = [summarisePixels(pixels, image), ...(label ? [profileColumn(label)] : [])];
  return { bytes, format: 'zip', dataset, columns, image, ...(warnings.length > 0 ? { warnings } : {}) };
}

function parseSize(raw: string | undefined): { height: number; width: number } | undefined {
  if (raw === undefined) return undefined;
  const m = /^([1-9]\d{0,3})x([1-9]\d{0,3})$/i.exec(raw.trim());
  if (!m) throw new ApiError(400, 'invalid_request', `size: expected WIDTHxHEIGHT in pixels such as 32x32, got "${raw.slice(0, 64)}"`, { field: 'size' });
  return { width: Number(m[1]), height: Number(m[2]) };
}

function parseChannels(raw: string | undefined): 1 | 3 | undefined {
  if (raw === undefined) return undefined;
  if (raw === '1' || raw === '3') return Number(raw) as 1 | 3;
  throw new ApiError(400, 'invalid_request', `channels: expected 1 (grayscale) or 3 (RGB), got "${raw.slice(0, 64)}"`, { field: 'channels' });
}

/** One profile entry for all pixel columns: their pooled value statistics, the shape and the class counts. */
function summarisePixels(pixels: Dataset['columns'], image: ImageInfo): PixelSummary {
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  const distinct = new Set<number>();
  for (const col of pixels) {
    if (col.storage !== 'f64') continue;
    const values = col.values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      sum += v;
      sumSq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
      // Decoded pixels are bytes: at most 256 distinct values, so the set stays tiny.
      distinct.add(v);
    }
    count += values.length;
  }
  const mean = count > 0 ? sum / count : 0;
  const std = count > 1 ? Math.sqrt(Math.max(0, sumSq / count - mean * mean)) : 0;
  return { name: PIXEL_SUMMARY_NAME, type: 'numeric', missing: 0, unique: distinct.size, ...(count > 0 ? { min, max, mean, std } : {}), pixel_columns: pixels.length, image };
}
