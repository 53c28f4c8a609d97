/**
 * @module engine/explain/forest-explainer
 * Explains random forests, extra trees and single CART trees in their output space (the probability of
 * each class, or the value for regression): the forest averages its trees, so the base and the
 * contributions are the average of every tree's expected value and exact TreeSHAP values.
 */
import { outputWidth } from '../core/task';
import type { ForestModel } from '../models/forest/forest-model';
import { checkWidth, type ModelExplainer } from './model-explainer';
import { ForestShap } from './tree-shap';

export function forestExplainer(model: ForestModel): ModelExplainer {
  const width = outputWidth(model.task, model.nClasses);
  const table = model.leafTable;
  const shap = new ForestShap(model.forest, {
    // Multiclass leaves keep their class probabilities in a side table; others hold their value in the forest.
    leafValues: table ?? model.forest.arrays().leafValue,
    leafWidth: table ? width : 1,
    width,
    treeScale: 1 / model.forest.nTrees,
  });
  const nFeatures = model.nFeatures;
  return {
    family: model.family,
    space: model.task === 'regression' ? 'value' : 'probability',
    width,
    nFeatures,
    base: shap.expected,
    workPerRow: shap.workPerRow,
    explain(X) {
      checkWidth(X, nFeatures);
      const phi = new Float64Array(X.rows * nFeatures * width);
      for (let r = 0; r < X.rows; r++) shap.explainRow(X.data, r * nFeatures, phi, r * nFeatures * width);
      return { phi, output: Float64Array.from(model.predict(X)) };
    },
  };
}
