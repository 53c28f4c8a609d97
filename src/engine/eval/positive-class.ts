/**
 * @module engine/eval/positive-class
 * Which class a binary job's per-class scores (F1, the evaluation's ROC curve) speak for. A job may name
 * it (`positive_class`); otherwise it is the conventional positive label of an obvious pair (1/0, true/false,
 * yes/no, y/n, positive/negative, in any case), else the class that is rarer in the training rows: the one
 * a fraud, churn or default table is about, and the one whose F1 says something (the majority class of a
 * 1:50 table scores an F1 near 1 whatever the model). Ties keep class index 1 (the second label in class
 * order), which every binary score spoke for before jobs recorded a positive class: an artifact or job made
 * then reads as it did. The model's own output is untouched: a binary model still outputs the probability
 * of class index 1, and its predictions are the same whichever class is positive.
 */
import { EngineError } from '../core/errors';
import { parseBooleanCell } from '../data/column-types';

/** Words for the positive and negative of a pair beyond the truth values a boolean column reads. */
const POLARITY: ReadonlyMap<string, boolean> = new Map([
  ['positive', true],
  ['negative', false],
]);

/** The truth a label spells (a boolean cell's spellings: true/t/yes/y and false/f/no/n, or positive/negative). */
const truthOfLabel = (label: string): boolean | undefined => parseBooleanCell(label) ?? POLARITY.get(label.trim().toLowerCase());

/** 1 against 0 or -1 as a number however written ("1", "1.0", "+1"; a numeric target's labels keep the file's spelling). */
function numericValue(label: string): number | undefined {
  const t = label.trim();
  return /^[+-]?\d+(\.\d*)?$/.test(t) ? Number(t) : undefined;
}

/** The index of the conventional positive label of `classes` (two labels), or undefined when the pair is not an obvious one. */
export function conventionalPositive(classes: readonly string[]): number | undefined {
  if (classes.length !== 2) return undefined;
  const [a, b] = classes.map(truthOfLabel);
  if (a !== undefined && b !== undefined && a !== b) return a ? 0 : 1;
  const [x, y] = classes.map(numericValue);
  if (x === 1 && (y === 0 || y === -1)) return 0;
  if (y === 1 && (x === 0 || x === -1)) return 1;
  return undefined;
}

/**
 * The positive class of a binary target when the job names none: the conventional positive label of an
 * obvious pair, else the class with fewer training rows, else (as many rows of each) class index 1.
 * @param classes the two class labels, in class-index order
 * @param y the training rows' class indices (0 or 1)
 */
export function defaultPositiveClass(classes: readonly string[], y: ArrayLike<number>): string {
  if (classes.length !== 2) throw new EngineError('invalid_params', `a positive class is chosen among two classes, got ${classes.length}`, { classes: classes.length });
  const conventional = conventionalPositive(classes);
  if (conventional !== undefined) return classes[conventional];
  let ones = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) ones++;
  const zeros = y.length - ones;
  return classes[zeros < ones ? 0 : 1];
}

/**
 * The index of the positive class among a binary target's classes: 1 when none is named (how every
 * binary score read before a job recorded one). Throws EngineError('invalid_params') when the named class
 * is not one of them, naming both.
 */
export function positiveClassIndex(classes: readonly string[], positive: string | undefined): number {
  if (positive === undefined) return 1;
  const index = classes.indexOf(positive);
  if (index < 0 || classes.length !== 2) {
    const known = classes.map((c) => `"${c}"`).join(', ');
    throw new EngineError('invalid_params', `positive class "${positive}" is not one of the two classes of the target (${known})`, { field: 'positive_class', positive_class: positive, classes: [...classes] });
  }
  return index;
}
