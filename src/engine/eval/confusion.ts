/**
 * @module engine/eval/confusion
 * The confusion matrix of a classifier's raw output (see core/task): rows are the true classes, columns
 * the predicted ones, with the same labelling rule as the metrics (binary: probability ≥ 0.5 is class 1;
 * multiclass: the first argmax).
 */
import { outputColumns, predictedLabel } from './metrics-classification';

/**
 * @param yTrue    class indices stored as floats
 * @param output   raw output: one probability per row (binary) or nClasses per row
 * @returns counts[true class][predicted class]
 */
export function confusionMatrix(yTrue: Float32Array, output: Float32Array, nClasses: number): number[][] {
  const width = outputColumns(yTrue, output, nClasses);
  const size = width === 1 ? 2 : width;
  const counts = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let i = 0; i < yTrue.length; i++) counts[yTrue[i]][predictedLabel(output, i, width)]++;
  return counts;
}
