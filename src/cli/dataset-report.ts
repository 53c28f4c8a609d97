/**
 * @module cli/dataset-report
 * A dataset version as a person reads it: rows and columns (images and classes for a zip of images, what
 * an append added to), then one line per column with its type, missing values, distinct values and why
 * it is not used (a date column not in ISO-8601 with its order of day and month: "datetime mdy"); with the
 * profile's statistics (GET), also the range of numbers and times and the most frequent levels. Column
 * warnings (an order of day and month that was guessed, words among numbers read as missing) follow the
 * table, with the `train --date-order` that settles a guessed order as a hint, after `cli` (the context's
 * command, cli/invocation); then the version's own warnings (an unnamed empty column left out).
 */
import type { AppendedVersion, ColumnProfile, DatasetVersion } from '../client';
import { dateOrderHint } from './date-order';
import { formatBytes, renderTable } from './format';

export function describeDataset(d: DatasetVersion | AppendedVersion, cli: string, withStats = false): string {
  const head = d.image
    ? `dataset ${d.name} v${d.version}: ${d.rows} images of ${d.image.width}x${d.image.height}x${d.image.channels} in ${Object.keys(d.image.classes).length} classes, ${formatBytes(d.bytes)}`
    : d.appended_rows !== undefined
      ? `dataset ${d.name} v${d.version}: ${d.rows} rows (${d.appended_rows} added to v${d.base_version}), ${d.columns.length} columns`
      : `dataset ${d.name} v${d.version}: ${d.rows} rows, ${d.columns.length} columns, ${formatBytes(d.bytes)}`;
  const table = renderTable(
    ['column', 'type', 'missing', 'unique', ...(withStats ? ['values'] : []), 'note'],
    d.columns.map((c) => [c.name, c.date_order ? `${c.type} ${c.date_order}` : c.type, c.missing, c.unique, ...(withStats ? [valuesOf(c)] : []), c.dropped ?? '']),
  );
  // A warning whose advice is job JSON (the order of day and month) gets the train flag that sends it.
  const warnings = d.columns.flatMap((c) => (c.warnings ?? []).flatMap((w) => [`warning: ${namingColumn(c.name, w)}`, ...hintLine(w, cli)]));
  const fileWarnings = (d.warnings ?? []).map((w) => `warning: ${w}`);
  return [head, table, ...warnings, ...fileWarnings].join('\n');
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
