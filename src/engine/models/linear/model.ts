/**
 * @module engine/models/linear/model
 * A fitted linear model and its artifact. Coefficients are held as Float32 (exactly what the artifact
 * stores) and intercepts as doubles (exact through JSON), so a model loaded from its artifact predicts
 * bit-for-bit what the freshly fitted one did. Outputs follow core/task: σ for binary, softmax for
 * multiclass, the value for regression. The training mean of every feature is kept too (when the model was
 * fitted after it was recorded), so an explanation can say how far each feature moved the score from the
 * average training row.
 */
import { EngineError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { TASKS, type Task } from '../../core/task';
import { decodeF32, encodeF32 } from '../../serialize/codec';
import type { FittedModel, ModelArtifact } from '../model';

/** Current artifact format version. */
export const LINEAR_ARTIFACT_VERSION = 1;

/** Serialised linear model. */
export interface LinearArtifact extends ModelArtifact {
  readonly family: 'linear';
  readonly version: 1;
  readonly task: Task;
  readonly nFeatures: number;
  /** Outputs: 1 for binary and regression, K for multiclass. */
  readonly nOutputs: number;
  /** Base64 Float32, nOutputs × nFeatures, one output's coefficients after another. */
  readonly coef: string;
  /** One intercept per output. */
  readonly intercepts: number[];
  /** Base64 Float32 training mean of each feature; absent in artifacts written before it was recorded. */
  readonly featureMeans?: string;
  readonly fitInfo: Record<string, number>;
}

/** A fitted linear model (logistic, softmax or ridge / elastic net). */
export class LinearModel implements FittedModel {
  readonly family = 'linear' as const;

  constructor(
    readonly task: Task,
    readonly nFeatures: number,
    /** nOutputs × nFeatures, output-major. */
    readonly coef: Float32Array,
    readonly intercepts: Float64Array,
    readonly fitInfo: Readonly<Record<string, number>>,
    /** Training mean of each feature (the reference point of explanations), or null when unknown. */
    readonly featureMeans: Float32Array | null = null,
  ) {}

  get nOutputs(): number {
    return this.intercepts.length;
  }

  predict(X: Matrix): Float32Array {
    const p = this.nFeatures;
    if (X.cols !== p) throw new EngineError('invalid_input', `linear model expects ${p} features, got ${X.cols}`, { expected: p, got: X.cols });
    const K = this.nOutputs;
    const { coef, intercepts } = this;
    const data = X.data;
    const out = new Float32Array(X.rows * K);
    // Scratch for one row's multiclass scores.
    const z = new Float64Array(K);
    for (let i = 0, off = 0; i < X.rows; i++, off += p) {
      for (let k = 0; k < K; k++) {
        let s = intercepts[k];
        const c = k * p;
        for (let j = 0; j < p; j++) s += data[off + j] * coef[c + j];
        z[k] = s;
      }
      if (this.task === 'regression') out[i] = z[0];
      else if (this.task === 'binary') {
        // σ(z) through e^(−|z|), which cannot overflow.
        const e = Math.exp(-Math.abs(z[0]));
        out[i] = z[0] >= 0 ? 1 / (1 + e) : e / (1 + e);
      } else {
        let max = -Infinity;
        for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
        let sum = 0;
        for (let k = 0; k < K; k++) {
          z[k] = Math.exp(z[k] - max);
          sum += z[k];
        }
        for (let k = 0; k < K; k++) out[i * K + k] = z[k] / sum;
      }
    }
    return out;
  }

  toArtifact(): LinearArtifact {
    return {
      family: 'linear',
      version: LINEAR_ARTIFACT_VERSION,
      task: this.task,
      nFeatures: this.nFeatures,
      nOutputs: this.nOutputs,
      coef: encodeF32(this.coef),
      intercepts: Array.from(this.intercepts),
      ...(this.featureMeans ? { featureMeans: encodeF32(this.featureMeans) } : {}),
      fitInfo: { ...this.fitInfo },
    };
  }

  dispose(): void {}
}

/** Rebuilds a LinearModel; rejects other families, unknown versions and inconsistent shapes. */
export function loadLinearModel(artifact: ModelArtifact): LinearModel {
  if (artifact.family !== 'linear') bad(`expected a linear artifact, got family ${JSON.stringify(artifact.family)}`);
  if (artifact.version !== LINEAR_ARTIFACT_VERSION) bad(`unknown linear artifact version ${JSON.stringify(artifact.version)}`);
  const a = artifact as Partial<LinearArtifact>;
  if (!TASKS.includes(a.task as Task)) bad(`unknown task ${JSON.stringify(a.task)}`);
  const task = a.task as Task;
  const nFeatures = a.nFeatures;
  const nOutputs = a.nOutputs;
  if (!Number.isInteger(nFeatures) || (nFeatures as number) < 0) bad('nFeatures must be a non-negative integer');
  if (!Number.isInteger(nOutputs) || (nOutputs as number) < 1 || (task !== 'multiclass' && nOutputs !== 1)) bad(`nOutputs ${nOutputs} does not fit task ${task}`);
  if (typeof a.coef !== 'string') bad('coef must be a base64 string');
  let coef: Float32Array;
  try {
    coef = decodeF32(a.coef as string);
  } catch (cause) {
    // A truncated string decodes to a byte count that is not a multiple of 4.
    throw new EngineError('bad_artifact', 'coef is not a valid base64 Float32 array', {}, { cause });
  }
  if (coef.length !== (nFeatures as number) * (nOutputs as number)) bad(`coef has ${coef.length} values, expected ${(nFeatures as number) * (nOutputs as number)}`);
  const intercepts = a.intercepts;
  if (!Array.isArray(intercepts) || intercepts.length !== nOutputs || !intercepts.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    bad('intercepts must be one finite number per output');
  }
  const featureMeans = a.featureMeans === undefined ? null : decodeMeans(a.featureMeans, nFeatures as number);
  const fitInfo = a.fitInfo && typeof a.fitInfo === 'object' ? a.fitInfo : {};
  return new LinearModel(task, nFeatures as number, coef, Float64Array.from(intercepts as number[]), fitInfo, featureMeans);
}

function decodeMeans(text: unknown, nFeatures: number): Float32Array {
  if (typeof text !== 'string') bad('featureMeans must be a base64 string');
  let means: Float32Array;
  try {
    means = decodeF32(text as string);
  } catch (cause) {
    throw new EngineError('bad_artifact', 'featureMeans is not a valid base64 Float32 array', {}, { cause });
  }
  if (means.length !== nFeatures || !means.every(Number.isFinite)) bad(`featureMeans must hold ${nFeatures} finite values`);
  return means;
}

function bad(message: string): never {
  throw new EngineError('bad_artifact', message);
}
