/**
 * @module engine/forecast/log-transform-reads
 * Whether a fitted forecast model reads its series through a log or Box-Cox transform (./target-transform),
 * which take positive values only: a lag-feature model, ets and rnn keep their transform in their
 * artifact, a blend in its members'. A series such a model is moved to (./advance-envelope) must hold
 * no zero or negative value among the points it forecasts from: the transform would read a 0 as the
 * log of its floor (about -20.7), and the forecasts would be hundreds of times off.
 */
import type { ForecastModelArtifact } from './forecast-model';

/** True when `model`, or a member of a blend, transforms its values by log or Box-Cox. */
export function readsThroughLog(model: ForecastModelArtifact): boolean {
  if (model.family === 'ensemble') {
    const members = (model.members ?? []) as readonly { readonly model: ForecastModelArtifact }[];
    return members.some((m) => readsThroughLog(m.model));
  }
  const kind = (model.transform as { readonly kind?: unknown } | undefined)?.kind;
  return kind === 'log' || kind === 'boxcox';
}
