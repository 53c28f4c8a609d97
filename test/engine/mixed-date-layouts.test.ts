/**
 * A column of dates written two ways that no one layout holds nine tenths of (ISO-8601, then 01/03/2024
 * day first: two exports put together) is no date column, but its profile entry says so, naming a line of
 * each way, and the declared order that reads every cell (which does read them), else what to correct.
 */
import { describe, expect, it } from 'vitest';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const pad = (n: number) => String(n).padStart(2, '0');

/** 120 days from January 1st, 2024: the first 60 as ISO-8601, the rest as `write` gives them (day first by default). */
function halves(write = (d: Date) => `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`): string[] {
  return Array.from({ length: 120 }, (_, i) => {
    const d = new Date(START + i * DAY);
    return i < 60 ? d.toISOString().slice(0, 10) : write(d);
  });
}

const csvOf = (cells: readonly string[]) => parseCsv(['date,y', ...cells.map((c, i) => `${c},${i}`)].join('\n'));
const profileOf = (cells: readonly string[]) => inferDataset(csvOf(cells)).profile[0];

describe('a column of dates written two ways', () => {
  it('is profiled as id, saying both ways with a line of each and the order that reads them all, which does', () => {
    const p = profileOf(halves());
    expect(p.type).toBe('id');
    expect(p.warnings).toEqual([
      '120 of 120 values are dates, but written two ways: ISO-8601 in 60 (line 2 holds "2024-01-01") and DD/MM/YYYY (day first) in 60 (line 62 holds "01/03/2024"): ' +
        'the column is read as id; create the job with "columns": {"date": {"type": "datetime", "date_order": "dmy"}} to read them all',
    ]);
    // The order it gives reads every row, each on its own date.
    const stored = decodeDataset(encodeDataset(inferDataset(csvOf(halves())).dataset));
    const col = applyOverrides(stored, { date: { type: 'datetime', date_order: 'dmy' } }).dataset.columns[0];
    expect(col.type).toBe('datetime');
    expect(col.storage === 'f64' && Array.from(col.values)).toEqual(Array.from({ length: 120 }, (_, i) => START + i * DAY));
  });

  it('says a month-first half reads either way when no day is above 12, and names a cell that is no date', () => {
    // The second half month first with every day folded into 1-12 (03/01/2024 ... 03/12/2024, 03/01/2024 ...): each reads either way.
    const early = halves((d) => `${pad(d.getUTCMonth() + 1)}/${pad(((d.getUTCDate() - 1) % 12) + 1)}/${d.getUTCFullYear()}`);
    expect(profileOf(early).warnings?.[0]).toMatch(
      /^120 of 120 values are dates, but written two ways: ISO-8601 in 60 \(line 2 holds "2024-01-01"\) and MM\/DD\/YYYY or DD\/MM\/YYYY \(every one reads either way\) in 60 \(line 62 holds "03\/01\/2024"\): .*"date_order": "mdy"\}\} to read them all \(or "dmy" if they are day first\)$/,
    );
    const bad = halves();
    bad[100] = 'soon';
    expect(profileOf(bad).warnings).toEqual([
      '119 of 120 values are dates, but written two ways: ISO-8601 in 60 (line 2 holds "2024-01-01") and DD/MM/YYYY (day first) in 59 (line 62 holds "01/03/2024"), and line 102 holds "soon", which is not a date: ' +
        'the column is read as id; correct the cells that are not dates, then create the job with "columns": {"date": {"type": "datetime", "date_order": "dmy"}} to read the rest',
    ]);
  });

  it('asks to correct day-month dates of both orders, which no declared order reads', () => {
    const both = halves((d) => (d.getUTCDate() % 2 ? `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/2024` : `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/2024`));
    const p = profileOf(both);
    expect(p.warnings?.[0]).toContain('written three ways: ISO-8601 in 60 (line 2 holds "2024-01-01"), MM/DD/YYYY (month first) in ');
    expect(p.warnings?.[0]).toMatch(/: the column is read as id; correct the cells written the other way round: a column's dates are all month first or all day first$/);
    // A column of words with a few dates among them is none of this.
    const words = Array.from({ length: 120 }, (_, i) => (i % 10 === 0 ? '2024-01-01' : `item ${i}`));
    expect(profileOf(words).warnings).toBeUndefined();
  });
});
