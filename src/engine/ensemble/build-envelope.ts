/**
 * @module engine/ensemble/build-envelope
 * Turns a greedy selection plus the chosen trials' model envelopes into one self-contained ensemble
 * artifact (members embedded, heaviest first), checked by the same parser serving uses so a publishable
 * ensemble is always a loadable one.
 */
import { EngineError } from '../core/errors';
import type { MetricName } from '../eval/metrics';
import { ENSEMBLE_FORMAT, ENSEMBLE_VERSION, type EnsembleEnvelope, type ModelEnvelope, parseEnsembleEnvelope } from '../serialize/envelope';
import type { EnsembleSelection } from './greedy-selection';

/**
 * Builds the ensemble artifact. Task, target, classes and columns come from the first (heaviest) member;
 * the parser then refuses members that disagree on task, target or class order.
 * @param envelopeOf the model envelope of a chosen candidate, by candidate id
 * @param metric the job's metric (defaults to the primary member's)
 */
export function buildEnsembleEnvelope(selection: EnsembleSelection, envelopeOf: (id: string) => ModelEnvelope | undefined, metric?: MetricName): EnsembleEnvelope {
  if (selection.members.length === 0) throw new EngineError('invalid_params', 'an ensemble needs at least one member');
  const members = selection.members.map((m) => {
    const envelope = envelopeOf(m.id);
    if (!envelope) throw new EngineError('invalid_params', `no model envelope for ensemble member "${m.id}"`, { member: m.id });
    return { weight: m.weight, id: m.id, envelope };
  });
  const primary = members[0].envelope;
  return parseEnsembleEnvelope({
    format: ENSEMBLE_FORMAT,
    version: ENSEMBLE_VERSION,
    task: primary.task,
    target: primary.target,
    classes: primary.classes,
    metric: metric ?? primary.metric,
    columns: primary.columns,
    members,
  });
}
