/**
 * Helpers shared by the scripts: shared-format CSVs as JSON rows, plain-text tables, and a held-out score
 * computed with the engine's own metric registry.
 */
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../src/engine/data/csv';
import { METRICS, type MetricName } from '../../src/engine/eval/metrics';

/** Reads a CSV into JSON rows (strings for every cell; the API reads numbers from strings). */
export function csvRows(path: string): Record<string, string>[] {
  const table = parseCsv(readFileSync(path, 'utf8'));
  return table.rows.map((r) => Object.fromEntries(table.header.map((h, j) => [h, r[j]])));
}

export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(4)) : c)));
  const widths = headers.map((h, j) => Math.max(h.length, ...cells.map((r) => r[j].length)));
  const line = (r: string[]) => r.map((c, j) => c.padEnd(widths[j])).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/**
 * Scores predictions from the API against true labels with the engine's metric.
 * Binary: probability of `positive`; multiclass: probabilities by class; regression: values.
 */
export function heldOutScore(
  metric: MetricName,
  truth: string[],
  result: { predictions: (string | number)[]; probabilities?: Record<string, number>[] },
  classes: string[],
): number {
  const spec = METRICS[metric];
  if (!result.probabilities) {
    return spec.score(Float32Array.from(truth, Number), Float32Array.from(result.predictions as number[]), 0);
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  const y = Float32Array.from(truth, (t) => index.get(t) ?? -1);
  if (classes.length === 2) return spec.score(y, Float32Array.from(result.probabilities, (p) => p[classes[1]]), 2);
  const out = new Float32Array(truth.length * classes.length);
  result.probabilities.forEach((p, i) => classes.forEach((c, k) => (out[i * classes.length + k] = p[c] ?? 0)));
  return spec.score(y, out, classes.length);
}
