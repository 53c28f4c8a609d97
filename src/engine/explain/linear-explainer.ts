/**
 * @module engine/explain/linear-explainer
 * Explains linear models in margin space (the score before the sigmoid or softmax; the value for
 * regression). For a linear score the exact Shapley value of feature j with independent features is
 * coef_j × (x_j − mean_j), and the base is the score of the average training row. The means are the
 * model's recorded training means, not assumed 0: standardised numbers average 0, but one-hot
 * indicators, missing flags, date parts and text buckets do not.
 */
import type { LinearModel } from '../models/linear/model';
import { explainUnavailable } from './explanation';
import { checkWidth, type ModelExplainer } from './model-explainer';

export function linearExplainer(model: LinearModel): ModelExplainer {
  const means = model.featureMeans;
  if (means === null) {
    throw explainUnavailable('this linear model was stored before explanations were supported (it carries no training feature means); retrain it to get explanations', {
      family: 'linear',
    });
  }
  const p = model.nFeatures;
  const K = model.nOutputs;
  const { coef, intercepts } = model;
  const base = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = intercepts[k];
    for (let j = 0; j < p; j++) s += coef[k * p + j] * means[j];
    base[k] = s;
  }
  return {
    family: 'linear',
    space: model.task === 'regression' ? 'value' : 'margin',
    width: K,
    nFeatures: p,
    base,
    workPerRow: p * K,
    explain(X) {
      checkWidth(X, p);
      const data = X.data;
      const phi = new Float64Array(X.rows * p * K);
      const output = new Float64Array(X.rows * K);
      for (let r = 0, off = 0; r < X.rows; r++, off += p) {
        for (let k = 0; k < K; k++) {
          // The score summed in the same order as LinearModel.predict, so it matches prediction.
          let s = intercepts[k];
          const c = k * p;
          for (let j = 0; j < p; j++) {
            s += data[off + j] * coef[c + j];
            phi[(off + j) * K + k] = coef[c + j] * (data[off + j] - means[j]);
          }
          output[r * K + k] = s;
        }
      }
      return { phi, output };
    },
  };
}
