/**
 * @module engine/data/images/class-folders
 * The classes of an image zip: each folder at class level (zip-layout: below any wrapping folders, and
 * inside split folders such as train/ and test/, which are merged) is a class, and every PNG/JPEG below
 * it (at any depth) is one of its images. Entries that are not PNG/JPEG (.png, .jpg, .jpeg in any case)
 * are left out, and so are macOS resource forks (`__MACOSX/`) and hidden files and folders (a segment
 * starting with a dot). What the user would want to know is said as a warning rather than dropped in
 * silence: images of another format inside class folders, folders without images, classes too small to
 * learn, merged splits, unlabelled images in a split folder. What cannot be a class dataset is refused
 * naming the file or folder: no images, images outside any class folder, fewer than two classes.
 */
import { EngineError } from '../../core/errors';
import { officeDocumentOf, type ZipEntry } from './zip-entries';
import { withoutSplitWrapper, zipLayout } from './zip-layout';

/** An image file and the class its folder names. */
export interface ClassImage {
  readonly entry: ZipEntry;
  readonly label: string;
}

/** The images of a zip with their classes, and what the upload should warn about. */
export interface ClassFolders {
  readonly images: ClassImage[];
  readonly warnings: string[];
}

/** PNG and JPEG by extension; a JPEG saved by a browser on Windows is often .jfif (.jpe, .jif: other JPEG spellings). */
const IMAGE_NAME_RE = /\.(png|jpe?g|jpe|jfif|jif)$/i;

/** Other image formats, by extension: files a user put in a class folder meaning them as images. */
const OTHER_FORMATS: Readonly<Record<string, string>> = {
  gif: 'GIF', bmp: 'BMP', dib: 'BMP', webp: 'WebP', tif: 'TIFF', tiff: 'TIFF', heic: 'HEIC', heif: 'HEIC', avif: 'AVIF',
  jxl: 'JPEG XL', jp2: 'JPEG 2000', j2k: 'JPEG 2000', ico: 'ICO', svg: 'SVG', psd: 'PSD', dng: 'camera raw', cr2: 'camera raw', nef: 'camera raw', arw: 'camera raw',
};

/**
 * Fewer images than this in a class is warned about: too few to learn the class from, and a job
 * validates on up to 5 folds, some of which then hold none of it.
 */
export const FEW_CLASS_IMAGES = 5;

/** Files named in a warning before "and N more". */
const SHOWN = 5;

const isIgnored = (segments: readonly string[]) => segments.some((s) => s === '__MACOSX' || s.startsWith('.'));
const otherFormat = (e: ZipEntry) => (e.directory ? undefined : OTHER_FORMATS[/\.([^.]+)$/.exec(e.segments[e.segments.length - 1])?.[1].toLowerCase() ?? '']);
const listSome = (items: readonly string[]) => items.slice(0, SHOWN).join(', ') + (items.length > SHOWN ? ` and ${items.length - SHOWN} more` : '');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The images of a zip with their classes, sorted by class then path (so the table's row order never
 * depends on how the zip tool ordered its entries), and the upload's warnings.
 */
export function classImages(entries: readonly ZipEntry[]): ClassFolders {
  const office = officeDocumentOf(entries);
  if (office) {
    throw new EngineError('invalid_dataset', `the zip is ${office}, not class folders of images; to train on a sheet, export it as "CSV UTF-8" and upload the CSV`, { reason: 'office_document' });
  }
  const found = entries.filter((e) => e.segments.length > 0 && !isIgnored(e.segments));
  const isImage = (e: ZipEntry) => !e.directory && IMAGE_NAME_RE.test(e.segments[e.segments.length - 1]);
  if (!found.some(isImage)) throw noImages(found);
  const layout = zipLayout(found.filter(isImage));
  const { depth, splits } = layout;
  // Below a split's own wrapping folders, its class folders sit where the other splits' do.
  const kept = found.map((e) => withoutSplitWrapper(e, layout));
  const images = kept.filter(isImage);
  const classLevel = depth + (splits ? 1 : 0);
  const wrapper = images[0].segments.slice(0, depth);
  // Inside the class folders' parent: under the wrappers, and in a split layout inside one of the splits.
  const inLayout = (e: ZipEntry) => wrapper.every((s, i) => e.segments[i] === s) && (!splits || splits.includes(e.segments[depth]));
  const folderPath = (e: ZipEntry) => e.segments.slice(0, classLevel + 1).join('/');
  const warnings: string[] = [];

  // An image directly in a split folder is unlabelled (Kaggle's test/ often is): left out, said. Anywhere
  // else outside a class folder it is refused: which class it belongs to is the user's to say.
  const loose = new Set(images.filter((e) => e.segments.length - classLevel < 2));
  const outside = [...loose].find((e) => !splits || e.segments.length - depth < 2);
  if (outside) {
    throw new EngineError('invalid_dataset', `${outside.name}: this image is not inside a class folder; put each image in a folder named after its class`, { file: outside.name, reason: 'no_class_folder' });
  }
  if (splits) {
    const classes = [...new Set(images.filter((e) => !loose.has(e)).map((e) => e.segments[classLevel]))].sort();
    const named = splits.map((s) => [...wrapper, s].join('/'));
    warnings.push(`the folders ${named.join(', ')} are dataset splits, each holding class folders: their classes were merged (${listSome(classes)}), since a job makes its own validation folds; to keep a split apart for your own testing, zip the others alone`);
    if (loose.size > 0) {
      warnings.push(`${plural(loose.size, 'image')} directly inside a split folder, in no class folder, ${loose.size === 1 ? 'was' : 'were'} left out (unlabelled): ${listSome([...loose].map((e) => e.name))}`);
    }
  }
  const labelled = images.filter((e) => !loose.has(e)).map((entry) => ({ entry, label: entry.segments[classLevel] }));
  const counts = new Map<string, number>();
  for (const { label } of labelled) counts.set(label, (counts.get(label) ?? 0) + 1);

  // Files of another image format in class folders: almost certainly meant as training images.
  const unread = kept.filter((e) => otherFormat(e) !== undefined && inLayout(e) && e.segments.length - classLevel >= 2);
  if (unread.length > 0) {
    const byFormat = new Map<string, number>();
    for (const e of unread) byFormat.set(otherFormat(e) as string, (byFormat.get(otherFormat(e) as string) ?? 0) + 1);
    const formats = [...byFormat].map(([format, n]) => `${n} ${format}`).join(', ');
    warnings.push(`${plural(unread.length, 'file')} in class folders ${unread.length === 1 ? 'is' : 'are'} not PNG or JPEG and ${unread.length === 1 ? 'was' : 'were'} left out (${formats}): ${listSome(unread.map((e) => e.name))}; convert them to PNG or JPEG to use them`);
  }
  // A folder at class level (a directory entry, or the parent of any file) that received no image: left
  // out, every one named, rather than refusing the zip one folder per round.
  const empty = new Set<string>();
  for (const e of kept) {
    if (!inLayout(e) || e.segments.length - classLevel < (e.directory ? 1 : 2)) continue;
    if (!counts.has(e.segments[classLevel])) empty.add(folderPath(e));
  }
  if (empty.size > 0) {
    const folders = [...empty].sort().map((p) => `"${p}"`);
    warnings.push(`${plural(empty.size, 'folder')} at class level ${empty.size === 1 ? 'holds' : 'hold'} no PNG or JPEG images and ${empty.size === 1 ? 'was' : 'were'} left out: ${listSome(folders)}`);
  }
  if (counts.size < 2) {
    const label = [...counts.keys()][0];
    const only = splits ? label : [...wrapper, label].join('/');
    const skipped = empty.size > 0 ? ` (left out for holding no PNG or JPEG images: ${listSome([...empty].sort().map((p) => `"${p}"`))})` : '';
    throw new EngineError('invalid_dataset', `the zip has only one class folder ("${only}")${skipped}; image classification needs at least two, one folder per class`, { reason: 'one_class' });
  }
  const few = fewImagesWarning(counts);
  if (few) warnings.push(few);
  const sorted = labelled.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : 0));
  return { images: sorted, warnings };
}

/**
 * The warning naming the classes of `counts` (images per class) that hold fewer than FEW_CLASS_IMAGES
 * images, fewest first; undefined when none does. `after` says what left them so few, when not the zip.
 */
export function fewImagesWarning(counts: ReadonlyMap<string, number>, after = ''): string | undefined {
  const few = [...counts].filter(([, n]) => n < FEW_CLASS_IMAGES).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  if (few.length === 0) return undefined;
  const listed = listSome(few.map(([label, n]) => `"${label}" (${plural(n, 'image')})`));
  return `${few.length === 1 ? 'class' : 'classes'} ${listed} ${few.length === 1 ? 'has' : 'have'} fewer than ${FEW_CLASS_IMAGES} images${after}: too few to learn ${few.length === 1 ? 'it' : 'them'} from or to validate on (a job validates on up to 5 folds, some of which would hold none); add images, or leave the folder out`;
}

/** The refusal of a zip without PNG/JPEG files, saying what it holds instead when that is images of another format. */
function noImages(kept: readonly ZipEntry[]): EngineError {
  if (kept.length === 0) return new EngineError('invalid_dataset', 'the zip is empty', { reason: 'no_images' });
  const other = kept.filter((e) => otherFormat(e) !== undefined);
  const instead = other.length > 0 ? `; its ${plural(other.length, 'image')} of other formats (${listSome(other.map((e) => e.name))}) must be converted to PNG or JPEG first` : '';
  return new EngineError('invalid_dataset', `the zip holds no PNG or JPEG images (.png, .jpg or .jpeg files in class folders)${instead}`, { reason: 'no_images' });
}
