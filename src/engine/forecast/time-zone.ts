/**
 * @module engine/forecast/time-zone
 * An IANA time zone (a forecast job's `forecast.timezone`, "Europe/Paris") read with the runtime's Intl
 * data, which Node and workerd both carry: its name checked, its UTC offset at an instant, and the offset
 * a local wall-clock time is written with. A series read on its local clock (./local-clock) knows the
 * offsets of its past rows only; the zone is what tells the offsets of the times it forecasts.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** One formatter per zone: making one is far slower than using it, and forecasts ask for an offset per step. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's canonical name ("europe/paris" is "Europe/Paris"), or undefined when the runtime knows no such zone. */
export function canonicalZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The zone's UTC offset at an instant, in minutes east of UTC (Paris: 60 in winter, 120 in summer). */
export function zoneOffsetAt(instant: number, zone: string): number {
  const name = formatterOf(zone).formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  // "GMT" itself at offset 0, else "GMT+01:00" (with seconds for some historical local mean times).
  const m = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(name);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]) + Math.round(Number(m[4] ?? 0) / 60);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * The offset a wall-clock time (epoch ms read as UTC fields) is written with in `zone`: the offset in
 * force at the instant it names. The autumn change repeats an hour: its times are written with the
 * earlier offset (the summer one, the first time the clock shows them), as a series' repeated rows are
 * read as the first (./local-clock). The spring change skips one: its times, which the series still
 * steps through, are written with the offset before the change (02:30+01:00 is 03:30 summer time).
 */
export function offsetOfWallTime(wall: number, zone: string): number {
  // The offsets a day either side: one change at most lies between them in any real zone.
  const before = zoneOffsetAt(wall - DAY, zone);
  const after = zoneOffsetAt(wall + DAY, zone);
  if (before === after) return before;
  const fits = [...new Set([before, after])].filter((o) => zoneOffsetAt(wall - o * MINUTE, zone) === o);
  return fits.length === 0 ? before : Math.max(...fits);
}
