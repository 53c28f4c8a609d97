/**
 * @module engine/serialize/envelope
 * The one versioned artifact of a fitted trial: what the model predicts (task, target, classes, metric),
 * how raw rows become features (the pipeline state), and the model itself. Loading checks the format tag
 * and version and refuses anything else, so a corrupt or foreign file fails loudly instead of predicting
 * nonsense.
 */
import { EngineError } from '../core/errors';
import type { Task } from '../core/task';
import type { MetricName } from '../eval/metrics';
import type { PipelineState } from '../features/pipeline';
import type { ModelArtifact } from '../models/model';

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
  /** Per input column importance (share of the model's total), when the family can tell. */
  readonly importances?: Readonly<Record<string, number>>;
}

export function parseEnvelope(json: unknown): ModelEnvelope {
  const e = json as Partial<ModelEnvelope> | null;
  if (!e || typeof e !== 'object' || e.format !== ENVELOPE_FORMAT) throw new EngineError('bad_artifact', 'not an edge-automl model artifact (format tag missing)');
  if (e.version !== ENVELOPE_VERSION) throw new EngineError('bad_artifact', `unsupported model artifact version ${String(e.version)}`);
  if (!e.pipeline || !e.model || !Array.isArray(e.columns) || !Array.isArray(e.classes)) throw new EngineError('bad_artifact', 'model artifact is incomplete');
  return e as ModelEnvelope;
}
