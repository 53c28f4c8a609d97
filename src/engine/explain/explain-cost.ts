/**
 * @module engine/explain/explain-cost
 * What explaining rows costs, priced from a model's structure before any row is explained (workers
 * cannot time their own CPU work). Exact TreeSHAP walks every leaf of every tree for every row, at a cost
 * growing with the square of each leaf's depth, so a forest of deep trees takes far longer per row than
 * its prediction: measured with the job's default configurations (scratch timings on this project's
 * reference machine, median of 5 batches of 300 rows), credit_g's random forest took 24 ms a row and
 * ames_housing's 105 ms, its gradient boosting 1.1 and 4.6 ms, a linear model 0.01-0.03 ms. Per path step
 * (ModelExplainer.workPerRow) the trees took 3.1-5.2 ns; the price below takes the top of that, plus the
 * row's decoding and encoding. A request is refused when its rows would take longer than
 * MAX_EXPLAIN_MS, naming how many rows fit: 10,000 rows of ames_housing's forest would take 17 minutes of
 * CPU, past any Worker's limit, killing the isolate instead of answering.
 *
 * Memory is priced too: a row's explanation holds a number per feature and output (each model's
 * contributions) and per input column and output (the answer's, as arrays, objects and JSON text), so a
 * wide multiclass model's rows are large: a 10-class linear model over 100 columns one-hot encoded to 500
 * features holds some 100 KB a row, and 10,000 of them would take four times a Worker's 128 MB. Rows are
 * capped so one request's explanations stay within MAX_EXPLAIN_BYTES.
 */

/** One TreeSHAP path step (extending the path, crediting a feature at a leaf), ns. */
const STEP_NS = 5;
/** Per row beside the steps: decoding the request's cells, encoding them, the answer's objects, µs. */
const ROW_US = 30;
/** Most estimated CPU one request's explanations may take: a third of a Worker's default 30-s limit. */
export const MAX_EXPLAIN_MS = 10_000;

/** Most bytes one request's explanations may hold: well within a Worker's 128 MB, beside the model and the request. */
export const MAX_EXPLAIN_BYTES = 48 * 2 ** 20;
/** Bytes an answer's number takes beyond its array slot: a property of a row's object, then its JSON text. */
const ANSWER_BYTES_PER_VALUE = 60;

/** The sizes of one row's explanation: the widest model's features, the input columns, the outputs (classes, or 1). */
export interface ExplanationShape {
  readonly features: number;
  readonly columns: number;
  readonly width: number;
}

/** Estimated bytes one row's explanation holds while a request is answered (see the module comment). */
export function explainBytesPerRow(shape: ExplanationShape): number {
  // The feature matrix (Float32) and its contributions (Float64); the column contributions and the answer.
  return shape.features * (4 + 8 * shape.width) + shape.columns * shape.width * (8 + ANSWER_BYTES_PER_VALUE);
}

/** Estimated µs to explain one row of a model whose explanation takes `workPerRow` steps. */
export function explainMicrosPerRow(workPerRow: number): number {
  return ROW_US + (workPerRow * STEP_NS) / 1000;
}

/** Most rows one request may have explained within MAX_EXPLAIN_MS (at least 1). */
export function maxExplainedRowsInTime(workPerRow: number): number {
  return Math.max(1, Math.floor((MAX_EXPLAIN_MS * 1000) / explainMicrosPerRow(workPerRow)));
}

/** Most rows one request may have explained within MAX_EXPLAIN_BYTES (at least 1). */
export function maxExplainedRowsInMemory(shape: ExplanationShape): number {
  return Math.max(1, Math.floor(MAX_EXPLAIN_BYTES / explainBytesPerRow(shape)));
}
