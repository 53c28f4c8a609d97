/**
 * @module engine/models/registry
 * The explicit, ordered list of model families. Order is priority: the portfolio tries families in this
 * order. Registration is not an import side effect, so bundles and tests stay predictable.
 */
import { EngineError } from '../core/errors';
import { cartSpec, extraTreesSpec, randomForestSpec } from './forest/forest';
import { knnSpec } from './knn/knn';
import { linearSpec } from './linear/linear';
import type { ModelFamily, ModelSpec } from './model';
import { cnnSpec } from './nn/cnn/cnn';
import { mlpSpec } from './nn/mlp';
import { gbdtSpec } from './tree/gbdt';

// Strong, cheap families first: the zero-shot portfolio tries each default in this order, so a short
// budget still sees boosted trees, a forest and a linear model before the slower neural network.
export const MODEL_SPECS: readonly ModelSpec[] = [gbdtSpec, randomForestSpec, linearSpec, extraTreesSpec, mlpSpec, knnSpec, cartSpec, cnnSpec];

const byFamily = new Map<ModelFamily, ModelSpec>();
for (const spec of MODEL_SPECS) {
  if (byFamily.has(spec.family)) throw new Error(`model family "${spec.family}" is registered twice in MODEL_SPECS`);
  byFamily.set(spec.family, spec);
}

/** Every registered family, in priority order. */
export const ALL_FAMILIES: readonly ModelFamily[] = MODEL_SPECS.map((s) => s.family);

/** Families that only make sense on images (they read 'pixels' features); never defaults of a table job. */
const IMAGE_ONLY: ReadonlySet<ModelFamily> = new Set(['cnn']);

/** The default families of a table job, in priority order (the image-only CNN is not one of them). */
export const MODEL_FAMILIES: readonly ModelFamily[] = ALL_FAMILIES.filter((f) => !IMAGE_ONLY.has(f));

/**
 * The default families of an image job, in priority order: the CNN first (convolutions see shapes, and
 * its default alone beats every table learner on the digits benchmark), then the MLP and a linear model
 * as fast baselines over the same pixels as plain numeric columns.
 */
export const IMAGE_FAMILIES: readonly ModelFamily[] = ['cnn', 'mlp', 'linear'];

/**
 * What a family's fidelity is a fraction of in a multi-fidelity search: its epochs (the CNN trains on
 * every row for fewer epochs) or the training rows; rows for a family not here (forecasters have none).
 */
export const fidelityUnitOf = (family: string): 'rows' | 'epochs' => byFamily.get(family as ModelFamily)?.fidelity ?? 'rows';

export function getModelSpec(family: string): ModelSpec {
  const spec = byFamily.get(family as ModelFamily);
  if (!spec) throw new EngineError('invalid_params', `unknown model family "${family}"; known: ${ALL_FAMILIES.join(', ')}`, { family });
  return spec;
}
