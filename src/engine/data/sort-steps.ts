/**
 * @module engine/data/sort-steps
 * Sorting strings as steps (engine/core/steps): an identifier column's half a million values take about
 * half a second to sort at once, which a Worker's other requests must not wait behind. Runs of
 * `pieceLength` are sorted, then merged pairwise a slice at a time. The order is the one
 * Array.prototype.sort gives (UTF-16 code units, which `<` compares); repeats are kept.
 */
import type { Steps } from '../core/steps';

/** A sorted copy of `values`, yielding after each run sorted and every `pieceLength` values merged. */
export function* sortStringsSteps(values: readonly string[], pieceLength: number): Steps<string[]> {
  if (values.length <= pieceLength) return values.slice().sort();
  let runs: string[][] = [];
  for (let start = 0; start < values.length; start += pieceLength) {
    runs.push(values.slice(start, start + pieceLength).sort());
    yield;
  }
  while (runs.length > 1) {
    const merged: string[][] = [];
    for (let k = 0; k < runs.length; k += 2) merged.push(k + 1 < runs.length ? yield* mergeSteps(runs[k], runs[k + 1], pieceLength) : runs[k]);
    runs = merged;
  }
  return runs[0];
}

/** Two sorted runs merged into one (of equal values, the first run's first). */
function* mergeSteps(a: string[], b: string[], pieceLength: number): Steps<string[]> {
  const out = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = j >= b.length || (i < a.length && !(b[j] < a[i])) ? a[i++] : b[j++];
    if (k % pieceLength === pieceLength - 1) yield;
  }
  return out;
}
