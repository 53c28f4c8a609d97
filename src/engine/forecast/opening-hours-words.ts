/**
 * @module engine/forecast/opening-hours-words
 * What a business-hours frequency (./business-hours) says to the user: its opening hours in words, each
 * day's runs and breaks on the clock the series is read on (UTC, or local time for a series read on its
 * local clock: ./local-clock; a series on the UTC clock whose timestamps all carry one offset, +05:30, is
 * told its hours, days and times at that offset, as its other messages write its times), and what to do
 * about a point that is not the next opening slot (off the grid, on a closed day, outside its day's runs
 * or in one of its breaks, a missing whole day, a shorter gap). Every refusal of checkRegular (./frequency) of such a series ends with one of these.
 */
import { isBusinessDay } from './business-days';
import { DAY, HOUR, hoursOn, MINUTE, inDaySpan, isOpeningHour, type OpeningHours, openingCadence, openingHourIndex, openingUnit, placeOf, stepMinutesOf, timeOfIndex } from './business-hours';
import { instantAtOffset, offsetText, wallClockText } from '../data/utc-offsets';
import type { Clock } from './local-clock';
import { MAX_GAP_POINTS, SHORT_GAPS_RULE } from './gap-limits';
import { breakAt, breaksOf, type DayHours, type OpenRun, runsOfDay, sameHours } from './opening-day';
import { dayHours, dayStartIndex, splitIndex, weekPosition, weekSpan } from './opening-schedule';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A time of day in minutes (past midnight, any day) as HH:MM. */
const clock = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * The clock the words are on: the series' (./local-clock) and, on the UTC clock, the one offset its
 * timestamps carry in minutes (0: none, UTC). The frequency's fields stay on the UTC clock; only the words move.
 */
interface WordsClock {
  readonly clock: Clock;
  readonly offset: number;
}

/** The words' clock of a series' clock and offset (an offset only counts on the UTC clock). */
const wordsClock = (c: Clock, utcOffset?: number): WordsClock => ({ clock: c, offset: c === 'utc' ? (utcOffset ?? 0) : 0 });

/** Whole days from the opening day's UTC date to its date at the offset (-1, 0 or 1: +10:00 opens 22:00Z on the UTC day before). */
const dayShift = (o: OpeningHours, w: WordsClock) => Math.floor((o.firstHour * 60 + o.minute + w.offset) / (24 * 60));

/** Minutes past the opening day's midnight, on the words' clock, of clock slot `slot` (past 24 hours on the next day). */
const minutesAt = (slot: number, o: OpeningHours, w: WordsClock) => o.firstHour * 60 + o.minute + slot * stepMinutesOf(o) + w.offset - 24 * 60 * dayShift(o, w);

/** The clock's name in words: "UTC", "local time" for a series read on its local clock, "at +05:30" at an offset. */
const clockName = (w: WordsClock) => (w.clock === 'local' ? 'local time' : w.offset !== 0 ? `at ${offsetText(w.offset)}` : 'UTC');

/** A time as the series' clock shows it: an instant in UTC or at the series' offset, or a local time without a zone. */
const timeText = (t: number, w: WordsClock) => (w.clock === 'local' ? wallClockText(t) : w.offset !== 0 ? instantAtOffset(t, w.offset) : new Date(t).toISOString());

/** The weekday of instant `t` on the words' clock. */
const weekdayAt = (t: number, w: WordsClock) => WEEKDAYS[new Date(t + w.offset * MINUTE).getUTCDay()];

/**
 * Runs of points in words, each from its first point's time to its last's: "from 09:00 to 17:00", "from
 * 09:00 to 11:00 and from 13:00 to 17:00", "from 08:00 to 09:30, from 10:30 to 12:00 and from 13:30 to
 * 16:30". The first time past midnight says so; the later ones are on that day too.
 */
function runsInWords(runs: readonly OpenRun[], o: OpeningHours, w: WordsClock): string {
  const minutes = runs.flatMap((r) => [r.start, r.start + r.points - 1]).map((slot) => minutesAt(slot, o, w));
  const nextDay = minutes.findIndex((m) => m >= 24 * 60);
  const times = minutes.map((m, i) => `${clock(m)}${i === nextDay ? (w.clock === 'utc' && w.offset === 0 ? ' the next UTC day' : ' the next day') : ''}`);
  const each = runs.map((_, i) => `from ${times[2 * i]} to ${times[2 * i + 1]}`);
  return each.length === 1 ? each[0] : `${each.slice(0, -1).join(', ')} and ${each.at(-1)}`;
}

/** The name of the working day at week position `pos`: the day of its first point (UTC's, or at the series' offset). */
const dayName = (pos: number, o: OpeningHours, w: WordsClock) => WEEKDAYS[(o.weekStart + pos + dayShift(o, w) + 7) % 7];

/** The working days from week position `from` to `to` in words: "Saturday", "Monday to Friday". */
const dayRange = (from: number, to: number, o: OpeningHours, w: WordsClock) => (from === to ? dayName(from, o, w) : `${dayName(from, o, w)} to ${dayName(to, o, w)}`);

/** Each stretch of consecutive working days of the same hours: "from 09:00 to 17:00 UTC, Monday to Friday; from 10:00 to 15:00 UTC, Saturday". */
function scheduleInWords(days: readonly DayHours[], o: OpeningHours, w: WordsClock): string {
  const parts: string[] = [];
  for (let from = 0, to = 0; from < days.length; from = to + 1) {
    for (to = from; to + 1 < days.length && sameHours(days[to + 1], days[from]); to++);
    parts.push(`${runsInWords(runsOfDay(days[from]), o, w)} ${clockName(w)}, ${dayRange(from, to, o, w)}`);
  }
  return parts.join('; ');
}

/**
 * The opening hours in words: "hourly from 09:00 to 17:00 UTC, Monday to Friday", "every 30 minutes from
 * 09:00 to 16:30 UTC, …", with a break "hourly from 09:00 to 11:00 and from 13:00 to 17:00 UTC, …" (the
 * points' times), with days of different hours "hourly from 09:00 to 17:00 UTC, Monday to Friday; from
 * 10:00 to 15:00 UTC, Saturday"; "local time" in place of "UTC" on a local clock. With `utcOffset` (on the
 * UTC clock, the one offset the series' timestamps carry: ./local-clock SeriesTimes.utcOffset), the hours
 * and days at it: "hourly from 09:00 to 17:00 at +05:30, Monday to Friday" (03:30Z to 11:30Z).
 */
export function describeOpeningHours(o: OpeningHours, c: Clock = 'utc', utcOffset?: number): string {
  const w = wordsClock(c, utcOffset);
  const cadence = openingCadence(o);
  if (o.days !== undefined) return `${cadence} ${scheduleInWords(o.days, o, w)}`;
  const days = o.workDays === 7 ? 'every day' : dayRange(0, o.workDays - 1, o, w);
  return `${cadence} ${runsInWords(runsOfDay(dayHours(o, 0)), o, w)} ${clockName(w)}, ${days}`;
}

/** The minutes past the hour the points fall on, in words: ":00", ":00 or :30", ":05, :20, :35 or :50" (at the offset: :30 at +05:30 is :00). */
function gridMinutes(o: OpeningHours, w: WordsClock): string {
  const step = stepMinutesOf(o);
  const marks: string[] = [];
  for (let m = (((o.minute + w.offset) % step) + step) % step; m < 60; m += step) marks.push(`:${String(m).padStart(2, '0')}`);
  return marks.length === 1 ? marks[0] : `${marks.slice(0, -1).join(', ')} or ${marks.at(-1)}`;
}

/** The points of working day `dayIndex` (any integer). */
const pointsOf = (dayIndex: number, o: OpeningHours) => dayHours(o, weekPosition(dayIndex, o)).points;

/** The first working day (its index) wholly missing between the expected next opening slot and a later open point, or null. */
function missingWholeDay(expected: number, t: number, o: OpeningHours): number | null {
  const { dayIndex, within } = splitIndex(openingHourIndex(expected, o), o);
  const firstFullDay = within === 0 ? dayIndex : dayIndex + 1;
  return dayStartIndex(firstFullDay, o) + pointsOf(firstFullDay, o) <= openingHourIndex(t, o) ? firstFullDay : null;
}

/**
 * Why hours may seem to move, said only where it may be the cause: a series on the UTC clock (its
 * timestamps written in UTC, or at one offset throughout) whose refused point is an hour from an
 * opening slot of its day, as local hours written so are on the other side of a daylight-saving change.
 * A series whose offsets change is read on its local clock (./local-clock), where hours do not move.
 */
function daylightSavingHint(t: number, o: OpeningHours, c: Clock): string {
  if (c === 'local' || !(isOpeningHour(t - HOUR, o) || isOpeningHour(t + HOUR, o))) return '';
  return (
    '. It is an hour from the opening hours: if the times are local hours written in UTC or at one fixed offset, daylight saving time moves them by an hour twice a year; ' +
    'write the local times without an offset (2024-03-15 09:00), or each with the UTC offset of its day (2024-03-15T09:00:00+01:00), which read the same all year'
  );
}

/**
 * Where in day `d` (its name `weekday`) a point at clock slot `slot` of its span falls closed, in words:
 * days alike say "the daily break" as they always did ("a daily break" when there are more); a day of a
 * schedule names itself and its own hours.
 */
function breakInWords(d: DayHours, slot: number, weekday: string, o: OpeningHours, w: WordsClock): string | null {
  const pause = breakAt(d, slot);
  if (pause === null) return null;
  const closed = `closed ${clock(minutesAt(pause.from, o, w))} to ${clock(minutesAt(pause.to, o, w))} ${clockName(w)}`;
  if (o.days !== undefined) return `${weekday}'s break (${closed}; ${weekday}'s opening hours are ${runsInWords(runsOfDay(d), o, w)} ${clockName(w)})`;
  return `${breaksOf(d).length === 1 ? 'the' : 'a'} daily break (${closed})`;
}

/**
 * What the user can do about point `t` of a business-hours series when `expected` was the next opening
 * slot: a point off the grid, on a closed day, outside its day's hours or in one of its breaks is
 * removed; a missing whole day (a holiday) is more steps than a gap is filled over, so its slots are
 * added as empty rows (interpolated) or the series resampled daily; a shorter gap is added like any other.
 * With `utcOffset`, hours, days and times are written at it (see describeOpeningHours).
 */
export function openingHoursRemedy(t: number, expected: number, o: OpeningHours, c: Clock = 'utc', utcOffset?: number): string {
  const w = wordsClock(c, utcOffset);
  const { day, slot, rest } = placeOf(t, o);
  const hours = `its opening hours are ${describeOpeningHours(o, c, utcOffset)}`;
  const unit = openingUnit(o);
  if (rest !== 0) return `it is not at ${gridMinutes(o, w)} past the hour as the other points are (${hours}): correct or remove the row, or resample the series`;
  // Before the hours are checked, a point at 08:00 on a Monday would be on the closed Sunday's evening.
  if (slot >= weekSpan(o)) return `it falls outside the opening hours, which a business-hours series skips (${hours}): remove the row or resample the series${daylightSavingHint(t, o, c)}`;
  if (!isBusinessDay(day * DAY, o)) return `it falls on a closed day of the week, which a business-hours series skips (${hours}): remove the row or resample the series`;
  // Within the week's hours but before or after this day's own (a Saturday opening later or closing earlier).
  const d = hoursOn(day, o);
  // The opening day's name: the day of its earliest opening, UTC's or at the offset (as dayName).
  const weekday = weekdayAt(day * DAY + (o.firstHour * 60 + o.minute) * MINUTE, w);
  if (!inDaySpan(slot, d)) {
    const own = `${weekday}'s opening hours (${runsInWords(runsOfDay(d), o, w)} ${clockName(w)})`;
    return `it falls outside ${own}, which a business-hours series skips (${hours}): remove the row or resample the series${daylightSavingHint(t, o, c)}`;
  }
  // A break that moves from day to day is read as every slot closed on more than a few days: the points
  // of the days it falls elsewhere land here.
  const pause = breakInWords(d, slot, weekday, o, w);
  if (pause !== null) return `it falls in ${pause}, which a business-hours series skips (${hours}): remove the row, or resample the series${daylightSavingHint(t, o, c)}`;
  const wholeDay = t > expected ? missingWholeDay(expected, t, o) : null;
  if (wholeDay !== null) {
    const start = dayStartIndex(wholeDay, o);
    const points = pointsOf(wholeDay, o);
    const first = timeOfIndex(start, o, 0);
    const last = timeOfIndex(start + points - 1, o, 0);
    const iso = (x: number) => timeText(x, w);
    return (
      `the series misses the whole working day of ${weekdayAt(first, w)} ${iso(first).slice(0, 10)} (its ${points} opening ${unit}s, ${iso(first)} to ${iso(last)}), ` +
      `more steps than the ${MAX_GAP_POINTS} a gap is filled over: a holiday of a business-hours series must be added by you, as one row per opening ${unit} with an empty target ` +
      '(they are then interpolated), or the series resampled daily'
    );
  }
  return `the next opening ${unit} is ${timeText(expected, w)}: add the missing ${unit}s with an empty target (they are interpolated; ${SHORT_GAPS_RULE}) or resample the series`;
}
