/**
 * Cadences of scheduled retraining (src/durable/cadence.ts, pure, so tested in plain Node): intervals
 * and cron strings read or refused with a reason, the first due time, and the due time after a run
 * (on time, and after falling behind: one run, then back in rhythm).
 */
import { describe, expect, it } from 'vitest';
import { CadenceError, firstDueAt, nextDueAt, parseCadence } from '../../src/durable/cadence';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('parseCadence', () => {
  it('reads intervals in minutes, hours and days', () => {
    expect(parseCadence('30m')).toEqual({ kind: 'interval', ms: 30 * MIN });
    expect(parseCadence('6h')).toEqual({ kind: 'interval', ms: 6 * HOUR });
    expect(parseCadence(' 1d ')).toEqual({ kind: 'interval', ms: 24 * HOUR });
    expect(parseCadence('5m')).toEqual({ kind: 'interval', ms: 5 * MIN });
  });

  it.each([
    ['4m', /under 5 minutes/],
    ['0h', /under 5 minutes/],
    ['367d', /over 366 days/],
    ['weekly', /neither an interval .* nor a 5-field cron expression/],
    ['6 hours', /cron "6 hours": a cron expression has 5 fields/],
    ['', /neither an interval/],
    ['*/2 * * * *', /can fire 2 minutes apart/],
    ['0,1 * * * *', /can fire 1 minute apart/],
    ['0 0 30 2 *', /never matches/],
    ['61 * * * *', /minute field "61"/],
  ])('refuses %j with a reason', (every, message) => {
    expect(() => parseCadence(every)).toThrow(CadenceError);
    expect(() => parseCadence(every)).toThrow(message);
  });

  it('reads a cron expression that fires at most every five minutes', () => {
    const c = parseCadence('*/5 * * * *');
    expect(c.kind).toBe('cron');
  });
});

describe('due times', () => {
  const set = Date.parse('2024-05-01T10:02:30Z');

  it('makes an interval due at once and a cron at its next match', () => {
    expect(firstDueAt(parseCadence('6h'), set)).toBe(set);
    expect(new Date(firstDueAt(parseCadence('0 3 * * *'), set)).toISOString()).toBe('2024-05-02T03:00:00.000Z');
  });

  it('counts intervals from the previous due time, so runs do not drift with the ticks', () => {
    const c = parseCadence('6h');
    // Claimed by the tick 2.5 minutes after it was due: still due 6 h after the due time.
    expect(nextDueAt(c, set, set + 150_000)).toBe(set + 6 * HOUR);
  });

  it('runs a schedule that fell behind once, then returns to its rhythm', () => {
    const c = parseCadence('1h');
    const now = set + 3.5 * HOUR;
    expect(nextDueAt(c, set, now)).toBe(set + 4 * HOUR);
    const cron = parseCadence('0 */6 * * *');
    expect(new Date(nextDueAt(cron, set, Date.parse('2024-05-02T13:00:00Z'))).toISOString()).toBe('2024-05-02T18:00:00.000Z');
  });
});
