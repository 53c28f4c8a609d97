/**
 * @module engine/models/forest/forest-model
 * A fitted random forest, extra-trees ensemble or single CART tree: predicts the average of its trees'
 * leaf outputs (means, P(class 1), or class probabilities), and converts to and from its versioned
 * artifact. Trees are stored in the flat format of tree/flat-tree; multiclass leaf probabilities travel
 * as one extra float32 table, so a loaded model predicts bit-identically.
 */
import { EngineError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { outputWidth, TASKS, type Task } from '../../core/task';
import { decodeF32, encodeF32 } from '../../serialize/codec';
import type { FittedModel, ModelArtifact, OutOfBagPredictions } from '../model';
import { type EncodedForest, FlatForest } from '../tree/flat-tree';
import type { ForestFamily } from './forest-params';

/** Current artifact format version. */
export const FOREST_ARTIFACT_VERSION = 1;

/** What a forest artifact holds besides the family tag and version. */
export interface ForestArtifact extends ModelArtifact {
  readonly family: ForestFamily;
  readonly version: typeof FOREST_ARTIFACT_VERSION;
  readonly task: Task;
  readonly nClasses: number;
  readonly nFeatures: number;
  readonly forest: EncodedForest;
  /** Multiclass: base64 float32 class probabilities, nClasses per leaf; absent otherwise. */
  readonly leafTable?: string;
  readonly fitInfo: Record<string, number>;
}

/** A fitted tree ensemble (or single tree) of one of the forest families. */
export class ForestModel implements FittedModel {
  private readonly width: number;

  constructor(
    readonly family: ForestFamily,
    readonly task: Task,
    readonly nClasses: number,
    readonly nFeatures: number,
    /** The trees (read by explanations; never written after fitting). */
    readonly forest: FlatForest,
    /** Multiclass leaf probabilities, nClasses per global leaf; null when leaf values live in the forest. */
    readonly leafTable: Float32Array | null,
    readonly fitInfo: Readonly<Record<string, number>>,
    /** The training rows' out-of-bag predictions, when the fit was asked for them (never stored in the artifact). */
    readonly outOfBag?: OutOfBagPredictions,
  ) {
    this.width = outputWidth(task, nClasses);
  }

  predict(X: Matrix): Float32Array {
    if (X.cols !== this.nFeatures) {
      throw new EngineError('invalid_input', `the model expects ${this.nFeatures} feature columns, got ${X.cols}`, { expected: this.nFeatures, got: X.cols });
    }
    const width = this.width;
    const nTrees = this.forest.nTrees;
    const out = new Float32Array(X.rows * width);
    const acc = new Float64Array(width);
    const table = this.leafTable;
    for (let r = 0; r < X.rows; r++) {
      const base = r * X.cols;
      acc.fill(0);
      if (table === null) this.forest.addRow(X.data, base, 1, acc);
      else {
        for (let t = 0; t < nTrees; t++) {
          const leaf = this.forest.leafIndex(t, X.data, base) * width;
          for (let c = 0; c < width; c++) acc[c] += table[leaf + c];
        }
      }
      for (let c = 0; c < width; c++) out[r * width + c] = acc[c] / nTrees;
    }
    return out;
  }

  toArtifact(): ForestArtifact {
    return {
      family: this.family,
      version: FOREST_ARTIFACT_VERSION,
      task: this.task,
      nClasses: this.nClasses,
      nFeatures: this.nFeatures,
      forest: this.forest.encode(),
      ...(this.leafTable ? { leafTable: encodeF32(this.leafTable) } : {}),
      fitInfo: { ...this.fitInfo },
    };
  }

  dispose(): void {}

  /** Rebuilds a model of `family` from `toArtifact()` output; throws EngineError('bad_artifact') on anything unexpected. */
  static fromArtifact(family: ForestFamily, artifact: ModelArtifact): ForestModel {
    const bad = (why: string): EngineError => new EngineError('bad_artifact', `cannot load ${family} artifact: ${why}`, { family: artifact.family, version: artifact.version });
    if (artifact.family !== family) throw bad(`family is ${JSON.stringify(artifact.family)}`);
    if (artifact.version !== FOREST_ARTIFACT_VERSION) throw bad(`unknown version ${JSON.stringify(artifact.version)}`);
    const a = artifact as Partial<ForestArtifact>;
    if (!a.task || !TASKS.includes(a.task)) throw bad('unknown task');
    if (!Number.isInteger(a.nClasses) || !Number.isInteger(a.nFeatures) || a.nFeatures! < 0) throw bad('bad shape');
    if (a.task === 'multiclass' && a.nClasses! < 2) throw bad('multiclass needs at least 2 classes');
    if (!a.forest || typeof a.forest !== 'object' || !Number.isInteger(a.forest.nTrees) || a.forest.nTrees < 1) throw bad('missing forest');
    let forest: FlatForest | string;
    let leafTable: Float32Array | null = null;
    try {
      forest = FlatForest.decode(a.forest, a.nFeatures!);
      if (a.task === 'multiclass') {
        if (typeof a.leafTable !== 'string') throw bad('missing leaf table');
        leafTable = decodeF32(a.leafTable);
      }
    } catch (cause) {
      if (cause instanceof EngineError) throw cause;
      throw new EngineError('bad_artifact', `cannot load ${family} artifact: arrays do not decode`, {}, { cause });
    }
    if (typeof forest === 'string') throw bad(forest);
    if (leafTable && leafTable.length !== forest.leafCount * a.nClasses!) throw bad('leaf table does not match the leaves');
    const fitInfo = a.fitInfo && typeof a.fitInfo === 'object' ? a.fitInfo : {};
    return new ForestModel(family, a.task, a.nClasses!, a.nFeatures!, forest, leafTable, fitInfo);
  }
}
