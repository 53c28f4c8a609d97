/**
 * @module engine/explain/explainer-for
 * The exhaustive switch from a fitted model to its explainer. Families without an exact method (neural
 * networks, nearest neighbours) are refused with a clear error naming the family.
 */
import { assertNever, EngineError } from '../core/errors';
import type { FittedModel } from '../models/model';
import { ForestModel } from '../models/forest/forest-model';
import { LinearModel } from '../models/linear/model';
import { GbdtModel } from '../models/tree/gbdt-model';
import { explainUnavailable } from './explanation';
import { forestExplainer } from './forest-explainer';
import { gbdtExplainer } from './gbdt-explainer';
import { linearExplainer } from './linear-explainer';
import type { ModelExplainer } from './model-explainer';

/** The explainer of a fitted model; throws EngineError (explain_unavailable) for families that have none. */
export function explainerFor(model: FittedModel): ModelExplainer {
  const family = model.family;
  switch (family) {
    case 'gbdt':
      return gbdtExplainer(expectInstance(model, GbdtModel));
    case 'random_forest':
    case 'extra_trees':
    case 'cart':
      return forestExplainer(expectInstance(model, ForestModel));
    case 'linear':
      return linearExplainer(expectInstance(model, LinearModel));
    case 'mlp':
    case 'cnn':
    case 'knn':
      throw explainUnavailable(
        `${family} models cannot be explained: per-feature contributions are computed exactly for gbdt, random_forest, extra_trees, cart and linear models only`,
        { family },
      );
    default:
      return assertNever(family, 'model family');
  }
}

function expectInstance<T>(model: FittedModel, kind: abstract new (...args: never[]) => T): T {
  if (!(model instanceof kind)) throw new EngineError('bad_artifact', `a ${model.family} model was not loaded as one`, { family: model.family });
  return model as T;
}
