/**
 * @module engine/models/tree/gbdt-model
 * A fitted boosted ensemble: predicts by summing tree outputs onto the initial scores and mapping them
 * through the objective (sigmoid, softmax or identity), and converts to and from its versioned artifact.
 * The artifact holds the exact float32 thresholds and leaf values, so a loaded model predicts bit-identically.
 */
import { EngineError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { outputWidth, TASKS, type Task } from '../../core/task';
import type { FittedModel, ModelArtifact } from '../model';
import { type EncodedForest, FlatForest } from './flat-tree';
import { type Objective, objectiveFor } from './objectives';
import { QuickScorer } from './quick-scorer';

/**
 * A batch this large builds a loaded model's QuickScorer (tens of milliseconds, once per loaded model),
 * which it repays within the batch; single-row and small requests never pay for it, but use it once built.
 */
const QUICK_SCORER_MIN_ROWS = 1000;

/** Current artifact format version. */
export const GBDT_ARTIFACT_VERSION = 1;

/** What a gbdt artifact holds besides the family tag and version. */
export interface GbdtArtifact extends ModelArtifact {
  readonly family: 'gbdt';
  readonly version: typeof GBDT_ARTIFACT_VERSION;
  readonly task: Task;
  readonly nClasses: number;
  readonly nFeatures: number;
  /** Raw score offsets per class; plain JSON numbers round-trip float64 exactly. */
  readonly initScores: number[];
  readonly forest: EncodedForest;
  readonly fitInfo: Record<string, number>;
}

/** A fitted gradient-boosted tree model. */
export class GbdtModel implements FittedModel {
  readonly family = 'gbdt' as const;
  private readonly objective: Objective;
  private readonly k: number;
  private readonly width: number;
  /**
   * Built on the first large batch; null when not wanted or when this forest does not suit it (see
   * tree/quick-scorer). Only models loaded from an artifact (serving) want one: a model just fitted
   * predicts once, on its validation rows, inside a trial whose memory is budgeted without the tables.
   */
  private scorer: QuickScorer | null | undefined = null;

  constructor(
    readonly task: Task,
    readonly nClasses: number,
    readonly nFeatures: number,
    /** Raw score offsets per class (read by explanations, which start from them). */
    readonly initScores: Float64Array,
    /** The trees, tree t adding to class t % k (read by explanations; never written after fitting). */
    readonly forest: FlatForest,
    readonly fitInfo: Readonly<Record<string, number>>,
  ) {
    this.objective = objectiveFor(task, nClasses);
    this.k = this.objective.k;
    this.width = outputWidth(task, nClasses);
  }

  predict(X: Matrix): Float32Array {
    if (X.cols !== this.nFeatures) {
      throw new EngineError('invalid_input', `the model expects ${this.nFeatures} feature columns, got ${X.cols}`, { expected: this.nFeatures, got: X.cols });
    }
    const k = this.k;
    const out = new Float32Array(X.rows * this.width);
    const raw = new Float64Array(k);
    if (this.scorer === undefined && X.rows >= QUICK_SCORER_MIN_ROWS) this.scorer = QuickScorer.build(this.forest, this.nFeatures) ?? null;
    const scorer = this.scorer;
    // Both add the same leaf values in the same order: the scorer only finds the leaves faster.
    const leafValues = this.forest.arrays().leafValue;
    for (let r = 0; r < X.rows; r++) {
      raw.set(this.initScores);
      if (scorer) scorer.addRow(X.data, r * X.cols, leafValues, k, raw);
      else this.forest.addRow(X.data, r * X.cols, k, raw);
      this.objective.transform(raw, out, r * this.width);
    }
    return out;
  }

  toArtifact(): GbdtArtifact {
    return {
      family: 'gbdt',
      version: GBDT_ARTIFACT_VERSION,
      task: this.task,
      nClasses: this.nClasses,
      nFeatures: this.nFeatures,
      initScores: Array.from(this.initScores),
      forest: this.forest.encode(),
      fitInfo: { ...this.fitInfo },
    };
  }

  dispose(): void {}

  /** Rebuilds a model from `toArtifact()` output; throws EngineError('bad_artifact') on anything unexpected. */
  static fromArtifact(artifact: ModelArtifact): GbdtModel {
    const bad = (why: string): EngineError => new EngineError('bad_artifact', `cannot load gbdt artifact: ${why}`, { family: artifact.family, version: artifact.version });
    if (artifact.family !== 'gbdt') throw bad(`family is ${JSON.stringify(artifact.family)}`);
    if (artifact.version !== GBDT_ARTIFACT_VERSION) throw bad(`unknown version ${JSON.stringify(artifact.version)}`);
    const a = artifact as Partial<GbdtArtifact>;
    if (!a.task || !TASKS.includes(a.task)) throw bad('unknown task');
    if (!Number.isInteger(a.nClasses) || !Number.isInteger(a.nFeatures) || (a.nFeatures ?? -1) < 0) throw bad('bad shape');
    const k = a.task === 'multiclass' ? a.nClasses! : 1;
    if (k < 1 || !Array.isArray(a.initScores) || a.initScores.length !== k || !a.initScores.every((v) => typeof v === 'number')) throw bad('bad initial scores');
    if (!a.forest || typeof a.forest !== 'object' || !Number.isInteger(a.forest.nTrees)) throw bad('missing forest');
    let forest: FlatForest | string;
    try {
      forest = FlatForest.decode(a.forest, a.nFeatures!);
    } catch (cause) {
      throw new EngineError('bad_artifact', 'cannot load gbdt artifact: forest arrays do not decode', {}, { cause });
    }
    if (typeof forest === 'string') throw bad(forest);
    if (forest.nTrees % k !== 0) throw bad('tree count is not a multiple of the classes');
    const fitInfo = a.fitInfo && typeof a.fitInfo === 'object' ? a.fitInfo : {};
    const model = new GbdtModel(a.task, a.nClasses!, a.nFeatures!, Float64Array.from(a.initScores), forest, fitInfo);
    model.scorer = undefined;
    return model;
  }
}
