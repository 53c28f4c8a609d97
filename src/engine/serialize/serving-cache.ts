/**
 * @module engine/serialize/serving-cache
 * What the tree models of one artifact (a blend, or a bag of fold models) add to each other's serving
 * time by sharing the core's caches. Alone, a forest's node visits are priced by its own size
 * (./serving-cost); in a blend its nodes compete with every other member's for the same cache, so a
 * blend of several large forests runs slower than its members do alone: blends of 2-6 forests of 1-9 MB
 * took 1.2-2.3× the sum of their members' own times, more the more forests (`npm run bench:serving-estimate
 * -- --forest-blends 2,3,4,5,6`, which also gives the estimate's figures on them: README "Serving time").
 *
 * The model is the usual approximation of an LRU cache (Che's): a cached byte stays while it is used at
 * least about once per "characteristic time" τ, which is set by how many bytes the cache holds. A tree
 * walk visits a node at depth k on 2^-k of the rows, so the cache keeps the levels near every tree's root
 * and loses the deep ones, across all the blend's trees together: a blend lowers the depth that stays
 * cached for each member, and a member pays a miss for each level it loses, against what it lost alone.
 * The last visits of a walk do not miss (a small subtree lies in its root's cache lines). This is why a
 * small model of shallow trees (a boosted model's) beside large forests stays cheap: measured +0-50 µs on
 * ames_housing beside four forests, where pricing its visits by the blend's total bytes gives +190-310 µs.
 *
 * Fitted (SHARED_CACHE_BYTES, MISS_NS, SAME_LINE_VISITS) to single-row CPU time of 169 blends of 2-6
 * forests of 0.3-9 MB, alone and with a boosted model, a small forest, kNN or a linear model beside
 * them (ames_housing and credit_g trials; 10 runs at load averages of 2-11), relative to the same run's
 * single forests, which the machine's load moves alike: estimate/measured of the blends of two or more
 * large forests went from 0.65 (0.38-1.03) of the single forests' to 0.95 (0.74-1.45). On the previous
 * calibration's 42 random blends holding two or more large forests (loads 7-13), not fitted on: from
 * 0.76 and 0.88 (medians of its two passes) to 0.87 and 1.11, the single forests being at 1.15 and 1.44.
 */

/** The shape of one tree model, as the estimate reads it from the artifact. */
export interface ForestShape {
  /** Trees (a multiclass boosted model stores one per class per round). */
  readonly trees: number;
  /** Split nodes over all trees (a walk visits split nodes down to a leaf, whose value is stored apart). */
  readonly nodes: number;
  /** Bytes a prediction walk reads. */
  readonly bytes: number;
}

/** Bytes of tree nodes that stay cached between one-row requests on the loaded reference machine (its L2 and a share of the L3). */
export const SHARED_CACHE_BYTES = 2.5 * 2 ** 20;
/**
 * A node visit that misses it, ns: the node's line from memory in each array the walk reads (feature,
 * threshold, flags, children), a TLB miss, and the mispredicted branch the walk then takes.
 */
const MISS_NS = 350;
/**
 * The last visits of a walk that never miss: nodes are stored in pre-order, so a subtree of a few nodes
 * lies in the cache lines of its root, which the walk has just fetched.
 */
const SAME_LINE_VISITS = 3;

/** One level of a forest's trees: its nodes per tree, and the walk's visits to it per tree (1, or less on the last level). */
interface Level {
  readonly depth: number;
  readonly nodes: number;
  readonly visits: number;
}

/** Visits per tree of a walk, as ./serving-cost counts them: log2(split nodes per tree + 1) + 1. */
const walkOf = (f: ForestShape) => Math.log2(Math.max(1, f.nodes / f.trees) + 1) + 1;

/** The levels of a balanced tree of the forest's average size: level k holds up to 2^k nodes, and a walk visits each once (the last partly). */
function levelsOf(f: ForestShape): Level[] {
  const perTree = Math.max(1, f.nodes / f.trees);
  const visits = walkOf(f);
  const levels: Level[] = [];
  let left = perTree;
  for (let k = 0; k < Math.ceil(visits); k++) {
    const nodes = Math.max(0, Math.min(2 ** k, left));
    left -= nodes;
    levels.push({ depth: k, nodes, visits: Math.min(1, visits - k) });
  }
  return levels;
}

interface Walked {
  readonly shape: ForestShape;
  readonly bytesPerNode: number;
  readonly levels: readonly Level[];
  /** Visits per tree. */
  readonly walk: number;
}

/** Bytes of these forests an LRU cache holds when it keeps what is used within τ rows (Che's approximation). */
function cachedBytes(forests: readonly Walked[], tau: number): number {
  let bytes = 0;
  for (const f of forests) {
    for (const l of f.levels) bytes += f.shape.trees * l.nodes * f.bytesPerNode * -Math.expm1(-tau * 2 ** -l.depth);
  }
  return bytes;
}

/** τ at which the forests fill the cache; Infinity when they all fit. */
function characteristicRows(forests: readonly Walked[]): number {
  if (forests.reduce((n, f) => n + f.shape.bytes, 0) <= SHARED_CACHE_BYTES) return Number.POSITIVE_INFINITY;
  // cachedBytes grows with τ from 0 to the forests' bytes: bisect on log2 τ.
  let lo = -30;
  let hi = 80;
  for (let i = 0; i < 32; i++) {
    const mid = (lo + hi) / 2;
    if (cachedBytes(forests, 2 ** mid) <= SHARED_CACHE_BYTES) lo = mid;
    else hi = mid;
  }
  return 2 ** lo;
}

/** Node visits per row of forest `f` that miss the cache, at characteristic time τ (none in a walk's last SAME_LINE_VISITS). */
function missesPerRow(f: Walked, tau: number): number {
  if (tau === Number.POSITIVE_INFINITY) return 0;
  const missable = f.walk - SAME_LINE_VISITS;
  return f.shape.trees * f.levels.reduce((n, l) => n + Math.max(0, Math.min(l.visits, missable - l.depth)) * Math.exp(-tau * 2 ** -l.depth), 0);
}

/**
 * µs per row that the forests of one artifact add by sharing the cache: for each, the misses it has
 * beside the others less those it has alone (which its own price already counts). 0 for fewer than two
 * forests or while they all fit the cache, and never less when a forest is added.
 */
export function sharedCacheMicros(forests: readonly ForestShape[]): number {
  const walked = forests
    .filter((f) => f.trees > 0 && f.nodes > 0 && f.bytes > 0)
    .map((shape) => ({ shape, bytesPerNode: shape.bytes / shape.nodes, levels: levelsOf(shape), walk: walkOf(shape) }));
  if (walked.length < 2) return 0;
  const together = characteristicRows(walked);
  let misses = 0;
  for (const f of walked) misses += Math.max(0, missesPerRow(f, together) - missesPerRow(f, characteristicRows([f])));
  return (misses * MISS_NS) / 1000;
}
