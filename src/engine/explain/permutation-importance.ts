/**
 * @module engine/explain/permutation-importance
 * A published model's feature importances, per input column (the columns a user sends): how much the
 * model's loss on a sample of its training rows grows when that column's values are shuffled among the
 * rows, as a share of the growth over all columns. It treats the model as a black box, so it serves every
 * family and ensemble alike (trees, linear models, networks, kNN, log-linear pools), and it ranks columns
 * by what the model actually relies on, interactions included.
 *
 * The rows are training rows: a published model was refitted on all of them, so no row is unseen by it,
 * and what a model page asks is what the model uses, not how well it generalises (its scores say that).
 * The loss is smooth on purpose (log loss, or RMSE for regression): a rank metric like AUC barely moves
 * when a weak column is shuffled. Columns are read with the types the model was trained with (a job's
 * type overrides re-applied), as the drift reference reads them.
 */
import { EngineError } from '../core/errors';
import { Rng } from '../core/rng';
import { outputWidth, type Task } from '../core/task';
import type { Dataset } from '../data/dataset';
import { datasetRows, type RowValue, truthFor } from '../data/dataset-rows';
import { numericLabelOf } from '../data/numeric-labels';
import { applyOverrides, inputOverrides } from '../data/overrides';
import { selectRows } from '../data/select-rows';
import { artifactInputs } from '../drift/build-reference';
import { METRICS } from '../eval/metrics';
import type { Predictor } from '../predictor';

export const IMPORTANCE_FORMAT = 'edge-automl/importance';

export interface PermutationImportance {
  readonly format: typeof IMPORTANCE_FORMAT;
  readonly method: 'permutation';
  /** The loss whose growth is measured. */
  readonly loss: 'log_loss' | 'rmse';
  /** Training rows the model was scored on. */
  readonly rows: number;
  /** The model's loss on those rows, unshuffled. */
  readonly base_loss: number;
  /** Share of the total loss growth per input column (sums to 1, or all 0 when no shuffle hurt). */
  readonly importances: Readonly<Record<string, number>>;
}

export interface ImportanceOptions {
  readonly seed: number;
  /** Most rows scored. */
  readonly maxRows?: number;
  /** Most rows predicted in all (one pass per column plus the unshuffled one), so wide tables use fewer rows. */
  readonly maxRowPredictions?: number;
}

const DEFAULT_MAX_ROWS = 500;
const DEFAULT_MAX_ROW_PREDICTIONS = 30_000;
/** Fewer rows than this would rank columns by noise; a wide table still gets this many. */
const MIN_ROWS = 50;
/** Rows predicted per call: bounds the request-row objects held at once. */
const WINDOW_ROWS = 2000;

export function permutationImportance(predictor: Predictor, stored: Dataset, options: ImportanceOptions): PermutationImportance {
  const { target, task, classes } = predictor.envelope;
  if (task !== 'binary' && task !== 'multiclass' && task !== 'regression') throw new EngineError('unsupported_task', `no permutation importance for a ${task} model`);
  const inputs = artifactInputs(predictor.artifact).filter((input) => input.name !== target && stored.columns.some((c) => c.name === input.name));
  if (inputs.length === 0) throw new EngineError('invalid_dataset', 'none of the model\'s input columns is in its training dataset');
  const { dataset } = applyOverrides(stored, inputOverrides(inputs));

  const rng = new Rng(options.seed);
  const labelled = rowsWithTruth(dataset, target, task, classes);
  const budget = Math.floor((options.maxRowPredictions ?? DEFAULT_MAX_ROW_PREDICTIONS) / (inputs.length + 1));
  const take = Math.min(labelled.length, options.maxRows ?? DEFAULT_MAX_ROWS, Math.max(MIN_ROWS, budget));
  if (take < 2) throw new EngineError('invalid_dataset', 'the training dataset has fewer than two labelled rows');
  const sample = selectRows(dataset, rng.shuffle(labelled).subarray(0, take));
  const truth = truthFor(sample, target, task, classes);
  const keep = new Set(inputs.map((i) => i.name));
  const rows = datasetRows(sample, 0, take, keep);

  const lossName = task === 'regression' ? 'rmse' : 'log_loss';
  const width = outputWidth(task, classes.length);
  const lossOf = (batch: readonly Record<string, RowValue>[]) => {
    const out = new Float32Array(batch.length * width);
    for (let from = 0; from < batch.length; from += WINDOW_ROWS) out.set(predictor.predictRaw(batch.slice(from, from + WINDOW_ROWS)), from * width);
    return METRICS[lossName].score(truth, out, classes.length);
  };
  const baseLoss = lossOf(rows);
  const growth = inputs.map((input) => {
    const order = rng.shuffle(Int32Array.from({ length: take }, (_, i) => i));
    const shuffled = rows.map((row, i) => {
      const copy: Record<string, RowValue> = Object.assign(Object.create(null), row);
      copy[input.name] = rows[order[i]][input.name];
      return copy;
    });
    return Math.max(0, lossOf(shuffled) - baseLoss);
  });
  const total = growth.reduce((s, g) => s + g, 0);
  // No prototype: a column may be named "__proto__" (a plain object would swallow its entry).
  const importances: Record<string, number> = Object.create(null);
  inputs.forEach((input, j) => {
    importances[input.name] = total > 0 ? round(growth[j] / total) : 0;
  });
  return { format: IMPORTANCE_FORMAT, method: 'permutation', loss: lossName, rows: take, base_loss: round(baseLoss), importances };
}

/** Positions of the rows whose target is present and (for classification) one of the model's classes. */
function rowsWithTruth(ds: Dataset, target: string, task: Task, classes: readonly string[]): Int32Array {
  const col = ds.columns.find((c) => c.name === target);
  if (!col) throw new EngineError('invalid_dataset', `target column "${target}" is not in the training dataset`, { column: target });
  const out: number[] = [];
  const known = new Set(classes);
  const labelOf = col.storage === 'f64' ? numericLabelOf(col) : String;
  for (let i = 0; i < ds.rows; i++) {
    if (col.storage === 'f64') {
      const v = col.values[i];
      if (!Number.isNaN(v) && (task === 'regression' || known.has(labelOf(v)))) out.push(i);
    } else if (col.codes[i] >= 0 && (task === 'regression' || known.has(col.levels[col.codes[i]]))) out.push(i);
  }
  return Int32Array.from(out);
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
