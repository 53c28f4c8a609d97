/**
 * @module engine/forecast/covariates
 * Known-future covariates of a forecast: columns beside the target whose values are known ahead of time
 * (a planned promotion, a price list, a public holiday, the opening of a new store). The tabular, rnn
 * and ets families read each covariate's value at the step they predict, so a forecast request must give the values of
 * the steps it asks for. Numbers are used as they are (a request's within the range training saw, widened:
 * ./covariate-values), booleans as 1 and 0, categories one-hot by their levels.
 * Here: reading them from a dataset and from a request, with errors naming column and row, or request
 * field. A missing cell is refused, not guessed (a covariate the user does not know cannot be known at
 * forecast time either), except before the column's first value in a series, which the series starts
 * after (./covariate-start). Past-only covariates (./past-covariates) are read from a dataset by the
 * same rules, their refusals naming their own list, `forecast.past_covariates`, except empty cells after
 * the start: whether one can be filled depends on where it lies in its series (./past-covariate-fill).
 */
import { EngineError, type EngineErrorCode } from '../core/errors';
import { nearNamesDetail, nearNamesHint } from '../core/near-names';
import { asFloat64, type Dataset, findColumn, MISSING_CODE } from '../data/dataset';
import { widenFloat32 } from '../data/numeric-precision';
import { levelIndex, levelTruths, numberBounds, rangeOf, truthValue } from './covariate-values';
import type { ForecastFamily } from './types';

/** The families that learn from known-future covariates (./tabular-forecaster, ./rnn-forecaster, ./ets-regression); the baselines forecast without them. */
export const COVARIATE_FAMILIES: readonly ForecastFamily[] = ['linear', 'gbdt', 'random_forest', 'rnn', 'ets'];

/** The families that learn from past-only covariates (./past-covariates); ets and the baselines forecast without them. */
export const PAST_COVARIATE_FAMILIES: readonly ForecastFamily[] = ['linear', 'gbdt', 'random_forest', 'rnn'];

/**
 * One covariate as a model stores it: numbers, with the least and greatest value training saw (known-future
 * ones; absent in models made before ranges were kept, and for past-only ones, which a request never
 * gives); a boolean (one feature column, 1 for true), in models made before booleans were their own kind
 * a category of the data's two spellings; or categories with the levels its one-hot columns stand for.
 */
export type CovariateSpec =
  | { readonly name: string; readonly kind: 'numeric'; readonly min?: number; readonly max?: number }
  | { readonly name: string; readonly kind: 'boolean' }
  | { readonly name: string; readonly kind: 'categorical'; readonly levels: readonly string[] };

/** Most levels a categorical covariate may have (each is a feature column). */
export const MAX_COVARIATE_LEVELS = 50;
/** Most covariates a job may name. */
export const MAX_COVARIATES = 20;
/**
 * Most feature columns the covariates may encode to (a number is one, a category one per level). Each
 * is also read at every lag (./lag-features), so this bounds the width of a trial's training matrix.
 */
export const MAX_COVARIATE_COLUMNS = 64;

/** Feature columns one covariate takes: one for a number or a boolean, one per level of a category. */
const widthOf = (s: CovariateSpec) => (s.kind === 'categorical' ? s.levels.length : 1);

/** Feature columns the covariates take: one per number or boolean, one per level of a category. */
export function covariateWidth(specs: readonly CovariateSpec[] | undefined): number {
  let w = 0;
  for (const s of specs ?? []) w += widthOf(s);
  return w;
}

/** The covariates of a dataset: their specs, and each row's encoded values (covariateWidth of them). */
export interface DatasetCovariates {
  readonly specs: readonly CovariateSpec[];
  /** Writes the encoded covariates of data row `row` at out[off ..]. */
  readonly write: (row: number, out: Float64Array, off: number) => void;
  /** Writes covariate `i` (of `specs`) of data row `row` where `write` puts it: at out[off + its offset ..]. */
  readonly writeOne: (i: number, row: number, out: Float64Array, off: number) => void;
  /** Whether covariate `i` is empty at data row `row` (where that is refused or filled is decided series by series: ./covariate-start). */
  readonly isEmpty: (i: number, row: number) => boolean;
}

/** The job field a covariate column is named in: the known-future list, or the past-only one (./past-covariates). */
export type CovariateList = 'forecast.covariates' | 'forecast.past_covariates';

/** How a refusal calls a covariate of each list, and what such a column is. */
export const COVARIATE_WORDING: Readonly<Record<CovariateList, { readonly noun: string; readonly is: string; readonly known: string }>> = {
  'forecast.covariates': { noun: 'covariate', is: 'another column whose future values are known', known: 'known' },
  'forecast.past_covariates': { noun: 'past covariate', is: 'another column, observed up to each point', known: 'observed' },
};

/**
 * Reads the named covariate columns of one list (`list`, the field refusals name); throws EngineError
 * naming the column when one is absent, is the target, time or group column, holds dates or text or
 * has too many levels, or when the list names too many. Empty cells are left to the series they lie in
 * (./covariate-start, ./past-covariate-fill). With `used` (1 for each row a series reads), the
 * categories and the known-future range are those of the used rows (usedLevels, usedRange).
 */
export function readCovariates(ds: Dataset, names: readonly string[], taken: { target: string; time: string; group?: string }, list: CovariateList = 'forecast.covariates', used?: Uint8Array): DatasetCovariates {
  if (names.length > MAX_COVARIATES) throw new EngineError('invalid_dataset', `${list} names ${names.length} columns; at most ${MAX_COVARIATES}`, { field: list });
  const { noun, is } = COVARIATE_WORDING[list];
  const seen = new Set<string>();
  const writers: ((row: number, out: Float64Array, off: number) => void)[] = [];
  const empties: ((row: number) => boolean)[] = [];
  const specs: CovariateSpec[] = [];
  for (const name of names) {
    const field = { field: list, column: name };
    if (seen.has(name)) throw new EngineError('invalid_dataset', `${list} names "${name}" twice`, field);
    seen.add(name);
    const col = findColumn(ds, name);
    if (!col) {
      const names = ds.columns.map((c) => c.name);
      throw new EngineError('invalid_dataset', `${noun} column "${name}" is not in the dataset${nearNamesHint(name, names)} (columns: ${names.map((c) => `"${c}"`).join(', ')})`, { ...field, ...nearNamesDetail(name, names) });
    }
    const role = name === taken.target ? 'the target' : name === taken.time ? 'the time column' : name === taken.group ? 'the group column' : undefined;
    if (role) throw new EngineError('invalid_dataset', `${noun} column "${name}" is ${role}; a ${noun} is ${is}`, field);
    if (col.type === 'datetime') throw new EngineError('invalid_dataset', `${noun} column "${name}" holds dates; the models already read the calendar from the time column`, field);
    if (col.type === 'text') throw new EngineError('invalid_dataset', `${noun} column "${name}" is free text; a ${noun} must hold numbers or a few categories`, field);
    empties.push(col.storage === 'f64' ? (row) => Number.isNaN(col.values[row]) : (row) => col.codes[row] === MISSING_CODE);
    // A boolean column (its levels the spellings the data had, "True" and "false") is one of 1 and 0, so a
    // request may spell it any way the upload reads a boolean.
    const truths = col.storage === 'codes' && col.type === 'boolean' ? levelTruths(col.levels) : undefined;
    if (col.storage === 'f64') {
      const v = col.values instanceof Float32Array ? widenFloat32(col.values) : asFloat64(col.values);
      // A request gives known-future values, held to this range (./covariate-values); past ones come from the data.
      specs.push({ name, kind: 'numeric', ...(list === 'forecast.covariates' ? usedRange(v, used) : {}) });
      writers.push((row, out, off) => {
        out[off] = v[row];
      });
    } else if (truths) {
      const { codes } = col;
      specs.push({ name, kind: 'boolean' });
      writers.push((row, out, off) => {
        out[off] = truths[codes[row]] ? 1 : 0;
      });
    } else {
      if (col.levels.length > MAX_COVARIATE_LEVELS) {
        throw new EngineError('invalid_dataset', `${noun} column "${name}" has ${col.levels.length} categories; at most ${MAX_COVARIATE_LEVELS}`, { ...field, levels: col.levels.length });
      }
      const { codes } = col;
      // Each stored code's place among the categories kept (-1: only rows no series reads hold it).
      const { levels, place } = usedLevels(col.levels, codes, used);
      const width = levels.length;
      specs.push({ name, kind: 'categorical', levels });
      writers.push((row, out, off) => {
        const at = codes[row] < 0 ? -1 : place[codes[row]];
        for (let j = 0; j < width; j++) out[off + j] = at === j ? 1 : 0;
      });
    }
  }
  checkWidth(specs, list);
  const offsets = offsetsOf(specs);
  return {
    specs,
    write(row, out, off) {
      for (let i = 0; i < writers.length; i++) writers[i](row, out, off + offsets[i]);
    },
    writeOne: (i, row, out, off) => writers[i](row, out, off + offsets[i]),
    isEmpty: (i, row) => empties[i](row),
  };
}

/**
 * Refuses covariates that encode to more than MAX_COVARIATE_COLUMNS feature columns; `what` names the
 * list (or lists) they were named in.
 */
export function checkWidth(specs: readonly CovariateSpec[], what: string, field: string = what): void {
  const width = covariateWidth(specs);
  if (width <= MAX_COVARIATE_COLUMNS) return;
  const wide = specs.filter((s) => s.kind === 'categorical').map((s) => `"${s.name}" ${(s as { levels: readonly string[] }).levels.length}`);
  throw new EngineError(
    'invalid_dataset',
    `${what} encode to ${width} feature columns (a number or a boolean is one, a category one per level: ${wide.join(', ')}); at most ${MAX_COVARIATE_COLUMNS}: name fewer, or group rare categories`,
    { field, columns: width },
  );
}

function offsetsOf(specs: readonly CovariateSpec[]): number[] {
  const offsets: number[] = [];
  let o = 0;
  for (const s of specs) {
    offsets.push(o);
    o += widthOf(s);
  }
  return offsets;
}

/**
 * Encodes the covariates of the `steps` steps a forecast request asks for: one object per step, naming
 * every covariate. Returns one array per feature column (covariateWidth), `steps` long. Extra steps
 * beyond `steps` are ignored; missing ones, missing names, unknown names, non-numbers, numbers that are
 * not finite or far outside the training range, values that spell no boolean and unknown categories are
 * refused naming `covariates[i].name`.
 */
export function encodeCovariateSteps(specs: readonly CovariateSpec[], rows: readonly unknown[] | undefined, steps: number): Float64Array[] {
  const names = specs.map((s) => s.name);
  const list = `(${names.map((n) => JSON.stringify(n)).join(', ')})`;
  if (rows === undefined) {
    throw new EngineError('invalid_input', `this model forecasts from covariates ${list}: give their values for ${steps === 1 ? 'the step' : `each of the ${steps} steps`} ahead as covariates, a list of objects`, { field: 'covariates', covariates: names });
  }
  if (rows.length < steps) {
    throw new EngineError('invalid_input', `covariates has ${rows.length} step${rows.length === 1 ? '' : 's'}; the forecast asks for ${steps}, and each needs the values of ${list}`, { field: 'covariates', steps, got: rows.length });
  }
  const width = covariateWidth(specs);
  const columns = Array.from({ length: width }, () => new Float64Array(steps));
  const offsets = offsetsOf(specs);
  for (let s = 0; s < steps; s++) {
    const row = rows[s];
    const at = `covariates[${s}]`;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new EngineError('invalid_input', `${at} must be an object naming ${list}`, { field: at });
    const cells = row as Record<string, unknown>;
    for (const key of Object.keys(cells)) {
      if (!names.includes(key)) throw new EngineError('invalid_input', `${at}.${key} is not a covariate of this model${nearNamesHint(key, names)}; it reads ${list}`, { field: `${at}.${key}`, ...nearNamesDetail(key, names) });
    }
    specs.forEach((spec, i) => {
      const field = `${at}.${spec.name}`;
      const v = cells[spec.name];
      if (v === undefined || v === null) throw new EngineError('invalid_input', `${field} is missing; every step needs a value for each covariate`, { field });
      if (spec.kind === 'numeric') {
        columns[offsets[i]][s] = requestNumber(spec, v, field);
      } else if (spec.kind === 'boolean') {
        const truth = truthValue(v);
        if (truth === undefined) throw new EngineError('invalid_input', `${field} is ${JSON.stringify(v)}, not a boolean: give true or false (or a spelling of one, such as "yes" or "no")`, { field });
        columns[offsets[i]][s] = truth ? 1 : 0;
      } else {
        const level = typeof v === 'string' || typeof v === 'boolean' ? v : typeof v === 'number' ? String(v) : undefined;
        const j = level === undefined ? -1 : levelIndex(spec, level);
        if (j < 0) {
          const known = spec.levels.slice(0, 10).map((l) => JSON.stringify(l)).join(', ');
          throw new EngineError('invalid_input', `${field} is ${JSON.stringify(v)}, not a category the model was trained with (${known}${spec.levels.length > 10 ? ', …' : ''})`, { field });
        }
        for (let k = 0; k < spec.levels.length; k++) columns[offsets[i] + k][s] = k === j ? 1 : 0;
      }
    });
  }
  return columns;
}

/**
 * A request's value of a numeric covariate: a finite number within the bounds of its training range
 * (./covariate-values numberBounds), when the model stored it; refused naming `field` otherwise.
 */
function requestNumber(spec: Extract<CovariateSpec, { kind: 'numeric' }>, v: unknown, field: string): number {
  if (typeof v !== 'number') throw new EngineError('invalid_input', `${field} must be a number, got ${JSON.stringify(v)}`, { field });
  // JSON reads a number too large for a 64-bit float (1e309) as infinity, which JSON.stringify would show as null.
  if (!Number.isFinite(v)) throw new EngineError('invalid_input', `${field} is not a finite number: it is too large for a 64-bit float (from 1e309 on, JSON reads a number as infinity)`, { field });
  const bounds = numberBounds(spec);
  if (bounds && (v < bounds.low || v > bounds.high)) {
    throw new EngineError(
      'invalid_input',
      `${field} is ${v}, far outside the ${spec.min} to ${spec.max} the model was trained on; it takes ${bounds.low} to ${bounds.high} (that range widened by its width on each side): further out it would extrapolate an effect it never saw`,
      { field, value: v, min: spec.min, max: spec.max, low: bounds.low, high: bounds.high },
    );
  }
  return v;
}

/** Whether stored specs (an envelope's `covariates`) are well formed. */
export function validCovariateSpecs(value: unknown): value is CovariateSpec[] {
  return (
    Array.isArray(value) &&
    value.every((s) => {
      const c = s as Record<string, unknown> | null;
      if (typeof c !== 'object' || c === null || typeof c.name !== 'string') return false;
      if (c.kind === 'numeric') return validRange(c.min, c.max);
      if (c.kind === 'boolean') return true;
      return c.kind === 'categorical' && Array.isArray(c.levels) && c.levels.length >= 1 && c.levels.every((l) => typeof l === 'string');
    })
  );
}

/** A numeric covariate's stored range: none (stored before ranges, or a past covariate), or finite min <= max. */
function validRange(min: unknown, max: unknown): boolean {
  if (min === undefined && max === undefined) return true;
  return typeof min === 'number' && typeof max === 'number' && Number.isFinite(min) && Number.isFinite(max) && min <= max;
}

/** A covariate's values as an envelope stores a series' recent points: numbers, truth values, or category levels. */
export type StoredCovariate = readonly number[] | readonly boolean[] | readonly string[];

/** The covariates of points [from, to) of encoded columns, decoded to what the envelope stores (one list per covariate). */
export function storedCovariates(specs: readonly CovariateSpec[], columns: readonly Float64Array[], from: number, to: number): StoredCovariate[] {
  const offsets = offsetsOf(specs);
  return specs.map((spec, i) => {
    const o = offsets[i];
    if (spec.kind === 'numeric') return Array.from(columns[o].subarray(from, to));
    if (spec.kind === 'boolean') return Array.from(columns[o].subarray(from, to), (x) => x === 1);
    const levels: string[] = [];
    for (let t = from; t < to; t++) {
      let j = 0;
      while (j < spec.levels.length - 1 && columns[o + j][t] !== 1) j++;
      levels.push(spec.levels[j]);
    }
    return levels;
  });
}

/**
 * Encoded columns (one per feature) of stored covariates, the inverse of storedCovariates. Throws
 * EngineError(`code`) on a value the specs cannot encode: 'bad_artifact' for an envelope's own,
 * 'invalid_input' for a history given from outside.
 */
export function encodeStoredCovariates(specs: readonly CovariateSpec[], stored: readonly StoredCovariate[], code: EngineErrorCode = 'bad_artifact'): Float64Array[] {
  const n = stored[0]?.length ?? 0;
  const offsets = offsetsOf(specs);
  const columns = Array.from({ length: covariateWidth(specs) }, () => new Float64Array(n));
  specs.forEach((spec, i) => {
    const values = stored[i];
    for (let t = 0; t < n; t++) {
      const v = values[t];
      if (spec.kind === 'numeric') {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new EngineError(code, `covariate "${spec.name}" holds ${JSON.stringify(v)}, not a number`, { column: spec.name });
        columns[offsets[i]][t] = v;
      } else if (spec.kind === 'boolean') {
        const truth = truthValue(v);
        if (truth === undefined) throw new EngineError(code, `covariate "${spec.name}" holds ${JSON.stringify(v)}, not a boolean`, { column: spec.name });
        columns[offsets[i]][t] = truth ? 1 : 0;
      } else {
        // Levels are text; a number is no category (data that now reads the column as numbers is refused).
        const j = typeof v === 'string' || typeof v === 'boolean' ? levelIndex(spec, v) : -1;
        if (j < 0) throw new EngineError(code, `covariate "${spec.name}" holds ${JSON.stringify(v)}, not one of the categories the model was trained with`, { column: spec.name });
        columns[offsets[i] + j][t] = 1;
      }
    }
  });
  return columns;
}

/** Each column of `past` followed by the same column of `ahead`: a forecast's SeriesState.covariates, the tail's then the steps'. */
export function appendColumns(past: readonly Float64Array[], ahead: readonly Float64Array[]): Float64Array[] {
  return past.map((c, j) => {
    const out = new Float64Array(c.length + ahead[j].length);
    out.set(c);
    out.set(ahead[j], c.length);
    return out;
  });
}

/**
 * Stored covariates in the order of `specs`, taken by name from values stored in the order of `from`
 * (a model's covariates read from data another model was fitted on); throws EngineError('invalid_input')
 * naming a covariate the values lack. Truth values read now, for a model that stores the column as a
 * category of its data's two spellings (made before booleans were their own kind), become those levels,
 * so its stored values stay its own (one that is no level stays text, for the model to refuse).
 */
export function byName(specs: readonly CovariateSpec[], from: readonly CovariateSpec[], values: readonly StoredCovariate[]): StoredCovariate[] {
  return specs.map((spec) => {
    const i = from.findIndex((f) => f.name === spec.name);
    if (i < 0) throw new EngineError('invalid_input', `the data has no covariate "${spec.name}", which the model forecasts from`, { column: spec.name });
    if (spec.kind !== 'categorical' || from[i].kind !== 'boolean') return values[i];
    return (values[i] as readonly boolean[]).map((v) => spec.levels[levelIndex(spec, v)] ?? String(v));
  });
}

/**
 * A known-future covariate's range over the rows a series reads (`used`; all rows without it): rows after
 * a series' last value (a planned calendar in the same file) teach nothing, and a request far outside what
 * training saw is refused (./covariate-values). A column with no number in those rows keeps the whole
 * column's range.
 */
function usedRange(values: Float64Array, used: Uint8Array | undefined): { readonly min: number; readonly max: number } {
  const range = rangeOf(values, used);
  return range.min <= range.max ? range : rangeOf(values);
}

/**
 * A categorical covariate's categories, in the column's order, without those only rows no series reads
 * hold (`used` 0: a planned future row without a target), and each stored code's place among them (-1 for
 * one left out): such a category got a column no training row set, so a request naming it was taken and
 * its effect silently left out, where an unseen category is refused. A category no row holds at all is
 * kept: its rows were cut from this table (a retraining's held-out latest points), and the model, brought
 * up to those points, reads it there. Every category when `used` is absent, or when none is held by a used row.
 */
function usedLevels(levels: readonly string[], codes: Int32Array, used: Uint8Array | undefined): { levels: string[]; place: Int32Array } {
  const seen = new Uint8Array(levels.length);
  const held = new Uint8Array(levels.length);
  if (used) {
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] < 0) continue;
      held[codes[i]] = 1;
      if (used[i]) seen[codes[i]] = 1;
    }
    for (let j = 0; j < levels.length; j++) if (!held[j]) seen[j] = 1;
  }
  const keep = used && seen.some((x, j) => x === 1 && held[j] === 1) ? seen : seen.fill(1);
  const place = new Int32Array(levels.length).fill(-1);
  const kept: string[] = [];
  for (let j = 0; j < levels.length; j++) if (keep[j]) place[j] = kept.push(levels[j]) - 1;
  return { levels: kept, place };
}
