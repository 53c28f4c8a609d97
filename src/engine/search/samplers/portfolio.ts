/**
 * @module engine/search/samplers/portfolio
 * Zero-shot start: before any search, try each allowed family's strong default configuration in priority
 * order (as FLAML and auto-sklearn 2.0 do), so the first minutes already produce a good model. After the
 * portfolio is exhausted, the wrapped sampler takes over. Pipeline options ride along at their defaults
 * (every step off), so each point lies in the searched space and the first trials train as before.
 *
 * The next default is that of the first allowed family with no trial yet, not the family at the history's
 * length: the coordinator narrows `ctx.families` to the families whose trials still fit the time left
 * (durable/late-start), and by position a narrowed list skipped a family's default (trial 3 of
 * [gbdt, linear, mlp, knn, cart] with gbdt dropped was cart, and knn's default was never tried).
 */
import type { Sampler } from '../sampler';
import { familyDefaults } from '../space-provider';

export function withPortfolio(next: Sampler): Sampler {
  return {
    name: `portfolio+${next.name}`,
    suggest(history, ctx) {
      const tried = new Set(history.map((t) => t.family));
      const family = ctx.families.find((f) => !tried.has(f));
      if (family !== undefined) return { family, params: familyDefaults(family, ctx.shape) };
      return next.suggest(history, ctx);
    },
  };
}
