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
import { mlpSpec } from './nn/mlp';
import { gbdtSpec } from './tree/gbdt';

// Strong, cheap families first: the zero-shot portfolio tries each default in this order, so a short
// budget still sees boosted trees, a forest and a linear model before the slower neural network.
export const MODEL_SPECS: readonly ModelSpec[] = [gbdtSpec, randomForestSpec, linearSpec, extraTreesSpec, mlpSpec, knnSpec, cartSpec];

const byFamily = new Map<ModelFamily, ModelSpec>();
for (const spec of MODEL_SPECS) {
  if (byFamily.has(spec.family)) throw new Error(`model family "${spec.family}" is registered twice in MODEL_SPECS`);
  byFamily.set(spec.family, spec);
}

export const MODEL_FAMILIES: readonly ModelFamily[] = MODEL_SPECS.map((s) => s.family);

export function getModelSpec(family: string): ModelSpec {
  const spec = byFamily.get(family as ModelFamily);
  if (!spec) throw new EngineError('invalid_params', `unknown model family "${family}"; known: ${MODEL_FAMILIES.join(', ')}`, { family });
  return spec;
}
