/**
 * @module engine/models/linear/evaluation-cost
 * The work budget of a linear fit: how many objective evaluations (passes over the rows) the solver may
 * make. Like a boosting fit's rounds (tree/round-cost), a fit is bounded by work, not by a clock, since a
 * trial's invocation is killed past its CPU limit and clocks stand still in CPU-bound code there. Without
 * it, softmax over many classes on a large table took 500 iterations of a pass costing seconds: a
 * 456-second trial was measured, past the invocation's 5 minutes. A pass costs about 2-3 ns per row,
 * feature and output (logistic, softmax and squared objectives in Node 20, 20,000-200,000 rows x 20-200
 * features); the model takes 4, so it overstates, as a bound should.
 */

/** Modelled nanoseconds per row, feature and output of one evaluation. */
const NS_PER_ROW_FEATURE_OUTPUT = 4;
/** Modelled fixed milliseconds per evaluation (the solver's own vector work). */
const MS_PER_EVALUATION = 0.05;

/** The most modelled milliseconds one fit may take (see tree/round-cost's MAX_FIT_COST_MS for the reasoning). */
export const MAX_LINEAR_FIT_COST_MS = 30_000;

/** Modelled milliseconds of one evaluation of the objective over `rows` x `cols` with `outputs` outputs. */
export function evaluationCostMs(rows: number, cols: number, outputs: number): number {
  return (Math.max(1, rows) * Math.max(1, cols) * Math.max(1, outputs) * NS_PER_ROW_FEATURE_OUTPUT) / 1e6 + MS_PER_EVALUATION;
}

/** Evaluations the work budget allows a fit of this shape: at least a few, so any fit takes some steps. */
export function budgetedEvaluations(rows: number, cols: number, outputs: number, maxFitCostMs = MAX_LINEAR_FIT_COST_MS): number {
  return Math.max(MIN_EVALUATIONS, Math.floor(maxFitCostMs / evaluationCostMs(rows, cols, outputs)));
}

/** The fewest evaluations a fit is allowed: the start point and a few steps. */
const MIN_EVALUATIONS = 5;
