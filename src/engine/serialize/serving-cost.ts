/**
 * @module engine/serialize/serving-cost
 * Predicted engine time of a one-row prediction request, in microseconds, from an artifact's structure
 * alone: `Predictor.predictRows([row])` (decoding the row, encoding it for each member, every member's
 * model, the average and the answer's objects), not the HTTP route around it. Workers cannot time their
 * own CPU work (clocks only move on I/O), so the ensemble builder caps a blend's latency with this
 * estimate instead of a measurement; it is `serving_us` on trials and `serving.estimated_us_per_row` on
 * models, and `serving.max_us_per_row` caps it.
 *
 * The estimate is one request's overhead, each member model's cost alone, and what the members' trees add
 * to each other by sharing the core's caches (./serving-cache: nothing for a single model, and a blend of
 * several large forests well over the sum of its members). A blend of trials is estimated from their
 * profiles (`servingProfile`, `blendServingMicros`): the request overhead once, what each trial adds, and
 * the cache the blend's trees share, so the ensemble cap bounds what the published blend is estimated at.
 * A batch costs less per row than this for boosted trees and neural networks (batched scoring) and about
 * the same for forests and kNN.
 *
 * The constants are process CPU time of JIT-warm calls on this project's reference machine (a shared
 * 2-core AMD EPYC, 1 MiB L2 per core, 32 MiB L3), fitted to single-row calls over distinct rows of 59 trials
 * and 75 random blends of them on credit_g, ames_housing and penguins, twice, at load averages of 7 to 13:
 * 0.53-2.1× the measurement, 90% within 0.66-1.43×, the median 0.98 (with the cache a blend's trees share,
 * ./serving-cache: 0.54-2.1×, 90% within 0.74-1.43×, the median 1.01). On a quiet machine the calls take 0.5-0.8× of the estimate;
 * a fresh isolate's first calls (before the JIT) take up to twice as long, and where more threads want to
 * run than there are cores the wall clock adds the waits for one (2-3× at a load of 8 on 2 cores).
 * `npm run bench:serving-estimate` prints the estimate beside single-row and batch measurements.
 * A tree node visit costs what fetching the node costs: about 5 ns while a model's trees fit the core's
 * fastest caches, 20-100 ns for forests of megabytes (deep trees on thousands of rows), priced by the
 * model's own size; beside other forests it loses more of its nodes from the cache (./serving-cache).
 */
import type { ModelArtifact } from '../models/model';
import type { AnyEnvelope, ModelEnvelope } from './envelope';
import { type ForestShape, sharedCacheMicros } from './serving-cache';

/** Once per request: validating the rows, the answer's label and probability objects. */
export const REQUEST_SERVING_MICROS = 0.5;
/** Once per member model: its call, its feature matrix and output, its share of the average. */
const MEMBER_US = 0.2;
/** Per input column and member: reading the request's cell and encoding it into that member's features. */
const PER_INPUT_US = 0.28;
/** A tree node visit while the model's trees fit the core's fastest caches (up to NODE_CACHED_BYTES), ns. */
const NODE_NS = 4.5;
const NODE_CACHED_BYTES = 65_536;
/** Past that, a visit costs NODE_NS × (bytes / NODE_CACHED_BYTES)^NODE_GROWTH: fewer nodes stay cached. */
const NODE_GROWTH = 0.6;
/** ...up to a main-memory fetch and a mispredicted branch, ns. */
const NODE_MAX_NS = 150;
/** One multiply-add of a kNN distance (the stored training rows, streamed). */
const KNN_MADD_US = 0.00085;
/**
 * Per stored row of a kNN, whatever its columns: the distance call, the loop and the comparison with the
 * k-th nearest. Per neighbour kept: the heap's sifts as nearer rows arrive (about k·ln(rows/k) of them)
 * and the looser bound that cuts fewer distances short. Without them the estimate was 0.05-0.5× the
 * measured time for tables of 2-8 columns; with them 0.70-1.41× over 300-20,000 rows, 2-100 columns and
 * k 5 or 50 (geometric mean 1.01; random normal rows, single-row calls, process CPU on a quiet machine).
 */
const KNN_ROW_US = 0.007;
const KNN_NEIGHBOUR_US = 0.2;
/** One coefficient of a linear model, with the encoding of the (often one-hot) feature it weighs. */
const LINEAR_COEF_US = 0.004;
/** A tfjs call from JavaScript (tensor creation, kernel dispatch, read back), whatever the size. */
const TFJS_CALL_US = 40;
/** One multiply-add of an MLP layer on the wasm backend. */
const MLP_MAC_US = 0.0006;
/** One multiply-add of a CNN forward pass (image jobs; not re-measured with the rest). */
const CNN_MAC_US = 0.0015;

/** Families whose model is a flat forest, walked tree by tree for each row. */
const TREE_FAMILIES = new Set(['gbdt', 'random_forest', 'extra_trees', 'cart']);
/** The forest arrays a prediction walk reads (leaf covers are for explanations only). */
const WALKED_ARRAYS = ['treeRoot', 'feature', 'threshold', 'flags', 'catRef', 'catBounds', 'catBits', 'left', 'right', 'leafValue'] as const;

/** Bytes of a base64 string's payload. */
const base64Bytes = (s: unknown) => (typeof s === 'string' ? Math.floor((s.length * 3) / 4) : 0);

/** ns per node visit of trees stored in `bytes`. */
export function nodeVisitNanos(bytes: number): number {
  return Math.min(NODE_MAX_NS, NODE_NS * Math.max(1, bytes / NODE_CACHED_BYTES) ** NODE_GROWTH);
}

/** A tree model's shape (trees, nodes, walked bytes); undefined for other families. */
function forestShape(model: ModelArtifact): ForestShape | undefined {
  if (!TREE_FAMILIES.has(model.family)) return undefined;
  const forest = model.forest as ({ nTrees?: number } & Partial<Record<(typeof WALKED_ARRAYS)[number], string>>) | undefined;
  const trees = Math.max(1, forest?.nTrees ?? 1);
  // Multiclass boosting stores one tree per class per round, so nTrees already counts them all.
  const bytes = WALKED_ARRAYS.reduce((n, k) => n + base64Bytes(forest?.[k]), 0) + base64Bytes(model.leafTable);
  return { trees, nodes: Math.max(trees, base64Bytes(forest?.feature) / 4), bytes };
}

function treeCost({ trees, nodes, bytes }: ForestShape): number {
  // Node visits per tree ≈ depth of a balanced tree of that size; measured path lengths are within
  // 0.6-1.15× of it (boosted stumps shorter, bagged trees unbalanced).
  const depth = Math.log2(nodes / trees + 1) + 1;
  return (trees * depth * nodeVisitNanos(bytes)) / 1000;
}

function modelCost(model: ModelArtifact): number {
  const forest = forestShape(model);
  if (forest) return treeCost(forest);
  switch (model.family) {
    case 'linear':
      return (base64Bytes(model.coef) / 4) * LINEAR_COEF_US;
    case 'knn': {
      const rows = Number(model.rows) || 0;
      const k = Math.min(Number(model.k) || 0, rows);
      return rows * (KNN_ROW_US + (Number(model.nFeatures) || 0) * KNN_MADD_US) + k * KNN_NEIGHBOUR_US;
    }
    case 'mlp': {
      const layers = (model.layers as { inputs: number; units: number }[] | undefined) ?? [];
      return TFJS_CALL_US + layers.reduce((n, l) => n + l.inputs * l.units, 0) * MLP_MAC_US;
    }
    case 'cnn':
      // A model that reads shift views runs its five views as one batch: one call, five times the work.
      return TFJS_CALL_US + cnnMacs(model) * CNN_MAC_US * (model.shiftViews === true ? 5 : 1);
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

/**
 * An estimate's parts, µs: the request's own overhead, per member model its overhead and its model's work
 * alone, and what the members' trees add by sharing the cache (0 for a single model).
 */
export interface ServingCostParts {
  readonly request: number;
  readonly members: readonly { readonly overhead: number; readonly model: number }[];
  readonly sharedCache: number;
}

const memberEnvelopes = (envelope: AnyEnvelope): ModelEnvelope[] => ('members' in envelope ? envelope.members.map((m) => m.envelope) : [envelope]);

/** The shapes of the artifact's tree models (every member's, for a bag or blend). */
export function forestShapes(envelope: AnyEnvelope): ForestShape[] {
  return memberEnvelopes(envelope).flatMap((e) => forestShape(e.model) ?? []);
}

export function servingCostParts(envelope: AnyEnvelope): ServingCostParts {
  return {
    request: REQUEST_SERVING_MICROS,
    members: memberEnvelopes(envelope).map((e) => ({ overhead: MEMBER_US + PER_INPUT_US * e.pipeline.inputs.length, model: modelCost(e.model) })),
    sharedCache: sharedCacheMicros(forestShapes(envelope)),
  };
}

/** Estimated µs of a one-row request to this artifact: the request's overhead, every member's cost and the cache its trees share. */
export function servingCostMicros(envelope: AnyEnvelope): number {
  const { request, members, sharedCache } = servingCostParts(envelope);
  return members.reduce((n, m) => n + m.overhead + m.model, request + sharedCache);
}

/**
 * What a blend needs to know of an artifact: its estimate, and the shapes of its tree models (whose
 * nodes share the cache with the other members'). An artifact known only by its estimate (`forests`
 * empty, or a bare number where a profile is taken) adds that estimate and nothing for the cache.
 */
export interface ServingProfile {
  readonly micros: number;
  readonly forests: readonly ForestShape[];
}

export function servingProfile(envelope: AnyEnvelope): ServingProfile {
  return { micros: servingCostMicros(envelope), forests: forestShapes(envelope) };
}

/**
 * The estimate of a blend of artifacts from their profiles: what servingCostMicros gives for the ensemble
 * envelope built from them. Each artifact's estimate counts one request's overhead and the cache its own
 * trees share, which the blend pays once over all its trees.
 */
export function blendServingMicros(artifacts: readonly (ServingProfile | number)[]): number {
  const profiles = artifacts.map((a) => (typeof a === 'number' ? { micros: a, forests: [] } : a));
  const own = profiles.reduce((n, p) => n + Math.max(0, p.micros - REQUEST_SERVING_MICROS - sharedCacheMicros(p.forests)), REQUEST_SERVING_MICROS);
  return own + sharedCacheMicros(profiles.flatMap((p) => p.forests));
}
