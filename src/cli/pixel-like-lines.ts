/**
 * @module cli/pixel-like-lines
 * A dataset report's pixel-like runs: the numbered columns the server found to look like an image's
 * pixels without being named `px_*` (`p0..p63`, `pixel1..pixel784`: the answer's `pixel_like`) as one
 * line where the first of them stood, with the pooled statistics the server sent, instead of 64 or 784
 * lines; and after the table the `train` that reads them as images (an image job given `--image-size`
 * reads the columns besides the target in file order, so every other column is left out with `--ignore`).
 */
import type { ColumnProfile, DatasetVersion, PixelLikeEntry } from '../client';

/**
 * The columns with each pixel-like run as one line (its `note` says what it stands for); a run whose
 * columns are not side by side as the entry says (an older or newer server) keeps its lines.
 */
export function withPixelLikeLines<C extends ColumnProfile & { note?: string }>(columns: readonly C[], runs: readonly PixelLikeEntry[]): (C | (ColumnProfile & { note: string }))[] {
  let out: (C | (ColumnProfile & { note: string }))[] = [...columns];
  for (const run of runs) {
    const first = out.findIndex((c) => c.name === run.first_column);
    const members = first < 0 ? [] : out.slice(first, first + run.pixel_columns);
    if (members.length !== run.pixel_columns || members[members.length - 1].name !== run.last_column) continue;
    const unused = members.filter((c) => c.dropped !== undefined).length;
    const line = {
      name: run.name,
      type: run.type,
      missing: run.missing,
      unique: run.unique,
      min: run.min,
      max: run.max,
      mean: run.mean,
      std: run.std,
      note: `${run.pixel_columns} pixel-like columns${run.image ? `, possibly ${shapeText(run.image)} images` : ''}${unused > 0 ? `; ${unused} constant` : ''} (see hint)`,
    };
    out = [...out.slice(0, first), line, ...out.slice(first + run.pixel_columns)];
  }
  return out;
}

/**
 * One `hint:` per run: the `train` command that reads it as images, with its guessed square size (or a
 * placeholder), the last other column still used as the target (the usual place of the answer, as the
 * dashboard's train form takes it) and every other column left out.
 */
export function pixelLikeHints(d: Pick<DatasetVersion, 'name' | 'columns' | 'pixel_like'>, cli: string): string[] {
  return (d.pixel_like ?? []).map((run) => {
    const first = d.columns.findIndex((c) => c.name === run.first_column);
    const inRun = new Set(first < 0 ? [] : d.columns.slice(first, first + run.pixel_columns).map((c) => c.name));
    const others = d.columns.filter((c) => !inRun.has(c.name));
    const usable = others.filter((c) => c.dropped === undefined);
    const target = usable.length > 0 ? usable[usable.length - 1].name : 'COL';
    const ignore = others.filter((c) => c.name !== target).map((c) => c.name);
    const size = run.image ? `${run.image.height}x${run.image.width}${run.image.channels === 3 ? 'x3' : ''}` : 'HxW';
    const what = run.image ? `may be ${shapeText(run.image)} images` : `may be images of ${run.pixel_columns} values (give HxW, or HxWx3, of that product)`;
    return `hint: ${run.name} ${what}; to train them as images (their columns read in file order, row by row): ${cli} train --dataset ${d.name} --target ${target} --task image --image-size ${size}${ignore.length > 0 ? ` --ignore ${ignore.join(',')}` : ''}`;
  });
}

/** "8x8" or "32x32 RGB": how the run's guessed shape is written in the report. */
const shapeText = (image: NonNullable<PixelLikeEntry['image']>): string => `${image.height}x${image.width}${image.channels === 3 ? ' RGB' : ''}`;
