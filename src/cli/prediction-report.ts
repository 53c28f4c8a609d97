/**
 * @module cli/prediction-report
 * Predictions as a table or as CSV: one line per input row (or image file), in order, with the predicted
 * label (or value), each class's probability, and with explanations the three largest contributions
 * towards the row's output.
 */
import type { Prediction, RowExplanation } from '../client';
import { csvLine, formatNumber, renderTable } from './format';

/** `files`: the image files the rows came from, shown in place of row numbers. */
export function predictionTable(p: Prediction, files?: readonly string[]): string {
  const classes = classesOf(p);
  const head = [files ? 'file' : 'row', 'prediction', ...classes.map((c) => `P(${c})`), ...(p.explanations ? [p.explained_class ? `top contributions (towards ${p.explained_class})` : 'top contributions'] : [])];
  const rows = p.predictions.map((prediction, i) => [
    files?.[i] ?? i + 1,
    typeof prediction === 'number' ? formatNumber(prediction) : prediction,
    ...classes.map((c) => formatNumber(p.probabilities?.[i]?.[c])),
    ...(p.explanations ? [topContributions(p.explanations[i], prediction)] : []),
  ]);
  const count = p.predictions.length;
  return `model ${p.model.name} v${p.model.version}, ${count} row${count === 1 ? '' : 's'}\n${renderTable(head, rows)}`;
}

/**
 * The API's own CSV answer (`Accept: text/csv`, worker/csv-answer): `prediction`, then `probability_<class>`
 * per class; `files`: the image files the rows came from, as a first `file` column.
 */
export function predictionCsv(p: Prediction, files?: readonly string[]): string {
  const classes = classesOf(p);
  const lines = [csvLine([...(files ? ['file'] : []), 'prediction', ...classes.map((c) => `probability_${c}`), ...(p.explanations ? ['top_contributions'] : [])])];
  p.predictions.forEach((prediction, i) => {
    lines.push(csvLine([...(files ? [files[i]] : []), prediction, ...classes.map((c) => p.probabilities?.[i]?.[c]), ...(p.explanations ? [topContributions(p.explanations[i], prediction)] : [])]));
  });
  return lines.join('\n');
}

/** Unseen cells a warning names before "and N more". */
const UNSEEN_SHOWN = 5;

/**
 * The warning for category cells the model never saw, read as missing (the answer's `unseen`), rows
 * numbered as the table numbers them (from 1; `files` names image rows); undefined when there are none.
 * Without it a typo ("radio/télé") was scored as a blank with nothing said.
 */
export function unseenWarning(p: Prediction, files?: readonly string[]): string | undefined {
  const listed = p.unseen ?? [];
  const total = p.unseen_total ?? listed.length;
  if (total === 0) return undefined;
  const shown = listed.slice(0, UNSEEN_SHOWN).map((u) => `${files?.[u.row] ?? `row ${u.row + 1}`} ${JSON.stringify(u.column)}: ${JSON.stringify(u.value.slice(0, 64))}`);
  const more = total > shown.length ? `; and ${total - shown.length} more` : '';
  return `${total} category ${total === 1 ? 'cell' : 'cells'} the model never saw ${total === 1 ? 'was' : 'were'} read as missing (${shown.join('; ')}${more}); check the spelling against the training data`;
}

/** Absent columns a warning names at most. */
const ABSENT_SHOWN = 8;

/**
 * The warning printed under a prediction when rows did not send columns the model reads (read as
 * missing): the columns with how many rows lacked each; undefined when none. A column cut from an
 * export, or a renamed field, scored every row as if the value were unknown with nothing said.
 */
export function absentWarning(p: Prediction): string | undefined {
  const listed = p.absent_columns ?? [];
  const total = p.absent_columns_total ?? listed.length;
  if (total === 0) return undefined;
  const rows = p.predictions.length;
  const shown = listed.slice(0, ABSENT_SHOWN).map((a) => `${JSON.stringify(a.column)}${a.rows === rows ? '' : ` (${a.rows} of ${rows} rows)`}`);
  const more = total > shown.length ? ` and ${total - shown.length} more` : '';
  return `the model reads ${total === 1 ? 'a column' : `${total} columns`} the rows did not send, read as missing: ${shown.join(', ')}${more}; add ${total === 1 ? 'it' : 'them'} to the file (an empty cell says a value is unknown)`;
}

const classesOf = (p: Prediction) => (p.probabilities && p.probabilities.length > 0 ? Object.keys(p.probabilities[0]) : []);

/**
 * "duration +0.412, checking_status -0.301, age +0.05". Multiclass explanations hold one map per class:
 * the predicted class's is shown, since that is the output a person asks about.
 */
export function topContributions(e: RowExplanation | undefined, prediction: string | number, count = 3): string {
  if (!e) return '';
  const values = Object.values(e.contributions);
  const perClass = values.length > 0 && typeof values[0] === 'object';
  const contributions = (perClass ? (e.contributions as Record<string, Record<string, number>>)[String(prediction)] ?? {} : e.contributions) as Record<string, number>;
  return Object.entries(contributions)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, count)
    .map(([name, v]) => `${name} ${v >= 0 ? '+' : ''}${v.toFixed(3)}`)
    .join(', ');
}
