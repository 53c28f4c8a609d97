/**
 * @module engine/search/space-encoding
 * Maps a declared search space to the vector form model-based samplers work in, and back: numeric
 * parameters live on their transformed scale (log where declared; integers widened by half a step so each
 * integer owns an equal slice), categorical ones as choice indices. Parameters with a single possible
 * value are kept aside as constants so that no kernel ever has a zero-width support.
 */
import type { Params, SearchSpace } from './space';

/** A numeric parameter on its transformed scale. */
export interface NumericDim {
  readonly name: string;
  /** Bounds of the transformed scale the kernels live on. */
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly int: boolean;
  /** Declared bounds, for clamping decoded values. */
  readonly rawLow: number;
  readonly rawHigh: number;
}

export interface CategoricalDim {
  readonly name: string;
  readonly choices: readonly (string | number | boolean)[];
}

/** A search space in vector form; dimensions are in sorted-name order so encoding never depends on key order. */
export interface EncodedSpace {
  readonly numeric: readonly NumericDim[];
  readonly categorical: readonly CategoricalDim[];
  /** Parameters whose declaration admits exactly one value. */
  readonly constants: Readonly<Params>;
}

/** Builds the vector form of a declared space. */
export function encodeSpace(space: SearchSpace): EncodedSpace {
  const numeric: NumericDim[] = [];
  const categorical: CategoricalDim[] = [];
  const constants: Params = {};
  for (const name of Object.keys(space).sort()) {
    const d = space[name];
    if (d.type === 'categorical') {
      if (d.choices.length === 1) constants[name] = d.choices[0];
      else categorical.push({ name, choices: d.choices });
      continue;
    }
    if (d.high <= d.low) {
      constants[name] = d.low;
      continue;
    }
    const log = d.log === true;
    const int = d.type === 'int';
    const lo = int ? d.low - 0.5 : d.low;
    const hi = int ? d.high + 0.5 : d.high;
    // A log-scaled integer starting at 0 cannot be widened below 0 on a log scale; start at its low bound.
    const tLow = log ? Math.log(lo > 0 ? lo : d.low) : lo;
    numeric.push({ name, low: tLow, high: log ? Math.log(hi) : hi, log, int, rawLow: d.low, rawHigh: d.high });
  }
  return { numeric, categorical, constants };
}

/** Transformed coordinate of a raw value, clamped into the dimension; NaN when the value is unusable. */
export function encodeNumeric(dim: NumericDim, raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return Number.NaN;
  if (dim.log && raw <= 0) return dim.low;
  const t = dim.log ? Math.log(raw) : raw;
  return t < dim.low ? dim.low : t > dim.high ? dim.high : t;
}

/** Choice index of a raw value, or -1 when it is not one of the declared choices. */
export function encodeCategorical(dim: CategoricalDim, raw: unknown): number {
  return dim.choices.indexOf(raw as string | number | boolean);
}

/** Raw value of a transformed coordinate: back from log, rounded for integers, clamped to the declared bounds. */
export function decodeNumeric(dim: NumericDim, t: number): number {
  let v = dim.log ? Math.exp(t) : t;
  if (dim.int) v = Math.round(v);
  return v < dim.rawLow ? dim.rawLow : v > dim.rawHigh ? dim.rawHigh : v;
}

/** Params from vectors: one value per numeric and categorical dimension, plus the constants. */
export function decodePoint(space: EncodedSpace, num: ArrayLike<number>, cat: ArrayLike<number>): Params {
  const params: Params = { ...space.constants };
  space.numeric.forEach((dim, d) => (params[dim.name] = decodeNumeric(dim, num[d])));
  space.categorical.forEach((dim, j) => (params[dim.name] = dim.choices[cat[j]]));
  return params;
}
