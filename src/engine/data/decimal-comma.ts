/**
 * @module engine/data/decimal-comma
 * How numbers read in a semicolon-separated file, the kind European spreadsheets write with decimal
 * commas ("3,14", "1.234,5") and dots between thousands ("120.000", "1.200.000"). A cell with a decimal
 * comma always reads as one. A dot before exactly three digits cannot be read alone: "120.000" is 120000
 * in a decimal-comma file and 120 in a dot-decimal one, and read as 120 a column of prices lost three
 * zeros while "1.200.000" beside it was no number at all. So the whole file decides: it is a
 * decimal-comma file when some cell can only be written so (a decimal comma, or dots between several
 * groups of three) and no cell can only be a dot decimal ("0.5", "3.14", "1234.5", "1,234.5"); there,
 * a dot between groups of three digits separates thousands. A file that tells neither (no comma, every
 * dot before three digits) keeps the dot as the decimal point, so a dot-decimal file is never misread.
 * Amounts keep their currency sign, percent sign or accounting parentheses ("12,50 €", "1.234,56 €",
 * "(12,50)", "12,5 %"): the number inside is read as a bare one would be, and the sign as data/column-types
 * reads it; before, "1,799 €" read as 1799. A column is rewritten only when every cell of it then reads as a
 * number, a missing value or a word (readsAsNumber): an address such as "192.168.100.200" beside
 * "192.168.1.20" stays as written.
 * A tab file may write either way (Excel saves "Text (tab-delimited)" in the locale's own marks), and
 * there a comma may group thousands as well ("1,234"): such a file is a decimal-comma one only when some
 * cell's comma cannot group thousands ("0,125", "3,14", "1234,5", "1.234,5") and no cell is a dot decimal
 * or groups with commas ("1,234,567", "1,234.5"). Read the old way, "0,125" in a tab file was 125.
 * Upload, append and batch predictions all read CSV through data/csv, so the same file reads alike in each.
 */
import { isMissingNumberCell, parseNumberCell } from './column-types';
import { isStrayText } from './stray-text';

/** What may stand before a number: spaces, an accounting parenthesis, a sign, a currency sign, a sign. */
const BEFORE = String.raw`(\s*(?:\(\s*)?[+-]?\s*[$€£¥]?\s*[+-]?)`;
/** What may stand after one: a currency or percent sign, the closing parenthesis, spaces. */
const AFTER = String.raw`(\s*[$€£¥%]?\s*\)?\s*)`;
/** A decimal comma, with dots between thousands before it or none: "3,14", "-1.234,5", "12,50 €". */
const DECIMAL_COMMA_RE = new RegExp(`^${BEFORE}(\\d{1,3}(?:\\.\\d{3})+|\\d+),(\\d+)${AFTER}$`);
/** Whole numbers with dots between groups of three ("120.000", "1.234 €"); the first group has no leading zero. */
const DOT_THOUSANDS_RE = new RegExp(`^${BEFORE}([1-9]\\d{0,2}(?:\\.\\d{3})+)${AFTER}$`);
/** Whole numbers with commas between groups of three ("1,234", "12,500 €"), as a dot-decimal file groups them. */
const COMMA_THOUSANDS_RE = new RegExp(`^${BEFORE}([1-9]\\d{0,2}(?:,\\d{3})+)${AFTER}$`);
/** Dots between several groups ("1.200.000"): no dot-decimal number is written so. */
const SEVERAL_GROUPS_RE = /^\s*[+-]?[1-9]\d{0,2}(?:\.\d{3}){2,}\s*$/;

/** "3,14" → "3.14", "-1.234,5" → "-1234.5", "12,50 €" → "12.50 €"; any other cell unchanged. */
function readDecimalComma(cell: string): string {
  const m = DECIMAL_COMMA_RE.exec(cell);
  return m ? `${m[1]}${m[2].replaceAll('.', '')}.${m[3]}${m[4]}` : cell;
}

/**
 * What a semicolon file's cells say of its decimal mark, seen one raw cell at a time (before any is
 * rewritten: "1.234,5" read as "1234.5" would look like a dot decimal).
 */
export class DecimalMark {
  private comma = false;
  private dot = false;

  /**
   * `commasMayGroup`: whether a comma may also group thousands in this file (a tab file), so that only a
   * comma no grouping explains says decimal commas, and commas between groups say dot decimals.
   */
  constructor(private readonly commasMayGroup = false) {}

  see(cell: string): void {
    if (this.dot) return;
    const hasComma = cell.indexOf(',') >= 0;
    if (cell.indexOf('.') < 0) {
      if (!hasComma) return;
      if (!this.commasMayGroup) {
        if (!this.comma && DECIMAL_COMMA_RE.test(cell)) this.comma = true;
      } else if (COMMA_THOUSANDS_RE.test(cell)) {
        // "1,234" may be either; "1,234,567" only groups thousands.
        if (cell.indexOf(',') !== cell.lastIndexOf(',')) this.dot = true;
      } else if (DECIMAL_COMMA_RE.test(cell)) this.comma = true;
      return;
    }
    // A number with a dot that no grouping of thousands explains is a point decimal: "0.5", "3.14",
    // "$1.50", "1,234.5". Dots between groups are thousands, and several groups tell them ("1.200.000").
    if (hasComma) {
      if (DECIMAL_COMMA_RE.test(cell)) this.comma = true;
      else if (!Number.isNaN(parseNumberCell(cell))) this.dot = true;
    } else if (DOT_THOUSANDS_RE.test(cell)) {
      if (!this.comma && SEVERAL_GROUPS_RE.test(cell)) this.comma = true;
    } else if (!Number.isNaN(parseNumberCell(cell))) this.dot = true;
  }

  /** Whether a comma is the decimal mark: always in a semicolon file, in a tab file as its cells say. */
  get commaIsDecimal(): boolean {
    return !this.commasMayGroup || (this.comma && !this.dot);
  }

  /** Whether a dot between groups of three digits separates thousands (see the module comment). */
  get dotsSeparateThousands(): boolean {
    return this.comma && !this.dot;
  }
}

/**
 * Whether a semicolon file's cell, as readSemicolonCell made it, fits a numeric column: a number, a missing
 * value, or a stray word without a digit (data/stray-text). A column with any other cell keeps its cells.
 */
export function readsAsNumber(cell: string): boolean {
  return cell.trim() === '' || !Number.isNaN(parseNumberCell(cell)) || isMissingNumberCell(cell) || isStrayText(cell);
}

/**
 * A semicolon file's cell as a number reads: a decimal comma made a point, and in a decimal-comma file
 * (DecimalMark) dots between thousands removed ("120.000" → "120000"); any other cell unchanged.
 */
export function readSemicolonCell(cell: string, dotsSeparateThousands: boolean): string {
  if (cell.indexOf(',') >= 0) return readDecimalComma(cell);
  if (!dotsSeparateThousands || cell.indexOf('.') < 0) return cell;
  const m = DOT_THOUSANDS_RE.exec(cell);
  return m ? `${m[1]}${m[2].replaceAll('.', '')}${m[3]}` : cell;
}
