/**
 * Monthly series on the 29th or 30th, as a spreadsheet's EDATE writes them from such a day: the day where
 * the month has it, the month's last where it is shorter ("2021-01-30, 2021-02-28, 2021-03-30"). They
 * were refused as irregular ("follows row 1, but the series steps by 31 days; add the missing
 * timestamps"), though nothing was missing (s42 audit, day30.ts). Now they are monthly, validated and
 * forecast on those days.
 */
import { describe, expect, it } from 'vitest';
import { describeSeries, forecastDefaults, loadForecaster, runForecastTrial } from '../../src/engine/forecast';
import { stepTime } from '../../src/engine/forecast/frequency';
import { datasetFromCsv } from './forecast-fixtures';

/** `n` monthly dates from (year, month 0-based) on `day`, or the month's last day when shorter. */
function clampedDates(year: number, month: number, day: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const last = new Date(Date.UTC(year, month + i + 1, 0)).getUTCDate();
    return new Date(Date.UTC(year, month + i, Math.min(day, last))).toISOString().slice(0, 10);
  });
}

const seriesCsv = (dates: string[]) => `day,y\n${dates.map((d, i) => `${d},${100 + 10 * Math.sin((2 * Math.PI * i) / 12) + i}`).join('\n')}\n`;

describe('a monthly series on a day some months lack', () => {
  it('reads the 30th (28th or 29th in February) and the 29th as monthly on that day', () => {
    for (const day of [30, 29]) {
      const info = describeSeries(datasetFromCsv(seriesCsv(clampedDates(2021, 0, day, 60)), { day: 'datetime' }), { target: 'y' });
      expect(info.frequency).toEqual({ kind: 'months', name: 'monthly', months: 1, monthEnd: false, day });
      expect(info.season).toBe(12);
    }
  });

  it('still reads month ends as month ends, and the 1st as before', () => {
    const ends = describeSeries(datasetFromCsv(seriesCsv(clampedDates(2021, 0, 31, 48)), { day: 'datetime' }), { target: 'y' });
    expect(ends.frequency).toEqual({ kind: 'months', name: 'monthly', months: 1, monthEnd: true });
    const firsts = describeSeries(datasetFromCsv(seriesCsv(clampedDates(2021, 0, 1, 48)), { day: 'datetime' }), { target: 'y' });
    expect(firsts.frequency).toEqual({ kind: 'months', name: 'monthly', months: 1, monthEnd: false });
  });

  it('steps to the 30th again after February, and to February 29 in a leap year', () => {
    const freq = { kind: 'months', name: 'monthly', months: 1, monthEnd: false, day: 30 } as const;
    const from = Date.UTC(2025, 0, 30);
    expect([1, 2, 3].map((k) => new Date(stepTime(freq, from, k)).toISOString().slice(0, 10))).toEqual(['2025-02-28', '2025-03-30', '2025-04-30']);
    expect(new Date(stepTime(freq, Date.UTC(2024, 0, 30), 1)).toISOString().slice(0, 10)).toBe('2024-02-29');
    expect(new Date(stepTime(freq, Date.UTC(2025, 1, 28), 1)).toISOString().slice(0, 10)).toBe('2025-03-30');
  });

  it('forecasts the next months on those days, from a stored model', async () => {
    const dates = clampedDates(2021, 0, 30, 60);
    const ds = datasetFromCsv(seriesCsv(dates), { day: 'datetime' });
    const shape = { length: 60, season: 12, groups: 1, horizon: 3 };
    const out = await runForecastTrial(ds, { family: 'linear', params: forecastDefaults('linear', shape), target: 'y', horizon: 3, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const f = await loadForecaster(out.envelope);
    // The series ends 2025-12-30: January 30, February 28 (2026 is no leap year), March 30.
    expect(dates.at(-1)).toBe('2025-12-30');
    expect(f.forecast(3).map((p) => String(p.time).slice(0, 10))).toEqual(['2026-01-30', '2026-02-28', '2026-03-30']);
  });
});
