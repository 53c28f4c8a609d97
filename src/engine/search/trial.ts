/**
 * @module engine/search/trial
 * Trial states and the frozen trial record samplers read. A finished trial never changes; samplers see
 * running trials too, so they can avoid proposing what is already being tried.
 */
import type { ForecastFamily } from '../forecast/types';
import type { ModelFamily } from '../models/model';
import type { Params } from './space';

/**
 * A family a search may propose: a table/image model family, or for a forecast job a forecast family
 * (engine/forecast; the shape's `forecast` says which kind of job it is).
 */
export type SearchFamily = ModelFamily | ForecastFamily;

export type TrialState = 'running' | 'complete' | 'failed' | 'cancelled';

/** What a sampler proposes: a model family and its parameters. */
export interface TrialConfig {
  readonly family: SearchFamily;
  readonly params: Params;
  /**
   * Why the configuration differs from what the sampler proposed (a sampler wrapper's change, such as the
   * memory screen's narrowing), shown with the trial; samplers never read it back.
   */
  readonly note?: string;
}

export interface FrozenTrial extends TrialConfig {
  readonly number: number;
  readonly state: TrialState;
  /** Loss (lower is better) of a complete trial. */
  readonly loss?: number;
}
