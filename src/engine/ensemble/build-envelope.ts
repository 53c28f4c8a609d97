/**
 * @module engine/ensemble/build-envelope
 * Turns a job's selection (a greedy average, or a log-linear pool) plus the chosen trials' envelopes into
 * one self-contained ensemble artifact (members embedded, heaviest first), checked by the same parser
 * serving uses so a publishable ensemble is always a loadable one. A chosen trial that is itself a bag of
 * fold models (see run-trial) is flattened into its members (in a pool, kept together as one group), so an
 * artifact never nests ensembles.
 */
import { EngineError } from '../core/errors';
import type { MetricName } from '../eval/metrics';
import { type AnyEnvelope, ENSEMBLE_FORMAT, ENSEMBLE_VERSION, type EnsembleEnvelope, type ModelEnvelope, parseEnsembleEnvelope, POOLED_ENSEMBLE_VERSION } from '../serialize/envelope';
import type { EnsembleSelection } from './greedy-selection';
import type { LogLinearSelection } from './log-linear-pool';

/**
 * Builds the ensemble artifact. Task, target, classes and columns come from the first (heaviest) member;
 * the parser then refuses members that disagree on task, target or class order. A selection with
 * `combine: "log_linear"` (./log-linear-pool) becomes a version-2 artifact: each chosen candidate is a group
 * with its exponent, and a bag's fold models stay together in their candidate's group.
 * @param envelopeOf the envelope of a chosen candidate, by candidate id (a model, or a bag of fold models)
 * @param metric the job's metric (defaults to the primary member's)
 */
export function buildEnsembleEnvelope(
  selection: Pick<EnsembleSelection, 'members'> | Pick<LogLinearSelection, 'members' | 'combine'>,
  envelopeOf: (id: string) => AnyEnvelope | undefined,
  metric?: MetricName,
): EnsembleEnvelope {
  if (selection.members.length === 0) throw new EngineError('invalid_params', 'an ensemble needs at least one member');
  const pooled = 'combine' in selection && selection.combine === 'log_linear';
  const members: { weight: number; id: string; group?: number; envelope: ModelEnvelope }[] = selection.members.flatMap((m, group) => {
    const envelope = envelopeOf(m.id);
    if (!envelope) throw new EngineError('invalid_params', `no model envelope for ensemble member "${m.id}"`, { member: m.id });
    // In a pool the weight of a group is its exponent; its members share the group's average.
    const flat = flatMembers(m.id, pooled ? 1 : m.weight, envelope);
    return pooled ? flat.map((f) => ({ ...f, group })) : flat;
  });
  // Heaviest first, as the format expects (a bag's members are lighter than the pick that brought them);
  // in a pool, by the group's exponent first.
  const exponent = (f: { group?: number }) => (f.group === undefined ? 0 : selection.members[f.group].weight);
  members.sort((a, b) => exponent(b) - exponent(a) || b.weight - a.weight);
  const primary = members[0].envelope;
  return parseEnsembleEnvelope({
    format: ENSEMBLE_FORMAT,
    version: pooled ? POOLED_ENSEMBLE_VERSION : ENSEMBLE_VERSION,
    ...(pooled ? { combine: 'log_linear', groups: selection.members.map((m) => m.weight) } : {}),
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
  if (envelope.combine !== undefined) throw new EngineError('invalid_params', `ensemble member "${id}" is itself a log-linear pool; only models and bags can be members`, { member: id });
  const total = envelope.members.reduce((sum, m) => sum + m.weight, 0);
  return envelope.members.map((m) => ({ weight: (weight * m.weight) / total, id: `${id}/${m.id}`, envelope: m.envelope }));
}
