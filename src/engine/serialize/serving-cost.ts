/**
 * @module engine/serialize/serving-cost
 * Predicted single-row prediction time of an artifact, in microseconds, from its structure alone. Workers
 * cannot time their own CPU work (clocks only move on I/O), so the ensemble builder caps a blend's
 * latency with this estimate instead of a measurement. The constants are calibrated against
 * `npm run bench:serve` (in-process single-row µs per family on this project's reference machine) and
 * are meant to rank and bound, not to promise: bench:serve prints the measured figures beside them.
 */
import type { ModelArtifact } from '../models/model';
import type { AnyEnvelope, ModelEnvelope } from './envelope';

/** Turning one JSON row into features: per input column, plus a fixed call overhead. */
const ROW_OVERHEAD_US = 1.5;
const PER_INPUT_US = 0.2;
/** One node visit of a boosted tree (small, cache-resident trees). */
const GBDT_NODE_US = 0.012;
/** One node visit of a deep bagged tree (larger trees, more cache misses). */
const FOREST_NODE_US = 0.028;
/** One multiply-add of a dense model (linear weights, kNN distances). */
const MADD_US = 0.0015;
/** A tfjs call from JavaScript (tensor creation, kernel dispatch, read back), whatever the size. */
const TFJS_CALL_US = 35;

/** Bytes of a base64 string's payload. */
const base64Bytes = (s: unknown) => (typeof s === 'string' ? Math.floor((s.length * 3) / 4) : 0);

function treeCost(model: ModelArtifact, nodeUs: number): number {
  const forest = model.forest as { nTrees?: number; feature?: string } | undefined;
  const trees = Math.max(1, forest?.nTrees ?? 1);
  const nodes = Math.max(trees, base64Bytes(forest?.feature) / 4);
  // Node visits per tree ≈ depth of a balanced tree of that size (leaf-wise trees are deeper, bagged
  // trees unbalanced: the per-family constant absorbs it).
  const depth = Math.log2(nodes / trees + 1) + 1;
  // Multiclass boosting stores one tree per class per round, so nTrees already counts them all.
  return trees * depth * nodeUs;
}

function modelCost(model: ModelArtifact): number {
  switch (model.family) {
    case 'gbdt':
      return treeCost(model, GBDT_NODE_US);
    case 'random_forest':
    case 'extra_trees':
    case 'cart':
      return treeCost(model, FOREST_NODE_US);
    case 'linear':
      return (base64Bytes(model.coef) / 4) * MADD_US;
    case 'knn':
      return (Number(model.rows) || 0) * (Number(model.nFeatures) || 0) * MADD_US;
    case 'mlp': {
      const layers = (model.layers as { inputs: number; units: number }[] | undefined) ?? [];
      return TFJS_CALL_US + layers.reduce((n, l) => n + l.inputs * l.units, 0) * MADD_US;
    }
    case 'cnn':
      // A model that reads shift views runs its five views as one batch: one call, five times the work.
      return TFJS_CALL_US + cnnMacs(model) * MADD_US * (model.shiftViews === true ? 5 : 1);
    default:
      return 0;
  }
}

/** Multiply-adds of one CNN forward pass, from the artifact's image shape and blocks (0 if malformed). */
function cnnMacs(model: ModelArtifact): number {
  const image = model.image as { height?: number; width?: number; channels?: number } | undefined;
  const blocks = (model.blocks as { filters: number; kernelSize: number; pool: string | null }[] | undefined) ?? [];
  let h = Number(image?.height) || 0;
  let w = Number(image?.width) || 0;
  let c = Number(image?.channels) || 0;
  let macs = 0;
  for (const b of blocks) {
    macs += h * w * b.kernelSize * b.kernelSize * c * b.filters;
    if (b.pool) {
      h = Math.ceil(h / 2);
      w = Math.ceil(w / 2);
    }
    c = b.filters;
  }
  const dense = Number(model.denseUnits) || 0;
  return macs + h * w * c * dense + dense * 10;
}

function memberCost(e: ModelEnvelope): number {
  return ROW_OVERHEAD_US + PER_INPUT_US * e.pipeline.inputs.length + modelCost(e.model);
}

/** Estimated µs to predict one row with this artifact (an ensemble pays for every member). */
export function servingCostMicros(envelope: AnyEnvelope): number {
  if ('members' in envelope) return envelope.members.reduce((n, m) => n + memberCost(m.envelope), 0);
  return memberCost(envelope);
}
