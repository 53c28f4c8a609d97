/**
 * @module engine/serialize/envelope
 * The one versioned artifact of a fitted trial: what the model predicts (task, target, classes, metric),
 * how raw rows become features (the pipeline state), and the model itself. Loading checks the format tag
 * and version and refuses anything else, so a corrupt or foreign file fails loudly instead of predicting
 * nonsense.
 */
import { EngineError } from '../core/errors';
import type { ImageShape } from '../core/image-shape';
import type { Task } from '../core/task';
import type { MetricName } from '../eval/metrics';
import type { PipelineState } from '../features/pipeline';
import type { ModelArtifact, ModelFamily } from '../models/model';

export const ENVELOPE_FORMAT = 'edge-automl/model';
export const ENVELOPE_VERSION = 1;

export interface ModelEnvelope {
  readonly format: typeof ENVELOPE_FORMAT;
  readonly version: typeof ENVELOPE_VERSION;
  readonly task: Task;
  readonly target: string;
  /** Class labels by class index (classification only). */
  readonly classes: readonly string[];
  readonly metric: MetricName;
  /** Every column of the training data (so predict accepts rows shaped like the upload). */
  readonly columns: readonly string[];
  readonly pipeline: PipelineState;
  readonly model: ModelArtifact;
  /** The image layout of the pixel columns, for models trained on images (turns an uploaded image into a row). */
  readonly image?: ImageShape;
  /**
   * A table model trained on a complete grid of `px_*` columns: the pixel value of full intensity in its
   * training data (images/pixel-range), so predict scales an image file sent to it as an image model's.
   */
  readonly pixel_max?: number;
  /** With pixel_max, when the training pixels go below 0: their black (ImageShape.minValue). */
  readonly pixel_min?: number;
}

export function parseEnvelope(json: unknown): ModelEnvelope {
  const e = json as Partial<ModelEnvelope> | null;
  if (!e || typeof e !== 'object' || e.format !== ENVELOPE_FORMAT) throw new EngineError('bad_artifact', 'not an edge-automl model artifact (format tag missing)');
  if (e.version !== ENVELOPE_VERSION) throw new EngineError('bad_artifact', `unsupported model artifact version ${String(e.version)}`);
  if (!e.pipeline || !e.model || !Array.isArray(e.columns) || !Array.isArray(e.classes)) throw new EngineError('bad_artifact', 'model artifact is incomplete');
  return e as ModelEnvelope;
}

/*
 * Ensemble artifacts. An ensemble is a weighted average of member models' raw outputs; the members'
 * model envelopes are embedded (not referenced by key) so a published ensemble is one self-contained
 * file: serving needs one read, and deleting a trial's artifact can never break a published model.
 * Version 2 adds the log-linear pool of multiclass jobs (ensemble/log-linear-pool): members fall into
 * groups (a chosen trial, or the fold models of a bagged one), each group averages its members'
 * probabilities, and the groups' probabilities are pooled as p_k ∝ exp(Σ_g groups[g]·log p_gk). A
 * version-1 reader refuses such an artifact instead of averaging it wrongly; averaged ensembles are still
 * written as version 1.
 */

export const ENSEMBLE_FORMAT = 'edge-automl/ensemble';
/** The version of averaged ensembles. */
export const ENSEMBLE_VERSION = 1;
/** The version of log-linear pools (`combine: "log_linear"`). */
export const POOLED_ENSEMBLE_VERSION = 2;

/** One member of an ensemble: its share of the average and its full model envelope. */
export interface EnsembleMember {
  /**
   * Share of the weighted average, > 0; the loader renormalises the members' weights to sum to 1 (within
   * their group, in a log-linear pool).
   */
  readonly weight: number;
  /** Where the member came from (a trial id), for reports; not used to predict. */
  readonly id?: string;
  /** In a log-linear pool: the index of the member's group in `groups`. */
  readonly group?: number;
  readonly envelope: ModelEnvelope;
}

/**
 * A weighted average of models trained for the same target. Every member predicts the same task, target
 * and classes (in the same order), so their raw outputs are averaged position by position: probabilities
 * for classification, values for regression. With `combine: "log_linear"` (multiclass only) the average
 * is taken within each group and the groups are pooled log-linearly (see above).
 */
export interface EnsembleEnvelope {
  readonly format: typeof ENSEMBLE_FORMAT;
  readonly version: typeof ENSEMBLE_VERSION | typeof POOLED_ENSEMBLE_VERSION;
  /** Absent: the weighted average. */
  readonly combine?: 'log_linear';
  /** With combine "log_linear": each group's exponent in the pool (≥ 0, not normalised). */
  readonly groups?: readonly number[];
  readonly task: Task;
  readonly target: string;
  readonly classes: readonly string[];
  readonly metric: MetricName;
  /** Every column of the training data (so predict accepts rows shaped like the upload). */
  readonly columns: readonly string[];
  /** Members, heaviest first by convention (the builder sorts them), so members[0] is the primary model. */
  readonly members: readonly EnsembleMember[];
}

/** Any artifact a Predictor can load. */
export type AnyEnvelope = ModelEnvelope | EnsembleEnvelope;

/** Checks an ensemble artifact: format, version, at least one member, and members that agree with it. */
export function parseEnsembleEnvelope(json: unknown): EnsembleEnvelope {
  const e = json as Partial<EnsembleEnvelope> | null;
  if (!e || typeof e !== 'object' || e.format !== ENSEMBLE_FORMAT) throw new EngineError('bad_artifact', 'not an edge-automl ensemble artifact (format tag missing)');
  if (e.version !== ENSEMBLE_VERSION && e.version !== POOLED_ENSEMBLE_VERSION) throw new EngineError('bad_artifact', `unsupported ensemble artifact version ${String(e.version)}`);
  if (typeof e.task !== 'string' || typeof e.target !== 'string' || !Array.isArray(e.columns) || !Array.isArray(e.classes) || !Array.isArray(e.members) || e.members.length === 0) {
    throw new EngineError('bad_artifact', 'ensemble artifact is incomplete');
  }
  e.members.forEach((m, i) => {
    if (!m || typeof m !== 'object' || typeof m.weight !== 'number' || !Number.isFinite(m.weight) || m.weight <= 0) {
      throw new EngineError('bad_artifact', `ensemble member ${i} needs a positive finite weight`, { member: i });
    }
    // A member must be a plain model: nested ensembles are refused here rather than recursed into.
    const inner = parseEnvelope(m.envelope);
    // Averaging position by position is only meaningful when every member's outputs mean the same thing.
    const agrees = inner.task === e.task && inner.target === e.target && sameList(inner.classes, e.classes as readonly string[]);
    if (!agrees) throw new EngineError('bad_artifact', `ensemble member ${i} predicts a different task, target or class order than the ensemble`, { member: i });
  });
  checkCombination(e as EnsembleEnvelope);
  return e as EnsembleEnvelope;
}

/** Version 1 averages; version 2 is a log-linear pool of multiclass groups, each with at least one member. */
function checkCombination(e: EnsembleEnvelope): void {
  if (e.version === ENSEMBLE_VERSION) {
    if (e.combine !== undefined || e.groups !== undefined || e.members.some((m) => m.group !== undefined)) {
      throw new EngineError('bad_artifact', 'a version-1 ensemble artifact averages its members: it has no combine, groups or member groups');
    }
    return;
  }
  if (e.combine !== 'log_linear') throw new EngineError('bad_artifact', `ensemble artifact version 2 needs combine "log_linear", got ${JSON.stringify(e.combine ?? null)}`);
  if (e.task !== 'multiclass') throw new EngineError('bad_artifact', `a log-linear ensemble pools class probabilities: task must be multiclass, not ${e.task}`);
  const groups = e.groups;
  if (!Array.isArray(groups) || groups.length === 0 || groups.some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0)) {
    throw new EngineError('bad_artifact', 'a log-linear ensemble needs groups: one finite exponent ≥ 0 per group');
  }
  const used = new Set<number>();
  e.members.forEach((m, i) => {
    if (!Number.isInteger(m.group) || (m.group as number) < 0 || (m.group as number) >= groups.length) {
      throw new EngineError('bad_artifact', `ensemble member ${i} needs a group between 0 and ${groups.length - 1}`, { member: i });
    }
    used.add(m.group as number);
  });
  if (used.size !== groups.length) throw new EngineError('bad_artifact', 'every group of a log-linear ensemble needs at least one member');
}

/**
 * Each member's share of the average it belongs to: of its group in a log-linear pool, else of the whole
 * ensemble. Stored weights are renormalised here, so shares sum to exactly 1 per average.
 */
export function memberShares(e: EnsembleEnvelope): number[] {
  const groupOf = (m: EnsembleMember) => (e.combine === 'log_linear' ? (m.group as number) : 0);
  const totals = new Map<number, number>();
  for (const m of e.members) totals.set(groupOf(m), (totals.get(groupOf(m)) ?? 0) + m.weight);
  return e.members.map((m) => m.weight / (totals.get(groupOf(m)) as number));
}

/** Loads either artifact kind; an exhaustive switch over format tags that refuses anything unknown. */
export function parseAnyEnvelope(json: unknown): AnyEnvelope {
  const format = json && typeof json === 'object' ? (json as { format?: unknown }).format : undefined;
  switch (format) {
    case ENVELOPE_FORMAT:
      return parseEnvelope(json);
    case ENSEMBLE_FORMAT:
      return parseEnsembleEnvelope(json);
    default:
      throw new EngineError('bad_artifact', `not an edge-automl artifact (unknown format ${JSON.stringify(format ?? null)})`);
  }
}

/** The model families an artifact needs loaded (e.g. to boot the tfjs backend before loading an MLP). */
export function envelopeFamilies(envelope: AnyEnvelope): ModelFamily[] {
  const families = envelope.format === ENSEMBLE_FORMAT ? envelope.members.map((m) => m.envelope.model.family) : [envelope.model.family];
  return [...new Set(families)];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
