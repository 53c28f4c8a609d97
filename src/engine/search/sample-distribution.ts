/**
 * @module engine/search/sample-distribution
 * Draws one value from a declared distribution (uniform, log-uniform, integer, categorical).
 */
import type { Rng } from '../core/rng';
import type { Distribution, Params, SearchSpace } from './space';

export function sampleDistribution(d: Distribution, rng: Rng): string | number | boolean {
  switch (d.type) {
    case 'float':
      return d.log ? Math.exp(rng.uniform(Math.log(d.low), Math.log(d.high))) : rng.uniform(d.low, d.high);
    case 'int': {
      const x = d.log ? Math.exp(rng.uniform(Math.log(d.low), Math.log(d.high + 1))) : rng.uniform(d.low, d.high + 1);
      return Math.min(d.high, Math.max(d.low, Math.floor(x)));
    }
    case 'categorical':
      return d.choices[rng.int(d.choices.length)];
  }
}

export function sampleSpace(space: SearchSpace, rng: Rng): Params {
  const params: Params = {};
  // Sorted names: the draw order, and so the result, must not depend on object key order.
  for (const name of Object.keys(space).sort()) params[name] = sampleDistribution(space[name], rng);
  return params;
}
