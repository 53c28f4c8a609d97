/**
 * @module durable/new-rows
 * What a scheduled run's data holds that the model has not learned from yet, in rows and in words. The
 * reference is the data the model was last trained on: its newest version trained on the schedule's
 * dataset (a completed run's challenger, promoted or kept, a job started by hand, the champion itself),
 * not the champion alone, so a challenger kept out by the margin does not make every later run retrain on
 * the rows it already had. A run whose newest dataset version is exactly that data (or the champion's)
 * has nothing new to learn and is skipped: retraining on it again costs a job and adds a version that
 * cannot do better than the one already made from it. Pure: the Registry's lookups come in as values.
 */

/** The newest version of the schedule's dataset. */
export interface NewestData {
  readonly name: string;
  readonly version: number;
  readonly rows: number;
  /** Set when the version was made by appending rows to `base_version` (POST …/rows). */
  readonly appended?: { readonly base_version: number; readonly rows: number };
}

export interface NewRowsInput {
  readonly newest: NewestData;
  readonly champion: { readonly version: number; readonly dataset: { readonly name: string; readonly version: number } };
  /** The model's newest version trained on the newest data's dataset (any version number of it), or null. */
  readonly lastTrained: { readonly version: number; readonly dataset_version: number } | null;
  /** Rows of a dataset version, deleted or not. */
  readonly datasetRows: (name: string, version: number) => number | null;
  /** Whether `version` of a dataset was made from `base` by appending rows, one append or several. */
  readonly appendedFrom: (dataset: string, base: number, version: number) => boolean;
}

export type NewRows =
  /** The newest version is data the model was already trained on. */
  | { readonly unchanged: true; readonly reason: string }
  /**
   * Rows the model has not learned from: those of the newest version after its first `learned_rows`
   * (the reference's rows when the newest grew from it by appends, else 0: see newRows).
   */
  | { readonly unchanged: false; readonly learned_rows: number; readonly new_rows: number; readonly reason: string };

/** Counts the rows of the newest version the model has not learned from, and says how (see the module comment). */
export function newRows(input: NewRowsInput): NewRows {
  const { newest, champion, lastTrained } = input;
  const data = `dataset "${newest.name}" v${newest.version} (${newest.rows} rows)`;
  const byName = (version: number) => (version === champion.version ? `champion v${version}` : `model v${version}`);
  if (champion.dataset.name === newest.name && champion.dataset.version === newest.version) {
    return { unchanged: true, reason: `nothing new to learn: ${data} is the data champion v${champion.version} was trained on` };
  }
  if (lastTrained === null) {
    // Another dataset than any version's: row counts of two datasets say nothing, every row is new.
    return { unchanged: false, learned_rows: 0, new_rows: newest.rows, reason: `${newest.rows} rows in dataset "${newest.name}" v${newest.version}, all new to the champion (trained on ${champion.dataset.name} v${champion.dataset.version})` };
  }
  const base = lastTrained.dataset_version;
  const who = byName(lastTrained.version);
  if (base === newest.version) return { unchanged: true, reason: `nothing new to learn: ${data} is the data ${who} was already trained on` };
  const baseRows = input.datasetRows(newest.name, base) ?? 0;
  if (input.appendedFrom(newest.name, base, newest.version)) {
    const added = newest.rows - baseRows;
    return { unchanged: false, learned_rows: baseRows, new_rows: added, reason: `${added} rows appended since v${base} (${baseRows} rows), the data ${who} was trained on: ${data}` };
  }
  // A version not made by appending to the reference replaced the table (a new upload, perhaps appended to
  // since). Which of its rows the old table held cannot be told without comparing contents, and comparing
  // row counts would read a same-size sliding-window export as "0 new rows" and never retrain it. So all
  // of its rows count as new: an unneeded retraining costs one job (the challenger must still win on
  // held-out rows), and the run after it finds the same version unchanged.
  const how = newest.appended ? `(${newest.rows} rows) grew by appends from a new upload made after v${base}, not from v${base}` : `is a new upload of ${newest.rows} rows, not an append of v${base}`;
  return {
    unchanged: false,
    learned_rows: 0,
    new_rows: newest.rows,
    reason: `dataset "${newest.name}" v${newest.version} ${how} (v${base}: ${baseRows} rows, the data ${who} was trained on): all ${newest.rows} rows count as new`,
  };
}
