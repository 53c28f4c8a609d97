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
 */

/** One TreeSHAP path step (extending the path, crediting a feature at a leaf), ns. */
const STEP_NS = 5;
/** Per row beside the steps: decoding the request's cells, encoding them, the answer's objects, µs. */
const ROW_US = 30;
/** Most estimated CPU one request's explanations may take: a third of a Worker's default 30-s limit. */
export const MAX_EXPLAIN_MS = 10_000;

/** Estimated µs to explain one row of a model whose explanation takes `workPerRow` steps. */
export function explainMicrosPerRow(workPerRow: number): number {
  return ROW_US + (workPerRow * STEP_NS) / 1000;
}

/** Most rows one request may have explained (at least 1). */
export function maxExplainedRows(workPerRow: number): number {
  return Math.max(1, Math.floor((MAX_EXPLAIN_MS * 1000) / explainMicrosPerRow(workPerRow)));
}
