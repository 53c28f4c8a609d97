/**
 * @module engine/models/tree/fit-scratch
 * Work arrays handed from one tree fit to the next inside a trial. A trial fits a model per fold and then
 * refits on every row; without this, each fold's row-sized arrays (binned matrix, gradients, row lists,
 * scores) and histograms are garbage while the refit allocates its own, and V8 collects them only when
 * external-memory growth makes it (tens of MiB later), so a trial's peak held two fits. Inside
 * `reusingFitScratch` a fit takes its large arrays from a shelf and puts them back when it ends, so the
 * next fit reuses the same memory. A fold that knows its validation rows sizes its arrays for training
 * plus validation rows, which is at least the refit's rows, so the refit finds them big enough.
 * Outside a scope, `take` allocates exactly the asked length and `giveBack` does nothing: fits called on
 * their own behave and hold memory as before. An array taken leaves the shelf until its fit gives it back,
 * so it is used by one fit only, even when trials interleave at their yields (fits yield every few rounds
 * or trees; the shelf is shared while any scope is open).
 * A reused array is not zeroed: callers take only arrays they write in full before reading.
 */

type WorkArray = Uint8Array | Uint32Array | Int32Array | Float32Array | Float64Array;
type WorkArrayType<T extends WorkArray> = { new (length: number): T; new (buffer: ArrayBuffer, byteOffset: number, length: number): T };

let shelf: WorkArray[] | null = null;
let openScopes = 0;

/** Runs `fn` (one trial) with a shelf that tree fits leave their work arrays on for the next fit. */
export async function reusingFitScratch<T>(fn: () => Promise<T>): Promise<T> {
  if (openScopes++ === 0) shelf = [];
  try {
    return await fn();
  } finally {
    if (--openScopes === 0) shelf = null;
  }
}

/**
 * Rows a fit sizes its row-sized arrays for, given its training plus validation rows: 1/64 more and 64
 * rows on top, so that a later fold or the refit a few rows larger (stratified folds and subsamples
 * round per class) still finds them big enough. Memory estimates count this many rows.
 */
export function scratchRows(rows: number): number {
  return rows + Math.ceil(rows / 64) + 64;
}

/** Values a histogram buffer is sized for: an eighth more, for a later fit that finds a few more bins. */
export function histogramCapacity(values: number): number {
  return values + Math.ceil(values / 8);
}

/** Whether fits are reusing work arrays now (then a fold sizes its arrays for the refit too). */
export function reusingScratch(): boolean {
  return shelf !== null;
}

/**
 * An array of `length` elements (contents unspecified inside a scope, zeros outside): the smallest shelved
 * array of that type that is large enough, else a new one of `capacity` elements (inside a scope) or
 * `length` (outside).
 */
export function take<T extends WorkArray>(type: WorkArrayType<T>, length: number, capacity = length): T {
  if (shelf === null) return new type(length);
  let best = -1;
  for (let i = 0; i < shelf.length; i++) {
    const a = shelf[i];
    if (a instanceof type && a.length >= length && (best < 0 || a.length < shelf[best].length)) best = i;
  }
  if (best < 0) {
    const made = new type(Math.max(length, capacity));
    return made.length === length ? made : new type(made.buffer as ArrayBuffer, 0, length);
  }
  const full = shelf[best] as T;
  shelf.splice(best, 1);
  return full.length === length ? full : new type(full.buffer as ArrayBuffer, 0, length);
}

/** Puts arrays from `take` back on the shelf (the whole allocation, whatever length was asked). */
export function giveBack(...arrays: WorkArray[]): void {
  if (shelf === null) return;
  for (const a of arrays) {
    // An array given back twice must not be handed to two takers.
    if (shelf.some((s) => s.buffer === a.buffer)) continue;
    const type = a.constructor as WorkArrayType<WorkArray>;
    shelf.push(a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : new type(a.buffer as ArrayBuffer, 0, a.buffer.byteLength / a.BYTES_PER_ELEMENT));
  }
}
