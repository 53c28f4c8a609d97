/**
 * @module engine/models/linear/fit
 * Fitting a linear model: validate the training rows, build the weighted, regularised objective for the
 * task, solve it, and map the solution back to a LinearModel in original units. Which solver applies:
 *  - regression with l1_ratio 0 (ridge): the exact minimiser in closed form (ridge-direct.ts: weighted-centred
 *    normal equations, Cholesky) when X has at most RIDGE_DIRECT_MAX_COLS columns and the Gram matrix and
 *    factorisation cost at most a few hundred passes over X; that point then goes through the same solver
 *    as everything else, which evaluates it once, finds the gradient within tol and stops (iterations 0,
 *    evaluations 1, converged 1, the objective at the solution), or polishes it should rounding leave it
 *    short. Too wide or too costly, or a failed Cholesky (l2 negligible beside collinear columns): as below;
 *  - everything else (logistic, softmax, elastic net, lasso): OWL-QN / L-BFGS from the start point.
 */
import { EngineError } from '../../core/errors';
import type { FitContext, TrainSet } from '../model';
import type { Params } from '../../search/space';
import { LinearModel } from './model';
import { logisticObjective, logisticStart } from './logistic';
import { type Problem, type SmoothObjective, sparseIndex } from './objective';
import { resolveLinearOptions } from './options';
import { budgetedEvaluations } from './evaluation-cost';
import { minimize } from './owlqn';
import { solveRidgeDirect } from './ridge-direct';
import { softmaxObjective, softmaxStart } from './softmax';
import { squaredObjective, targetScale } from './squared';
import { rowWeights } from './weights';

/** Fits logistic (binary), softmax (multiclass) or ridge / elastic-net (regression) regression. */
export function fitLinear(train: TrainSet, params: Params, ctx: FitContext): LinearModel {
  const { task } = ctx;
  const options = resolveLinearOptions(params);
  const classes = task === 'regression' ? 0 : task === 'binary' ? 2 : ctx.nClasses;
  checkTrainSet(train, classes);

  const { weights, total } = rowWeights(train.y, train.weights, options.classWeight, classes);
  // Dividing the scikit-learn objective by C·Σw keeps its minimiser and makes the data term a mean.
  const l2 = (1 - options.l1Ratio) / (options.C * total);
  const l1 = options.l1Ratio / (options.C * total);
  const problem: Problem = { X: train.X, y: train.y, weights, l2 };

  let objective: SmoothObjective;
  let x0: Float64Array;
  let target = { mean: 0, scale: 1 };
  if (task === 'binary') {
    objective = logisticObjective(problem);
    x0 = logisticStart(problem);
  } else if (task === 'multiclass') {
    if (!(Number.isInteger(classes) && classes >= 2)) throw new EngineError('invalid_target', `multiclass needs at least 2 classes, got ${classes}`);
    objective = softmaxObjective(problem, classes);
    x0 = softmaxStart(problem, classes);
  } else {
    target = targetScale(train.y, weights);
    // One index of X's non-zeros serves the direct solve and the objective's passes.
    const index = sparseIndex(train.X);
    const direct = l1 === 0 ? solveRidgeDirect(problem, target, index) : null;
    objective = squaredObjective(problem, target, index);
    x0 = direct ?? new Float64Array(objective.dim);
  }

  // ctx.fixedIterations (rounds / epochs for refits) has no meaning here: a refit solves to convergence.
  // From the direct ridge solution this is one evaluation that confirms the gradient is within tol.
  const maxEvaluations = budgetedEvaluations(train.X.rows, train.X.cols, objective.dim - objective.penalized, options.maxFitCostMs);
  const result = minimize(objective, x0, { l1, maxIter: options.maxIter, tol: options.tol, maxEvaluations });

  const p = train.X.cols;
  const outputs = objective.dim - objective.penalized;
  const coef = new Float32Array(outputs * p);
  const intercepts = new Float64Array(outputs);
  for (let j = 0; j < coef.length; j++) coef[j] = result.x[j] * target.scale;
  for (let k = 0; k < outputs; k++) intercepts[k] = result.x[objective.penalized + k] * target.scale + target.mean;
  let nonzero = 0;
  for (let j = 0; j < coef.length; j++) if (coef[j] !== 0) nonzero++;

  return new LinearModel(
    task,
    p,
    coef,
    intercepts,
    {
      iterations: result.iterations,
      evaluations: result.evaluations,
      converged: result.converged ? 1 : 0,
      objective: result.value,
      nonzeroCoefficients: nonzero,
      budget_limited: result.budgetLimited ? 1 : 0,
    },
    columnMeans(train.X.data, train.X.rows, p),
  );
}

/** Unweighted mean of every column over the training rows: the average row explanations start from. */
function columnMeans(data: Float32Array, rows: number, cols: number): Float32Array {
  const sums = new Float64Array(cols);
  for (let i = 0, off = 0; i < rows; i++, off += cols) for (let j = 0; j < cols; j++) sums[j] += data[off + j];
  const means = new Float32Array(cols);
  for (let j = 0; j < cols; j++) means[j] = sums[j] / rows;
  return means;
}

/** Rejects shapes that do not line up, non-finite features (the dense pipeline imputes) and bad labels. */
function checkTrainSet(train: TrainSet, classes: number): void {
  const { X, y, weights } = train;
  if (X.rows === 0) throw new EngineError('invalid_input', 'cannot fit a linear model on zero rows');
  if (y.length !== X.rows) throw new EngineError('invalid_input', `${X.rows} rows but ${y.length} targets`);
  if (weights && weights.length !== X.rows) throw new EngineError('invalid_input', `${X.rows} rows but ${weights.length} weights`);
  const data = X.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / X.cols);
      throw new EngineError('invalid_input', `feature ${i % X.cols} of row ${row} is ${data[i]}; linear models need imputed, finite features`, { row, column: i % X.cols });
    }
  }
  for (let i = 0; i < y.length; i++) {
    const t = y[i];
    const ok = classes === 0 ? Number.isFinite(t) : Number.isInteger(t) && t >= 0 && t < classes;
    if (!ok) throw new EngineError('invalid_target', `target ${t} at row ${i} is not ${classes === 0 ? 'a finite number' : `a class index in 0..${classes - 1}`}`, { row: i });
  }
}
