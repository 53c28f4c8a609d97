/**
 * @module engine/search/samplers/memory-screen
 * Keeps proposals whose trial would be refused for memory from becoming trials. run-trial refuses a
 * configuration whose estimated peak exceeds the trial limit even at its family's memoryScale floor, and
 * such a refusal spends a queue invocation and a trial of the budget on a failure. Wrapped around a job's
 * sampler, this screen checks each proposal against the same estimate from the data's shape
 * (trial-memory's shapeTrialMemoryBytes) and, when it cannot fit, returns the widest version of it that
 * does (the family's shrinkToFit); a family whose default cannot be narrowed to fit is left out of the
 * proposal, so the sampler proposes among the others. A narrowed proposal carries a `note` naming what
 * changed, which the trial's record shows; otherwise the trial sent is what the journal holds and the
 * sampler learns from, and no failure counts against the coordinator's stop on repeated identical
 * failures. Only families whose feature width the shape fixes are screened (the CNN's pixels); a
 * proposal that fits passes unchanged, so a job where everything fits (the 8x8 digits) proposes exactly
 * what it did without the screen. Pure, like the samplers it wraps: the same history and context give
 * the same proposal, and a check costs microseconds.
 */
import type { DataShape, ModelFamily } from '../../models/model';
import type { Params } from '../space';
import { getModelSpec } from '../../models/registry';
import { splitTrialParams } from '../../features/pipeline-space';
import { estimableFromShape, shapeFitsMemory, TRIAL_MEMORY_LIMIT, type TrialRows } from '../../trial-memory';
import type { Sampler } from '../sampler';
import { familyDefaults } from '../space-provider';
import { configKey } from './unseen';
import type { SearchFamily, TrialConfig } from '../trial';

export interface MemoryScreenOptions {
  /** The job's cross-validation folds (1: a single holdout), which size a trial's fits. */
  readonly folds: number;
  /** A trial's memory limit: run-trial's TRIAL_MEMORY_LIMIT unless a job sets another. */
  readonly limitBytes?: number;
}

/**
 * What the shape cannot see (ignored columns, level names, pixels kept as Float64) makes a trial's own
 * estimate a little larger than the screen's; a shrunk configuration keeps this much room below the limit
 * so the trial does not refuse what the screen chose. A proposal that fits is never shrunk.
 */
const SHRINK_HEADROOM_BYTES = 1024 * 1024;

/**
 * The sampler `next` with its proposals screened for memory (see the module comment).
 * @example
 * const sampler = withMemoryScreen(samplerFor('auto'), { folds: config.folds });
 */
export function withMemoryScreen(next: Sampler, options: MemoryScreenOptions): Sampler {
  const limit = options.limitBytes ?? TRIAL_MEMORY_LIMIT;
  const split: TrialRows = { folds: options.folds, trainFraction: 1 };
  return {
    name: `memory-screen+${next.name}`,
    suggest(history, ctx) {
      // Forecast families estimate nothing from a table's shape.
      if (ctx.shape.forecast) return next.suggest(history, ctx);
      const screen = (config: TrialConfig) => screened(config, ctx.shape, split, limit);
      // A family is kept when its default fits or narrows to fit; one whose narrowest default does not is
      // taken to have no net that fits (depth and kernel change little at the floor widths).
      const fits = (f: SearchFamily) => !estimableFromShape(getModelSpec(f)) || screen({ family: f, params: familyDefaults(f, ctx.shape) }) !== undefined;
      const families = ctx.families.filter(fits);
      // Nothing fits this data: the trial's own refusal then says why, and the coordinator stops a search
      // whose trials all fail alike.
      if (families.length === 0) return next.suggest(history, ctx);
      const asking = families.length === ctx.families.length ? ctx : { ...ctx, families };
      const tried = new Set(history.map(configKey));
      let asked = history;
      let number = history.reduce((n, t) => Math.max(n, t.number + 1), 0);
      for (let attempt = 1; ; attempt++) {
        const proposal = next.suggest(asked, asking);
        // A proposal no narrowing rescues (a structure too large where the default's fits) runs as the
        // family's default, shrunk to fit as the filter above found it does.
        const sent = screen(proposal) ?? screen({ family: proposal.family, params: familyDefaults(proposal.family, ctx.shape) }) ?? proposal;
        // Narrowed onto a configuration the job already ran: the sampler never sees its own proposal in
        // the history (only what was sent), so a grid proposed the same point again and again (19 of 40
        // trials the same narrowed CNN). It is asked again with its proposal taken as tried.
        if (sent === proposal || !tried.has(configKey(sent)) || attempt >= RESCREEN_ATTEMPTS) return sent;
        asked = [...asked, { family: proposal.family, params: proposal.params, number: number++, state: 'running' }];
      }
    },
  };
}

/** Times a sampler is asked again when its proposal narrows onto a configuration already run. */
const RESCREEN_ATTEMPTS = 16;

/** What the screen changed, for the trial's record: "narrowed to fit a trial's 64 MiB: filters 64 → 24, …". */
function narrowingNote(before: Params, after: Params, limit: number): string {
  const changes = Object.entries(after)
    .filter(([k, v]) => JSON.stringify(before[k]) !== JSON.stringify(v))
    .map(([k, v]) => `${k} ${JSON.stringify(before[k] ?? null)} → ${JSON.stringify(v)}`);
  return `narrowed to fit a trial's ${Math.round(limit / 2 ** 20)} MiB of memory: ${changes.length > 0 ? changes.join(', ') : 'the proposal'}`;
}

/**
 * The configuration if its trial can fit `limit` (or its family cannot be estimated from the shape), else
 * its family's shrunk version within the headroom, else undefined.
 */
function screened(config: TrialConfig, shape: DataShape, split: TrialRows, limit: number): TrialConfig | undefined {
  try {
    const spec = getModelSpec(config.family as ModelFamily);
    if (!estimableFromShape(spec)) return config;
    const model = splitTrialParams(config.family as ModelFamily, config.params, shape).model;
    if (shapeFitsMemory(spec, model, shape, split, limit) !== false) return config;
    const shrunk = spec.shrinkToFit?.(model, (params) => shapeFitsMemory(spec, params, shape, split, limit - SHRINK_HEADROOM_BYTES) === true);
    return shrunk ? { family: config.family, params: { ...config.params, ...shrunk }, note: narrowingNote(config.params, shrunk, limit) } : undefined;
  } catch {
    // Invalid parameters are the trial's to report, with its own message.
    return config;
  }
}
