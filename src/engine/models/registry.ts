/**
 * @module engine/models/registry
 * The explicit, ordered list of model families. Order is priority: the portfolio tries families in this
 * order. Registration is not an import side effect, so bundles and tests stay predictable.
 */
import { EngineError } from '../core/errors';
import { linearSpec } from './linear/linear';
import type { ModelFamily, ModelSpec } from './model';
import { mlpSpec } from './nn/mlp';
import { gbdtSpec } from './tree/gbdt';

export const MODEL_SPECS: readonly ModelSpec[] = [gbdtSpec, linearSpec, mlpSpec];

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
