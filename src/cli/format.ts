/**
 * @module cli/format
 * How values read in the terminal: durations in the unit a person expects, scores with their metric
 * name, dates trimmed to the second, and plain (uncoloured) tables that stay readable when piped.
 */
import Table from 'cli-table3';

/** 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1_000);
  if (totalSeconds < 3_600) return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(totalSeconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A score to four decimals (fewer for large regression errors, where decimals are noise). */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  return Math.abs(x) >= 1_000 ? x.toFixed(1) : x.toFixed(4);
}

/**
 * A metric's name as a score reads: a binary f1 names the class it is computed for ("f1 (fraud)"), since
 * the F1 of one class says nothing of the other's; every other metric is its name.
 */
export function metricLabel(metric: string, positiveClass?: string): string {
  return metric === 'f1' && positiveClass !== undefined ? `f1 (${positiveClass})` : metric;
}

/** "roc_auc 0.7821 (higher is better)" when the direction is known. */
export function formatScore(metric: string, score: number | null | undefined, greaterIsBetter?: boolean): string {
  const direction = greaterIsBetter === undefined ? '' : greaterIsBetter ? ' (higher is better)' : ' (lower is better)';
  return `${metric} ${formatNumber(score)}${direction}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/** "2026-04-21T08:41:07.512Z" → "2026-04-21 08:41:07". */
export const formatTime = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '-');

export function renderTable(head: string[], rows: (string | number | null | undefined)[][]): string {
  // No rule between body rows: long tables stay half as tall.
  const table = new Table({ head, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const row of rows) table.push(row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))));
  return table.toString();
}

/** One CSV field: quoted when it holds a separator, a quote or a line break (RFC 4180). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? String(value) : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (values: unknown[]) => values.map(csvField).join(',');
