/**
 * @module engine/explain/gbdt-explainer
 * Explains gradient-boosted trees in raw-score space (the margin before the sigmoid or softmax; for
 * regression the value itself): the base is the initial score plus every tree's expected value, and
 * contributions are exact TreeSHAP summed over the trees of each class.
 */
import type { GbdtModel } from '../models/tree/gbdt-model';
import { checkWidth, type ModelExplainer } from './model-explainer';
import { ForestShap } from './tree-shap';

export function gbdtExplainer(model: GbdtModel): ModelExplainer {
  const k = model.initScores.length;
  const shap = new ForestShap(model.forest, { leafValues: model.forest.arrays().leafValue, leafWidth: 1, width: k, treeScale: 1 });
  const base = Float64Array.from(model.initScores, (s, c) => s + shap.expected[c]);
  const nFeatures = model.nFeatures;
  return {
    family: 'gbdt',
    space: model.task === 'regression' ? 'value' : 'margin',
    width: k,
    nFeatures,
    base,
    workPerRow: shap.workPerRow,
    explain(X) {
      checkWidth(X, nFeatures);
      const phi = new Float64Array(X.rows * nFeatures * k);
      const output = new Float64Array(X.rows * k);
      const raw = new Float64Array(k);
      for (let r = 0; r < X.rows; r++) {
        shap.explainRow(X.data, r * nFeatures, phi, r * nFeatures * k);
        // The margin exactly as prediction sums it: initial scores, then every tree's leaf.
        raw.set(model.initScores);
        model.forest.addRow(X.data, r * nFeatures, k, raw);
        output.set(raw, r * k);
      }
      return { phi, output };
    },
  };
}
