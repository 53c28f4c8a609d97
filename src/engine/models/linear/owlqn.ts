/**
 * @module engine/models/linear/owlqn
 * The one solver of the linear family: L-BFGS, extended to an L1 term by OWL-QN (Andrew & Gao 2007,
 * "Scalable training of L1-regularized log-linear models"). With no L1 it is plain L-BFGS with a
 * backtracking Armijo line search; with L1 it works on the pseudo-gradient, keeps each step inside one
 * orthant and so lands on exact zeros. Quasi-Newton steps converge in tens to a few hundred passes over
 * the data even when the problem is badly conditioned, where first-order proximal methods need thousands.
 * Deterministic: no randomness, a fixed order of floating-point operations.
 */
import type { SmoothObjective } from './objective';

/** Solver settings. */
export interface SolverOptions {
  /** L1 strength on the penalised entries (0 for pure L2). */
  readonly l1: number;
  readonly maxIter: number;
  /** Evaluations (passes over the data) after which no new iteration starts: the work budget. Absent: none. */
  readonly maxEvaluations?: number;
  /** Converged when max |pseudo-gradient| ≤ tol (or progress stalls; see FTOL_PER_TOL). */
  readonly tol: number;
  /** Pairs of L-BFGS history kept; absent: historyPairs(dim), or MIN_PAIRS with L1. */
  readonly memory?: number;
}

/** What the solver found. */
export interface SolverResult {
  readonly x: Float64Array;
  /** Objective value including the L1 term. */
  readonly value: number;
  readonly iterations: number;
  /** Objective evaluations (passes over the data). */
  readonly evaluations: number;
  /** True when a stopping test (gradient or stalled progress) was met before maxIter. */
  readonly converged: boolean;
  /** True when the work budget (maxEvaluations) stopped the solver before it converged or reached maxIter. */
  readonly budgetLimited: boolean;
}

/**
 * Progress has stalled when one iteration lowers the objective by less than this times tol, relative to
 * its value (1e-12 at the default tol of 1e-6). Tied to tol so that asking for a tighter gradient also
 * keeps the solver going through the long flat stretches of badly conditioned problems.
 */
const FTOL_PER_TOL = 1e-6;
/**
 * L-BFGS history pairs kept for d parameters: MAX_PAIRS while the history (two vectors of d doubles a
 * pair) fits in HISTORY_BYTES, fewer above that, never fewer than MIN_PAIRS. One-hot columns make badly
 * conditioned problems (indicator groups that sum to the intercept, rare levels), and a longer memory
 * cuts the passes over the data they need: soybean 297 → 138 iterations and credit_g 89 → 56 going
 * from 10 to 40 pairs, at 4·pairs·d flops an iteration, small beside a pass over the rows.
 */
export function historyPairs(d: number): number {
  return Math.max(MIN_PAIRS, Math.min(MAX_PAIRS, Math.floor(HISTORY_BYTES / (16 * Math.max(d, 1)))));
}
const MAX_PAIRS = 40;
const MIN_PAIRS = 10;
const HISTORY_BYTES = 4 * 1024 * 1024;

/** Armijo sufficient-decrease constant. */
const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 40;

/** Minimises f(x) + l1 · Σ_{j < penalized} |x_j| from x0 (which it overwrites and returns). */
export function minimize(objective: SmoothObjective, x0: Float64Array, options: SolverOptions): SolverResult {
  const d = objective.dim;
  // Under L1 the orthant projections cut steps short and a long history measured more backtracking
  // than it saved (soybean, segment, digits at l1_ratio 0.5), so OWL-QN keeps the short one.
  const m = options.memory ?? (options.l1 > 0 ? MIN_PAIRS : historyPairs(d));
  const { l1, maxIter, tol } = options;
  const np = objective.penalized;

  let x: Float64Array = x0;
  let xNew: Float64Array = new Float64Array(d);
  let g: Float64Array = new Float64Array(d);
  let gNew: Float64Array = new Float64Array(d);
  const pg = new Float64Array(d);
  const dir = new Float64Array(d);
  // Circular history of steps s = x' − x and gradient changes y = g' − g (smooth part only).
  const S = new Float64Array(m * d);
  const Y = new Float64Array(m * d);
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let stored = 0;
  let head = 0;

  const l1Norm = (v: Float64Array) => {
    let sum = 0;
    for (let j = 0; j < np; j++) sum += Math.abs(v[j]);
    return sum;
  };

  let evaluations = 1;
  let value = objective.evaluate(x, g) + (l1 > 0 ? l1 * l1Norm(x) : 0);
  let iterations = 0;
  let converged = false;

  const maxEvaluations = options.maxEvaluations ?? Number.POSITIVE_INFINITY;
  let budgetLimited = false;
  while (iterations < maxIter) {
    if (pseudoGradient(x, g, pg, np, l1) <= tol) {
      converged = true;
      break;
    }
    if (evaluations >= maxEvaluations) {
      budgetLimited = true;
      break;
    }
    iterations++;

    twoLoop(pg, dir, S, Y, rho, alpha, stored, head, m, d);
    if (l1 > 0) {
      // OWL-QN: drop direction entries that disagree in sign with the steepest descent −pg.
      for (let j = 0; j < np; j++) if (dir[j] * pg[j] >= 0) dir[j] = 0;
    }
    let slope = dot(dir, pg, d);
    if (!(slope < 0)) {
      // The curvature history no longer gives a descent direction: restart from steepest descent.
      stored = 0;
      for (let j = 0; j < d; j++) dir[j] = -pg[j];
      slope = dot(dir, pg, d);
    }

    // With no history the direction is −pg, whose scale is unknown; start with a unit-length step.
    let step = stored === 0 ? Math.min(1, 1 / Math.sqrt(dot(pg, pg, d))) : 1;
    let accepted = false;
    let valueNew = value;
    for (let trial = 0; trial < MAX_BACKTRACKS; trial++) {
      for (let j = 0; j < d; j++) xNew[j] = x[j] + step * dir[j];
      if (l1 > 0) {
        // Project onto the orthant of x (or of −pg where x is 0): entries that cross zero stop at zero.
        for (let j = 0; j < np; j++) {
          const orthant = x[j] !== 0 ? x[j] : -pg[j];
          if (xNew[j] * orthant <= 0) xNew[j] = 0;
        }
      }
      evaluations++;
      valueNew = objective.evaluate(xNew, gNew) + (l1 > 0 ? l1 * l1Norm(xNew) : 0);
      // Sufficient decrease measured along the actual (projected) move.
      let predicted = 0;
      for (let j = 0; j < d; j++) predicted += pg[j] * (xNew[j] - x[j]);
      if (valueNew <= value + ARMIJO * predicted) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      // No decrease is measurable any more: the iterate is as good as double precision allows.
      converged = true;
      break;
    }

    // Record the curvature pair when it is positive (always, for a strictly convex objective).
    const base = head * d;
    let sy = 0;
    let yy = 0;
    for (let j = 0; j < d; j++) {
      const s = xNew[j] - x[j];
      const yv = gNew[j] - g[j];
      S[base + j] = s;
      Y[base + j] = yv;
      sy += s * yv;
      yy += yv * yv;
    }
    if (sy > 1e-16 * yy && yy > 0) {
      rho[head] = 1 / sy;
      head = (head + 1) % m;
      if (stored < m) stored++;
    }

    const decrease = value - valueNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    value = valueNew;
    if (decrease <= FTOL_PER_TOL * tol * Math.max(Math.abs(value), 1)) {
      converged = true;
      break;
    }
  }
  if (x !== x0) x0.set(x);
  return { x: x0, value, iterations, evaluations, converged, budgetLimited };
}

/**
 * Writes the pseudo-gradient of f + l1·‖x_P‖₁ into pg and returns its largest magnitude. At zero it is
 * the smallest-magnitude subgradient, so it is zero exactly where zero is optimal for that coordinate.
 */
function pseudoGradient(x: Float64Array, g: Float64Array, pg: Float64Array, np: number, l1: number): number {
  let max = 0;
  for (let j = 0; j < g.length; j++) {
    let v = g[j];
    if (l1 > 0 && j < np) {
      if (x[j] > 0) v = g[j] + l1;
      else if (x[j] < 0) v = g[j] - l1;
      else if (g[j] + l1 < 0) v = g[j] + l1;
      else if (g[j] - l1 > 0) v = g[j] - l1;
      else v = 0;
    }
    pg[j] = v;
    const a = Math.abs(v);
    if (a > max) max = a;
  }
  return max;
}

/** L-BFGS two-loop recursion: dir = −H·grad from the stored pairs (H₀ scaled by sᵀy / yᵀy of the newest). */
function twoLoop(grad: Float64Array, dir: Float64Array, S: Float64Array, Y: Float64Array, rho: Float64Array, alpha: Float64Array, stored: number, head: number, m: number, d: number): void {
  for (let j = 0; j < d; j++) dir[j] = -grad[j];
  if (stored === 0) return;
  for (let t = 0; t < stored; t++) {
    const h = (head - 1 - t + m) % m;
    const a = rho[h] * dotAt(S, h * d, dir, d);
    alpha[h] = a;
    axpyAt(-a, Y, h * d, dir, d);
  }
  const newest = (head - 1 + m) % m;
  const gamma = 1 / (rho[newest] * dotAt(Y, newest * d, Y, d, newest * d));
  for (let j = 0; j < d; j++) dir[j] *= gamma;
  for (let t = stored - 1; t >= 0; t--) {
    const h = (head - 1 - t + m) % m;
    const beta = rho[h] * dotAt(Y, h * d, dir, d);
    axpyAt(alpha[h] - beta, S, h * d, dir, d);
  }
}

function dot(a: Float64Array, b: Float64Array, d: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) sum += a[j] * b[j];
  return sum;
}

/** Σ A[offA + j] · b[offB + j]. */
function dotAt(A: Float64Array, offA: number, b: Float64Array, d: number, offB = 0): number {
  let sum = 0;
  for (let j = 0; j < d; j++) sum += A[offA + j] * b[offB + j];
  return sum;
}

/** out += a · A[off …]. */
function axpyAt(a: number, A: Float64Array, off: number, out: Float64Array, d: number): void {
  for (let j = 0; j < d; j++) out[j] += a * A[off + j];
}
