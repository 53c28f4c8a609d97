/**
 * @module worker/queue/serving-metadata
 * A trial artifact's serving estimate as R2 custom metadata, so the ensemble builder reads every
 * candidate's with a HEAD instead of downloading its artifact: the estimate itself (`serving-us`, µs per
 * row) and the shapes of its tree models (`serving-forests`), which a blend's estimate needs to count
 * what its members' trees add to each other by sharing the cache (engine/serialize/serving-cache).
 * Artifacts written before either key existed read as no constraint (estimate 0), or as an estimate
 * without trees (added alone, as blends were estimated before).
 */
import { type AnyEnvelope, type ForestShape, forestShapes, servingCostMicros, type ServingProfile } from '../../engine';

/** R2 custom-metadata key of a trial artifact's estimated single-row serving time, µs. */
export const SERVING_COST_METADATA = 'serving-us';
/** R2 custom-metadata key of its tree models' shapes: `trees:nodes:bytes` per model, comma-separated. */
export const SERVING_FORESTS_METADATA = 'serving-forests';

/**
 * R2 holds at most 2 KiB of custom metadata per object: a bag of more fold forests than this leaves its
 * shapes out (its blends are then estimated as before: its estimate added alone).
 */
const MAX_FORESTS = 40;

/** The metadata to write with a trial artifact, and its estimate (the trial's `serving_us`). */
export function servingMetadata(envelope: AnyEnvelope): { micros: number; metadata: Record<string, string> } {
  const micros = servingCostMicros(envelope);
  const forests = forestShapes(envelope);
  const shapes = forests.length > 0 && forests.length <= MAX_FORESTS ? forests.map((f) => `${f.trees}:${f.nodes}:${f.bytes}`).join(',') : undefined;
  return { micros, metadata: { [SERVING_COST_METADATA]: micros.toFixed(2), ...(shapes ? { [SERVING_FORESTS_METADATA]: shapes } : {}) } };
}

/** A candidate's serving profile from its artifact's metadata (see the module comment for older artifacts). */
export function servingProfileOf(metadata: Record<string, string> | undefined): ServingProfile {
  const micros = Number(metadata?.[SERVING_COST_METADATA]);
  return { micros: Number.isFinite(micros) && micros >= 0 ? micros : 0, forests: parseForests(metadata?.[SERVING_FORESTS_METADATA]) };
}

/** The shapes written by servingMetadata; none at all when any is malformed (the estimate then stands alone). */
function parseForests(value: string | undefined): ForestShape[] {
  if (!value) return [];
  const forests: ForestShape[] = [];
  for (const part of value.split(',')) {
    const [trees, nodes, bytes] = part.split(':').map(Number);
    if (![trees, nodes, bytes].every((n) => Number.isFinite(n) && n > 0)) return [];
    forests.push({ trees, nodes, bytes });
  }
  return forests;
}
