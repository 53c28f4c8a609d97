/**
 * @module engine/search/samplers/unseen
 * Keeps a search from training a configuration it has already tried, and says when it has tried them all.
 * A space of a few choices (ets: transform x trend x season, 18 configurations) or none (the forecast
 * baselines) gets the same proposal again and again: an ets-only job ran 288 trials of 18 configurations,
 * each repeat spending an invocation on a result it already had and crowding the leaderboard. A repeated
 * proposal is asked again with it shown as running (which moves the samplers' number-seeded draws on and
 * makes TPE's constant liar avoid it), a bounded number of times, then one not tried is drawn from the
 * small spaces directly; when every family's space is finite and every configuration of it has been
 * tried, there is nothing new to propose. Pure like the samplers: the
 * same history and context give the same answer.
 */
import { Rng, seedFrom } from '../../core/rng';
import type { Sampler, SamplerContext } from '../sampler';
import type { Params, SearchSpace } from '../space';
import { type SpaceProvider, trialSpace } from '../space-provider';
import type { FrozenTrial, SearchFamily, TrialConfig } from '../trial';

/**
 * Times a repeated proposal is asked again before an untried configuration of a small space is drawn
 * directly (untriedConfig); where no family's space is small enough to list, a repeat that survives them
 * is sent, as before, rather than stalling the search.
 */
export const REPEAT_ATTEMPTS = 32;

/** How many configurations a space holds: the product of its choices, infinite with any float. */
export function spaceSize(space: SearchSpace): number {
  let size = 1;
  for (const d of Object.values(space)) {
    if (d.type === 'float') return Number.POSITIVE_INFINITY;
    size *= d.type === 'int' ? d.high - d.low + 1 : d.choices.length;
  }
  return size;
}

/** A configuration's identity: its family and its parameters in key order. */
export function configKey(config: { readonly family: SearchFamily; readonly params: Params }): string {
  return JSON.stringify([config.family, Object.keys(config.params).sort().map((k) => [k, config.params[k]])]);
}

/** Whether two configurations are the same: family and every parameter. */
function sameConfig(a: TrialConfig, b: TrialConfig): boolean {
  if (a.family !== b.family) return false;
  const keys = Object.keys(a.params);
  return keys.length === Object.keys(b.params).length && keys.every((k) => Object.hasOwn(b.params, k) && a.params[k] === b.params[k]);
}

/** Whether `value` is one of the values `d` offers (a configuration from elsewhere, such as a warm start, may not be). */
function offers(d: SearchSpace[string], value: Params[string] | undefined): boolean {
  if (d.type === 'categorical') return d.choices.includes(value as string | number | boolean);
  return typeof value === 'number' && value >= d.low && value <= d.high && (d.type === 'float' || Number.isInteger(value));
}

/**
 * The configurations of `family`'s space tried so far: each trial's parameters of that space, counted
 * once, and only where every value is one the space offers (so the count never passes the space's size).
 */
function triedIn(family: SearchFamily, space: SearchSpace, history: readonly FrozenTrial[]): number {
  const names = Object.keys(space);
  const keys = new Set<string>();
  for (const t of history) if (t.family === family && names.every((n) => offers(space[n], t.params[n]))) keys.add(JSON.stringify(names.map((n) => t.params[n])));
  return keys.size;
}

/**
 * Whether every configuration of every family the job allows has been tried (running, finished or
 * failed): only possible when each family's space is finite.
 */
export function searchExhausted(history: readonly FrozenTrial[], ctx: SamplerContext, spaceOf: SpaceProvider = trialSpace): boolean {
  return ctx.families.every((family) => {
    const space = spaceOf(family, ctx.shape);
    // A space with a float never runs out: no need to count what was tried.
    const size = spaceSize(space);
    return Number.isFinite(size) && triedIn(family, space, history) >= size;
  });
}

/**
 * The sampler's next proposal that repeats no configuration of `history`; undefined when the search has
 * tried every configuration it allows (searchExhausted); the sampler's own proposal when no new one
 * turns up within REPEAT_ATTEMPTS although some remain.
 * @example
 * const next = proposeUnseen(sampler, history, ctx);
 * if (next === undefined) endSearch('every configuration was tried');
 */
export function proposeUnseen(sampler: Sampler, history: readonly FrozenTrial[], ctx: SamplerContext, spaceOf: SpaceProvider = trialSpace): TrialConfig | undefined {
  // The usual case, on every ask: a proposal no trial has (compared in place, nothing built per trial).
  const first = sampler.suggest(history, ctx);
  if (!history.some((t) => sameConfig(t, first))) return first;
  // A space that has run out can only repeat: asked only once the first proposal did.
  if (searchExhausted(history, ctx, spaceOf)) return undefined;
  const tried = new Set(history.map(configKey));
  const asked: FrozenTrial[] = [...history];
  let next = history.reduce((n, t) => Math.max(n, t.number + 1), 0);
  let proposal = first;
  for (let attempt = 1; attempt < REPEAT_ATTEMPTS; attempt++) {
    asked.push({ family: proposal.family, params: proposal.params, number: next++, state: 'running' });
    // A seed of its own per attempt: the samplers seed their draws by the history's length, so without it
    // the asks would draw what the next trials will draw first, and find those taken in turn.
    proposal = sampler.suggest(asked, { ...ctx, seed: seedFrom(ctx.seed, `unseen-${attempt}`) });
    if (!tried.has(configKey(proposal))) return proposal;
  }
  return untriedConfig(history, ctx, spaceOf, tried) ?? first;
}

/** Most configurations of a family's space listed to find one not tried (ets has 18). */
const ENUMERABLE = 4096;

/** Every configuration of a finite space, in a fixed order. */
function everyConfig(space: SearchSpace): Params[] {
  let configs: Params[] = [{}];
  for (const [name, d] of Object.entries(space)) {
    const values = d.type === 'categorical' ? d.choices : Array.from({ length: d.high - d.low + 1 }, (_, i) => d.low + i);
    configs = configs.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return configs;
}

/**
 * A configuration not yet tried, drawn (seeded by the history's length) among those of the families whose
 * spaces are small enough to list: where the sampler keeps returning to tried ones (TPE settled on a few
 * choices, or the last of a small space is hard to hit by chance). Undefined when those are all tried.
 */
function untriedConfig(history: readonly FrozenTrial[], ctx: SamplerContext, spaceOf: SpaceProvider, tried: ReadonlySet<string>): TrialConfig | undefined {
  const options: TrialConfig[] = [];
  for (const family of ctx.families) {
    const space = spaceOf(family, ctx.shape);
    if (spaceSize(space) > ENUMERABLE) continue;
    for (const params of everyConfig(space)) if (!tried.has(configKey({ family, params }))) options.push({ family, params });
  }
  return options.length === 0 ? undefined : options[new Rng(seedFrom(ctx.seed, `unseen-${history.length}`)).int(options.length)];
}
