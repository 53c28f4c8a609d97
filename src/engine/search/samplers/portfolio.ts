/**
 * @module engine/search/samplers/portfolio
 * Zero-shot start: before any search, try each allowed family's strong default configuration in priority
 * order (as FLAML and auto-sklearn 2.0 do), so the first minutes already produce a good model. After the
 * portfolio is exhausted, the wrapped sampler takes over. Pipeline options ride along at their defaults
 * (every step off), so each point lies in the searched space and the first trials train as before.
 */
import type { Sampler } from '../sampler';
import { familyDefaults } from '../space-provider';

export function withPortfolio(next: Sampler): Sampler {
  return {
    name: `portfolio+${next.name}`,
    suggest(history, ctx) {
      const n = history.length;
      if (n < ctx.families.length) {
        const family = ctx.families[n];
        return { family, params: familyDefaults(family, ctx.shape) };
      }
      return next.suggest(history, ctx);
    },
  };
}
