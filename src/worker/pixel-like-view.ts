/**
 * @module worker/pixel-like-view
 * The `pixel_like` entries of a dataset answer: each run of numbered columns that looks like an image's
 * pixels without being named `px_*` (engine/data/images/pixel-like), as one entry with the pooled
 * statistics the `px_*` entry of a zip has, the square shape it may be, and how to train it as images (an
 * image job given `image: {height, width}`, job-inputs shapeGiven). An addition beside `columns`, which
 * still lists every column: the run is a guess, and clients read those columns' own profiles (a predict
 * form's defaults, a job's column choices).
 */
import type { ColumnProfile } from '../engine/data/infer-schema';
import { type PixelLikeRun, pixelLikeRuns } from '../engine/data/images/pixel-like';

/** One run as answered. */
export interface PixelLikeEntry {
  readonly name: string;
  readonly type: 'numeric';
  readonly pixel_columns: number;
  readonly first_column: string;
  readonly last_column: string;
  readonly missing: number;
  readonly unique: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  readonly image?: PixelLikeRun['image'];
  readonly hint: string;
}

/**
 * The pixel-like runs of a table version (none for a zip of images: its pixels are the `px_*` entry).
 * @param columns the version's stored profile, with every column's statistics
 */
export function pixelLikeEntries(columns: readonly ColumnProfile[], rows: number): PixelLikeEntry[] {
  return pixelLikeRuns(columns, rows).map((run) => {
    const { columns: names, image, ...stats } = run;
    return {
      ...stats,
      pixel_columns: names.length,
      first_column: names[0],
      last_column: names[names.length - 1],
      ...(image ? { image } : {}),
      hint: hintFor(run, columns),
    };
  });
}

/** Most columns the hint names to leave out; a wider table gets the first of them and how many more. */
const IGNORE_SHOWN = 10;

/**
 * What to send to train the run as images: the job reads every column besides the target as a pixel, so
 * the others are left out. The target is a guess, the last other column in use (where the answer usually
 * stands, as the CLI's hint and the dashboard's train form take it).
 */
function hintFor(run: PixelLikeRun, columns: readonly ColumnProfile[]): string {
  const inRun = new Set(run.columns);
  const others = columns.filter((c) => !inRun.has(c.name));
  const usable = others.filter((c) => c.dropped === undefined);
  const target = usable.length > 0 ? usable[usable.length - 1].name : undefined;
  const ignore = others.filter((c) => c.name !== target).map((c) => `${JSON.stringify(c.name)}: "ignore"`);
  const shape = run.image
    ? `"image": {"height": ${run.image.height}, "width": ${run.image.width}${run.image.channels === 3 ? ', "channels": 3' : ''}}`
    : `"image": {"height", "width", "channels"} whose product is ${run.columns.length}`;
  const maybe = run.image ? `, possibly ${run.image.height}x${run.image.width}${run.image.channels === 3 ? ' RGB' : ''} images` : '';
  const fields = [...(target ? [`"target": ${JSON.stringify(target)}`] : []), '"task": "image"', shape];
  const leaveOut =
    ignore.length > 0 ? ` and "columns": {${ignore.slice(0, IGNORE_SHOWN).join(', ')}${ignore.length > IGNORE_SHOWN ? `, … ${ignore.length - IGNORE_SHOWN} more` : ''}} (every column besides the target and the pixels left out)` : '';
  return `${run.columns.length} pixel-like columns ${run.name}${maybe}: to train them as images, create the job with ${fields.join(', ')}${leaveOut}; the columns are read in file order, row by row`;
}
