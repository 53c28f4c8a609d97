/**
 * @module durable/cadence
 * When a retraining schedule is due. A schedule's `every` is an interval ("30m", "6h", "1d") or a 5-field
 * cron expression (see cron). An interval schedule is due at once (the first cron tick after it is set
 * runs it) and then once per interval, counted from its previous due time so runs do not drift with the
 * ticks; a cron schedule is due at each matching time after it is set. A schedule that fell behind (ticks
 * missed while the Worker was down) runs once, not once per missed slot. Pure: times come in as values.
 */
import { CronSyntaxError, type CronExpression, nextCronTime, parseCron, shortestGapMinutes } from './cron';

export type Cadence = { readonly kind: 'interval'; readonly ms: number } | { readonly kind: 'cron'; readonly cron: CronExpression };

/** The cron trigger runs every five minutes, so nothing can be due more often than that. */
export const MIN_INTERVAL_MINUTES = 5;
/** A year: longer intervals are almost certainly a typo. */
export const MAX_INTERVAL_DAYS = 366;

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A cadence that cannot be used; the message says why and what is accepted. */
export class CadenceError extends Error {
  override readonly name = 'CadenceError';
}

/**
 * Reads `every`; throws CadenceError for an unreadable value, an interval under five minutes or over a
 * year, and a cron expression that fires more often than every five minutes or never.
 * @example
 * parseCadence('6h'); // { kind: 'interval', ms: 21_600_000 }
 */
export function parseCadence(every: string): Cadence {
  const text = every.trim();
  const interval = /^(\d{1,6})\s*([mhd])$/i.exec(text);
  if (interval) {
    const ms = Number(interval[1]) * UNIT_MS[interval[2].toLowerCase() as keyof typeof UNIT_MS];
    if (ms < MIN_INTERVAL_MINUTES * UNIT_MS.m) throw new CadenceError(`"${text}" is under ${MIN_INTERVAL_MINUTES} minutes, the shortest interval (the cron trigger runs every 5 minutes)`);
    if (ms > MAX_INTERVAL_DAYS * UNIT_MS.d) throw new CadenceError(`"${text}" is over ${MAX_INTERVAL_DAYS} days, the longest interval`);
    return { kind: 'interval', ms };
  }
  if (!/\s/.test(text)) throw new CadenceError(`"${text.slice(0, 60)}" is neither an interval (a number then m, h or d: "30m", "6h", "1d") nor a 5-field cron expression`);
  let cron: CronExpression;
  try {
    cron = parseCron(text);
  } catch (err) {
    if (err instanceof CronSyntaxError) throw new CadenceError(`cron "${text.slice(0, 60)}": ${err.message}`);
    throw err;
  }
  const gap = shortestGapMinutes(cron);
  if (gap < MIN_INTERVAL_MINUTES) throw new CadenceError(`cron "${cron.source}" can fire ${gap} minute${gap === 1 ? '' : 's'} apart; schedules run at most every ${MIN_INTERVAL_MINUTES} minutes`);
  // Any start year will do: the nine-year search window always contains a 29 February.
  if (nextCronTime(cron, 0) === null) throw new CadenceError(`cron "${cron.source}" never matches a real date`);
  return { kind: 'cron', cron };
}

/** The first due time of a schedule set at `setAt`. */
export function firstDueAt(c: Cadence, setAt: number): number {
  return c.kind === 'interval' ? setAt : (nextCronTime(c.cron, setAt) as number);
}

/**
 * The due time after the run due at `dueAt`, claimed at `now`: strictly after `now`, so a schedule that
 * fell behind runs once and then returns to its rhythm.
 */
export function nextDueAt(c: Cadence, dueAt: number, now: number): number {
  if (c.kind === 'interval') {
    const behind = Math.max(0, now - dueAt);
    return dueAt + (Math.floor(behind / c.ms) + 1) * c.ms;
  }
  return nextCronTime(c.cron, Math.max(dueAt, now)) as number;
}
