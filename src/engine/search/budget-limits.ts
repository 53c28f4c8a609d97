/**
 * @module engine/search/budget-limits
 * The bounds of a job's budget, shared by the API's schema (worker/schemas) and the CLI's `--budget`
 * (cli/budget), so the command line refuses what the server would, in its own flag's words.
 */

/** Fewer seconds than this leaves no time for a trial and the ensemble after it. */
export const MIN_BUDGET_SECONDS = 5;
/** One day: a search that long is better run as several scheduled retrainings. */
export const MAX_BUDGET_SECONDS = 86_400;
export const MAX_BUDGET_TRIALS = 10_000;
