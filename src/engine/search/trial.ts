/**
 * @module engine/search/trial
 * Trial states and the frozen trial record samplers read. A finished trial never changes; samplers see
 * running trials too, so they can avoid proposing what is already being tried.
 */
import type { ModelFamily } from '../models/model';
import type { Params } from './space';

export type TrialState = 'running' | 'complete' | 'failed' | 'cancelled';

/** What a sampler proposes: a model family and its parameters. */
export interface TrialConfig {
  readonly family: ModelFamily;
  readonly params: Params;
}

export interface FrozenTrial extends TrialConfig {
  readonly number: number;
  readonly state: TrialState;
  /** Loss (lower is better) of a complete trial. */
  readonly loss?: number;
}
