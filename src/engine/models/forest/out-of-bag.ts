/**
 * @module engine/models/forest/out-of-bag
 * Held-out predictions of a forest from the one fit (FitContext.outOfBag): tree t learns from the rows
 * outside fold t mod k only (drawn from them when the forest bootstraps) and, once grown, predicts the rows
 * of that fold, so each row ends with the mean of the trees that never saw it. That is a k-fold
 * cross-validation of forests k times smaller (Breiman's out-of-bag estimate, laid out on the job's folds
 * so every tree learns from as many rows as a fold's model does), which run-trial scores instead of k
 * forests of full size.
 */
import type { Matrix } from '../../core/matrix';
import type { OutOfBagPredictions } from '../model';
import type { FlatForest } from '../tree/flat-tree';

/**
 * Fewest trees a forest needs for its out-of-bag predictions to stand in for cross-validation (the
 * search's smallest forest): each row is predicted by the trees that skipped its fold, 10 of 50 at 5 folds,
 * whose average runs a little worse than a full forest's (a 100-tree forest scored up to 3 % below its
 * cross-validation, `npm run bench:out-of-bag`), so small forests are never flattered.
 */
export const OUT_OF_BAG_MIN_TREES = 50;

/** Sums each training row's outputs over the trees that skipped its fold. */
export class OutOfBagAccumulator {
  private readonly sums: Float64Array;
  /** How many trees predicted each row. */
  private readonly members: Int32Array;

  constructor(
    private readonly X: Matrix,
    private readonly width: number,
  ) {
    this.sums = new Float64Array(X.rows * width);
    this.members = new Int32Array(X.rows);
  }

  /**
   * Adds tree `t` of `forest` to the rows of fold `skipped` (`fold[r] === skipped`), the fold whose rows
   * it never drew from. `leafTable` holds the class probabilities per global leaf for multiclass forests
   * (null: the forest's leaf values).
   */
  addTree(forest: FlatForest, t: number, fold: Int32Array, skipped: number, leafTable: Float32Array | null): void {
    const { X, width, sums, members } = this;
    for (let r = 0; r < X.rows; r++) {
      if (fold[r] !== skipped) continue;
      const base = r * X.cols;
      members[r]++;
      if (leafTable === null) sums[r] += forest.predictTree(t, X.data, base);
      else {
        const leaf = forest.leafIndex(t, X.data, base) * width;
        for (let c = 0; c < width; c++) sums[r * width + c] += leafTable[leaf + c];
      }
    }
  }

  /** The mean per row (NaN for rows no tree predicted). */
  result(): OutOfBagPredictions {
    const { width, sums, members } = this;
    const predictions = new Float32Array(sums.length);
    let unreached = 0;
    let fewest = Number.POSITIVE_INFINITY;
    for (let r = 0; r < members.length; r++) {
      const m = members[r];
      if (m === 0) unreached++;
      else fewest = Math.min(fewest, m);
      for (let c = 0; c < width; c++) predictions[r * width + c] = m === 0 ? Number.NaN : sums[r * width + c] / m;
    }
    return { predictions, unreached, fewestMembers: Number.isFinite(fewest) ? fewest : 0 };
  }
}
