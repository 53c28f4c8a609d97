/**
 * @module engine/drift/binner
 * Which bin a value falls in, for one feature profile. Reference building and live sketches share these
 * functions, so a training row sent back as a prediction lands in exactly the bin it was counted in
 * (which is why identical data gives a PSI of exactly 0).
 */
import { isMissingValue, liveNumber, liveTextLength } from './live-values';
import { categoryCode } from '../features/level-lookup';
import type { InputColumn } from '../features/pipeline';
import { booleanCode } from '../features/rows-to-dataset';
import type { CategoricalFeatureReference, FeatureReference } from './reference';

/** Bin of a number among right-closed decile bins; NaN goes to the missing bin (the last). */
export function numericBin(edges: readonly number[], x: number): number {
  if (Number.isNaN(x)) return edges.length + 1;
  // Binary search for the first edge >= x: at most 9 edges, but this stays cheap for any count.
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A function from one live cell to its bin index, built once per feature and reused for every row. */
export type CellBinner = (v: unknown) => number;

export function binnerFor(f: FeatureReference): CellBinner {
  switch (f.kind) {
    case 'numeric':
      return (v) => numericBin(f.edges, liveNumber(v));
    case 'text_length':
      return (v) => numericBin(f.edges, liveTextLength(v));
    case 'categorical':
      return categoricalBinner(f);
  }
}

function categoricalBinner(f: CategoricalFeatureReference): CellBinner {
  const categories = f.categories;
  const other = categories.length;
  const missing = other + 1;
  const index = new Map(categories.map((c, k) => [c, k]));
  // The kept categories as the model's levels, for the lookups predict makes (features/level-lookup).
  const levels: InputColumn = { name: f.name, type: f.type, storage: 'codes', levels: categories };
  const binOf = (code: number | undefined) => (code === undefined || code < 0 ? other : code);
  return (v) => {
    // Fast path: a value spelled exactly like a kept category (the usual case). Missing spellings are
    // never categories (ingest reads them as missing), so this cannot misfile a missing value.
    if (typeof v === 'string') {
      const hit = index.get(v);
      if (hit !== undefined) return hit;
    }
    if (isMissingValue(v)) return missing;
    // A boolean column reads any spelling of a truth value ("yes" for a training "True", 1 for "1.0").
    if (f.type === 'boolean' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return binOf(booleanCode(v, index));
    if (typeof v === 'number' && !Number.isFinite(v)) return missing;
    // By text, by number (7 for a training "007"), then a truth value by the one level spelling it in
    // words ("yes" or true for "Y" among Y, N, Maybe; never a number level): the lookup predict makes. A
    // read of its own once counted "yes" as a category never seen, and true as a level "1".
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return binOf(categoryCode(levels, index, v));
    return missing;
  };
}
