/**
 * @module engine/search/space
 * The search-space language: each model family and pipeline step declares its tunable parameters as data
 * (typed distributions with bounds, log scale where it matters). Samplers only ever see these declarations.
 */

export type Distribution =
  | { readonly type: 'float'; readonly low: number; readonly high: number; readonly log?: boolean }
  | { readonly type: 'int'; readonly low: number; readonly high: number; readonly log?: boolean }
  | { readonly type: 'categorical'; readonly choices: readonly (string | number | boolean)[] };

export type SearchSpace = Readonly<Record<string, Distribution>>;

/** One point of a search space: parameter name to value. */
export type Params = Record<string, string | number | boolean>;

export const float = (low: number, high: number, log = false): Distribution => ({ type: 'float', low, high, log });
export const int = (low: number, high: number, log = false): Distribution => ({ type: 'int', low, high, log });
export const categorical = (...choices: (string | number | boolean)[]): Distribution => ({ type: 'categorical', choices });
