/**
 * @module engine/forecast/ets-regression
 * The known-future covariates of the `ets` family (./ets-forecaster): a regression with exponential-
 * smoothing errors. The transformed target is z_t = x_t·c + r_t, where x_t are the covariates' encoded
 * values at step t, c the coefficients and r the series the smoothing models; a forecast is the
 * smoothing's forecast of r plus the regression on the requested steps' covariates.
 *
 * Why c is not fitted by regressing z on x directly: z holds a level, a trend and a season the covariates
 * know nothing of, and a promotion run on busy weekdays, or more often as sales grew, would take their
 * credit. The additive smoothing is linear in the series it smooths (its start and every update are sums
 * of past values), so for given weights the one-step errors of z - X·c are e(z) - sum_j c_j e(x_j): the c
 * minimising them is a least-squares regression of the target's one-step errors on the covariates', each
 * column run through the same smoothing. A constant, or a column that moves only with the level, has
 * errors of zero: the level absorbs it.
 *
 * The ridge: each coefficient is penalised by ETS_RIDGE times its column's own error energy (scale-free, so
 * a price in cents and a 0/1 flag are shrunk alike), which keeps the system solvable when columns are
 * collinear (the one-hot levels of a category sum to a constant). It is small because it shrinks every
 * effect by the same share, a strong promotion's too: on the simulated shops of bench-forecast-covariates
 * 0.01 scored the held-out RMSE at 0.502 of ets without covariates (geometric mean), 0.3 at 0.558, 1 at
 * 0.654. A column whose errors are all but zero (it never changed where it was fitted, such as a holiday
 * flag in a quiet stretch) gets a coefficient of exactly 0: the data say nothing of it.
 */

/** Ridge penalty of each coefficient, relative to its column's error energy. */
export const ETS_RIDGE = 0.01;

/** Below this share of a column's own energy, its errors count as zero (it did not change where fitted). */
const SILENT = 1e-10;

/** The normal equations of one fit, summed over the series: gram = F'F and cross = F'e for the errors F of the columns and e of the target. */
interface NormalEquations {
  readonly gram: Float64Array;
  readonly cross: Float64Array;
  /** Each column's sum of squared values (what SILENT is a share of). */
  readonly energy: Float64Array;
}

/**
 * The coefficients of `columns` (per series, one array per encoded covariate, aligned with `targets`) that
 * best explain the one-step errors of `targets`, pooled over the series; `errorsOf` writes the one-step
 * errors of a series under the fitted smoothing, given the index of the series it belongs to (a target
 * and its columns are smoothed alike: on the clock, with that series' phases).
 */
export function covariateCoefficients(targets: readonly Float64Array[], columns: readonly (readonly Float64Array[])[], errorsOf: (series: Float64Array, out: Float64Array, g: number) => void): Float64Array {
  const width = columns[0]?.length ?? 0;
  const eq: NormalEquations = { gram: new Float64Array(width * width), cross: new Float64Array(width), energy: new Float64Array(width) };
  targets.forEach((z, g) => {
    const target = new Float64Array(z.length);
    errorsOf(z, target, g);
    const filtered = columns[g].map((col) => {
      const e = new Float64Array(col.length);
      errorsOf(col, e, g);
      return e;
    });
    addSeries(eq, target, filtered, columns[g]);
  });
  return solveRidge(eq);
}

function addSeries(eq: NormalEquations, target: Float64Array, filtered: readonly Float64Array[], raw: readonly Float64Array[]): void {
  const w = filtered.length;
  const n = target.length;
  for (let j = 0; j < w; j++) {
    const fj = filtered[j];
    eq.cross[j] += dot(fj, target, n);
    for (let k = j; k < w; k++) {
      const g = dot(fj, filtered[k], n);
      eq.gram[j * w + k] += g;
      if (k !== j) eq.gram[k * w + j] += g;
    }
    eq.energy[j] += dot(raw[j], raw[j], n);
  }
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let t = 0; t < n; t++) s += a[t] * b[t];
  return s;
}

/** The ridge solution over the columns that are not silent; 0 for the silent ones. */
function solveRidge(eq: NormalEquations): Float64Array {
  const w = eq.cross.length;
  const coef = new Float64Array(w);
  const live: number[] = [];
  for (let j = 0; j < w; j++) if (eq.gram[j * w + j] > SILENT * eq.energy[j] && eq.gram[j * w + j] > 0) live.push(j);
  const m = live.length;
  if (m === 0) return coef;
  const a = new Float64Array(m * m);
  const rhs = new Float64Array(m);
  live.forEach((j, p) => {
    rhs[p] = eq.cross[j];
    live.forEach((k, q) => {
      a[p * m + q] = eq.gram[j * w + k];
    });
    a[p * m + p] *= 1 + ETS_RIDGE;
  });
  // The ridge makes the matrix positive definite (a positive diagonal added to F'F); a failure would be overflow.
  const x = choleskySolve(a, rhs, m);
  if (x) live.forEach((j, p) => (coef[j] = x[p]));
  return coef;
}

/** Solves A x = b for a symmetric positive definite A (row-major, m x m); null when A is not. */
function choleskySolve(a: Float64Array, b: Float64Array, m: number): Float64Array | null {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j];
      for (let k = 0; k < j; k++) s -= l[i * m + k] * l[j * m + k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * m + i] = Math.sqrt(s);
      } else l[i * m + j] = s / l[j * m + j];
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * m + k] * y[k];
    y[i] = s / l[i * m + i];
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < m; k++) s -= l[k * m + i] * x[k];
    x[i] = s / l[i * m + i];
  }
  return x;
}

/** The regression's value at index `at` of encoded covariate columns: sum_j c_j x_j[at]. */
export function regressionAt(coef: ArrayLike<number>, columns: readonly Float64Array[], at: number): number {
  let s = 0;
  for (let j = 0; j < coef.length; j++) if (coef[j] !== 0) s += coef[j] * columns[j][at];
  return s;
}
