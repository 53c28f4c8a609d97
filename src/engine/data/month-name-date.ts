/**
 * @module engine/data/month-name-date
 * Dates with the month written as a word, as Excel, Google Sheets, LibreOffice, SQL Server and Oracle
 * (DD-MON-YYYY) export them: 15-Mar-2024, 15 March 2024, Mar 15, 2024, March 15 2024, 2024-Mar-15, with an
 * optional time (15-Mar-2024 14:30, Mar 15 2024 2:30PM) and weekday (Fri, 15 Mar 2024; Friday, March 15,
 * 2024), and a month alone (Mar-2024, March 2024), read as its 1st day as ISO-8601 reads 2024-03. Days may
 * carry an English ordinal suffix (March 15th, 2024; 1st Mar 2024), which must be the number's own (15st
 * is no day), and the first of a month the mark French and Spanish or Portuguese give it (1er mars 2024,
 * 1º de março de 2024; on no other day); "15th of March" is not read.
 *
 * Spreadsheets write month names in the language of the machine that exported them, so the names are
 * English, French, German, Spanish, Italian, Portuguese and Dutch (MONTH_SPELLINGS): in full, in the
 * abbreviations those locales write (janv., févr., Mär, Mrz, ene, gen, fev, mrt), in any case, with or
 * without a dot, and accented names also without their accents (fevrier, aout, Maerz), as exports
 * through ASCII-only systems write them. German puts a dot after the day (15. März 2024), Spanish and
 * Portuguese "de" between the parts (15 de marzo de 2024); weekdays are read in the same languages
 * (vendredi 15 mars 2024, Freitag, 15. März 2024). Columns may mix languages: each cell names its own
 * month. A spelling two of these languages read as different months is left out (spellingTable), as a
 * column could not say which it means: the shared ones (mar, mai, set, dec, and weekdays' mar, di, do)
 * are one month or day in every language, and French "jui" (juin or juillet), a truncation its
 * spreadsheets never write, is not listed.
 *
 * A named month cannot be taken for a day, so these dates need no order of day and month and read alike
 * in every column layout (data/date-layout); a column of them writes its dates back in English
 * (MONTH_ABBREVIATIONS), which reads again. As for the numeric layouts, years have four digits
 * (15-Mar-24 is not read), and a date must exist: 31-Feb-2024 is none, nor is a weekday the date does
 * not fall on (Thu, 15 Mar 2024), since one of the two is wrong.
 */
import { TIME, timeOfDay, utcTime } from './calendar';

/** Three-letter month names, January first: how a column of named months writes dates back (formatOrderedDate). */
export const MONTH_ABBREVIATIONS: readonly string[] = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Each entry's spellings, lower case: the entries in order (January first, or Sunday first). */
type Spellings = Readonly<Record<string, readonly (readonly string[])[]>>;

/** Each language's spellings of every month, January first: full name, abbreviations, accent-free forms. */
const MONTH_SPELLINGS: Spellings = {
  english: [['january', 'jan'], ['february', 'feb'], ['march', 'mar'], ['april', 'apr'], ['may'], ['june', 'jun'], ['july', 'jul'], ['august', 'aug'], ['september', 'sep', 'sept'], ['october', 'oct'], ['november', 'nov'], ['december', 'dec']],
  french: [['janvier', 'janv'], ['février', 'févr', 'fév', 'fevrier', 'fevr', 'fev'], ['mars'], ['avril', 'avr'], ['mai'], ['juin'], ['juillet', 'juil'], ['août', 'aout'], ['septembre', 'sept'], ['octobre', 'oct'], ['novembre', 'nov'], ['décembre', 'déc', 'decembre', 'dec']],
  // Austrian German names January Jänner; Windows writes March Mrz.
  german: [['januar', 'jan', 'jänner', 'jän', 'jaenner'], ['februar', 'feb'], ['märz', 'mär', 'mrz', 'maerz'], ['april', 'apr'], ['mai'], ['juni', 'jun'], ['juli', 'jul'], ['august', 'aug'], ['september', 'sep', 'sept'], ['oktober', 'okt'], ['november', 'nov'], ['dezember', 'dez']],
  // Setiembre is the Latin American September.
  spanish: [['enero', 'ene'], ['febrero', 'feb'], ['marzo', 'mar'], ['abril', 'abr'], ['mayo', 'may'], ['junio', 'jun'], ['julio', 'jul'], ['agosto', 'ago'], ['septiembre', 'setiembre', 'sep', 'sept', 'set'], ['octubre', 'oct'], ['noviembre', 'nov'], ['diciembre', 'dic']],
  italian: [['gennaio', 'gen'], ['febbraio', 'feb'], ['marzo', 'mar'], ['aprile', 'apr'], ['maggio', 'mag'], ['giugno', 'giu'], ['luglio', 'lug'], ['agosto', 'ago'], ['settembre', 'set'], ['ottobre', 'ott'], ['novembre', 'nov'], ['dicembre', 'dic']],
  portuguese: [['janeiro', 'jan'], ['fevereiro', 'fev'], ['março', 'marco', 'mar'], ['abril', 'abr'], ['maio', 'mai'], ['junho', 'jun'], ['julho', 'jul'], ['agosto', 'ago'], ['setembro', 'set'], ['outubro', 'out'], ['novembro', 'nov'], ['dezembro', 'dez']],
  dutch: [['januari', 'jan'], ['februari', 'feb'], ['maart', 'mrt'], ['april', 'apr'], ['mei'], ['juni', 'jun'], ['juli', 'jul'], ['augustus', 'aug'], ['september', 'sep', 'sept'], ['oktober', 'okt'], ['november', 'nov'], ['december', 'dec']],
};

/** Each language's spellings of every weekday, Sunday first as Date.getUTCDay numbers them. */
const WEEKDAY_SPELLINGS: Spellings = {
  english: [['sunday', 'sun'], ['monday', 'mon'], ['tuesday', 'tue', 'tues'], ['wednesday', 'wed'], ['thursday', 'thu', 'thur', 'thurs'], ['friday', 'fri'], ['saturday', 'sat']],
  french: [['dimanche', 'dim'], ['lundi', 'lun'], ['mardi', 'mar'], ['mercredi', 'mer'], ['jeudi', 'jeu'], ['vendredi', 'ven'], ['samedi', 'sam']],
  german: [['sonntag', 'so'], ['montag', 'mo'], ['dienstag', 'di'], ['mittwoch', 'mi'], ['donnerstag', 'do'], ['freitag', 'fr'], ['samstag', 'sonnabend', 'sa']],
  spanish: [['domingo', 'dom'], ['lunes', 'lun'], ['martes', 'mar'], ['miércoles', 'miercoles', 'mié', 'mie'], ['jueves', 'jue'], ['viernes', 'vie'], ['sábado', 'sabado', 'sáb', 'sab']],
  italian: [['domenica', 'dom'], ['lunedì', 'lunedi', 'lun'], ['martedì', 'martedi', 'mar'], ['mercoledì', 'mercoledi', 'mer'], ['giovedì', 'giovedi', 'gio'], ['venerdì', 'venerdi', 'ven'], ['sabato', 'sab']],
  portuguese: [
    ['domingo', 'dom'],
    ['segunda-feira', 'segunda', 'seg'],
    ['terça-feira', 'terca-feira', 'terça', 'terca', 'ter'],
    ['quarta-feira', 'quarta', 'qua'],
    ['quinta-feira', 'quinta', 'qui'],
    ['sexta-feira', 'sexta', 'sex'],
    ['sábado', 'sabado', 'sáb', 'sab'],
  ],
  dutch: [['zondag', 'zo'], ['maandag', 'ma'], ['dinsdag', 'di'], ['woensdag', 'wo'], ['donderdag', 'do'], ['vrijdag', 'vr'], ['zaterdag', 'za']],
};

/**
 * Spelling → number (an entry's index plus `first`), over every language. A spelling that two languages
 * give different numbers is left out: a column could not say which one its cells mean.
 */
function spellingTable(languages: Spellings, first: number): ReadonlyMap<string, number> {
  const table = new Map<string, number>();
  const clashes = new Set<string>();
  for (const entries of Object.values(languages)) {
    entries.forEach((spellings, i) => {
      for (const spelling of spellings) {
        if ((table.get(spelling) ?? i + first) !== i + first) clashes.add(spelling);
        table.set(spelling, i + first);
      }
    });
  }
  for (const spelling of clashes) table.delete(spelling);
  return table;
}

const MONTHS = spellingTable(MONTH_SPELLINGS, 1);
const WEEKDAYS = spellingTable(WEEKDAY_SPELLINGS, 0);

/** A name's number in `table`, in any case, its accents composed or not (NFD text writes é as e and a mark). */
function numberOf(table: ReadonlyMap<string, number>, name: string): number | undefined {
  return table.get(name.toLowerCase()) ?? table.get(name.normalize('NFC').toLowerCase());
}

// A month's or weekday's name in any alphabet's letters (März, févr), accents as combining marks too,
// an abbreviation's dot allowed ("Sept. 15, 2024"); Portuguese weekdays are hyphenated (sexta-feira).
// Runs of spaces are one space before matching (SQL Server pads days: "Mar  5 2024"), so the patterns
// spell a single one.
const MONTH = String.raw`(?<month>[\p{L}\p{M}]{3,10})\.?`;
const WEEKDAY = String.raw`(?:(?<weekday>[\p{L}\p{M}]{2,10}(?:-[Ff][Ee][Ii][Rr][Aa])?)\.?,? )?`;
/**
 * A day's ordinal mark, checked against the number by suffixFits: an English ordinal's two letters
 * (15th), or the mark French (1er) and Spanish or Portuguese (1º, 1°) give the first of a month only.
 */
const SUFFIX = String.raw`(?<suffix>[A-Za-z]{2}|[º°])`;
/** Marks only the first of the month takes: French 1er mars, Portuguese 1º de março. */
const FIRST_OF_MONTH_MARKS: ReadonlySet<string> = new Set(['er', 'º', '°']);
/** Between day, month and year of a day-first date: Spanish and Portuguese write "15 de marzo de 2024". */
const DAY_FIRST_SEPARATOR = String.raw`(?<sep>[-/ ]| [Dd][Ee] )`;

/** The shapes of a named-month date; TIME comes last, so its five groups are a match's last five. */
const SHAPES: readonly RegExp[] = [
  // 15-Mar-2024, 15 March 2024, 15/Mar/2024, Fri, 15 Mar 2024, 15th March 2024, 15. März 2024 (German's
  // dot after the day, before a space), 15 de marzo de 2024
  new RegExp(String.raw`^${WEEKDAY}(?<day>\d{1,2})(?:${SUFFIX}|\.(?= ))?${DAY_FIRST_SEPARATOR}${MONTH}\k<sep>(?<year>\d{4})${TIME}$`, 'u'),
  // Mar 15, 2024, March 15th 2024, Friday, March 15, 2024
  new RegExp(String.raw`^${WEEKDAY}${MONTH} (?<day>\d{1,2})${SUFFIX}?,? (?<year>\d{4})${TIME}$`, 'u'),
  // 2024-Mar-15, 2024 Mar 15
  new RegExp(String.raw`^(?<year>\d{4})(?<sep>[-/ ])${MONTH}\k<sep>(?<day>\d{1,2})${SUFFIX}?${TIME}$`, 'u'),
];
/** A month alone: Mar-2024, March 2024, Mar/2024, marzo de 2024 (no time: a month has no time of day). */
const MONTH_YEAR = new RegExp(String.raw`^${MONTH}(?:[-/ ]| [Dd][Ee] )(?<year>\d{4})$`, 'u');

/** Whether an ordinal mark belongs to its day: 1er and 1º to the 1st only, English suffixes by ordinalSuffix. */
function suffixFits(suffix: string, day: number): boolean {
  const mark = suffix.toLowerCase();
  return FIRST_OF_MONTH_MARKS.has(mark) ? day === 1 : mark === ordinalSuffix(day);
}

/** The English ordinal suffix of day `day`: 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, 22nd, 23rd, 31st. */
function ordinalSuffix(day: number): string {
  if (day >= 11 && day <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][day % 10] ?? 'th';
}

/**
 * A cell with a named month (see the module comment) as epoch milliseconds, UTC as every date without a
 * zone is; NaN for any other cell or a date that does not exist.
 */
export function monthNameDate(cell: string): number {
  // Every shape holds a letter, and every listed name an ASCII one (even août, März): most cells that
  // reach here (numbers, numeric dates) have none, and leave before any pattern runs.
  if (!/[A-Za-z]/.test(cell)) return NaN;
  const t = cell.trim().replace(/\s+/g, ' ');
  const alone = MONTH_YEAR.exec(t);
  if (alone?.groups) {
    const month = numberOf(MONTHS, alone.groups.month);
    return month === undefined ? NaN : utcTime(Number(alone.groups.year), month, 1, 0);
  }
  for (const shape of SHAPES) {
    const m = shape.exec(t);
    if (!m?.groups) continue;
    const { month: name, day, suffix, year, weekday } = m.groups;
    const month = numberOf(MONTHS, name);
    if (month === undefined) continue;
    if (suffix !== undefined && !suffixFits(suffix, Number(day))) return NaN;
    const ms = utcTime(Number(year), month, Number(day), timeOfDay(m, m.length - 5));
    if (weekday !== undefined && numberOf(WEEKDAYS, weekday) !== new Date(ms).getUTCDay()) return NaN;
    return ms;
  }
  return NaN;
}
