/**
 * The monthly series of the forecast retraining tests: a trend from January 2000, and the same trend with a
 * strong yearly swing after five years (data a challenger fitted on it forecasts better).
 */

/** Monthly points from January 2000: `n` of them, the value of month i from `value(i)`. */
export function monthly(n: number, value: (i: number) => number): string {
  const lines = ['month,sales'];
  for (let i = 0; i < n; i++) lines.push(`${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01,${value(i).toFixed(3)}`);
  return lines.join('\n');
}

export const trend = (i: number) => 100 + i;

/** The trend for five years, then a strong yearly swing on top of it. */
export const seasonal = (i: number) => (i < 60 ? trend(i) : trend(i) + 40 * Math.sin((2 * Math.PI * i) / 12));
