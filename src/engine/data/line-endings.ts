/**
 * @module engine/data/line-endings
 * Files that mix CRLF and LF (a CSV edited on two systems) become all-LF. The CSV reader picks one line
 * ending from the first line, so a CRLF-first file would otherwise merge its LF lines into one row.
 * Only mixed files pay for the copy; a quoted CRLF inside a field of such a file becomes LF.
 * Written as steps over pieces of the text (engine/core/steps): on a 45 MB CRLF file the test for a lone
 * LF and the rewriting take about 0.2 s each, which a Worker's other requests must not wait behind.
 */
import type { Steps } from '../core/steps';

/** Characters checked or rewritten between two turns of the host (a few milliseconds' work). */
export const LINE_ENDING_PIECE_CHARS = 1024 * 1024;

/** An LF not preceded by a CR (at the start of a piece, by the piece's start: see pieceEnds). */
const LONE_LF = /(^|[^\r])\n/;

/**
 * Where the pieces of about `pieceChars` characters end (Infinity: one piece). No piece ends with a CR,
 * so a CRLF is never cut in two and a piece's start is never just after a CR: there `^` stands for what
 * precedes it in the text, which is not a CR.
 */
function pieceEnds(text: string, pieceChars: number): number[] {
  const ends: number[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + pieceChars);
    while (end < text.length && text.charCodeAt(end - 1) === 13) end++;
    ends.push(end);
    start = end;
  }
  return ends;
}

/** The text with every CRLF made LF when it holds both CRLF and a lone LF; else the text itself. */
export function* unifyLineEndingsSteps(text: string, pieceChars = LINE_ENDING_PIECE_CHARS): Steps<string> {
  if (text.indexOf('\r\n') < 0) return text;
  const ends = pieceEnds(text, pieceChars);
  let mixed = false;
  for (let k = 0; k < ends.length && !mixed; k++) {
    mixed = LONE_LF.test(text.slice(k === 0 ? 0 : ends[k - 1], ends[k]));
    yield;
  }
  if (!mixed) return text;
  const parts: string[] = [];
  for (let k = 0; k < ends.length; k++) {
    parts.push(text.slice(k === 0 ? 0 : ends[k - 1], ends[k]).replace(/\r\n/g, '\n'));
    yield;
  }
  return parts.join('');
}
