/**
 * @module engine/forecast/group-spread
 * Each series' own interval width in a job of several. The spread per step (./intervals) is measured in
 * units of each series' scale and pooled over the series; a series whose errors are a far smaller share
 * of its level than the others' (a store selling 10,000 a day give or take 10, beside one selling 20 give
 * or take 5) got the pooled relative width, intervals a hundred times its real errors, and the noisy one
 * too narrow. A series' factor is the root of its own mean squared scaled error over the pooled one: the
 * width a job of that series alone would measure, the step-by-step growth still the pooled one's (each
 * step has few errors per series). Never under the series' own floor (./spread-floor) at any step: an
 * exact fit of one series among noisy ones claims no certainty either.
 */

/**
 * The factor of each series from its squared scaled errors (`sumSq[g]` over `count[g]` errors), at least
 * what keeps every step of `stepSpread` (the pooled, floored spread) times it at the series' own floor
 * `floors[g]` times √h; undefined for one series, or when there was no error at all.
 */
export function groupSpreadFactors(sumSq: Float64Array, count: Float64Array, floors: Float64Array, stepSpread: Float64Array): Float64Array | undefined {
  if (sumSq.length < 2) return undefined;
  let totalSq = 0;
  let total = 0;
  for (let g = 0; g < sumSq.length; g++) {
    totalSq += sumSq[g];
    total += count[g];
  }
  const pooled = total > 0 ? totalSq / total : 0;
  if (!(pooled > 0) || !Number.isFinite(pooled)) return undefined;
  // The most a floor of 1 asks of the factor at any step.
  let perFloor = 0;
  for (let h = 0; h < stepSpread.length; h++) if (stepSpread[h] > 0) perFloor = Math.max(perFloor, Math.sqrt(h + 1) / stepSpread[h]);
  return Float64Array.from(sumSq, (s, g) => Math.max(count[g] > 0 ? Math.sqrt(s / count[g] / pooled) : 1, floors[g] * perFloor));
}
