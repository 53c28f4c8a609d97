/**
 * @module worker/positive-class
 * A job's `positive_class`, checked before anything is recorded: the class a binary job's f1 (and its
 * evaluation's ROC curve) speaks for. Asked for, it must be one of the target's two classes, written as in
 * the data or differing only in case or in how a number is written (`1` for a class "1.0"), and is recorded
 * as the data writes it; a job that is not binary is refused naming the field. Not asked for, a binary job
 * gets engine/eval/positive-class's default (the obvious positive label of a yes/no pair, else the rarer
 * class), recorded so the job's trials, ensemble, comparison and evaluation all score the same class.
 */
import type { PreparedTarget } from '../engine/data/target';
import { defaultPositiveClass } from '../engine/eval/positive-class';
import { ApiError } from './errors';

/**
 * @param asked the request's `positive_class` (text; a number or boolean is sent as its text)
 * @param target the target as the trials will read it
 * @param forecast whether the job is a forecast job (its target is a series, never binary)
 * @returns the class to record, or undefined for a job that is not binary
 */
export function resolvePositiveClass(asked: string | undefined, target: PreparedTarget, forecast: boolean): string | undefined {
  const binary = target.task === 'binary' && !forecast;
  if (asked === undefined) return binary ? defaultPositiveClass(target.classes, target.y) : undefined;
  if (!binary) {
    const what = forecast ? 'a forecast job' : `a ${target.task} job${target.task === 'multiclass' ? ` (${target.classes.length} classes)` : ''}`;
    throw new ApiError(400, 'invalid_request', `positive_class: only a binary job has a positive class, and this is ${what}; leave the field out`, { field: 'positive_class' });
  }
  const found = matchClass(asked, target.classes);
  if (found !== undefined) return found;
  const known = target.classes.map((c) => `"${c}"`).join(' and ');
  throw new ApiError(400, 'invalid_request', `positive_class: "${asked}" is not a class of the target; its classes are ${known}`, {
    field: 'positive_class',
    positive_class: asked,
    classes: [...target.classes],
  });
}

/** The class `asked` names: the same text, else the one class equal to it ignoring case and spaces, else the one equal as a number. */
function matchClass(asked: string, classes: readonly string[]): string | undefined {
  if (classes.includes(asked)) return asked;
  const folded = asked.trim().toLowerCase();
  const byCase = classes.filter((c) => c.trim().toLowerCase() === folded);
  if (byCase.length === 1) return byCase[0];
  const number = (text: string) => (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN);
  const value = number(asked);
  const byValue = Number.isNaN(value) ? [] : classes.filter((c) => number(c) === value);
  return byValue.length === 1 ? byValue[0] : undefined;
}
