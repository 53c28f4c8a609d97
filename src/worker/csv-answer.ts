/**
 * @module worker/csv-answer
 * Predictions answered as CSV, for clients that ask with `Accept: text/csv` (batch jobs that want a file,
 * spreadsheets): one line per input row, in order, under a header `prediction` and, for classification,
 * `probability_<class>` per class in the model's class order. The numbers are those the JSON answer
 * carries, written the same way (JavaScript's shortest round-trip form). Besides being a file, it is
 * cheaper for big batches: no per-row JSON objects to serialise. JSON stays the default answer.
 */
import type { PredictionResult } from '../engine';

export const CSV_ANSWER_TYPE = 'text/csv; charset=utf-8';

/**
 * Whether the Accept header prefers CSV over JSON: text/csv listed with a quality above 0 and not below
 * application/json's (or a wildcard's); equal qualities go to the one listed first.
 */
export function prefersCsv(accept: string | undefined): boolean {
  if (!accept || !accept.toLowerCase().includes('csv')) return false;
  let csv = -1;
  let json = -1;
  let csvAt = -1;
  let jsonAt = -1;
  accept.split(',').forEach((part, at) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q >= 0 && q <= 1)) return;
    if (type === 'text/csv' && q > csv) [csv, csvAt] = [q, at];
    else if ((type === 'application/json' || type === 'application/*' || type === '*/*') && q > json) [json, jsonAt] = [q, at];
  });
  return csv > 0 && (csv > json || (csv === json && csvAt < jsonAt));
}

/** RFC 4180 quoting, only where a cell needs it (class labels are user data). */
function cell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of a prediction result for a model with `classes` (empty for regression). */
export function predictionsCsv(result: PredictionResult, classes: readonly string[]): string {
  const probabilities = result.probabilities;
  const header = ['prediction', ...(probabilities ? classes.map((c) => `probability_${c}`) : [])].map(cell).join(',');
  const lines = new Array<string>(result.predictions.length + 1);
  lines[0] = header;
  for (let i = 0; i < result.predictions.length; i++) {
    let line = cell(result.predictions[i]);
    if (probabilities) {
      const p = probabilities[i];
      for (let c = 0; c < classes.length; c++) line += `,${p[classes[c]]}`;
    }
    lines[i + 1] = line;
  }
  return `${lines.join('\n')}\n`;
}
