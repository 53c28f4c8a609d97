/**
 * @module engine/data/csv-pieces
 * Runs papaparse over CSV text a piece at a time, yielding between pieces (engine/core/steps), with
 * exactly the rows, errors and row offsets of one papaparse call over the whole text: data/csv reads a
 * 50 MB upload so without holding the thread for seconds.
 *
 * papaparse tokenises a text in one of two ways, and each piece is read the way the whole text would be:
 * - a text without any double quote is split on line breaks (its "fast mode"), so a piece may end at any
 *   line break: the text up to it is cut off and read alone, and the next piece starts after it;
 * - a text with a quote is scanned from each row's start, the scan never looking behind the row, so the
 *   reading stops at the first row ending past the piece's size and the next one restarts there, on the
 *   rest of the text (a slice of a string costs no copy).
 * Both the fast mode and the line break (which papaparse guesses from the first megabyte of the text)
 * are decided once, from the whole text, and given to every piece.
 */
import Papa from 'papaparse';
import type { Steps } from '../core/steps';

/** A row as papaparse read it, and the offset in the text where it starts. Returns false to stop reading. */
export type CsvRowReader = (fields: string[], errors: readonly Papa.ParseError[], start: number) => boolean;

/** papaparse guesses the line break from at most this much of the text. */
const LINE_BREAK_WINDOW = 1024 * 1024;

/**
 * Reads `text` with papaparse, calling `row` for each row, in pieces of about `pieceChars` characters
 * (Infinity: one papaparse call over the whole text, yielding never).
 */
export function* csvRowsInPieces(text: string, delimiter: string, pieceChars: number, row: CsvRowReader): Steps<void> {
  if (!Number.isFinite(pieceChars) || text.length <= pieceChars) {
    readPiece(text, 0, { delimiter }, row);
    return;
  }
  // papaparse's own guess (one of its three line breaks), read once from the text's start as it would be.
  const newline = Papa.parse<string[]>(text.slice(0, LINE_BREAK_WINDOW), { delimiter, preview: 1 }).meta.linebreak as '\n' | '\r' | '\r\n';
  if (text.indexOf('"') < 0) yield* quoteFreePieces(text, { delimiter, newline, fastMode: true }, pieceChars, row);
  else yield* quotedPieces(text, { delimiter, newline, fastMode: false }, pieceChars, row);
}

/** Pieces cut at the first line break past `pieceChars` characters, read without it. */
function* quoteFreePieces(text: string, config: Papa.ParseConfig, pieceChars: number, row: CsvRowReader): Steps<void> {
  const newline = config.newline as string;
  for (let start = 0; ; ) {
    const end = start + pieceChars < text.length ? text.indexOf(newline, start + pieceChars) : -1;
    if (end < 0) {
      readPiece(text.slice(start), start, config, row);
      return;
    }
    if (!readPiece(text.slice(start, end), start, config, row).read) return;
    start = end + newline.length;
    yield;
  }
}

/** Pieces ending with the first row that ends past `pieceChars` characters, each read on the rest of the text. */
function* quotedPieces(text: string, config: Papa.ParseConfig, pieceChars: number, row: CsvRowReader): Steps<void> {
  for (let start = 0; ; ) {
    const rest = start === 0 ? text : text.slice(start);
    const piece = readPiece(rest, start, config, row, pieceChars);
    if (!piece.read || piece.next === undefined) return;
    start += piece.next;
    yield;
  }
}

/**
 * One papaparse call over `piece` (which starts at `offset` of the text). With `stopAfter`, it stops after
 * the first row that ends that far into the piece, unless the piece ends there, and says where the next
 * row starts (`next`). `read` is false when `row` stopped the reading.
 */
function readPiece(piece: string, offset: number, config: Papa.ParseConfig, row: CsvRowReader, stopAfter = Infinity): { read: boolean; next?: number } {
  let rowStart = 0;
  let read = true;
  let next: number | undefined;
  Papa.parse<string[]>(piece, {
    ...config,
    step: (result, parser) => {
      const start = offset + rowStart;
      rowStart = result.meta.cursor;
      if (!row(result.data, result.errors, start)) {
        read = false;
        parser.abort();
      } else if (rowStart >= stopAfter && rowStart < piece.length) {
        next = rowStart;
        parser.abort();
      }
    },
  });
  return { read, next };
}
