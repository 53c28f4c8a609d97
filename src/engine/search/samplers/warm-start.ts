/**
 * @module engine/search/samplers/warm-start
 * Warm start for retraining: the configurations that made the current model (its trial, or an
 * ensemble's members) are tried first, before the wrapped sampler takes over, so a retraining job starts
 * from what already worked instead of from the cold portfolio. A configuration comes from a search over
 * other data, so it is fitted into this job's space: a family the job does not allow is skipped, a value
 * outside a bound (bounds may depend on the row count) is clamped, and a parameter missing or unknown to
 * the space takes the family's default. Every suggestion therefore lies in the searched space.
 *
 * The job's parameter-free families (a forecast's seasonal naive and drift baselines) follow the
 * champion's configurations when those do not already hold them: the cold portfolio put them on every
 * leaderboard, as the bar a model must clear, and a retraining job's leaderboard needs that bar as much.
 */
import type { DataShape } from '../../models/model';
import type { Sampler } from '../sampler';
import type { Distribution, Params } from '../space';
import { familyDefaults, trialSpace } from '../space-provider';
import type { TrialConfig } from '../trial';

/**
 * Tries `configs` in order (those of allowed families), then defers to `next` with the full history.
 * @example
 * const sampler = withWarmStart([{ family: 'gbdt', params: championParams }], tpeSampler());
 */
export function withWarmStart(configs: readonly TrialConfig[], next: Sampler): Sampler {
  return {
    name: `warm-start+${next.name}`,
    suggest(history, ctx) {
      const allowed = configs.filter((c) => ctx.families.includes(c.family));
      const bars = ctx.families.filter((f) => !allowed.some((c) => c.family === f) && Object.keys(trialSpace(f, ctx.shape)).length === 0);
      const usable = [...allowed, ...bars.map((family) => ({ family, params: {} }))];
      const n = history.length;
      if (n < usable.length) return fitToSpace(usable[n], ctx.shape);
      return next.suggest(history, ctx);
    },
  };
}

/** The configuration moved into the family's space for this data shape (see the module comment). */
export function fitToSpace(config: TrialConfig, shape: DataShape): TrialConfig {
  const space = trialSpace(config.family, shape);
  const defaults: Params = familyDefaults(config.family, shape);
  const params: Params = {};
  for (const [name, d] of Object.entries(space)) {
    const fitted = Object.hasOwn(config.params, name) ? fitValue(d, config.params[name]) : undefined;
    params[name] = fitted ?? defaults[name];
  }
  return { family: config.family, params };
}

function fitValue(d: Distribution, v: Params[string]): Params[string] | undefined {
  if (d.type === 'categorical') return d.choices.includes(v) ? v : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  const clamped = Math.min(d.high, Math.max(d.low, v));
  return d.type === 'int' ? Math.min(d.high, Math.max(d.low, Math.round(clamped))) : clamped;
}
