/**
 * @module engine/forecast/fill-missing
 * Missing target values inside a series are filled rather than refused: a forecasting table often has a
 * few empty cells, and dropping the rows would break the regular time step every lag relies on. Interior
 * gaps are interpolated linearly between their neighbours; gaps at either end take the nearest value.
 * The count is reported (SeriesData.interpolated, SeriesInfo.interpolated) so the user is told. A fold
 * cut inside a gap (rolling origins, a held-out tail) reads its history through valuesBefore: what was
 * interpolated towards a value after the cut would leak that value into the fold.
 */

/** Where `values` is missing (NaN): 1 at each such point; undefined when none is. Read before fillMissing. */
export function missingMask(values: Float64Array): Uint8Array | undefined {
  let mask: Uint8Array | undefined;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) continue;
    mask ??= new Uint8Array(values.length);
    mask[i] = 1;
  }
  return mask;
}

/**
 * The first `end` filled values as a fold cut at `end` would have filled them: a gap running up to the
 * cut takes the last value observed before it (as the series' own end does), instead of the values
 * interpolated towards a point after the cut. Shared with the series when nothing changes.
 */
export function valuesBefore(values: Float64Array, missing: Uint8Array | undefined, end: number): Float64Array {
  if (!missing || end < 1 || !missing[end - 1]) return values.subarray(0, end);
  let last = end - 1;
  while (last >= 0 && missing[last]) last--;
  // Nothing observed before the cut: every value there came from after it, and none better is known.
  if (last < 0) return values.subarray(0, end);
  const cut = values.slice(0, end);
  cut.fill(values[last], last + 1, end);
  return cut;
}

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
