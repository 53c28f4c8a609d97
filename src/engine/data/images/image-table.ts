/**
 * @module engine/data/images/image-table
 * A zip of class folders of PNG/JPEG files becomes a Dataset: one numeric column per pixel value (named
 * by pixel-columns, values 0..255) and a categorical `label` column holding each image's folder name.
 * Every image is resampled to one target shape: the caller's, else the most common size among the
 * images, with 1 channel when every image is stored as grayscale and 3 otherwise. Caps keep an upload
 * inside one isolate and the resulting table inside a trial's memory; each is documented where defined
 * and named in its error.
 */
import type { ImageShape } from '../../core/image-shape';
import { EngineError } from '../../core/errors';
import { OTHER_COLUMNS_BESIDE_PIXELS } from '../column-cap';
import type { Column, Dataset } from '../dataset';
import { type ClassImage, classImages, FEW_CLASS_IMAGES, fewImagesWarning } from './class-folders';
import { decodeImage, imageFormatOf, MAX_SOURCE_PIXELS, readImageHeader, shownSize } from './decode-image';
import { pixelColumnNames } from './pixel-columns';
import { type AlphaBackground, type ResizeTarget, resizeImage } from './resize';
import { forEachInflated, listZipEntries } from './zip-entries';

/** Name of the column holding each image's class. */
export const IMAGE_LABEL_COLUMN = 'label';

export interface ImageTableOptions {
  /** Target size; default: the most common size among the images. */
  readonly size?: { readonly height: number; readonly width: number };
  /** Target channels; default: 1 when every image is stored as grayscale, else 3. */
  readonly channels?: 1 | 3;
  /** What transparent pixels are composited over (see resize). */
  readonly background: AlphaBackground;
  /** Most values (height x width x channels) per image: 64x64x3, a size small models learn from in seconds. */
  readonly maxValuesPerImage: number;
  /**
   * Most values in the whole table. Stored as Float64 that is 16 MiB, a quarter of a trial's 64 MiB
   * (trial-memory), leaving room for the Float32 feature matrices of a fit and its validation rows.
   */
  readonly maxTableValues: number;
  readonly maxImages: number;
  readonly maxClasses: number;
  /** Zip entries of any kind (ignored files included): bounds the listing work. */
  readonly maxEntries: number;
  /** Decompressed bytes of one image file. */
  readonly maxFileBytes: number;
  /** Decompressed bytes of all image files together (what a zip bomb inflates). */
  readonly maxUncompressedBytes: number;
  /** Most pixels of one source image before resampling (decode-image). */
  readonly maxSourcePixels: number;
}

export const IMAGE_TABLE_DEFAULTS: Readonly<ImageTableOptions> = Object.freeze({
  background: 'white',
  maxValuesPerImage: 64 * 64 * 3,
  maxTableValues: 2 * 1024 * 1024,
  maxImages: 20_000,
  maxClasses: 1_000,
  maxEntries: 50_000,
  maxFileBytes: 32 * 1024 * 1024,
  maxUncompressedBytes: 256 * 1024 * 1024,
  maxSourcePixels: MAX_SOURCE_PIXELS,
});

/**
 * The most columns a table of an image's pixels as columns may have, uploaded or sent to predict: as many
 * pixel values as a zip's images may have, and a few more (a label, an id: data/column-cap).
 */
export const MAX_PIXEL_TABLE_COLUMNS = IMAGE_TABLE_DEFAULTS.maxValuesPerImage + OTHER_COLUMNS_BESIDE_PIXELS;

export function resolveImageTableOptions(partial: Partial<ImageTableOptions> = {}): ImageTableOptions {
  return { ...IMAGE_TABLE_DEFAULTS, ...partial };
}

export interface ImageTable {
  readonly dataset: Dataset;
  readonly shape: ImageShape;
  /** Images per class, by class name. */
  readonly classCounts: Readonly<Record<string, number>>;
  /** What the upload should say about the zip's layout and contents (class-folders): files left out, small classes, merged splits. */
  readonly warnings: readonly string[];
}

/** Bytes inflated at a time: enough to amortise walking the zip's directory, small beside the isolate. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Builds the pixel table of a zip of class folders; throws EngineError naming the file, folder or cap
 * at fault (details.reason 'too_large' when decompressed sizes are over the caps).
 * @example const { dataset, shape } = imageTableFromZip(zipBytes, { size: { height: 32, width: 32 } });
 */
export function imageTableFromZip(zip: Uint8Array, options: Partial<ImageTableOptions> = {}): ImageTable {
  const opts = resolveImageTableOptions(options);
  const found = classImages(listZipEntries(zip, opts.maxEntries));
  const warnings = found.warnings;
  let images = found.images;
  checkSizes(images.map((i) => i.entry), opts);
  const classCount = new Set(images.map((i) => i.label)).size;
  if (classCount > opts.maxClasses) {
    throw new EngineError('invalid_dataset', `the zip has ${classCount} class folders, more than the ${opts.maxClasses} a dataset may have`, { limit: opts.maxClasses, reason: 'too_many_classes' });
  }

  // Files named as PNG or JPEG whose bytes are neither (another format renamed, an empty or HTML download):
  // left out and named, as files of other formats are, found by whichever pass reads them first.
  const unreadable = new Map<number, string>();
  const shape = targetShape(zip, images, opts, unreadable, warnings);
  const perImage = shape.height * shape.width * shape.channels;
  if (perImage * images.length > opts.maxTableValues) {
    // The largest size of the same aspect ratio at which this many images fit (720 of 32x32x3: 31x31).
    const fit = fittingSize(shape, shape.channels, Math.floor(opts.maxTableValues / images.length));
    throw new EngineError(
      'invalid_dataset',
      `${images.length} images of ${shape.width}x${shape.height}x${shape.channels} make ${perImage * images.length} pixel values, more than the ${opts.maxTableValues} a dataset may hold; ask for a smaller size with ?size=WxH on the upload (--size WxH from the command line), at most ${fit.width}x${fit.height} for ${images.length} images, or upload fewer images`,
      { limit: opts.maxTableValues, reason: 'too_many_values', suggested_size: `${fit.width}x${fit.height}` },
    );
  }

  const names = pixelColumnNames(shape);
  const values = names.map(() => new Float64Array(images.length));
  const rowOf = new Map(images.map((img, row) => [img.entry.index, row]));
  forEachInflated(
    zip,
    images.map((i) => i.entry),
    CHUNK_BYTES,
    (entry, bytes) => {
      const holds = unreadable.get(entry.index) ?? notPngOrJpeg(bytes);
      if (holds !== undefined) {
        unreadable.set(entry.index, holds);
        return;
      }
      const pixels = resizeImage(inTable(() => decodeImage(bytes, entry.name, opts.maxSourcePixels)), shape, opts.background);
      const row = rowOf.get(entry.index) as number;
      for (let v = 0; v < perImage; v++) values[v][row] = pixels[v];
    },
  );

  if (unreadable.size > 0) images = leaveOutUnreadable(images, unreadable, values, warnings);
  const classes = [...new Set(images.map((i) => i.label))].sort();
  const codeOf = new Map(classes.map((c, code) => [c, code]));
  const codes = Int32Array.from(images, (img) => codeOf.get(img.label) as number);
  const counts = new Map<string, number>();
  for (const img of images) counts.set(img.label, (counts.get(img.label) ?? 0) + 1);
  // A plain object (structured-clonable, for the registry's RPC); fromEntries defines even "__proto__" as data.
  const classCounts: Record<string, number> = Object.fromEntries(counts);
  const columns: Column[] = names.map((name, v) => ({ name, type: 'numeric', storage: 'f64', values: values[v] }));
  columns.push({ name: IMAGE_LABEL_COLUMN, type: 'categorical', storage: 'codes', codes, levels: classes });
  return { dataset: { rows: images.length, columns }, shape, classCounts, warnings };
}

/** Count and declared-size caps, checked on the directory before anything is inflated. */
function checkSizes(entries: readonly { name: string; size: number; compression: number }[], opts: ImageTableOptions): void {
  if (entries.length > opts.maxImages) {
    throw new EngineError('invalid_dataset', `the zip holds ${entries.length} images, more than the ${opts.maxImages} a dataset may have`, { limit: opts.maxImages, reason: 'too_many_images' });
  }
  let total = 0;
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name)) throw new EngineError('invalid_dataset', `${e.name}: the zip holds this path twice`, { file: e.name });
    names.add(e.name);
    if (e.compression !== 0 && e.compression !== 8) {
      throw new EngineError('invalid_dataset', `${e.name}: compressed with zip method ${e.compression}; only stored and deflated entries are read, re-create the zip with a standard tool`, { file: e.name });
    }
    if (e.size > opts.maxFileBytes) {
      throw new EngineError('invalid_dataset', `${e.name}: ${e.size} bytes decompressed, more than the ${opts.maxFileBytes} one image file may have`, { file: e.name, limit: opts.maxFileBytes, reason: 'too_large' });
    }
    total += e.size;
  }
  if (total > opts.maxUncompressedBytes) {
    throw new EngineError('invalid_dataset', `the images decompress to ${total} bytes, more than the ${opts.maxUncompressedBytes} an upload may expand to`, { limit: opts.maxUncompressedBytes, reason: 'too_large' });
  }
}

/**
 * The caller's size and channels, or those read from the images' headers (which costs one extra inflate
 * pass): the size at least half the images have, else their median width and height, said in `warnings`.
 */
function targetShape(zip: Uint8Array, images: readonly ClassImage[], opts: ImageTableOptions, unreadable: Map<number, string>, warnings: string[]): ResizeTarget {
  let size = opts.size;
  let channels = opts.channels;
  if (!size || !channels) {
    const sizes = new Map<string, { height: number; width: number; count: number }>();
    let allGray = true;
    forEachInflated(
      zip,
      images.map((i) => i.entry),
      CHUNK_BYTES,
      (entry, bytes) => {
        const holds = notPngOrJpeg(bytes);
        if (holds !== undefined) {
          unreadable.set(entry.index, holds);
          return;
        }
        const header = inTable(() => readImageHeader(bytes, entry.name));
        allGray &&= header.gray;
        // As shown, EXIF orientation applied: the size the decoded image will have.
        const { width, height } = shownSize(header);
        const key = `${width}x${height}`;
        const seen = sizes.get(key) ?? { height, width, count: 0 };
        seen.count++;
        sizes.set(key, seen);
      },
    );
    if (sizes.size === 0) throw noneReadable(images, unreadable);
    // Most common size; ties go to the smaller image (cheaper, and never over a cap the other passes).
    const common = [...sizes.values()].sort((a, b) => b.count - a.count || a.height * a.width - b.height * b.width || a.width - b.width)[0];
    const read = [...sizes.values()].reduce((n, s) => n + s.count, 0);
    if (!size && common.count * 2 < read) {
      // Sizes all over the place (photos from the web): the most common one may be a thumbnail that a
      // tie made the smallest, squashing every other image to it. The median side of each is typical.
      size = { height: medianOf(sizes, 'height'), width: medianOf(sizes, 'width') };
      warnings.push(
        `the images come in ${sizes.size} sizes, none shared by half of them (the most common, ${common.width}x${common.height}, by ${common.count} of ${read}): every image was resized to their median size, ${size.width}x${size.height}; ask for another with ?size=WxH on the upload (--size WxH from the command line)`,
      );
    }
    size ??= { height: common.height, width: common.width };
    channels ??= allGray ? 1 : 3;
  }
  const perImage = size.height * size.width * channels;
  if (perImage > opts.maxValuesPerImage) {
    const fit = fittingSize(size, channels, opts.maxValuesPerImage);
    throw new EngineError(
      'invalid_dataset',
      `images would be ${size.width}x${size.height}x${channels} = ${perImage} values each, more than the ${opts.maxValuesPerImage} allowed (e.g. 64x64x3); ask for a smaller size with ?size=WxH on the upload (--size WxH from the command line), e.g. ${fit.width}x${fit.height}`,
      { limit: opts.maxValuesPerImage, reason: 'image_too_large', suggested_size: `${fit.width}x${fit.height}` },
    );
  }
  return { height: size.height, width: size.width, channels };
}

/** The median of one side over images counted by size (the lower middle value of an even count). */
function medianOf(sizes: ReadonlyMap<string, { height: number; width: number; count: number }>, side: 'height' | 'width'): number {
  const sorted = [...sizes.values()].sort((a, b) => a[side] - b[side]);
  const total = sorted.reduce((n, s) => n + s.count, 0);
  let seen = 0;
  for (const s of sorted) {
    seen += s.count;
    if (2 * seen >= total) return s[side];
  }
  return sorted[sorted.length - 1][side];
}

/**
 * What a file named as PNG or JPEG holds when its bytes are neither, in words ("a WebP image", "empty");
 * undefined for a PNG or JPEG (which may still be damaged: decodeImage refuses it, naming it).
 */
function notPngOrJpeg(bytes: Uint8Array): string | undefined {
  if (imageFormatOf(bytes) !== undefined) return undefined;
  if (bytes.length === 0) return 'empty';
  const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (text(0, 4) === 'RIFF' && text(8, 12) === 'WEBP') return 'a WebP image';
  if (text(0, 4) === 'GIF8') return 'a GIF image';
  if (text(0, 2) === 'BM') return 'a BMP image';
  if (text(4, 8) === 'ftyp') return 'an HEIC or AVIF image';
  if (/^\s*</.test(text(0, 64))) return 'text or HTML, not an image';
  return 'no PNG or JPEG';
}

/** Files listed in the warning of those left out, before "and N more". */
const SHOWN_UNREADABLE = 5;

/**
 * The images without those whose bytes are no PNG or JPEG, their rows taken out of `values` (in place,
 * each column then cut to the rows kept), and a warning naming them. Refused as a zip of class folders
 * would be when what is left has no images or a single class.
 */
function leaveOutUnreadable(images: readonly ClassImage[], unreadable: ReadonlyMap<number, string>, values: Float64Array[], warnings: string[]): ClassImage[] {
  const kept = images.filter((img) => !unreadable.has(img.entry.index));
  const left = images.filter((img) => unreadable.has(img.entry.index)).map((img) => `${img.entry.name} (${unreadable.get(img.entry.index)})`);
  const n = left.length;
  warnings.push(
    `${n} ${n === 1 ? 'file' : 'files'} in class folders ${n === 1 ? 'is' : 'are'} named as PNG or JPEG but ${n === 1 ? 'holds' : 'hold'} neither, and ${n === 1 ? 'was' : 'were'} left out: ${left.slice(0, SHOWN_UNREADABLE).join(', ')}${n > SHOWN_UNREADABLE ? ` and ${n - SHOWN_UNREADABLE} more` : ''}; convert ${n === 1 ? 'it' : 'them'} to PNG or JPEG to use ${n === 1 ? 'it' : 'them'}`,
  );
  if (kept.length === 0) throw noneReadable(images, unreadable);
  const classes = new Set(kept.map((img) => img.label));
  if (classes.size < 2) {
    throw new EngineError('invalid_dataset', `once the files holding no PNG or JPEG are left out (${left.slice(0, SHOWN_UNREADABLE).join(', ')}${n > SHOWN_UNREADABLE ? ` and ${n - SHOWN_UNREADABLE} more` : ''}), only class "${[...classes][0]}" has images; image classification needs at least two`, { reason: 'one_class' });
  }
  // A class the files left out took below the few-images mark is warned about as one the zip held so few of.
  const countsOf = (list: readonly ClassImage[]) => list.reduce((m, img) => m.set(img.label, (m.get(img.label) ?? 0) + 1), new Map<string, number>());
  const before = countsOf(images);
  const fallen = new Map([...countsOf(kept)].filter(([label, n]) => n < FEW_CLASS_IMAGES && (before.get(label) ?? 0) >= FEW_CLASS_IMAGES));
  const few = fewImagesWarning(fallen, ' once those files are left out');
  if (few) warnings.push(few);
  for (let v = 0; v < values.length; v++) {
    const column = values[v];
    let w = 0;
    for (let r = 0; r < images.length; r++) if (!unreadable.has(images[r].entry.index)) column[w++] = column[r];
    values[v] = column.slice(0, w);
  }
  return kept;
}

/** The refusal of a zip none of whose image files holds a PNG or JPEG. */
function noneReadable(images: readonly ClassImage[], unreadable: ReadonlyMap<number, string>): EngineError {
  const named = images.slice(0, SHOWN_UNREADABLE).map((img) => `${img.entry.name} (${unreadable.get(img.entry.index) ?? 'unread'})`);
  return new EngineError('invalid_dataset', `none of the zip's ${images.length} image files holds a PNG or JPEG, whatever its name says: ${named.join(', ')}${images.length > SHOWN_UNREADABLE ? ` and ${images.length - SHOWN_UNREADABLE} more` : ''}`, { reason: 'no_images' });
}

/** The largest size of the same aspect ratio whose values fit the cap: the size to suggest. */
function fittingSize(size: { height: number; width: number }, channels: number, maxValues: number): { height: number; width: number } {
  const scale = Math.sqrt(maxValues / (size.height * size.width * channels));
  let width = Math.max(1, Math.floor(size.width * scale));
  let height = Math.max(1, Math.floor(size.height * scale));
  // Rounding can leave it one line over for extreme aspect ratios.
  while (width * height * channels > maxValues) {
    if (width > height) width--;
    else height--;
  }
  return { height, width };
}

/** Runs a decoder step on one file of the zip: a bad file makes the dataset invalid (the message already names it). */
function inTable<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof EngineError) throw new EngineError('invalid_dataset', err.message, err.details);
    throw err;
  }
}
