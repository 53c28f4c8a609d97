/**
 * @module cli/dataset-report
 * A dataset version as a person reads it: rows and columns (images and classes for a zip of images, what
 * an append added to), then one line per column with its type, missing values, distinct values and why
 * it is not used (a date column not in ISO-8601 with its order of day and month: "datetime mdy"); with the
 * profile's statistics (GET), also the range of numbers and times and the most frequent levels. Column
 * warnings (an order of day and month that was guessed, words among numbers read as missing) follow the
 * table, with the `train --date-order` that settles a guessed order as a hint, after `cli` (the context's
 * command, cli/invocation); then the version's own warnings (an unnamed empty column left out). The pixel
 * columns of a CSV of images are one `px_*` line, as the server's profile of a zip has them (cli/pixel-summary);
 * a run of numbered columns the server found pixel-like (`p0..p63`, its `pixel_like`) is one line too, with a
 * `hint:` giving the `train` that reads it as images (cli/pixel-like-lines).
 */
import type { AppendedVersion, ColumnProfile, DatasetVersion } from '../client';
import { dateOrderHint } from './date-order';
import { formatBytes, renderTable } from './format';
import { gridText, PIXEL_SUMMARY_NAME, splitPixelColumns } from './pixel-summary';
import { pixelLikeHints, withPixelLikeLines } from './pixel-like-lines';

export function describeDataset(d: DatasetVersion | AppendedVersion, cli: string, withStats = false): string {
  const head = d.image
    ? `dataset ${d.name} v${d.version}: ${d.rows} images of ${d.image.width}x${d.image.height}x${d.image.channels} in ${Object.keys(d.image.classes).length} classes, ${formatBytes(d.bytes)}`
    : d.appended_rows !== undefined
      ? `dataset ${d.name} v${d.version}: ${d.rows} rows (${d.appended_rows} added to v${d.base_version}), ${d.columns.length} columns`
      : `dataset ${d.name} v${d.version}: ${d.rows} rows, ${d.columns.length} columns, ${formatBytes(d.bytes)}`;
  const table = renderTable(
    ['column', 'type', 'missing', 'unique', ...(withStats ? ['values'] : []), 'note'],
    withPixelLikeLines(tableColumns(d.columns), d.pixel_like ?? []).map((c) => [c.name, c.date_order ? `${c.type} ${c.date_order}` : c.type, c.missing, c.unique, ...(withStats ? [valuesOf(c)] : []), c.note ?? c.dropped ?? '']),
  );
  // A warning whose advice is job JSON (the order of day and month) gets the train flag that sends it.
  const warnings = d.columns.flatMap((c) => (c.warnings ?? []).flatMap((w) => [`warning: ${namingColumn(c.name, w)}`, ...hintLine(w, cli)]));
  const fileWarnings = (d.warnings ?? []).map((w) => `warning: ${w}`);
  return [head, table, ...warnings, ...fileWarnings, ...pixelLikeHints(d, cli)].join('\n');
}

/**
 * The columns as listed: a table's pixel columns (a CSV of images) as one `px_*` entry where the first of
 * them stood, pooling what each says (missing cells, the widest value range, the ones not used and why).
 */
function tableColumns(columns: readonly ColumnProfile[]): (ColumnProfile & { note?: string })[] {
  const { shape, pixels } = splitPixelColumns(columns);
  if (!shape) return [...columns];
  const types = [...new Set(pixels.map((c) => c.type))];
  const unused = pixels.filter((c) => c.dropped !== undefined);
  const why = [...new Set(unused.map((c) => c.dropped))].join(', ');
  const withMean = pixels.filter((c) => c.mean !== undefined);
  const summary: ColumnProfile & { note: string } = {
    name: PIXEL_SUMMARY_NAME,
    type: types.join(' | '),
    missing: pixels.reduce((n, c) => n + c.missing, 0),
    unique: Math.max(...pixels.map((c) => c.unique)),
    ...(pixels.every((c) => c.min !== undefined && c.max !== undefined) ? { min: Math.min(...pixels.map((c) => c.min!)), max: Math.max(...pixels.map((c) => c.max!)) } : {}),
    // The mean of the columns' means: every column has the same rows, so it is the pooled mean when none is missing.
    ...(withMean.length > 0 ? { mean: withMean.reduce((t, c) => t + c.mean!, 0) / withMean.length } : {}),
    note: `${pixels.length} pixel columns of ${gridText(shape)} images${unused.length > 0 ? `; ${unused.length} not used (${why})` : ''}`,
  };
  const first = columns.indexOf(pixels[0]);
  const pixelSet = new Set(pixels);
  return [...columns.slice(0, first).filter((c) => !pixelSet.has(c)), summary, ...columns.slice(first).filter((c) => !pixelSet.has(c))];
}

/** A column's warning, after the column's name unless it names the column itself (below the table, it stands alone). */
function namingColumn(name: string, warning: string): string {
  return warning.includes(JSON.stringify(name)) ? warning : `column ${JSON.stringify(name)}: ${warning}`;
}

function hintLine(warning: string, cli: string): string[] {
  const hint = dateOrderHint(warning, cli);
  return hint ? [`hint: ${hint}`] : [];
}

/** "12 to 72 (mean 20.9)", "2019-01-01 to 2024-06-30" or "good 525, bad 225": what a column holds. */
function valuesOf(c: ColumnProfile): string {
  if (c.first !== undefined && c.last !== undefined) return `${c.first.replace('T00:00:00.000Z', '')} to ${c.last.replace('T00:00:00.000Z', '')}`;
  if (c.type === 'numeric' && c.min !== undefined && c.max !== undefined) return `${plain(c.min)} to ${plain(c.max)}${c.mean !== undefined ? ` (mean ${plain(c.mean)})` : ''}`;
  if (c.top && c.top.length > 0) return c.top.slice(0, 3).map((t) => `${t.value} ${t.count}`).join(', ') + (c.unique > 3 ? ', …' : '');
  return '';
}

/** A value as a person writes it: whole numbers whole, others to five significant digits (20.981, 3219.5). */
const plain = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(5))));
