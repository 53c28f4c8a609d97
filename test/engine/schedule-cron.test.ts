/**
 * The cron parser and matcher of scheduled retraining (src/durable/cron.ts, pure, so tested in plain
 * Node): field syntax, errors naming the field, next match times checked by hand and against a
 * minute-by-minute scan, the Vixie day-of-month/day-of-week rule, and the shortest gap between matches.
 */
import { describe, expect, it } from 'vitest';
import { cronMatches, CronSyntaxError, nextCronTime, parseCron, shortestGapMinutes } from '../../src/durable/cron';

const on = (set: readonly boolean[]) => set.flatMap((v, i) => (v ? [i] : []));
const at = (iso: string) => Date.parse(iso);
const next = (expr: string, after: string) => {
  const t = nextCronTime(parseCron(expr), at(after));
  return t === null ? null : new Date(t).toISOString();
};

describe('parseCron', () => {
  it('reads stars, values, ranges, steps and lists', () => {
    expect(on(parseCron('*/15 * * * *').minutes)).toEqual([0, 15, 30, 45]);
    expect(on(parseCron('5,10-20/5,58 * * * *').minutes)).toEqual([5, 10, 15, 20, 58]);
    expect(on(parseCron('0 9-17/4 * * *').hours)).toEqual([9, 13, 17]);
    expect(on(parseCron('0 0 10/10 * *').daysOfMonth)).toEqual([10, 20, 30]);
    expect(on(parseCron('0 0 * * *').daysOfWeek)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('reads month and weekday names, any case, and 7 as Sunday', () => {
    const c = parseCron('0 9 * JAN-mar,Dec mon-fri');
    expect(on(c.months)).toEqual([1, 2, 3, 12]);
    expect(on(c.daysOfWeek)).toEqual([1, 2, 3, 4, 5]);
    expect(on(parseCron('0 0 * * 5-7').daysOfWeek)).toEqual([0, 5, 6]);
  });

  it.each([
    ['* * * *', /5 fields/],
    ['* * * * * *', /5 fields/],
    ['60 * * * *', /minute field "60": 60 is outside 0-59/],
    ['* 24 * * *', /hour field/],
    ['* * 0 * *', /day-of-month field/],
    ['* * * 13 *', /month field/],
    ['* * * * 8', /day-of-week field/],
    ['*/0 * * * *', /minute field .*step must be at least 1/],
    ['5-1 * * * *', /minute field .*runs backwards/],
    ['x * * * *', /minute field .*"x" is not a number/],
    ['1,,2 * * * *', /minute field .*empty list item/],
    ['* * * foo *', /month field .*"foo" is not a number or a name/],
    ['1/2/3 * * * *', /more than one "\/"/],
  ])('refuses %s, naming what is wrong', (expr, message) => {
    expect(() => parseCron(expr)).toThrow(CronSyntaxError);
    expect(() => parseCron(expr)).toThrow(message);
  });
});

describe('nextCronTime', () => {
  it('finds the next match strictly after the given time', () => {
    expect(next('30 2 * * *', '2024-01-01T03:00:00Z')).toBe('2024-01-02T02:30:00.000Z');
    expect(next('30 2 * * *', '2024-01-01T02:29:59Z')).toBe('2024-01-01T02:30:00.000Z');
    // Exactly at a match: the next one, never the same minute again.
    expect(next('30 2 * * *', '2024-01-01T02:30:00Z')).toBe('2024-01-02T02:30:00.000Z');
    expect(next('*/5 * * * *', '2024-01-01T10:07:30Z')).toBe('2024-01-01T10:10:00.000Z');
  });

  it('rolls over hours, days, months and years', () => {
    expect(next('0 0 1 * *', '2024-01-31T12:00:00Z')).toBe('2024-02-01T00:00:00.000Z');
    expect(next('15 23 31 12 *', '2024-12-31T23:15:00Z')).toBe('2025-12-31T23:15:00.000Z');
    expect(next('0 * * * *', '2024-02-29T23:59:00Z')).toBe('2024-03-01T00:00:00.000Z');
  });

  it('waits for the next 29 February, and says when an expression never matches', () => {
    expect(next('0 12 29 2 *', '2024-03-01T00:00:00Z')).toBe('2028-02-29T12:00:00.000Z');
    expect(next('0 0 30 2 *', '2024-01-01T00:00:00Z')).toBeNull();
    expect(next('0 0 31 4,6,9,11 *', '2024-01-01T00:00:00Z')).toBeNull();
  });

  it('matches either day field when both are restricted, only the restricted one otherwise', () => {
    // 2024-09-01 is a Sunday; the 13th is a Friday.
    expect(next('0 0 13 * 1', '2024-09-01T00:00:00Z')).toBe('2024-09-02T00:00:00.000Z');
    expect(next('0 0 13 * *', '2024-09-01T00:00:00Z')).toBe('2024-09-13T00:00:00.000Z');
    expect(next('0 0 * * 1', '2024-09-01T00:00:00Z')).toBe('2024-09-02T00:00:00.000Z');
    // A day field starting with "*" makes both apply: an odd day that is a Monday (the 2nd is even).
    expect(next('0 0 */2 * 1', '2024-09-01T00:00:00Z')).toBe('2024-09-09T00:00:00.000Z');
  });

  it('agrees with a minute-by-minute scan over ten days', () => {
    const exprs = ['*/7 * * * *', '0,30 8-18 * * mon-fri', '45 23 * * 0', '0 0 1,15 * *', '10 4 13 * 5', '*/20 1/6 */3 * *'];
    const start = at('2024-02-25T22:13:00Z');
    for (const expr of exprs) {
      const c = parseCron(expr);
      let t = start;
      for (let k = 0; k < 20; k++) {
        const found = nextCronTime(c, t) as number;
        let scan = Math.floor(t / 60_000) * 60_000 + 60_000;
        while (!cronMatches(c, scan) && scan < start + 10 * 86_400_000) scan += 60_000;
        if (scan >= start + 10 * 86_400_000) break;
        expect(new Date(found).toISOString(), `${expr} after ${new Date(t).toISOString()}`).toBe(new Date(scan).toISOString());
        t = found;
      }
    }
  });
});

describe('shortestGapMinutes', () => {
  it('is the closest two matches can be, across the hour when adjacent hours match', () => {
    expect(shortestGapMinutes(parseCron('*/5 * * * *'))).toBe(5);
    expect(shortestGapMinutes(parseCron('* * * * *'))).toBe(1);
    expect(shortestGapMinutes(parseCron('0,58 * * * *'))).toBe(2);
    expect(shortestGapMinutes(parseCron('0,58 3 * * *'))).toBe(58);
    expect(shortestGapMinutes(parseCron('10 3,15 * * *'))).toBe(60);
    expect(shortestGapMinutes(parseCron('59 0,23 * * *'))).toBe(60);
    expect(shortestGapMinutes(parseCron('0,59 0,23 * * *'))).toBe(1);
  });
});
