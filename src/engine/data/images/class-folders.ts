/**
 * @module engine/data/images/class-folders
 * The layout of an image zip: each top-level folder is a class and every PNG/JPEG below it (at any
 * depth) is one of its images. A single folder wrapping every image (what zipping a folder produces) is
 * looked through. Entries that are not images (.png, .jpg, .jpeg in any case) are ignored, and so are
 * macOS resource forks (`__MACOSX/`) and hidden files and folders (a segment starting with a dot). What
 * cannot be a class dataset is refused naming the file or folder: images outside any class folder, a
 * class folder without images, fewer than two classes.
 */
import { EngineError } from '../../core/errors';
import type { ZipEntry } from './zip-entries';

/** An image file and the class its folder names. */
export interface ClassImage {
  readonly entry: ZipEntry;
  readonly label: string;
}

const IMAGE_NAME_RE = /\.(png|jpe?g)$/i;

const isIgnored = (segments: readonly string[]) => segments.some((s) => s === '__MACOSX' || s.startsWith('.'));

/**
 * The images of a zip with their classes, sorted by class then path (so the table's row order never
 * depends on how the zip tool ordered its entries).
 */
export function classImages(entries: readonly ZipEntry[]): ClassImage[] {
  const kept = entries.filter((e) => e.segments.length > 0 && !isIgnored(e.segments));
  const images = kept.filter((e) => !e.directory && IMAGE_NAME_RE.test(e.segments[e.segments.length - 1]));
  if (images.length === 0) {
    throw new EngineError('invalid_dataset', kept.length === 0 ? 'the zip is empty' : 'the zip holds no PNG or JPEG images (.png, .jpg or .jpeg files in class folders)', { reason: 'no_images' });
  }
  // One folder around every image, with the class folders inside it: look through it. Judged on the
  // images only, so a README or licence beside the wrapper does not hide it. With two or more folders
  // inside, an image directly in the wrapper is refused below as outside any class folder; a folder of
  // images with a single subfolder is one class, not a wrapper.
  const roots = new Set(images.map((e) => e.segments[0]));
  const inner = new Set(images.filter((e) => e.segments.length >= 3).map((e) => e.segments[1]));
  const depth = roots.size === 1 && (inner.size >= 2 || images.every((e) => e.segments.length >= 3)) ? 1 : 0;

  const loose = images.find((e) => e.segments.length - depth < 2);
  if (loose) {
    throw new EngineError('invalid_dataset', `${loose.name}: this image is not inside a class folder; put each image in a folder named after its class`, { file: loose.name, reason: 'no_class_folder' });
  }
  const labelled = images.map((entry) => ({ entry, label: entry.segments[depth] }));
  const classes = new Set(labelled.map((i) => i.label));
  // A folder at class level (a directory entry, or the parent of any kept file) that received no image.
  for (const e of kept) {
    if (e.segments.length - depth < (e.directory ? 1 : 2)) continue;
    const folder = e.segments[depth];
    if (!classes.has(folder)) {
      const path = e.segments.slice(0, depth + 1).join('/');
      throw new EngineError('invalid_dataset', `class folder "${path}" holds no PNG or JPEG images; add images to it or remove it`, { file: path, reason: 'empty_class' });
    }
  }
  if (classes.size < 2) {
    throw new EngineError('invalid_dataset', `the zip has only one class folder ("${[...classes][0]}"); image classification needs at least two, one folder per class`, { reason: 'one_class' });
  }
  return labelled.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : 0));
}
