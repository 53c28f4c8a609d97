/**
 * Date-times whose UTC offset is hours alone, as PostgreSQL writes timestamptz ("2024-03-15 10:00:00+00",
 * "…+05:30" only when there are minutes): they are dates at their instant, not text (a column of them was
 * typed an identifier and dropped).
 */
import { describe, expect, it } from 'vitest';
import { isoOffsetMinutes, parseDateCell, withoutIsoOffset } from '../../src/engine/data/column-types';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { sameStepTime } from '../../src/engine/forecast/step-columns';

const utc = (y: number, m: number, d: number, h = 0, min = 0, s = 0) => Date.UTC(y, m - 1, d, h, min, s);

describe('a UTC offset of hours alone', () => {
  it('reads as the instant it names', () => {
    expect(parseDateCell('2024-03-15 10:00:00+00')).toBe(utc(2024, 3, 15, 10));
    expect(parseDateCell('2024-03-15 10:00:00+05')).toBe(utc(2024, 3, 15, 5));
    expect(parseDateCell('2024-03-15T10:00:00.250-03')).toBe(utc(2024, 3, 15, 13) + 250);
    expect(parseDateCell('2024-03-15 10:00+01')).toBe(utc(2024, 3, 15, 9));
    expect(parseDateCell('2024-03-15 10:00:00+0530')).toBe(utc(2024, 3, 15, 4, 30));
    expect(parseDateCell('2024-03-15 25:00:00+00')).toBeNaN();
  });

  it('is the offset the cell is written with', () => {
    expect(isoOffsetMinutes('2024-03-15 10:00:00+00')).toBe(0);
    expect(isoOffsetMinutes('2024-03-15 10:00:00+05')).toBe(300);
    expect(isoOffsetMinutes('2024-03-15 10:00:00-03')).toBe(-180);
    expect(isoOffsetMinutes('2024-03-15')).toBeUndefined();
  });

  it('comes off for the wall-clock reading; a date alone keeps its day', () => {
    expect(withoutIsoOffset('2024-03-15 10:00:00+05')).toBe('2024-03-15 10:00:00');
    expect(withoutIsoOffset(' 2024-03-15T10:00:00-03:30 ')).toBe('2024-03-15T10:00:00');
    expect(withoutIsoOffset('2024-03-15')).toBe('2024-03-15');
    expect(sameStepTime('2024-03-15 10:00:00+05', '2024-03-15T05:00:00.000Z')).toBe(true);
    expect(sameStepTime('2024-03-15', '2024-03-15T00:00:00.000Z')).toBe(true);
    expect(sameStepTime('2024-03-16', '2024-03-15T00:00:00.000Z')).toBe(false);
  });

  it('types a PostgreSQL export\'s timestamptz column as dates, not an identifier', () => {
    const cells = Array.from({ length: 40 }, (_, i) => `2024-03-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:17:0${i % 10}+00`);
    const text = ['created_at,x', ...cells.map((c, i) => `${c},${i % 7}`)].join('\n');
    const { dataset, profile } = inferDataset(parseCsv(text));
    expect(dataset.columns[0].type).toBe('datetime');
    expect(profile[0].type).toBe('datetime');
    const col = dataset.columns[0];
    expect(col.storage === 'f64' && col.values[1]).toBe(utc(2024, 3, 2, 1, 17, 1));
  });
});
