/**
 * @module cli/predict-batches
 * A file too big for one predict request, sent as several: the server takes at most 10,000 rows and
 * 8 MiB per request (worker/schemas MAX_PREDICT_ROWS and MAX_JSON_BYTES, for CSV bodies too). A CSV is cut
 * at row boundaries as the server's own reader finds them (engine/data/csv: quoted line breaks, blank
 * lines, a "sep=" line), and every batch repeats the lines above the first row (header, "sep=" line), so
 * each batch reads exactly as its rows read in the whole file. JSON rows (explanations, Parquet, images)
 * are cut by count and size. The batches go one after the other, all to the version the first one was
 * answered by (a champion promoted midway must not split the answer), and their answers are joined in
 * order, as one request would have answered. A refusal names the line or row of the whole file.
 */
import type { Prediction } from '../client';
import { ApiClientError } from '../client';
import { EngineError } from '../engine/core/errors';
import { type CsvDelimiter, parseCsv } from '../engine/data/csv';
import { UsageError } from './errors';

/** Most rows one predict request may carry (worker/schemas MAX_PREDICT_ROWS). */
export const MAX_PREDICT_ROWS = 10_000;
/** Largest predict body, JSON or CSV (worker/schemas MAX_JSON_BYTES). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface BatchLimits {
  readonly maxRows: number;
  readonly maxBytes: number;
}

const LIMITS: BatchLimits = { maxRows: MAX_PREDICT_ROWS, maxBytes: MAX_BODY_BYTES };

export interface CsvBatch {
  /** The batch as a CSV body: the file's lines above its first row, then its rows' lines. */
  readonly text: string;
  /** The line of `text` its first row is on; the lines before it are the header part. */
  readonly firstRowLine: number;
  /** Added to a line of `text` from firstRowLine on, gives the line of the whole file. */
  readonly lineOffset: number;
  /** How many rows of the file come before this batch's first (added to a refusal's details.index). */
  readonly rowOffset: number;
}

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * The CSV text as predict bodies. A file within both limits is one batch, sent exactly as read (the
 * server reads and refuses it as before). A larger one is read here first with the server's reader, so
 * a broken file is refused naming its line in the whole file before anything is sent.
 */
export function csvBatches(input: string, file: string, limits: BatchLimits = LIMITS, delimiter?: CsvDelimiter): CsvBatch[] {
  // A row starts on a line that is not empty, and one such line is the header: a cheap bound, no parse.
  if (byteLength(input) <= limits.maxBytes && nonEmptyLines(input) - 1 <= limits.maxRows) return [{ text: input, firstRowLine: 1, lineOffset: 0, rowOffset: 0 }];
  const text = unifyLineEndings(input);
  let lines: readonly number[];
  try {
    lines = parseCsv(text, { maxRows: Number.MAX_SAFE_INTEGER, maxColumns: Number.MAX_SAFE_INTEGER, ...(delimiter ? { delimiter } : {}) }).lines ?? [];
  } catch (err) {
    if (err instanceof EngineError) throw new UsageError(err.message, file);
    throw err;
  }
  // The reader counts lines after a byte-order mark; a "sep=" line is line 1.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const starts = lineStarts(text, bom);
  const rowStart = (i: number) => (i < lines.length ? starts[lines[i]] : text.length);
  const head = text.slice(0, rowStart(0));
  const headBytes = byteLength(head);
  const batches: CsvBatch[] = [];
  for (let first = 0; first < lines.length; ) {
    let end = first + 1;
    let bytes = headBytes + byteLength(text.slice(rowStart(first), rowStart(end)));
    while (end < lines.length && end - first < limits.maxRows) {
      const next = byteLength(text.slice(rowStart(end), rowStart(end + 1)));
      if (bytes + next > limits.maxBytes) break;
      bytes += next;
      end++;
    }
    batches.push({ text: head + text.slice(rowStart(first), rowStart(end)), firstRowLine: lines[0], lineOffset: lines[first] - lines[0], rowOffset: first });
    first = end;
  }
  return batches;
}

/** Lines holding at least one character; LF, CRLF and a lone CR each end a line, as the server's reader counts them. */
function nonEmptyLines(text: string): number {
  let n = 0;
  let empty = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (!empty) n++;
      empty = true;
    } else empty = false;
  }
  return empty ? n : n + 1;
}

/** starts[n]: the offset in `text` of line n (1-based), counted from `from`. */
function lineStarts(text: string, from: number): number[] {
  const starts = [from, from];
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/**
 * As the server reads a CSV body (worker/csv-body): a file mixing CRLF and LF lines becomes all-LF. Done
 * on the whole file, so no batch is read differently for holding only one kind of line.
 */
function unifyLineEndings(text: string): string {
  if (text.indexOf('\r\n') < 0 || !/(^|[^\r])\n/.test(text)) return text;
  return text.replace(/\r\n/g, '\n');
}

/** JSON rows cut into requests of at most maxRows rows and about maxBytes of JSON; `first`: index of its first row. */
export function rowBatches<T>(rows: readonly T[], limits: BatchLimits = LIMITS): { readonly rows: T[]; readonly first: number }[] {
  // Room for the body around the rows: {"rows":[…],"version":N,"explain":true}.
  const budget = limits.maxBytes - 1024;
  const batches: { rows: T[]; first: number }[] = [];
  let current: T[] = [];
  let first = 0;
  let bytes = 0;
  rows.forEach((row, i) => {
    const size = byteLength(JSON.stringify(row)) + 1;
    if (current.length > 0 && (current.length >= limits.maxRows || bytes + size > budget)) {
      batches.push({ rows: current, first });
      current = [];
      first = i;
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  });
  if (current.length > 0) batches.push({ rows: current, first });
  return batches;
}

/**
 * Sends each batch in order and joins the answers. Every batch after the first goes to the version the
 * first was answered by (or the one asked for). `renumber` turns a refusal of one batch into one that
 * names the line or row of the whole file.
 */
export async function predictInOrder<B>(
  batches: readonly B[],
  version: number | undefined,
  send: (batch: B, version: number | undefined) => Promise<Prediction>,
  renumber: (err: unknown, batch: B) => unknown = (err) => err,
): Promise<Prediction> {
  const answers: Prediction[] = [];
  for (const batch of batches) {
    try {
      answers.push(await send(batch, version ?? answers[0]?.model.version));
    } catch (err) {
      throw renumber(err, batch);
    }
  }
  return joinPredictions(answers);
}

/**
 * Sends explanation batches within the rows the model allows one request to explain. The server prices
 * explanations before running them (worker/routes/models refuseCostlyExplanation: a forest of deep trees
 * takes milliseconds a row) and refuses a batch past them, naming the rows that fit (400, details.field
 * "explain", details.max_rows). The CLI's batches are cut by the body's limits alone, so a refused one is
 * sent again in parts of that many rows, and so is every later batch: the file is explained rather than
 * refused. A refused part's row is named over its batch, as one request would name it.
 */
export function explainWithinLimit<R>(explain: (rows: R[], version: number | undefined) => Promise<Prediction>): (batch: { readonly rows: R[] }, version: number | undefined) => Promise<Prediction> {
  let most = Number.POSITIVE_INFINITY;
  return async (batch, version) => {
    const parts: Prediction[] = [];
    for (let from = 0; from < batch.rows.length; ) {
      const rows = batch.rows.slice(from, from + most);
      try {
        // Parts after the first go to the version the first was answered by, as batches do.
        parts.push(await explain(rows, version ?? parts[0]?.model.version));
        from += rows.length;
      } catch (err) {
        const limit = explainRowLimit(err, rows.length);
        if (limit === undefined) throw shiftPosition(err, 'row', from);
        most = limit;
      }
    }
    return joinPredictions(parts);
  };
}

/** The rows one request may explain, when `err` is the server's refusal of `sent` rows as too many to explain. */
function explainRowLimit(err: unknown, sent: number): number | undefined {
  if (!(err instanceof ApiClientError) || err.status !== 400 || err.details.field !== 'explain') return undefined;
  const most = err.details.max_rows;
  // Strictly fewer than were sent, so each retry sends less and the loop ends.
  return typeof most === 'number' && Number.isInteger(most) && most >= 1 && most < sent ? most : undefined;
}

/** Answers to consecutive batches as the one answer to all their rows. */
export function joinPredictions(parts: readonly Prediction[]): Prediction {
  if (parts.length === 1) return parts[0];
  const [head] = parts;
  const { unseen: _unseen, unseen_total: _total, absent_columns: _absent, absent_columns_total: _absentTotal, ...rest } = head;
  return {
    ...rest,
    predictions: parts.flatMap((p) => p.predictions),
    ...(head.probabilities ? { probabilities: parts.flatMap((p) => p.probabilities ?? []) } : {}),
    ...(head.explanations ? { explanations: parts.flatMap((p) => p.explanations ?? []) } : {}),
    ...joinUnseen(parts),
    ...joinAbsent(parts),
  };
}

/**
 * The batches' absent columns as one answer lists them: each column once, in the order first listed, with
 * the rows of every batch that lacked it; `absent_columns_total` when a batch had more than it listed.
 */
function joinAbsent(parts: readonly Prediction[]): Pick<Prediction, 'absent_columns' | 'absent_columns_total'> {
  const rows = new Map<string, number>();
  let total = 0;
  for (const p of parts) {
    for (const a of p.absent_columns ?? []) rows.set(a.column, (rows.get(a.column) ?? 0) + a.rows);
    total = Math.max(total, p.absent_columns_total ?? 0);
  }
  if (rows.size === 0) return {};
  return { absent_columns: [...rows].map(([column, n]) => ({ column, rows: n })), ...(total > rows.size ? { absent_columns_total: total } : {}) };
}

/** The server lists at most this many unseen cells an answer (engine MAX_UNSEEN_LISTED). */
const UNSEEN_LISTED = 100;

/**
 * The batches' unseen category cells as one answer lists them: rows counted from the first batch's first
 * row, the first UNSEEN_LISTED listed, `unseen_total` when there were more (each batch's own total counted).
 */
function joinUnseen(parts: readonly Prediction[]): Pick<Prediction, 'unseen' | 'unseen_total'> {
  const listed: NonNullable<Prediction['unseen']> = [];
  let total = 0;
  let offset = 0;
  for (const p of parts) {
    for (const u of p.unseen ?? []) listed.push({ ...u, row: u.row + offset });
    total += p.unseen_total ?? p.unseen?.length ?? 0;
    offset += p.predictions.length;
  }
  if (total === 0) return {};
  return { unseen: listed.slice(0, UNSEEN_LISTED), ...(total > UNSEEN_LISTED ? { unseen_total: total } : {}) };
}

/**
 * The same refusal naming `line` (or `row`) `at + offset`: the server numbers what it was sent, one batch.
 * Positions before `from` (the header part every batch repeats) are the file's own already. A row of
 * JSON rows is `rows[k]` in the message (`row k` from an older server) and `index` in the details too.
 */
export function shiftPosition(err: unknown, key: 'line' | 'row', offset: number, from = 0): unknown {
  if (!(err instanceof ApiClientError) || offset === 0) return err;
  const at = err.details[key];
  if (typeof at !== 'number' || at < from) return err;
  const message =
    key === 'row'
      ? err.message.replace(new RegExp(`^rows\\[${at}\\]|\\brow ${at}\\b`), (found) => found.replace(String(at), String(at + offset)))
      : err.message.replace(new RegExp(`\\b${key} ${at}\\b`), `${key} ${at + offset}`);
  const shifted = new ApiClientError(err.status, err.code, message, { ...err.details, [key]: at + offset }, err.request);
  return key === 'row' ? shiftIndex(shifted, offset) : shifted;
}

/** The same refusal with details.index (a row's position in the batch, from 0) counted over the whole file. */
export function shiftIndex(err: unknown, offset: number): unknown {
  if (!(err instanceof ApiClientError) || offset === 0 || typeof err.details.index !== 'number') return err;
  return new ApiClientError(err.status, err.code, err.message, { ...err.details, index: err.details.index + offset }, err.request);
}

/** How a row of a file, by its index from 0, is named: the words of a message and the details that say it. */
export type RowName = (index: number) => { readonly label: string; readonly details: Record<string, unknown> };

/**
 * A refusal of `rows[k]` of the JSON rows read from a file (k counted over the whole file, see
 * shiftPosition) named as the server names that file's rows when it is the body: a CSV file's line, a
 * Parquet file's row from 1. `rows[k]` means nothing to someone who gave a file.
 */
export function nameFileRow(err: unknown, name: RowName): unknown {
  if (!(err instanceof ApiClientError)) return err;
  const k = err.details.row;
  if (typeof k !== 'number' || !err.message.startsWith(`rows[${k}]`)) return err;
  const { label, details } = name(k);
  const { row: _, ...others } = err.details;
  return new ApiClientError(err.status, err.code, `${label}${err.message.slice(`rows[${k}]`.length)}`, { ...details, ...others, index: k }, err.request);
}

/** Rows of a Parquet file: from 1, as the server names a Parquet body's rows. */
export const parquetRowName: RowName = (k) => ({ label: `row ${k + 1} of the Parquet file`, details: { row: k + 1 } });

/** Rows of a CSV file: the line each starts on, as the server names a CSV body's rows. */
export const csvLineName =
  (lines: readonly number[]): RowName =>
  (k) => ({ label: `line ${lines[k] ?? k + 2}`, details: { line: lines[k] ?? k + 2 } });
