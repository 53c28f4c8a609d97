/**
 * @module engine/core/task
 * The learning tasks the tabular engine solves, and the shape of a model's raw output for each.
 */

export type Task = 'binary' | 'multiclass' | 'regression';

export const TASKS: readonly Task[] = ['binary', 'multiclass', 'regression'];

/**
 * Width of a model's output per row: regression 1 (the value), binary 1 (probability of class index 1),
 * multiclass K (one probability per class, summing to 1).
 */
export function outputWidth(task: Task, nClasses: number): number {
  return task === 'multiclass' ? nClasses : 1;
}
