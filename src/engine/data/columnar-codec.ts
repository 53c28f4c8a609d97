/**
 * @module engine/data/columnar-codec
 * The stored form of an ingested Dataset: one binary blob holding a small JSON header and the raw typed
 * arrays, 8-byte aligned. Decoding is a handful of typed-array views over the bytes, so a trial gets its
 * data in microseconds per column instead of re-parsing CSV text.
 *
 * Layout: "EAC1" | u32 header byte length (little-endian) | header JSON (UTF-8) | padding to 8 | blocks.
 * Version 2 (written now) stores a numeric column as Float32 when that keeps its meaning (see
 * data/numeric-precision), which halves what a trial holds; version 1 blobs (every number Float64) still read.
 * A datetime column's layout (data/date-layout), and the rows of appended dates its order says nothing of
 * (data/fixed-rows), ride in its block header; blocks written before layouts existed have none and read as
 * ISO-8601 columns, which they were. So do a date column's changing UTC offsets, its one offset other
 * than UTC, and its rows without an offset among rows with one (data/utc-offsets).
 */
import { EngineError } from '../core/errors';
import { runSteps, runStepsYielding, type Steps, workTally } from '../core/steps';
import { utf8Decode, utf8Encode } from '../core/utf8';
import type { ColumnType } from './column-types';
import type { Column, Dataset, NumericValues } from './dataset';
import { DATE_ORDERS, type DateOrder } from './date-layout';
import { checkedFixedRows, type FixedRows } from './fixed-rows';
import { float32Keeps } from './numeric-precision';
import { checkedFixedUtcOffset, checkedUtcOffsets, type UtcOffsets } from './utc-offsets';

const MAGIC = [0x45, 0x41, 0x43, 0x31]; // "EAC1"

/** Version written by this code; version 1 (no 'f32' blocks) still decodes. */
export const COLUMNAR_VERSION = 2;

interface BlockHeader {
  name: string;
  type: ColumnType;
  /** How the block's bytes are laid out; 'f32' and 'f64' both decode to a numeric ('f64' storage) column. */
  storage: 'f64' | 'f32' | 'codes';
  offset: number;
  length: number;
  levels?: readonly string[];
  /** A numeric column's recorded spellings (data/numeric-labels) as [value, text] pairs. */
  spellings?: readonly (readonly [number, string])[];
  /** A numeric column's words read as missing (NumericColumn.missingWords). */
  missing_words?: readonly string[];
  /** A datetime column's layout of dates when not ISO-8601 (NumericColumn.dateOrder). */
  date_order?: DateOrder;
  /** A day-month column's appended ISO-8601 (or year-first, named-month) rows (NumericColumn.fixedRows). */
  fixed_rows?: FixedRows;
  /** A date column's changing UTC offsets, as runs of rows (NumericColumn.utcOffsets). */
  utc_offsets?: UtcOffsets;
  /** A date column's one UTC offset other than UTC, in minutes (NumericColumn.fixedUtcOffset). */
  fixed_utc_offset?: number;
  /** A date column's rows without a UTC offset among rows with one (NumericColumn.zonelessRows). */
  zoneless_rows?: FixedRows;
  /** A date column none of whose cells carried an offset (NumericColumn.naiveTimes). */
  naive_times?: true;
}

interface FileHeader {
  version: 1 | typeof COLUMNAR_VERSION;
  rows: number;
  columns: BlockHeader[];
}

const align8 = (n: number) => (n + 7) & ~7;

/** A numeric column's values as they will be stored: Float32 when narrowing keeps their meaning. */
function storedValues(col: Column & { storage: 'f64' }): NumericValues {
  if (col.values instanceof Float32Array) return col.values;
  return float32Keeps(col.type, col.values) ? Float32Array.from(col.values) : col.values;
}

export function encodeDataset(ds: Dataset): Uint8Array {
  return runSteps(encodeSteps(ds));
}

/** encodeDataset handing the thread back (`yieldControl`) between columns, every VALUES_PER_STEP values (a large upload's columns are tens of milliseconds each). */
export function encodeDatasetYielding(ds: Dataset, yieldControl: () => Promise<void>): Promise<Uint8Array> {
  return runStepsYielding(encodeSteps(ds), yieldControl);
}

/** Levels written (as JSON, then UTF-8) between two turns of the host. */
const LEVELS_PER_STEP = 50_000;

/**
 * Values of columns taken, copied or read between two turns of the host: a turn after each column of a
 * long table, after several of a wide table of few rows (a turn per column was 2,700 for 900 columns).
 */
const VALUES_PER_STEP = 50_000;

/**
 * The UTF-8 bytes of JSON.stringify(header), in pieces written a column's entry at a time, and a long
 * list of levels LEVELS_PER_STEP levels at a time: the levels of two identifier columns of 400,000 rows
 * took 0.1-0.2 s to write at once, and the one string of the whole header as long again to join and
 * encode. The same bytes (keys in the same order, no spaces; a piece ends between two JSON values, never
 * within a character).
 */
function* headerBytesSteps(header: FileHeader): Steps<Uint8Array[]> {
  const pieces: Uint8Array[] = [utf8Encode(`{"version":${JSON.stringify(header.version)},"rows":${JSON.stringify(header.rows)},"columns":[`)];
  // An entry without a long list of levels is short: a turn after a few thousand of them, or their levels' worth.
  const due = workTally(LEVELS_PER_STEP);
  for (let c = 0; c < header.columns.length; c++) {
    const { levels, ...rest } = header.columns[c];
    const comma = c > 0 ? ',' : '';
    // Levels split only where they are the entry's last key (a coded column's), so the text stays the same.
    if (levels === undefined || levels.length <= LEVELS_PER_STEP || Object.keys(header.columns[c]).at(-1) !== 'levels') {
      pieces.push(utf8Encode(comma + JSON.stringify(header.columns[c])));
      if (due(ENTRY_WORTH + (levels?.length ?? 0))) yield;
      continue;
    }
    pieces.push(utf8Encode(`${comma}${JSON.stringify(rest).slice(0, -1)},"levels":[`));
    for (let start = 0; start < levels.length; start += LEVELS_PER_STEP) {
      pieces.push(utf8Encode((start > 0 ? ',' : '') + JSON.stringify(levels.slice(start, start + LEVELS_PER_STEP)).slice(1, -1)));
      yield;
    }
    pieces.push(utf8Encode(']}'));
  }
  pieces.push(utf8Encode(']}'));
  return pieces;
}

/** What an entry of the header counts for beside its levels (data/columnar-codec headerBytesSteps). */
const ENTRY_WORTH = 10;

function* encodeSteps(ds: Dataset): Steps<Uint8Array> {
  const due = workTally(VALUES_PER_STEP);
  const blocks: BlockHeader[] = [];
  const arrays: (NumericValues | Int32Array)[] = [];
  let offset = 0;
  for (const col of ds.columns) {
    const arr = col.storage === 'f64' ? storedValues(col) : col.codes;
    arrays.push(arr);
    blocks.push({
      name: col.name,
      type: col.type,
      storage: col.storage === 'codes' ? 'codes' : arr instanceof Float32Array ? 'f32' : 'f64',
      offset,
      length: arr.length,
      ...(col.storage === 'codes' ? { levels: col.levels } : {}),
      ...(col.storage === 'f64' && col.spellings ? { spellings: [...col.spellings] } : {}),
      ...(col.storage === 'f64' && col.missingWords ? { missing_words: col.missingWords } : {}),
      ...(col.storage === 'f64' && col.dateOrder ? { date_order: col.dateOrder } : {}),
      ...(col.storage === 'f64' && col.fixedRows ? { fixed_rows: col.fixedRows } : {}),
      ...(col.storage === 'f64' && col.utcOffsets ? { utc_offsets: col.utcOffsets } : {}),
      ...(col.storage === 'f64' && col.fixedUtcOffset !== undefined ? { fixed_utc_offset: col.fixedUtcOffset } : {}),
      ...(col.storage === 'f64' && col.zonelessRows ? { zoneless_rows: col.zonelessRows } : {}),
      ...(col.storage === 'f64' && col.naiveTimes ? { naive_times: true as const } : {}),
    });
    offset += align8(arr.byteLength);
    if (due(arr.length)) yield;
  }
  const headerPieces = yield* headerBytesSteps({ version: COLUMNAR_VERSION, rows: ds.rows, columns: blocks });
  const headerLength = headerPieces.reduce((sum, piece) => sum + piece.length, 0);
  const dataStart = align8(8 + headerLength);
  const out = new Uint8Array(dataStart + offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, headerLength, true);
  let at = 8;
  for (const piece of headerPieces) {
    out.set(piece, at);
    at += piece.length;
  }
  // A column copied between two turns: a large upload's file of tens of MB took 0.1-0.3 s to fill at once.
  for (let i = 0; i < arrays.length; i++) {
    if (due(arrays[i].length)) yield;
    out.set(new Uint8Array(arrays[i].buffer, arrays[i].byteOffset, arrays[i].byteLength), dataStart + blocks[i].offset);
  }
  return out;
}

function spellingsField(b: BlockHeader, stored: (v: number) => number): { spellings?: ReadonlyMap<number, string>; missingWords?: readonly string[] } {
  const words = b.missing_words;
  if (words !== undefined && !(Array.isArray(words) && words.every((w) => typeof w === 'string'))) throw new EngineError('bad_artifact', `the missing words of column "${b.name}" in a stored dataset are not a list of text`);
  return { ...(b.spellings ? { spellings: new Map(b.spellings.map(([v, text]) => [stored(v), text])) } : {}), ...(words ? { missingWords: words } : {}) };
}

/** A date column's layout, fixed rows, UTC offsets and rows without one, each checked, as the block header holds them. */
function dateFields(b: BlockHeader): { dateOrder?: DateOrder; fixedRows?: FixedRows; utcOffsets?: UtcOffsets; fixedUtcOffset?: number; zonelessRows?: FixedRows; naiveTimes?: true } {
  const offsets = {
    ...(b.naive_times === true ? { naiveTimes: true as const } : {}),
    ...(b.utc_offsets === undefined ? {} : { utcOffsets: checkedUtcOffsets(b.utc_offsets, b.length, b.name) }),
    ...(b.fixed_utc_offset === undefined ? {} : { fixedUtcOffset: checkedFixedUtcOffset(b.fixed_utc_offset, b.name) }),
    ...(b.zoneless_rows === undefined ? {} : { zonelessRows: checkedFixedRows(b.zoneless_rows, b.length, b.name) }),
  };
  if (b.date_order === undefined) return offsets;
  if (!DATE_ORDERS.includes(b.date_order)) throw new EngineError('bad_artifact', `unknown date order "${String(b.date_order)}" of column "${b.name}" in a stored dataset`);
  return { dateOrder: b.date_order, ...(b.fixed_rows === undefined ? {} : { fixedRows: checkedFixedRows(b.fixed_rows, b.length, b.name) }), ...offsets };
}

export function decodeDataset(bytes: Uint8Array): Dataset {
  return runSteps(decodeSteps(bytes));
}

/**
 * decodeDataset handing the thread back (`yieldControl`) after the header and between columns (every
 * VALUES_PER_STEP values), for a stored version read again inside a Worker (rows appended to a large
 * dataset). The header's JSON (a
 * column's levels) is still parsed in one go.
 */
export function decodeDatasetYielding(bytes: Uint8Array, yieldControl: () => Promise<void>): Promise<Dataset> {
  return runStepsYielding(decodeSteps(bytes), yieldControl);
}

function* decodeSteps(bytes: Uint8Array): Steps<Dataset> {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new EngineError('bad_artifact', 'stored dataset is not in the columnar format (bad magic bytes)');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const header = JSON.parse(utf8Decode(bytes.subarray(8, 8 + headerLength))) as FileHeader;
  if (header.version !== 1 && header.version !== COLUMNAR_VERSION) throw new EngineError('bad_artifact', `unknown columnar format version ${String(header.version)}`);
  if (header.version === 1 && header.columns.some((b) => b.storage === 'f32')) throw new EngineError('bad_artifact', 'a version 1 columnar dataset has no Float32 blocks');
  // Copy into a fresh aligned buffer when the view is not 8-byte aligned (typed-array views require it).
  const base = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const dataStart = base.byteOffset + align8(8 + headerLength);
  yield;
  const columns: Column[] = [];
  const due = workTally(VALUES_PER_STEP);
  for (const b of header.columns) {
    columns.push(decodeColumn(b, base, dataStart));
    if (due(b.length)) yield;
  }
  return { rows: header.rows, columns };
}

/** One column's block as a view over the stored bytes, with its header's fields checked. */
function decodeColumn(b: BlockHeader, base: Uint8Array, dataStart: number): Column {
  const at = dataStart + b.offset;
  switch (b.storage) {
    case 'f64':
      return { name: b.name, type: b.type, storage: 'f64', values: new Float64Array(base.buffer, at, b.length), ...spellingsField(b, (v) => v), ...dateFields(b) };
    case 'f32':
      // Keyed by the values as stored, so a lookup with a stored value finds its spelling.
      return { name: b.name, type: b.type, storage: 'f64', values: new Float32Array(base.buffer, at, b.length), ...spellingsField(b, Math.fround), ...dateFields(b) };
    case 'codes':
      return { name: b.name, type: b.type, storage: 'codes', codes: new Int32Array(base.buffer, at, b.length), levels: b.levels ?? [] };
    default:
      throw new EngineError('bad_artifact', `unknown column storage "${String(b.storage)}" in a stored dataset`);
  }
}
