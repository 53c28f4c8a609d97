/**
 * @module engine/core/nelder-mead
 * Derivative-free minimisation of a smooth function of a few unconstrained variables (the downhill simplex
 * of Nelder and Mead, with the standard coefficients). Used where a handful of parameters are fitted to a
 * loss whose gradient is awkward to write down, such as the smoothing weights of exponential smoothing.
 * Deterministic: the same start gives the same answer.
 */

export interface MinimizeOptions {
  /** Most evaluations of `f` (default 200 per variable). */
  readonly maxEvaluations?: number;
  /** Stop when the simplex's values differ by less than this (default 1e-10). */
  readonly tolerance?: number;
  /** Size of the initial simplex around the start (default 0.5). */
  readonly step?: number;
}

export interface Minimum {
  readonly x: Float64Array;
  readonly value: number;
  readonly evaluations: number;
}

/** Minimises f from x0; a non-finite value counts as +Infinity, so f may refuse a point by returning NaN. */
export function minimize(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: MinimizeOptions = {}): Minimum {
  const n = x0.length;
  const maxEvaluations = options.maxEvaluations ?? 200 * n;
  const tolerance = options.tolerance ?? 1e-10;
  const step = options.step ?? 0.5;
  let evaluations = 0;
  const value = (x: Float64Array) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const points: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(x0);
    p[i] += step;
    points.push(p);
  }
  const values = points.map(value);
  const centroid = new Float64Array(n);
  const along = (t: number, worst: Float64Array) => {
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) p[j] = centroid[j] + t * (worst[j] - centroid[j]);
    return p;
  };
  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
    const sorted = order.map((i) => points[i]);
    const sortedValues = order.map((i) => values[i]);
    for (let i = 0; i <= n; i++) [points[i], values[i]] = [sorted[i], sortedValues[i]];
    if (values[n] - values[0] <= tolerance * (Math.abs(values[0]) + tolerance)) break;
    centroid.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += points[i][j] / n;
    const worst = points[n];
    const reflected = along(-1, worst);
    const fr = value(reflected);
    if (fr < values[0]) {
      const expanded = along(-2, worst);
      const fe = value(expanded);
      [points[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[n - 1]) {
      [points[n], values[n]] = [reflected, fr];
    } else {
      // Contract towards the better of the worst point and its reflection.
      const contracted = fr < values[n] ? along(-0.5, worst) : along(0.5, worst);
      const fc = value(contracted);
      if (fc < Math.min(fr, values[n])) {
        [points[n], values[n]] = [contracted, fc];
      } else {
        // Shrink every point towards the best.
        for (let i = 1; i <= n; i++) {
          for (let j = 0; j < n; j++) points[i][j] = points[0][j] + 0.5 * (points[i][j] - points[0][j]);
          values[i] = value(points[i]);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[best]) best = i;
  return { x: points[best], value: values[best], evaluations };
}
