/**
 * @module engine/search/sampler
 * The sampler interface: given the history so far (running trials included) propose the next trial's
 * configuration. Samplers are pure functions of (history, context): all their randomness is derived from
 * the job seed and the trial number, so a replayed journal proposes exactly the same trials.
 */
import type { DataShape } from '../models/model';
import type { FrozenTrial, SearchFamily, TrialConfig } from './trial';

export interface SamplerContext {
  /** Families the job may use, in priority order. */
  readonly families: readonly SearchFamily[];
  readonly shape: DataShape;
  readonly seed: number;
}

export interface Sampler {
  readonly name: string;
  suggest(history: readonly FrozenTrial[], ctx: SamplerContext): TrialConfig;
}
