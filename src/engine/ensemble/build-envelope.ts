/**
 * @module engine/ensemble/build-envelope
 * Turns a greedy selection plus the chosen trials' envelopes into one self-contained ensemble artifact
 * (members embedded, heaviest first), checked by the same parser serving uses so a publishable ensemble
 * is always a loadable one. A chosen trial that is itself a bag of fold models (see run-trial) is
 * flattened into its members, so an artifact never nests ensembles.
 */
import { EngineError } from '../core/errors';
import type { MetricName } from '../eval/metrics';
import { type AnyEnvelope, ENSEMBLE_FORMAT, ENSEMBLE_VERSION, type EnsembleEnvelope, type ModelEnvelope, parseEnsembleEnvelope } from '../serialize/envelope';
import type { EnsembleSelection } from './greedy-selection';

/**
 * Builds the ensemble artifact. Task, target, classes and columns come from the first (heaviest) member;
 * the parser then refuses members that disagree on task, target or class order.
 * @param envelopeOf the envelope of a chosen candidate, by candidate id (a model, or a bag of fold models)
 * @param metric the job's metric (defaults to the primary member's)
 */
export function buildEnsembleEnvelope(selection: Pick<EnsembleSelection, 'members'>, envelopeOf: (id: string) => AnyEnvelope | undefined, metric?: MetricName): EnsembleEnvelope {
  if (selection.members.length === 0) throw new EngineError('invalid_params', 'an ensemble needs at least one member');
  const members = selection.members.flatMap((m) => {
    const envelope = envelopeOf(m.id);
    if (!envelope) throw new EngineError('invalid_params', `no model envelope for ensemble member "${m.id}"`, { member: m.id });
    return flatMembers(m.id, m.weight, envelope);
  });
  // Heaviest first, as the format expects (a bag's members are lighter than the pick that brought them).
  members.sort((a, b) => b.weight - a.weight);
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

/** A chosen candidate as ensemble members: itself, or a bag's members with their shares of its weight. */
function flatMembers(id: string, weight: number, envelope: AnyEnvelope): { weight: number; id: string; envelope: ModelEnvelope }[] {
  if (!('members' in envelope)) return [{ weight, id, envelope }];
  const total = envelope.members.reduce((sum, m) => sum + m.weight, 0);
  return envelope.members.map((m) => ({ weight: (weight * m.weight) / total, id: `${id}/${m.id}`, envelope: m.envelope }));
}
