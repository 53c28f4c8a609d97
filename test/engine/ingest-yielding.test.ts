/**
 * Typing, profiling and encoding an upload while handing the thread back (inferDatasetYielding,
 * encodeDatasetYielding) give what doing it at once gives: the same columns, profile (warnings with their
 * lines included) and stored bytes, with turns given inside a column's passes, not only between columns.
 */
import { describe, expect, it } from 'vitest';
import { encodeDataset, encodeDatasetYielding } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset, inferDatasetYielding } from '../../src/engine/data/infer-schema';

/** More rows than one slice of a pass (50,000), columns of every kind, stray words, placeholders and boolean spellings. */
const ROWS = 60_000;
function table() {
  const header = 'order_id,amount,ratio,city,flag,day,note,label';
  const lines = [header];
  for (let i = 0; i < ROWS; i++) {
    const amount = i === 123 ? 'abc' : i % 97 === 0 ? 'NA' : String((i * 7919) % 100_003);
    const flag = ['yes', 'no', 'Yes', 'NO'][i % 4];
    const day = i % 500 === 0 ? '' : `${String(1 + (i % 28)).padStart(2, '0')}/${String(1 + (i % 12)).padStart(2, '0')}/2024`;
    lines.push([i, amount, ((i * 31) % 997) / 10, ['Paris', 'Lyon', 'Lille'][i % 3], flag, day, `word ${i % 40} and more`, i % 5 === 0 ? 'bad' : 'good'].join(','));
  }
  return parseCsv(lines.join('\n'));
}

describe('inferDatasetYielding and encodeDatasetYielding', () => {
  it('type, profile and encode as inferDataset and encodeDataset do, giving turns inside the passes', async () => {
    const csv = table();
    const atOnce = inferDataset(csv, Object.create(null));
    let turns = 0;
    const yieldControl = async () => {
      turns++;
    };
    const yielding = await inferDatasetYielding(csv, Object.create(null), {}, yieldControl);
    expect(yielding.profile).toEqual(atOnce.profile);
    expect(yielding.dataset).toEqual(atOnce.dataset);
    // The stray word is named at its line, as at once.
    expect(JSON.stringify(yielding.profile.find((c) => c.name === 'amount')?.warnings)).toContain('line 125');
    // More than the turns between columns and passes: the passes over 60,000 cells are cut too.
    expect(turns).toBeGreaterThan(csv.header.length * 6);

    const before = turns;
    const bytes = await encodeDatasetYielding(yielding.dataset, yieldControl);
    expect(Buffer.from(bytes).equals(Buffer.from(encodeDataset(atOnce.dataset)))).toBe(true);
    // One turn a column of 60,000 values before the header and one before its copy; in the header, two
    // for order_id's 60,000 levels (one per 50,000 written), none for the other columns' short entries.
    expect(turns - before).toBe(2 * csv.header.length + 2);
  });
});
