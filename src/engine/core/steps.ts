/**
 * @module engine/core/steps
 * Long CPU-bound work (reading a 50 MB upload) written once as a generator that yields between slices,
 * then run either at once (runSteps) or handing the thread back to the host between slices
 * (runStepsYielding: under workerd a route, a Durable Object and a queue consumer share one thread, and a
 * prediction must not wait seconds behind an upload). One body for both ways, so both compute the same.
 */

/** Work that yields (nothing) between slices and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs the steps, awaiting `yieldControl` (the host's turn, e.g. a macrotask) between slices. */
export async function runStepsYielding<T>(steps: Steps<T>, yieldControl: () => Promise<void>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await yieldControl();
  }
}

/**
 * A tally of work done since the last turn given, for steps that yield between passes over a table's
 * columns: `due(amount)` adds `amount` (cells, values) and says whether a `piece`'s worth has been done
 * since the last time it said so. A column of `piece` cells or more is due after every pass, as before;
 * many small ones share a turn. A 900-column table of 300 rows gave its turn about 9,000 times, once per
 * column and pass, each a macrotask: seconds of a 1.6 MB upload under wrangler dev, for 0.3 s of work.
 */
export function workTally(piece: number): (amount: number) => boolean {
  let done = 0;
  return (amount) => {
    done += amount;
    if (done < piece) return false;
    done = 0;
    return true;
  };
}
