/**
 * @module engine/forecast/fill-missing
 * Missing target values inside a series are filled rather than refused: a forecasting table often has a
 * few empty cells, and dropping the rows would break the regular time step every lag relies on. Interior
 * gaps are interpolated linearly between their neighbours; gaps at either end take the nearest value.
 * The count is reported (SeriesData.interpolated, SeriesInfo.interpolated) so the user is told.
 */

/** Fills NaNs in place; returns how many were filled, or -1 when every value is missing. */
export function fillMissing(values: Float64Array): number {
  const n = values.length;
  let filled = 0;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i])) continue;
    if (prev === -1) {
      for (let j = 0; j < i; j++) values[j] = values[i];
      filled += i;
    } else if (i - prev > 1) {
      const a = values[prev];
      const b = values[i];
      for (let j = prev + 1; j < i; j++) values[j] = a + ((b - a) * (j - prev)) / (i - prev);
      filled += i - prev - 1;
    }
    prev = i;
  }
  if (prev === -1) return -1;
  for (let j = prev + 1; j < n; j++) values[j] = values[prev];
  return filled + (n - 1 - prev);
}
