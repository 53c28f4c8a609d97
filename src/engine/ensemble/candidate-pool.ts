/**
 * @module engine/ensemble/candidate-pool
 * Which finished trials a job's ensemble selection may choose from: the best `top` by loss, plus the best
 * trial of every family not already among them. A search spends most of its trials near its leader, so
 * the top by loss is often one family's near-duplicates; the greedy selection can only mix families it is
 * offered, and a blend across families usually holds up better on new data than one family's variants.
 * `npm run bench:pool` (in-process searches on 12 datasets × 3 seeds, both pools from the same trials, each
 * blend scored once on the test split): better in 10, worse in 6, equal in 20; the gains were the larger
 * (diabetes RMSE 53.3 → 52.5–52.7 on all three seeds, credit_g AUC +0.014 once), the losses at most
 * 0.0014 AUC or 0.03 RMSE.
 */

export interface PoolTrial {
  readonly id: string;
  readonly family: string;
  /** Lower is better. */
  readonly loss: number;
}

/** Default number of trials taken by loss alone. */
export const DEFAULT_POOL_TOP = 20;

/**
 * Bytes of out-of-fold predictions the ensemble build may hold at once. The build reads every candidate's
 * matrix into one isolate (128 MB, shared with the dataset and the blend's buffers): on a wide multiclass
 * table (20,000 rows of 100 classes: 8 MB each) 28 matrices would not fit, and a build that runs out of
 * memory gives no blend: the job publishes its best single trial once the build's lease runs out.
 */
export const POOL_OOF_BUDGET_BYTES = 48 * 2 ** 20;

/** Most candidates whose out-of-fold matrices (rows × width float32 each) fit the budget; at least 2. */
export function poolSizeLimit(rows: number, width: number, budgetBytes = POOL_OOF_BUDGET_BYTES): number {
  return Math.max(2, Math.floor(budgetBytes / (4 * Math.max(1, rows) * Math.max(1, width))));
}

/** The pool, best loss first (ties keep the input order), at most `limit` trials. */
export function ensembleCandidatePool<T extends PoolTrial>(trials: readonly T[], top = DEFAULT_POOL_TOP, limit = Number.POSITIVE_INFINITY): T[] {
  const ranked = trials.map((t, i) => ({ t, i })).sort((a, b) => a.t.loss - b.t.loss || a.i - b.i);
  const chosen = new Set<number>();
  ranked.slice(0, top).forEach(({ i }) => chosen.add(i));
  const families = new Set<string>();
  for (const { t, i } of ranked) {
    if (families.has(t.family)) continue;
    families.add(t.family);
    chosen.add(i);
  }
  return ranked
    .filter(({ i }) => chosen.has(i))
    .slice(0, limit)
    .map(({ t }) => t);
}
