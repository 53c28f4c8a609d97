/**
 * @module engine/explain/probability-rescale
 * A binary classifier explained in margin space (log-odds: gradient-boosted trees, linear models) restated
 * in probability space, so that it can be added to the other members of an averaged ensemble (forests,
 * single trees, or other log-odds models such as a bag's fold models), whose output is the average of its
 * members' probabilities.
 *
 * Each row's margin contributions are scaled by one factor, (σ(m) − σ(b)) / (m − b), where m is the row's
 * margin and b the model's base margin: the contributions keep their signs and their proportions, and
 * σ(b) + Σ contributions = σ(m) exactly (local accuracy in probability space). The attribution is an
 * approximation of the probability's Shapley values (the sigmoid is not additive), the usual one for
 * stating log-odds explanations as probabilities. When m is b the factor is the slope σ'(m).
 */
import type { Matrix } from '../core/matrix';
import type { FeatureExplanation, ModelExplainer } from './model-explainer';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The explainer restated in probability space; `explainer` must explain a binary margin (width 1). */
export function inProbabilitySpace(explainer: ModelExplainer): ModelExplainer {
  const baseMargin = explainer.base[0];
  const baseProbability = sigmoid(baseMargin);
  return {
    family: explainer.family,
    space: 'probability',
    width: 1,
    nFeatures: explainer.nFeatures,
    base: Float64Array.of(baseProbability),
    workPerRow: explainer.workPerRow,
    explain(X: Matrix): FeatureExplanation {
      const { phi, output } = explainer.explain(X);
      const nFeatures = explainer.nFeatures;
      const scaled = new Float64Array(phi.length);
      const probability = new Float64Array(output.length);
      for (let r = 0; r < output.length; r++) {
        const m = output[r];
        const p = sigmoid(m);
        const gap = m - baseMargin;
        const factor = Math.abs(gap) > 1e-12 ? (p - baseProbability) / gap : p * (1 - p);
        for (let f = r * nFeatures; f < (r + 1) * nFeatures; f++) scaled[f] = phi[f] * factor;
        probability[r] = p;
      }
      return { phi: scaled, output: probability };
    },
  };
}
