/**
 * @module durable/cron
 * A small parser and matcher for 5-field cron expressions (minute hour day-of-month month day-of-week),
 * evaluated in UTC as Cloudflare's cron triggers are. Each field takes `*`, a value, a range `a-b`, a step
 * (`*\/n`, `a-b/n`, `a/n` meaning a to the field's end) and comma lists of these; months and weekdays also
 * take three-letter English names, and weekday 7 is Sunday like 0. As in Vixie cron, when both day fields
 * are restricted a day matches if either does, and when one starts with `*` only the other restricts.
 * Pure: no clock, the caller passes the time to search from.
 */

/** A parsed expression: which values of each field match. */
export interface CronExpression {
  readonly source: string;
  readonly minutes: readonly boolean[];
  readonly hours: readonly boolean[];
  /** Index 1..31. */
  readonly daysOfMonth: readonly boolean[];
  /** Index 1..12. */
  readonly months: readonly boolean[];
  /** Index 0..6, Sunday = 0. */
  readonly daysOfWeek: readonly boolean[];
  /** Whether the day-of-month and day-of-week fields start with `*` (see the Vixie rule above). */
  readonly domStar: boolean;
  readonly dowStar: boolean;
}

/** A cron expression that cannot be read; the message names the field and what is wrong with it. */
export class CronSyntaxError extends Error {
  override readonly name = 'CronSyntaxError';
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Offset of names[0] (1 for months). */
  readonly nameBase?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], nameBase: 1 },
  // 7 is accepted as Sunday and folded onto 0 after parsing.
  { name: 'day-of-week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], nameBase: 0 },
];

/**
 * Parses a 5-field expression; throws CronSyntaxError naming the field at fault.
 * @example
 * const nightly = parseCron('30 2 * * mon-fri');
 */
export function parseCron(source: string): CronExpression {
  const parts = source.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronSyntaxError(`a cron expression has 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const [minutes, hours, daysOfMonth, months, dow] = parts.map((p, i) => parseField(p, FIELDS[i]));
  const daysOfWeek = dow.slice(0, 7);
  if (dow[7]) daysOfWeek[0] = true;
  return { source: parts.join(' '), minutes, hours, daysOfMonth, months, daysOfWeek, domStar: parts[2].startsWith('*'), dowStar: parts[4].startsWith('*') };
}

function parseField(text: string, f: FieldSpec): boolean[] {
  const set = new Array<boolean>(f.max + 1).fill(false);
  for (const item of text.split(',')) {
    if (item === '') throw new CronSyntaxError(`${f.name} field "${text}": empty list item`);
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) throw new CronSyntaxError(`${f.name} field "${text}": more than one "/" in "${item}"`);
    const step = stepText === undefined ? 1 : toInt(stepText, f, text);
    if (stepText !== undefined && step < 1) throw new CronSyntaxError(`${f.name} field "${text}": the step must be at least 1`);
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = f.min;
      hi = f.name === 'day-of-week' ? 6 : f.max;
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined) throw new CronSyntaxError(`${f.name} field "${text}": "${range}" is not a range`);
      lo = toValue(a, f, text);
      hi = toValue(b, f, text);
      if (lo > hi) throw new CronSyntaxError(`${f.name} field "${text}": the range ${range} runs backwards`);
    } else {
      lo = toValue(range, f, text);
      // "a/n" means from a to the end of the field, stepping by n.
      hi = stepText === undefined ? lo : f.name === 'day-of-week' ? 6 : f.max;
    }
    for (let v = lo; v <= hi; v += step) set[v] = true;
  }
  return set;
}

function toValue(token: string, f: FieldSpec, text: string): number {
  const named = f.names?.indexOf(token.toLowerCase()) ?? -1;
  if (named >= 0) return named + (f.nameBase ?? 0);
  const v = toInt(token, f, text);
  if (v < f.min || v > f.max) throw new CronSyntaxError(`${f.name} field "${text}": ${v} is outside ${f.min}-${f.max}`);
  return v;
}

function toInt(token: string, f: FieldSpec, text: string): number {
  if (!/^\d{1,4}$/.test(token)) throw new CronSyntaxError(`${f.name} field "${text}": "${token}" is not a number${f.names ? ' or a name' : ''}`);
  return Number(token);
}

const MINUTE_MS = 60_000;
/** How far nextCronTime looks ahead: long enough for a 29 February every leap year, past one skipped century leap. */
const SEARCH_YEARS = 9;

/** Whether the expression matches the minute starting at `t` (ms since the epoch, UTC). */
export function cronMatches(c: CronExpression, t: number): boolean {
  const d = new Date(t);
  return c.months[d.getUTCMonth() + 1] && dayMatches(c, d) && c.hours[d.getUTCHours()] && c.minutes[d.getUTCMinutes()];
}

function dayMatches(c: CronExpression, d: Date): boolean {
  const dom = c.daysOfMonth[d.getUTCDate()];
  const dow = c.daysOfWeek[d.getUTCDay()];
  if (c.domStar || c.dowStar) return dom && dow;
  return dom || dow;
}

/**
 * The first whole minute strictly after `after` that the expression matches, or null when none comes
 * within nine years (an expression such as "0 0 30 2 *" never does). Skips whole months, days and hours
 * that cannot match, so a rare expression costs a few thousand steps at most.
 */
export function nextCronTime(c: CronExpression, after: number): number | null {
  let t = Math.floor(after / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const limit = after + SEARCH_YEARS * 366 * 24 * 60 * MINUTE_MS;
  while (t <= limit) {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    const mo = d.getUTCMonth();
    const day = d.getUTCDate();
    const h = d.getUTCHours();
    if (!c.months[mo + 1]) t = Date.UTC(y, mo + 1, 1);
    else if (!dayMatches(c, d)) t = Date.UTC(y, mo, day + 1);
    else if (!c.hours[h]) t = Date.UTC(y, mo, day, h + 1);
    else {
      let m = d.getUTCMinutes();
      while (m < 60 && !c.minutes[m]) m++;
      if (m < 60) return Date.UTC(y, mo, day, h, m);
      t = Date.UTC(y, mo, day, h + 1);
    }
  }
  return null;
}

/**
 * The shortest gap, in minutes, between two consecutive matches the expression can produce, judged from
 * its minute and hour fields (the gap across midnight counts when hours 23 and 0 both match). Days are
 * not considered, so this may understate the gap of a rare expression, never overstate it.
 */
export function shortestGapMinutes(c: CronExpression): number {
  const mins = c.minutes.flatMap((on, m) => (on ? [m] : []));
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < mins.length; i++) gap = Math.min(gap, mins[i] - mins[i - 1]);
  const hours = c.hours.flatMap((on, h) => (on ? [h] : []));
  const consecutiveHours = hours.some((h) => c.hours[(h + 1) % 24]);
  if (consecutiveHours) gap = Math.min(gap, 60 - mins[mins.length - 1] + mins[0]);
  // One match per hour at most and no adjacent hours: at least an hour apart.
  return Number.isFinite(gap) ? gap : 60;
}
