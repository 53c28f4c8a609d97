/**
 * @module engine/models/forest/splitter
 * The seam between the forest tree builder and its split searches: the per-tree row data both read, the
 * record of the best split found so far, and the Splitter interface. Random forests and CART search the
 * best threshold on histograms (best-split.ts); extremely randomised trees draw one threshold per feature
 * (random-split.ts). Both see a node as a contiguous range of the builder's row-index array.
 */
import type { Rng } from '../../core/rng';
import type { BinMapper } from '../tree/binning';
import type { SplitCriterion } from './split-criterion';

/** Training data of one fit as the split searches read it; the per-row arrays are refilled for each tree. */
export interface TreeData {
  /** Column-major byte bins (see tree/binning), `nRows` per feature. */
  readonly binned: Uint8Array;
  readonly nRows: number;
  readonly mapper: BinMapper;
  readonly criterion: SplitCriterion;
  /** Weight of each row in the current tree (bootstrap count × sample and class weight); 0 = not used. */
  readonly w: Float32Array;
  /** 'sum' layout: w · t of each row (t the centred target, or the 0/1 label). */
  readonly g: Float32Array;
  /** 'class' layout: class index of each row. */
  readonly cls: Int32Array;
}

/** The best split of a node found so far; one instance, reset per node. */
export class SplitChoice {
  /** Children's purity score sum; -Infinity until a valid split is found. */
  score = -Infinity;
  feature = -1;
  categorical = false;
  /**
   * Numeric: value bins 0..bin go left; -1 sends every value right (only missing values go left).
   */
  bin = 0;
  /** Missing values (and, for categoricals, codes never binned) go left. */
  defaultLeft = false;
  leftCount = 0;
  /** Categorical: 1 for every bin of `feature` that goes left (numeric splits fill it with `fillNumericTable`). */
  readonly leftTable: Uint8Array;

  constructor(maxFeatureBins: number) {
    this.leftTable = new Uint8Array(maxFeatureBins);
  }

  reset(): void {
    this.score = -Infinity;
    this.feature = -1;
  }

  /** Writes the bin-to-side table of a numeric split (only for the split actually applied). */
  fillNumericTable(nBins: number): void {
    const t = this.leftTable;
    for (let b = 0; b < nBins - 1; b++) t[b] = b <= this.bin ? 1 : 0;
    t[nBins - 1] = this.defaultLeft ? 1 : 0;
  }
}

/** A split search over the rows `indices[start, start + count)` of one node. */
export interface Splitter {
  /** Called once per node before `evaluate` (gathers what the search reads per row). */
  begin(indices: Uint32Array, start: number, count: number): void;
  /**
   * Scores splits on `features[0, n)` and improves `best` where one beats it; a split leaves at least
   * `minLeaf` rows on each side. Sets `constant[constantAt + f] = 1` for every feature f found constant
   * within the node (so the node's descendants skip it) and returns how many features are not constant.
   */
  evaluate(
    features: Int32Array,
    n: number,
    total: Float64Array,
    minLeaf: number,
    rng: Rng,
    best: SplitChoice,
    constant: Uint8Array,
    constantAt: number,
  ): number;
}
