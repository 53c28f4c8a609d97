/**
 * Summaries of benchmark ratios (a method's RMSE over a reference's), shared by the forecast benchmarks:
 * ratios are averaged geometrically, so a halving and a doubling cancel out.
 */

export const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const geometricMean = (v: readonly number[]) => Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / v.length);
export const mean = (v: readonly number[]) => v.reduce((a, x) => a + x, 0) / v.length;
/** Within a part in a million counts as the same forecast (an unpublished blend is exactly the best trial). */
export const TIE = 1e-6;

/** Wins, losses and ties of ratios against 1, written `w/l/t`. */
export function winsLossesTies(ratios: readonly number[]): string {
  const wins = ratios.filter((x) => x < 1 - TIE).length;
  const losses = ratios.filter((x) => x > 1 + TIE).length;
  return `${wins}/${losses}/${ratios.length - wins - losses}`;
}
