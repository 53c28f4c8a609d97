/**
 * Synthetic data for the model contract: five standard-normal features (four informative, one noise)
 * and a target per task that mixes a strong linear part with a mild interaction, so linear models,
 * neighbours, trees and networks can all learn it from a few hundred rows, yet a constant cannot. Train
 * and test rows are drawn independently from the same distribution (the test rows are held out).
 */
import { type Matrix, matrix } from '../../src/engine/core/matrix';
import { Rng } from '../../src/engine/core/rng';
import type { Task } from '../../src/engine/core/task';
import type { TrainSet } from '../../src/engine/models/model';

export interface ContractData {
  readonly train: TrainSet;
  readonly test: { readonly X: Matrix; readonly y: Float32Array };
}

const COLS = 5;
const TRAIN_ROWS = 500;
const TEST_ROWS = 300;

/** The target of one row for the task (class index or value), with noise drawn from rng. */
function targetOf(task: Task, x: Float32Array, rng: Rng): number {
  const noise = rng.normal();
  if (task === 'regression') return 10 + 3 * x[0] - 2 * x[1] + x[2] * x[3] + 0.5 * noise;
  if (task === 'binary') return 2 * x[0] - 1.5 * x[1] + x[2] * x[3] + 0.5 * noise > 0 ? 1 : 0;
  // Three classes: the largest of three scores, each driven by different features.
  const s = [2 * x[0], 2 * x[1], -1.2 * (x[0] + x[1]) + x[2] * x[3]];
  for (let c = 0; c < 3; c++) s[c] += 0.4 * rng.normal();
  return s.indexOf(Math.max(...s));
}

function draw(task: Task, rows: number, rng: Rng): { X: Matrix; y: Float32Array } {
  const X = matrix(rows, COLS);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const x = X.data.subarray(i * COLS, (i + 1) * COLS);
    for (let c = 0; c < COLS; c++) x[c] = rng.normal();
    y[i] = targetOf(task, x, rng);
  }
  return { X, y };
}

export function contractData(task: Task, seed: number): ContractData {
  const rng = new Rng(seed);
  return { train: draw(task, TRAIN_ROWS, rng), test: draw(task, TEST_ROWS, rng) };
}
