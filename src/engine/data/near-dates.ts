/**
 * @module engine/data/near-dates
 * The profile's warning for a column of dates that a few cells keep from being read as dates. The type
 * rules stand (data/detect-date-order: one cell that is no date, or written another way, and the column
 * holds no dates; a bad cell is never guessed away), but without a word a unique column of dates with
 * one 02/30/2024 became an identifier that every job dropped, and nobody learned why. When nearly all
 * present cells (90%, and at least 10) are dates of one layout, or dates with two-digit years, the
 * warning counts them, names the first cell that is not (by line, or data row), and says what to do.
 * When nearly all are dates but written two ways that no one layout holds nine tenths of (60 ISO-8601,
 * then 60 01/03/2024: two programs' exports put together), it names each way with a cell of it, and the
 * declared order that reads them all when there is one. A forecast job refusing such a column as its time
 * column describes the ways as this does (dateLayoutsText, engine/data/unread-dates).
 */
import { runSteps, type Steps } from '../core/steps';
import { type ColumnType, isMissingNumberCell, parseDateCell } from './column-types';
import { type DayMonthOrder, dayMonthParts, describeOrder, readParts, yearFirst } from './date-layout';
import { whyNoRealDate, whyNoRealDateEitherOrder } from './date-validity';

/** What a cell is: a real date month first, day first, ISO-8601, year-first, with a named month, or with a two-digit year. */
const MDY = 1;
const DMY = 2;
const ISO = 4;
const YMD = 8;
const NAMED = 16;
const TWO_DIGIT_YEAR = 32;
/** Cells no order of day and month misreads. */
const FIXED = ISO | YMD | NAMED;
/** A missing value or placeholder ("-", "#N/A"), not counted. */
const MISSING = 128;

const SHARE = 0.9;
const AT_LEAST = 10;

/**
 * The warning for a column whose cells (as uploaded, one per row) are nearly all dates but which was
 * typed `type` (id, text or categorical); undefined when it is not such a column. `where` names a row
 * ("line 7" in a CSV file, else "data row 6").
 */
export function nearDatesWarning(name: string, cells: readonly string[], type: ColumnType, where: (row: number) => string): string | undefined {
  return runSteps(nearDatesWarningSteps(name, cells, type, where, Infinity));
}

/**
 * nearDatesWarning as steps (engine/core/steps), yielding every `pieceLength` cells read: an identifier
 * column's first tenth of 400,000 cells took 0.05-0.13 s to read at once at upload (data/infer-schema).
 */
export function* nearDatesWarningSteps(name: string, cells: readonly string[], type: ColumnType, where: (row: number) => string, pieceLength: number): Steps<string | undefined> {
  const kinds = new Uint8Array(cells.length);
  const counts = { mdy: 0, dmy: 0, both: 0, fixed: 0, two: 0, dated: 0 };
  let present = 0;
  let others = 0;
  // Cells repeat (days, categories): each distinct one is read once, as written. A cache of every distinct
  // cell would hold a whole identifier column, so it stops growing.
  const seen = new Map<string, number>();
  for (let i = 0; i < cells.length; i++) {
    // At the top, so that missing cells (which go on early) count toward a slice too.
    if (i % pieceLength === pieceLength - 1) yield;
    let k = seen.get(cells[i]);
    if (k === undefined) {
      k = isMissingNumberCell(cells[i]) ? MISSING : kindOf(cells[i].trim());
      if (seen.size < 10_000) seen.set(cells[i], k);
    }
    kinds[i] = k;
    if (k === MISSING) continue;
    present++;
    if (k & MDY) counts.mdy++;
    if (k & DMY) counts.dmy++;
    if ((k & (MDY | DMY)) === (MDY | DMY)) counts.both++;
    if (k & FIXED) counts.fixed++;
    if (k & TWO_DIGIT_YEAR) counts.two++;
    if (k & (MDY | DMY | FIXED)) counts.dated++;
    // Past a tenth of the rows in cells that are no date of any kind, no layout can hold nine tenths of
    // the present cells: a column of words stops here.
    if (k === 0 && ++others > (1 - SHARE) * cells.length) return undefined;
  }
  if (present < AT_LEAST) return undefined;
  const enough = (n: number) => n >= AT_LEAST && n >= SHARE * present && n < present;
  const best = Math.max(counts.mdy, counts.dmy, counts.fixed);
  if (enough(best)) return layoutWarning({ name, kinds, cells, counts, present, best, type, where });
  if (enough(counts.two) || (counts.two === present && present >= AT_LEAST)) return twoDigitWarning(cells, kinds, counts.two, present, type);
  // Dates nearly all, but no layout holds nine tenths of them: two programs' halves (ISO-8601, then 01/03/2024).
  const ways = layoutsOf(kinds);
  if (counts.dated >= AT_LEAST && counts.dated >= SHARE * present && ways.length > 1) return mixWarning({ name, kinds, cells, counts, present, best, type, where }, ways);
  return undefined;
}

/** One way a column's dates are written: in words, how many cells, and the first row of one. */
interface Way {
  readonly words: string;
  readonly count: number;
  readonly row: number;
}

/**
 * The ways the dates among `kinds` are written: ISO-8601, year-first and named-month cells each, and the
 * day-month cells as the one order that reads them all, else as month first and as day first (cells that
 * read either way then counted in neither).
 */
function layoutsOf(kinds: Uint8Array): Way[] {
  const found: Way[] = [];
  const add = (words: string, test: (k: number) => boolean) => {
    let count = 0;
    let row = -1;
    for (let i = 0; i < kinds.length; i++) {
      if (kinds[i] === MISSING || !test(kinds[i])) continue;
      count++;
      if (row < 0) row = i;
    }
    if (count > 0) found.push({ words, count, row });
  };
  add('ISO-8601', (k) => (k & ISO) !== 0);
  add(describeOrder('ymd'), (k) => (k & YMD) !== 0);
  add(describeOrder('named'), (k) => (k & NAMED) !== 0);
  const dayMonth = (k: number) => k !== MISSING && (k & (MDY | DMY)) !== 0;
  let mdy = true;
  let dmy = true;
  for (const k of kinds) {
    if (!dayMonth(k)) continue;
    mdy &&= (k & MDY) !== 0;
    dmy &&= (k & DMY) !== 0;
  }
  if (mdy && dmy) add('MM/DD/YYYY or DD/MM/YYYY (every one reads either way)', dayMonth);
  else if (mdy || dmy) add(describeOrder(mdy ? 'mdy' : 'dmy'), dayMonth);
  else {
    add(describeOrder('mdy'), (k) => k !== MISSING && (k & (MDY | DMY)) === MDY);
    add(describeOrder('dmy'), (k) => k !== MISSING && (k & (MDY | DMY)) === DMY);
  }
  return found;
}

const HOW_MANY = ['', 'one', 'two', 'three', 'four', 'five'];

/** "written two ways: ISO-8601 in 60 (line 2 holds "2024-01-01") and DD/MM/YYYY (day first) in 60 (line 62 holds "01/03/2024")". */
function waysText(ways: readonly Way[], cells: readonly string[], where: (row: number) => string): string {
  const each = ways.map((w) => `${w.words} in ${w.count} (${where(w.row)} holds ${JSON.stringify(cells[w.row].trim().slice(0, 64))})`);
  return `written ${HOW_MANY[ways.length]} ways: ${each.slice(0, -1).join(', ')} and ${each[each.length - 1]}`;
}

/**
 * How a column's dates are written when they are written more than one way (data row or line by
 * `where`), as a job refusing the column as its time column says it; undefined when they are not.
 */
export function dateLayoutsText(cells: readonly string[], where: (row: number) => string): string | undefined {
  const kinds = Uint8Array.from(cells, (c) => (isMissingNumberCell(c) ? MISSING : kindOf(c.trim())));
  const ways = layoutsOf(kinds);
  return ways.length > 1 ? waysText(ways, cells, where) : undefined;
}

/**
 * "120 of 120 values are dates, but written two ways: ISO-8601 in 60 (line 2 holds ...) and DD/MM/YYYY
 * (day first) in 60 (line 62 holds ...): the column is read as id; create the job with ...", the way out
 * a declared order when one reads every cell.
 */
function mixWarning(f: Found, ways: readonly Way[]): string {
  const { cells, kinds } = f;
  const bad = kinds.findIndex((k) => k !== MISSING && !(k & (MDY | DMY | FIXED)));
  const why = bad < 0 ? undefined : whyNoRealDateEitherOrder(cells[bad]);
  const notDate = bad < 0 ? '' : `, and ${f.where(bad)} holds ${JSON.stringify(cells[bad].trim().slice(0, 64))}, which is not a date${why ? ` (${why})` : ''}`;
  // The orders a declared date_order reads every date in; with cells that are no dates, once they are corrected.
  const reads = (o: DayMonthOrder, skipBad: boolean) => kinds.every((k) => k === MISSING || (skipBad && !(k & (MDY | DMY | FIXED))) || (k & (o === 'mdy' ? MDY : DMY)) !== 0 || (k & FIXED) !== 0);
  const orders = (skipBad: boolean) => (['mdy', 'dmy'] as const).filter((o) => reads(o, skipBad));
  const declare = (o: readonly DayMonthOrder[]) => `create the job with "columns": {${JSON.stringify(f.name)}: {"type": "datetime", "date_order": "${o[0]}"}}`;
  const all = orders(false);
  const rest = orders(true);
  const advice =
    all.length > 0
      ? `${declare(all)} to read them all${all.length > 1 ? ' (or "dmy" if they are day first)' : ''}`
      : bad >= 0
        ? `correct the cells that are not dates${rest.length > 0 ? `, then ${declare(rest)} to read the rest` : ''}`
        : "correct the cells written the other way round: a column's dates are all month first or all day first";
  return `${f.counts.dated} of ${f.present} values are dates, but ${waysText(ways, cells, f.where)}${notDate}: the column is read as ${f.type}; ${advice}`;
}

/** The kind bits of a trimmed, present cell. */
function kindOf(cell: string): number {
  const parts = dayMonthParts(cell);
  if (parts) return (Number.isNaN(readParts(parts, 'mdy')) ? 0 : MDY) | (Number.isNaN(readParts(parts, 'dmy')) ? 0 : DMY);
  if (!Number.isNaN(parseDateCell(cell))) return ISO;
  if (!Number.isNaN(yearFirst(cell))) return YMD;
  // 'ymd' reads ISO-8601, year-first and named months: here, named months only.
  if (!Number.isNaN(parseDateCell(cell, 'ymd'))) return NAMED;
  return twoDigitYear(cell) ? TWO_DIGIT_YEAR : 0;
}

// 03/15/24, 15.03.24 14:30, 15-Mar-24: the year's two digits, what comes before and after them.
const TWO_DIGIT_NUMERIC = /^(\d{1,2}([/.-])\d{1,2}\2)(\d{2})((?:\s+|T).*)?$/;
const TWO_DIGIT_NAMED = /^(\d{1,2}([-/ ])[\p{L}\p{M}]{3,10}\.?\2)(\d{2})(\s.*)?$/u;

/** Whether the cell would be a date were its two-digit year written with four digits. */
function twoDigitYear(cell: string): boolean {
  const m = TWO_DIGIT_NUMERIC.exec(cell) ?? TWO_DIGIT_NAMED.exec(cell);
  if (!m) return false;
  const widened = `${m[1]}20${m[3]}${m[4] ?? ''}`;
  return !Number.isNaN(parseDateCell(widened, 'mdy')) || !Number.isNaN(parseDateCell(widened, 'dmy'));
}

interface Found {
  readonly name: string;
  readonly cells: readonly string[];
  readonly kinds: Uint8Array;
  readonly counts: { readonly mdy: number; readonly dmy: number; readonly both: number; readonly fixed: number; readonly dated: number };
  readonly present: number;
  readonly best: number;
  readonly type: ColumnType;
  readonly where: (row: number) => string;
}

/** "18 of 19 values are dates written MM/DD/YYYY (month first), but line 7 holds ...: the column is read as id; ...". */
function layoutWarning(f: Found): string {
  const { cells, kinds, counts, present, best } = f;
  // Month first wins a tie, as upload's default does; cells that no order misreads win only outright.
  const order: DayMonthOrder | undefined = counts.mdy === best ? 'mdy' : counts.dmy === best ? 'dmy' : undefined;
  const fits = order === 'mdy' ? MDY : order === 'dmy' ? DMY : FIXED;
  const eitherWay = order !== undefined && counts.both === best;
  const layout = order === undefined ? fixedKinds(kinds) : eitherWay ? 'MM/DD/YYYY or DD/MM/YYYY (every one reads either way)' : describeOrder(order);
  const row = kinds.findIndex((k) => k !== MISSING && !(k & fits));
  const cell = cells[row].trim();
  const k = kinds[row];
  // The orders a declared date_order would read every cell in (day-month cells in it, the others in any).
  const readAll = (['mdy', 'dmy'] as const).filter((o) => kinds.every((kk) => kk === MISSING || kk & (o === 'mdy' ? MDY : DMY) || kk & FIXED));
  const what = describeCell(cell, k, order, eitherWay);
  // Written as the job's JSON, as the guessed-order warning writes it (the CLI turns it into its flag).
  const columns = (override: string) => `"columns": {${JSON.stringify(f.name)}: ${override}}`;
  const advice =
    readAll.length > 0
      ? `create the job with ${columns(`{"type": "datetime", "date_order": "${readAll[0]}"}`)} to read them all${readAll.length > 1 ? ' (or "dmy" if they are day first)' : ''}`
      : k & (MDY | DMY)
        ? "correct the cell: a column's dates are all month first or all day first"
        : k & TWO_DIGIT_YEAR
          ? 'write its year with four digits'
          : `correct the cell, or create the job with ${columns('"datetime"')} to have it name the cells that are not dates`;
  return `${best} of ${present} values are dates written ${layout}, but ${f.where(row)} holds ${JSON.stringify(cell.slice(0, 64))}, which ${what}: the column is read as ${f.type}; ${advice}`;
}

/** Which forms the cells no order misreads are written in ("ISO-8601", "ISO-8601 or YYYY/MM/DD (year first)"). */
function fixedKinds(kinds: Uint8Array): string {
  let all = 0;
  for (const k of kinds) if (k !== MISSING) all |= k & FIXED;
  return [...(all & ISO ? ['ISO-8601'] : []), ...(all & YMD ? [describeOrder('ymd')] : []), ...(all & NAMED ? [describeOrder('named')] : [])].join(' or ');
}

/** What the first cell out of the column's layout is, after "which". */
function describeCell(cell: string, k: number, order: DayMonthOrder | undefined, eitherWay: boolean): string {
  if (order !== undefined && k & FIXED) return `is written ${fixedKinds(Uint8Array.of(k))} among them`;
  if (order === undefined && k & (MDY | DMY)) {
    const as = (k & (MDY | DMY)) === (MDY | DMY) ? 'MM/DD/YYYY or DD/MM/YYYY' : describeOrder(k & MDY ? 'mdy' : 'dmy');
    return `is written ${as} among them`;
  }
  if (order !== undefined && !eitherWay && k & (MDY | DMY)) return `is a date only as ${describeOrder(k & MDY ? 'mdy' : 'dmy')}`;
  if (k & TWO_DIGIT_YEAR) return 'has a two-digit year (not read: the century would be a guess)';
  const why = order !== undefined && !eitherWay ? whyNoRealDate(cell, order) : whyNoRealDateEitherOrder(cell);
  return `is not a date${why ? ` (${why})` : ''}`;
}

/** The warning for a column of dates with two-digit years, which are not read: say how to export them. */
function twoDigitWarning(cells: readonly string[], kinds: Uint8Array, count: number, present: number, type: ColumnType): string {
  const example = cells[kinds.findIndex((k) => k === TWO_DIGIT_YEAR)].trim();
  return (
    `${count} of ${present} values are dates with two-digit years (such as ${JSON.stringify(example.slice(0, 64))}), which are not read as dates: ` +
    `the century, and in 03/04/05 the order, would be guesses; the column is read as ${type}; export four-digit years (03/15/2024) or ISO-8601 (2024-03-15)`
  );
}
