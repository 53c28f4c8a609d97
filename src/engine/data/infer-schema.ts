/**
 * @module engine/data/infer-schema
 * Decides each column's type from its text cells and builds the typed columnar Dataset in the same pass
 * over the data. Type rules, in order: all missing or one distinct value → constant; boolean spellings of
 * both truth values → boolean; all numbers → numeric (or id when named like an identifier and unique);
 * all dates of one layout (ISO-8601, or 03/15/2024, 15.03.2024, 2024/03/15, 15-Mar-2024: data/detect-date-order) →
 * datetime, the layout stored with the column; strings unique on every row → id; long multi-word strings →
 * text; otherwise categorical. Numbers and dates may be mixed with placeholders ("-", "#N/A", "unknown"),
 * read as missing, and numbers with a few stray words (at most 2% of the cells, and 20): these are read as
 * missing too, and the profile entry names them by line (data/stray-text). A column of nearly all dates
 * that some cells keep from being dates is typed by these rules all the same, and its profile entry says
 * which cell, or the ways its dates are written (data/near-dates). Times some of which carry a UTC offset
 * and some none are read all the same, and warned of (data/utc-offsets).
 * A boolean column written in several spellings ("True", "TRUE", "false") keeps one per truth value, its
 * most frequent, so it has two levels.
 */
import { runSteps, runStepsYielding, type Steps, workTally } from '../core/steps';
import type { CsvTable } from './csv';
import { type ColumnType, isInfinityCell, isMissingCell, isMissingNumberCell, isoOffsetMinutes, isTruthDigit, parseBooleanCell, parseDateCell, parseNumberCell, trimCell } from './column-types';
import { type Column, type Dataset, MISSING_CODE, type NumericColumn, type NumericValues } from './dataset';
import { type DateOrder, dayMonthParts } from './date-layout';
import { guessedOrderWarning } from './datetime-override';
import { type DateDetection, detectDateOrderSteps } from './detect-date-order';
import { type DistinctLevels, distinctLevelsSteps } from './distinct-levels';
import { fixedRowsWhere } from './fixed-rows';
import { nearDatesWarningSteps } from './near-dates';
import { spellingsOf } from './numeric-labels';
import { isStrayText, type StrayCells, strayAllowance, strayCells, strayTextWarning } from './stray-text';
import { partialUtcOffsets, readFixedUtcOffset, readUtcOffsets } from './utc-offsets';
import { boundTopValues } from './profile-size';

export interface ColumnProfile {
  readonly name: string;
  readonly type: ColumnType;
  readonly missing: number;
  readonly unique: number;
  /** True when `unique` is a lower bound: a numeric column's distinct values are counted up to MAX_COUNTED_DISTINCT + 1. */
  readonly unique_capped?: true;
  /** Why the column will not be used as a feature, when it will not. */
  readonly dropped?: string;
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  readonly std?: number;
  /**
   * A numeric column with a value: whether every present value is a whole number, that is, reads as an
   * integer (3, 3.0, 1e3, $1,200 and 12345678901234567890 do; 2.5 and 13.5% do not). Absent from other
   * columns, and from profiles stored before it was added: a reader must cope without it.
   */
  readonly integer?: boolean;
  /**
   * The most frequent levels with their counts (coded columns). `truncated`: the value was cut to keep
   * the profile storable (profile-size), so it is the start of a level, not a level.
   */
  readonly top?: readonly { readonly value: string; readonly count: number; readonly truncated?: true }[];
  /** A datetime column's layout when its dates are not ISO-8601 (data/date-layout). */
  readonly date_order?: DateOrder;
  /**
   * What to know about the column before training on it: an order of day and month that was guessed,
   * dates that a few cells keep from being read as dates (data/near-dates), words among numbers read
   * as missing (data/stray-text), or times some of which carry a UTC offset and some none (data/utc-offsets).
   */
  readonly warnings?: readonly string[];
}

const ID_NAME_RE = /(^|[_\s-])(id|uuid|guid|key)$/i;

/** Per-column type overrides given by the user (`columns` in a job or upload). */
export type TypeOverrides = Readonly<Record<string, ColumnType>>;

/**
 * Most distinct values of a numeric column counted (a Set of numbers, some 40 bytes each): past it the
 * profile's `unique` stops at this + 1 and says it is a lower bound (`unique_capped`).
 */
export const MAX_COUNTED_DISTINCT = 100_000;

/** How a table is typed beyond the user's overrides. */
export interface InferOptions {
  /**
   * Columns of day-month dates in the version rows were appended to (data/append-rows): ISO-8601,
   * year-first and named-month cells among their day-month cells are appended dates, which say nothing
   * of the order (data/detect-date-order DetectOptions.appended). The rows holding them are the
   * column's fixed rows (data/fixed-rows).
   */
  readonly appendedDates?: ReadonlySet<string>;
}

export function inferDataset(table: CsvTable, overrides: TypeOverrides = {}, options: InferOptions = {}): { dataset: Dataset; profile: ColumnProfile[] } {
  return runSteps(inferDatasetSteps(table, overrides, options));
}

/**
 * inferDataset handing the thread back (`yieldControl`) within and between the passes over the columns'
 * cells, a slice of cells at a time, for a large upload read inside a Worker: the same dataset and profile.
 */
export function inferDatasetYielding(table: CsvTable, overrides: TypeOverrides, options: InferOptions, yieldControl: () => Promise<void>): Promise<{ dataset: Dataset; profile: ColumnProfile[] }> {
  return runStepsYielding(inferDatasetSteps(table, overrides, options), yieldControl);
}

/** inferDataset as steps (engine/core/steps). */
export function inferDatasetSteps(table: CsvTable, overrides: TypeOverrides, options: InferOptions): Steps<{ dataset: Dataset; profile: ColumnProfile[] }> {
  return inferColumnsSteps({ header: table.header, rows: table.rows.length, cellsOf: (j) => columnCells(table.rows, j), lines: table.lines }, overrides, options);
}

/**
 * A table given a column of cells at a time, typed as inferDataset types the same cells held as rows:
 * `cellsOf(j)` makes column j's `rows` cells when its turn comes, so a table built from typed columns
 * (data/append-rows) is never held as rows of text. `lines` as CsvTable.lines.
 */
export interface TextColumns {
  readonly header: readonly string[];
  readonly rows: number;
  readonly cellsOf: (j: number) => Steps<string[]>;
  readonly lines?: readonly number[];
}

/** inferDataset on columns of cells (TextColumns), as steps: the same dataset and profile for the same cells. */
export function* inferColumnsSteps(table: TextColumns, overrides: TypeOverrides, options: InferOptions): Steps<{ dataset: Dataset; profile: ColumnProfile[] }> {
  const columns: Column[] = [];
  const profile: ColumnProfile[] = [];
  const lines = table.lines;
  // Rows are named as the file counts them: by line in a CSV (header line 1), else by data row from 1.
  const where = (i: number) => (lines ? `line ${lines[i]}` : `data row ${i + 1}`);
  // A turn between passes once a slice's worth of cells has been read: after each pass over a long
  // column, after several columns of a wide table of few rows (not 8 turns a column).
  const due = workTally(CELLS_PER_STEP);
  for (let j = 0; j < table.header.length; j++) {
    const name = table.header[j];
    const cells = yield* table.cellsOf(j);
    // Own properties only: a column named "constructor" must not pick up Object.prototype members.
    const forced = Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    const built = yield* buildColumn(name, cells, forced, options.appendedDates?.has(name) ?? false, due);
    const { dates } = built;
    // Times some of which carry a UTC offset and some none (read as UTC): warned, and the rows kept (data/utc-offsets).
    const zones = built.column.type === 'datetime' && built.column.storage === 'f64' ? partialUtcOffsets(cells, built.column.values, where) : undefined;
    const column: Column = zones?.zoneless ? { ...(built.column as NumericColumn), zonelessRows: zones.zoneless } : built.column;
    columns.push(column);
    if (due(cells.length)) yield;
    // The profile and each warning's pass over the cells in slices: each took 0.05-0.18 s on 400,000 rows.
    const entry = yield* profileColumnSteps(column, CELLS_PER_STEP, built.integers);
    if (due(cells.length)) yield;
    const nearDates = forced === undefined && NEAR_DATE_TYPES.has(column.type) ? yield* nearDatesWarningSteps(name, cells, column.type, where, CELLS_PER_STEP) : undefined;
    if (due(cells.length)) yield;
    const found = column.type === 'numeric' && column.storage === 'f64' ? strayCellsOf(cells, column.values) : undefined;
    const strays = found ? strayTextWarning(name, found, where) : undefined;
    // The words among them are kept with the column, for predictions to read as missing too (infinities are read so anyway).
    const words = found ? [...new Set(found.cells.map((c) => c.value.toLowerCase()).filter((w) => !isInfinityCell(w)))] : [];
    if (words.length > 0) columns[columns.length - 1] = { ...(column as NumericColumn), missingWords: words };
    const warnings = [...(dates?.ambiguous ? [guessedOrderWarning(name)] : []), ...(nearDates ? [nearDates] : []), ...(strays ? [strays] : []), ...(zones ? [zones.warning] : [])];
    profile.push(warnings.length > 0 ? { ...entry, warnings } : entry);
    if (due(cells.length)) yield;
  }
  return { dataset: { rows: table.rows, columns }, profile: boundTopValues(profile) };
}

/** Whether no date cell of a column carries a UTC offset (`Z` included): times written as a wall clock shows them. */
function carriesNoOffset(cells: readonly string[], values: ArrayLike<number>): boolean {
  for (let i = 0; i < cells.length; i++) if (!Number.isNaN(values[i]) && isoOffsetMinutes(cells[i]) !== undefined) return false;
  return true;
}

/** A numeric column's cells that are neither numbers nor placeholders, read as missing (data/stray-text). */
function strayCellsOf(cells: readonly string[], values: NumericValues): StrayCells | undefined {
  let numbers = 0;
  for (const v of values) if (!Number.isNaN(v)) numbers++;
  // A column without a missing value holds no stray cell.
  if (numbers === values.length) return undefined;
  return strayCells(values.length, numbers, (i) => Number.isNaN(values[i]) && !isMissingNumberCell(cells[i]), (i) => cells[i]);
}

/** The types a column of nearly all dates falls to when a few cells keep it from being dates (data/near-dates). */
const NEAR_DATE_TYPES: ReadonlySet<ColumnType> = new Set(['id', 'text', 'categorical']);

/** Cells read between two turns of the host in inferDatasetYielding (some tens of milliseconds' work a pass). */
const CELLS_PER_STEP = 50_000;

/** Column j's cells, taken from the rows a slice at a time. */
function* columnCells(rows: CsvTable['rows'], j: number): Steps<string[]> {
  const cells: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    cells.push(rows[i][j]);
    if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
  }
  return cells;
}

/**
 * A column typed and stored from its cells, yielding within the longest of its passes over them, and
 * between them when `due` (the table's tally of cells read) says a turn is due.
 */
function* buildColumn(name: string, cells: string[], forced: ColumnType | undefined, appended: boolean, due: (cells: number) => boolean): Steps<{ column: Column; dates?: DateDetection; integers?: boolean }> {
  const n = cells.length;
  const present = yield* presentCells(cells);
  if (due(n)) yield;
  // The distinct values (sorted, with each present cell's level) only once a type needs them, and once:
  // a number or date column never needs them, a coded one is coded with them (data/distinct-levels).
  const distinct = onceSteps(() => distinctLevelsSteps(present, CELLS_PER_STEP));
  const guessed = forced === undefined ? yield* guessType(name, present, distinct, n, appended) : undefined;
  const type = forced ?? (guessed as Guess).type;
  if (due(n)) yield;

  if (type === 'datetime') {
    // A date column's layout is decided by all its cells, once (a forced one is detected as a guessed one is).
    const dates = guessed ? guessed.dates : yield* detectDateOrderSteps(present, { appended }, CELLS_PER_STEP);
    const order = dates?.order;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = isMissingNumberCell(cells[i]) ? NaN : parseDateCell(cells[i], order);
      if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
    }
    // The appended dates no order misreads, remembered so that no later order moves them (data/fixed-rows).
    const dayMonth = order === 'mdy' || order === 'dmy';
    const fixedRows = appended && dayMonth ? fixedRowsWhere(n, (i) => !Number.isNaN(values[i]) && dayMonthParts(cells[i].trim()) === undefined) : undefined;
    // Offsets that change (local times across daylight saving time), kept for a forecast's local clock.
    const utcOffsets = readUtcOffsets(cells, values);
    // One offset throughout other than UTC, kept so that forecasts are written at it as the data were.
    const fixedUtcOffset = utcOffsets ? undefined : readFixedUtcOffset(cells, values);
    // No cell with an offset at all (not even Z): local times a forecast may place in a zone it names.
    const naive = !utcOffsets && fixedUtcOffset === undefined && carriesNoOffset(cells, values);
    return { column: { name, type, storage: 'f64', values, ...(order ? { dateOrder: order } : {}), ...(fixedRows ? { fixedRows } : {}), ...(utcOffsets ? { utcOffsets } : {}), ...(fixedUtcOffset !== undefined ? { fixedUtcOffset } : {}), ...(naive ? { naiveTimes: true as const } : {}) }, dates };
  }
  if (type === 'numeric') {
    // The present cells' numbers as the guess read them, in row order: not parsed a second time. A
    // placeholder parses as NaN, so only the missing cells need telling apart.
    const read = guessed?.numbers;
    const values = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (read) values[i] = isMissingCell(cells[i]) ? NaN : read[k++];
      else values[i] = isMissingNumberCell(cells[i]) ? NaN : parseNumberCell(cells[i]);
      if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
    }
    if (due(n)) yield;
    const spellings = spellingsOf(cells, values);
    // Whether its numbers are all whole, as the guess found them (a declared type leaves it to the profile).
    return { column: { name, type, storage: 'f64', values, ...(spellings ? { spellings } : {}) }, integers: guessed?.integers };
  }
  if (type === 'boolean' && moreDistinctThan(present, 2)) {
    const spelling = booleanSpelling(present);
    const spelled = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      spelled[i] = spelling(cells[i]);
      if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
    }
    if (due(n)) yield;
    return { column: yield* codeColumn(name, type, spelled, due) };
  }
  if (type === 'constant' && present.length > 0 && (yield* allSame(present)) && present.every((c) => !Number.isNaN(parseNumberCell(c)))) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = isMissingCell(cells[i]) ? NaN : parseNumberCell(cells[i]);
      if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
    }
    return { column: { name, type, storage: 'f64', values } };
  }
  // The present cells' levels, found for the type guess or now: not found a second time.
  return { column: yield* codeColumn(name, type, cells, due, yield* distinct()) };
}

/** The cells that are not missing, trimmed, in row order. */
function* presentCells(cells: string[]): Steps<string[]> {
  const present: string[] = [];
  for (let i = 0; i < cells.length; i++) {
    if (!isMissingCell(cells[i])) present.push(trimCell(cells[i]));
    if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
  }
  return present;
}

/** Steps run the first time they are asked for; their result, again, after. */
function onceSteps<T>(make: () => Steps<T>): () => Steps<T> {
  let done: { value: T } | undefined;
  return function* () {
    if (!done) done = { value: yield* make() };
    return done.value;
  };
}

/** Whether no two values differ (a column of one distinct value, or none). */
function* allSame(values: readonly string[]): Steps<boolean> {
  for (let i = 1; i < values.length; i++) {
    if (values[i] !== values[0]) return false;
    if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
  }
  return true;
}

/** Whether the values hold more than `count` distinct ones (stops counting there). */
function moreDistinctThan(values: readonly string[], count: number): boolean {
  const seen = new Set<string>();
  for (const value of values) if (seen.add(value).size > count) return true;
  return false;
}

/** A guessed type, with the layout a date column's cells were found in. */
interface Guess {
  readonly type: ColumnType;
  readonly dates?: DateDetection;
  /** A numeric column's present cells read as numbers (readsAs), NaN for a placeholder or a stray word. */
  readonly numbers?: Float64Array;
  /** A numeric column's: whether every one of `numbers` that is not NaN is an integer (the profile's `integer`). */
  readonly integers?: boolean;
}

/** The type the cells say, yielding within its passes over them (each up to 0.1-0.3 s on 400,000 cells). */
function* guessType(name: string, present: string[], distinct: () => Steps<DistinctLevels>, n: number, appended: boolean): Steps<Guess> {
  if (yield* allSame(present)) return { type: 'constant' };
  if (yield* bothTruths(present)) return { type: 'boolean' };
  // How many distinct values, asked only by the rules that need it.
  const distinctCount = function* () {
    return (yield* distinct()).levels.length;
  };
  // Numbers and dates may sit among placeholders, but there must be some. The placeholder test runs only
  // on cells that do not parse, and the scan stops at the first cell that is neither (past the few stray
  // words numbers may hold): categories cost a cell or a few.
  const numbers = yield* readsAs(present, parseNumberCell, strayAllowance(present.length));
  if (numbers) {
    // Placeholders and stray words are missing values, whole or not. Found for every numeric column: the
    // profile's `integer` is this, not a second pass over the values.
    let integers = true;
    for (let i = 0; i < present.length && integers; i++) {
      const v = numbers[i];
      integers = Number.isNaN(v) || Number.isInteger(v);
      if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
    }
    if (!(integers && ID_NAME_RE.test(name) && n > 10)) return { type: 'numeric', numbers, integers };
    const count = yield* distinctCount();
    return allUnique(count, present.length, n) || nearlyUnique(count, present.length, n) ? { type: 'id' } : { type: 'numeric', numbers, integers };
  }
  const dates = yield* detectDateOrderSteps(present, { appended }, CELLS_PER_STEP);
  if (dates) return { type: 'datetime', dates };
  const count = yield* distinctCount();
  // A key with a stray repeat or a gap (an appended duplicate, one blank) is still a key.
  if ((allUnique(count, present.length, n) && n > 10) || (nearlyUnique(count, present.length, n) && (ID_NAME_RE.test(name) || looksLikeKeys(present)))) {
    return { type: averageWords(present) >= 3 ? 'text' : 'id' };
  }
  if (count > Math.max(50, present.length / 2) && averageWords(present) >= 3) return { type: 'text' };
  return { type: 'categorical' };
}

/**
 * Whether the values are all spellings of truth values, and of both, with a word among them (1 and 0
 * alone are numbers). Stops at the first that is none:
 * mapping an identifier column's 400,000 distinct values to truth values at once took 0.07-0.13 s.
 */
function* bothTruths(values: readonly string[]): Steps<boolean> {
  let seenTrue = false;
  let seenFalse = false;
  let seenWord = false;
  for (let i = 0; i < values.length; i++) {
    const truth = parseBooleanCell(values[i]);
    if (truth === undefined) return false;
    if (truth) seenTrue = true;
    else seenFalse = true;
    if (!seenWord && !isTruthDigit(values[i])) seenWord = true;
    if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
  }
  return seenTrue && seenFalse && seenWord;
}

/** Every row present and its value distinct. */
function allUnique(distinct: number, present: number, n: number): boolean {
  return distinct === present && present === n;
}

/**
 * The cells read with `parse` (NaN where they do not parse) when every cell parses or is a placeholder,
 * at least one parses, and at most `strays` cells are stray words instead (data/stray-text); else undefined.
 */
function* readsAs(cells: string[], parse: (cell: string) => number, strays: number): Steps<Float64Array | undefined> {
  // Made at the first number, the cells before it NaN: a column of words stops before, most at its first cell.
  let values: Float64Array | undefined;
  let stray = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    const v = parse(c);
    if (!Number.isNaN(v)) (values ??= new Float64Array(cells.length).fill(NaN, 0, i))[i] = v;
    // Infinities are read as missing like stray words, but do not count against their allowance.
    else if (!isMissingNumberCell(c) && !isInfinityCell(c) && !(isStrayText(c) && ++stray <= strays)) return undefined;
    else if (values) values[i] = NaN;
    if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
  }
  return values;
}

/** Maps each cell of a boolean column to its truth value's most frequent spelling (missing cells unchanged). */
function booleanSpelling(present: string[]): (cell: string) => string {
  const counts = new Map<string, number>();
  for (const c of present) counts.set(c, (counts.get(c) ?? 0) + 1);
  const best = new Map<boolean, string>();
  for (const [spelling, count] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    const truth = parseBooleanCell(spelling) as boolean;
    if (!best.has(truth)) best.set(truth, spelling);
  }
  return (cell) => (isMissingCell(cell) ? cell : (best.get(parseBooleanCell(cell) as boolean) as string));
}

/** At least 99% of the rows present and at least 99% of those distinct, on a table large enough to tell (50 rows). */
function nearlyUnique(distinct: number, present: number, n: number): boolean {
  return n >= 50 && present >= 0.99 * n && distinct >= 0.99 * present;
}

/** Single-token values with a digit in most of them (order numbers, UUIDs, SKUs), unlike names or labels. */
function looksLikeKeys(values: string[]): boolean {
  const sample = Math.min(values.length, 200);
  let keys = 0;
  for (let i = 0; i < sample; i++) if (/\d/.test(values[i]) && !/\s/.test(values[i])) keys++;
  return keys >= 0.9 * sample;
}

function averageWords(values: string[]): number {
  let words = 0;
  const sample = Math.min(values.length, 200);
  for (let i = 0; i < sample; i++) words += values[i].split(/\s+/).filter(Boolean).length;
  return sample === 0 ? 0 : words / sample;
}

/**
 * Codes a column's cells against its sorted distinct values (sorted so codes never depend on row order),
 * yielding within its passes: a column of a million cells takes 0.1-0.3 s to code. `known` is the levels
 * of the cells present (data/distinct-levels) when buildColumn has found them already; `due`, its tally.
 */
function* codeColumn(name: string, type: ColumnType, cells: string[], due: (cells: number) => boolean, known?: DistinctLevels): Steps<Column> {
  const { levels, codes: presentCodes } = known ?? (yield* distinctLevelsSteps(yield* presentCells(cells), CELLS_PER_STEP));
  if (due(cells.length)) yield;
  // The present cells' levels in row order, a missing cell's code between them.
  const codes = new Int32Array(cells.length);
  let k = 0;
  for (let i = 0; i < cells.length; i++) {
    codes[i] = isMissingCell(cells[i]) ? MISSING_CODE : presentCodes[k++];
    if (i % CELLS_PER_STEP === CELLS_PER_STEP - 1) yield;
  }
  return { name, type, storage: 'codes', codes, levels };
}

export function profileColumn(col: Column): ColumnProfile {
  return runSteps(profileColumnSteps(col, Infinity));
}

/**
 * profileColumn as steps (engine/core/steps), yielding every `pieceLength` values or levels read.
 * `integers`: whether a numeric column's values are all whole, when the type guess found it already;
 * else (a declared type, profileColumn) it is read in the same pass as the statistics.
 */
function* profileColumnSteps(col: Column, pieceLength: number, integers?: boolean): Steps<ColumnProfile> {
  const dropped = col.type === 'id' ? 'identifier: unique on every row, carries no pattern' : col.type === 'constant' ? 'constant: fewer than two distinct values' : undefined;
  if (col.storage === 'f64') {
    let missing = 0;
    // Sums of the values less the first one present: sums of squares of values far from 0 and close to each
    // other (epoch seconds over an hour, dates over minutes) lose every digit the spread is written in.
    let shift = NaN;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    let max = -Infinity;
    const distinct = new Set<number>();
    const numeric = col.type === 'numeric';
    let integer = integers ?? true;
    const readInteger = numeric && integers === undefined;
    for (let i = 0; i < col.values.length; i++) {
      if (i % pieceLength === pieceLength - 1) yield;
      const v = col.values[i];
      if (Number.isNaN(v)) {
        missing++;
        continue;
      }
      if (readInteger && integer && !Number.isInteger(v)) integer = false;
      if (Number.isNaN(shift)) shift = v;
      const d = v - shift;
      sum += d;
      sumSq += d * d;
      if (v < min) min = v;
      if (v > max) max = v;
      if (distinct.size <= MAX_COUNTED_DISTINCT) distinct.add(v);
    }
    const count = col.values.length - missing;
    const offset = count > 0 ? sum / count : NaN;
    const mean = shift + offset;
    const std = count > 1 ? Math.sqrt(Math.max(0, sumSq / count - offset * offset)) : 0;
    return {
      name: col.name,
      type: col.type,
      missing,
      unique: distinct.size,
      ...(distinct.size > MAX_COUNTED_DISTINCT ? { unique_capped: true as const } : {}),
      ...(dropped ? { dropped } : {}),
      ...(count > 0 ? { min, max, mean, std } : {}),
      ...(numeric && count > 0 ? { integer } : {}),
      ...(col.dateOrder ? { date_order: col.dateOrder } : {}),
    };
  }
  const counts = new Array<number>(col.levels.length).fill(0);
  let missing = 0;
  for (let i = 0; i < col.codes.length; i++) {
    const c = col.codes[i];
    if (c < 0) missing++;
    else counts[c]++;
    if (i % pieceLength === pieceLength - 1) yield;
  }
  return { name: col.name, type: col.type, missing, unique: col.levels.length, ...(dropped ? { dropped } : {}), top: yield* topLevelsSteps(col.levels, counts, TOP_LEVELS, pieceLength) };
}

/** Levels a coded column's profile lists (`top`). */
const TOP_LEVELS = 10;

/**
 * The `k` most frequent levels with their counts, most first, equal counts in the order of their values:
 * the first `k` of all the levels sorted so, picked in one pass. Sorting an identifier column's 400,000
 * levels took 0.1-0.2 s in one go, in which requests sharing a Worker waited.
 */
function* topLevelsSteps(levels: readonly string[], counts: readonly number[], k: number, pieceLength: number): Steps<{ value: string; count: number }[]> {
  const top: { value: string; count: number }[] = [];
  // Whether level i goes before the entry e (levels are distinct, so one of the two always goes first).
  const before = (i: number, e: { value: string; count: number }) => counts[i] > e.count || (counts[i] === e.count && levels[i] < e.value);
  for (let i = 0; i < levels.length; i++) {
    if (i % pieceLength === pieceLength - 1) yield;
    if (top.length === k && !before(i, top[k - 1])) continue;
    let at = Math.min(top.length, k - 1);
    while (at > 0 && before(i, top[at - 1])) at--;
    if (top.length === k) top.pop();
    top.splice(at, 0, { value: levels[i], count: counts[i] });
  }
  return top;
}
