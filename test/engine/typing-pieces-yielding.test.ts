/**
 * The parts of typing and storing an upload that still ran in one go (traced on wrangler dev, 0.1-0.4 s
 * each) now hand the thread back, and give what they gave at once: the date-layout detection of a column,
 * the number checks of a column's type guess, the `top` levels of a coded column's profile (picked in one
 * pass instead of sorting every level), and the columnar file's header and column copies.
 */
import { describe, expect, it } from 'vitest';
import { runSteps, runStepsYielding, type Steps } from '../../src/engine/core/steps';
import { utf8Decode } from '../../src/engine/core/utf8';
import { decodeDataset, encodeDataset, encodeDatasetYielding } from '../../src/engine/data/columnar-codec';
import type { CsvTable } from '../../src/engine/data/csv';
import { detectDateOrder, detectDateOrderSteps } from '../../src/engine/data/detect-date-order';
import { inferDataset, inferDatasetYielding, profileColumn } from '../../src/engine/data/infer-schema';

async function counting<T>(steps: Steps<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  const value = await runStepsYielding(steps, async () => void turns++);
  return { value, turns };
}

describe('detectDateOrderSteps', () => {
  const columns: Record<string, string[]> = {
    dmy: ['03/04/2024', '25/12/2023', '-', '01/01/2024'],
    mdy: ['03/04/2024', '12/25/2023', '01/01/2024'],
    ambiguous: ['03/04/2024', '05/06/2024', '01/01/2024'],
    iso: ['2024-01-02', '2024-03-04T10:00:00Z', '#N/A'],
    named: ['2024-01-02', '15-Mar-2024'],
    'both orders': ['13/01/2024', '01/13/2024', '02/02/2024'],
    'no real date': ['02/30/2024', '01/01/2024', '03/03/2024'],
    mixed: ['2024-01-02', '03/04/2024'],
    words: ['2024-01-02', 'soon'],
  };

  it('finds what detecting at once finds, wherever the pieces end', () => {
    for (const [name, cells] of Object.entries(columns)) {
      const atOnce = detectDateOrder(cells);
      for (const piece of [1, 2, 3, 1000]) expect(runSteps(detectDateOrderSteps(cells, {}, piece)), `${name}, pieces of ${piece}`).toEqual(atOnce);
      expect(runSteps(detectDateOrderSteps(cells, { appended: true }, 2)), `${name}, appended`).toEqual(detectDateOrder(cells, { appended: true }));
    }
    expect(detectDateOrder(columns.dmy)).toEqual({ order: 'dmy', ambiguous: false });
    expect(detectDateOrder(columns['no real date'])).toBeUndefined();
  });

  it('hands the thread back in both passes over a large column', async () => {
    const cells = Array.from({ length: 100_000 }, (_, i) => `${String(1 + (i % 12)).padStart(2, '0')}/${String(1 + (i % 28)).padStart(2, '0')}/2024`);
    const { value, turns } = await counting(detectDateOrderSteps(cells, {}, 10_000));
    expect(value).toEqual(detectDateOrder(cells));
    expect(value).toEqual({ order: 'mdy', ambiguous: false });
    // 10 pieces of the reading pass and 10 of the validity pass.
    expect(turns).toBe(20);
  });
});

describe('typing a large date column', () => {
  it('types as at once, with turns inside the type guess (the layout detection and the number checks)', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`${String(1 + (i % 12)).padStart(2, '0')}/${String(1 + (i % 28)).padStart(2, '0')}/2024`, String(i % 1000)]);
    const table: CsvTable = { header: ['day', 'amount'], rows };
    const atOnce = inferDataset(table, Object.create(null));
    expect(atOnce.dataset.columns.map((c) => c.type)).toEqual(['datetime', 'numeric']);
    let given = 0;
    const yielding = await inferDatasetYielding(table, Object.create(null), {}, async () => void given++);
    expect(yielding.dataset).toEqual(atOnce.dataset);
    expect(yielding.profile).toEqual(atOnce.profile);
    // 33 turns with the type guessed in one go; now 8 more in each column's guess: the date's layout read
    // and checked (4 slices of 50,000 each), the numbers read and checked whole (4 each); and 6 more in
    // each column's profile: its values read in 4 slices, a turn after the profile and after the near-date check.
    expect(given).toBe(33 + 8 + 8 + 6 + 6);
  });
});

describe('profileColumn', () => {
  /** What the profile listed before: every level sorted by count, most first, then by value. */
  const sortedTop = (levels: string[], counts: number[]) =>
    counts
      .map((count, i) => ({ value: levels[i], count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
      .slice(0, 10);

  it('lists the same top levels as sorting them all, ties in the order of their values', () => {
    for (const [levelCount, spread] of [
      [3, 2],
      [10, 3],
      [11, 1],
      [400, 5],
      [5000, 50],
    ]) {
      const levels = Array.from({ length: levelCount }, (_, i) => `v${(i * 7919) % 10007}`).sort();
      // Codes whose counts repeat (ties) and differ, in a scrambled order.
      const codes = new Int32Array(levelCount * 3);
      for (let r = 0; r < codes.length; r++) codes[r] = r % 17 === 0 ? -1 : ((r * 31) % levelCount) % Math.max(1, Math.floor(levelCount / spread)) + (r % spread);
      const counts = new Array<number>(levelCount).fill(0);
      for (const c of codes) if (c >= 0) counts[c]++;
      const profile = profileColumn({ name: 'x', type: 'categorical', storage: 'codes', codes, levels });
      expect(profile.top, `${levelCount} levels`).toEqual(sortedTop(levels, counts));
    }
  });
});

describe('encodeDatasetYielding', () => {
  const { dataset } = inferDataset({
    header: ['id', 'city', 'amount'],
    rows: Array.from({ length: 3000 }, (_, i) => [`K${i}`, ['Paris', 'Lyon'][i % 2], String(i / 4)]),
  });

  it('writes the bytes encodeDataset writes, its header as JSON.stringify writes it', async () => {
    let turns = 0;
    const bytes = await encodeDatasetYielding(dataset, async () => void turns++);
    expect(bytes).toEqual(encodeDataset(dataset));
    expect(decodeDataset(bytes)).toEqual(decodeDataset(encodeDataset(dataset)));
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    const header = utf8Decode(bytes.subarray(8, 8 + length));
    expect(header).toBe(JSON.stringify(JSON.parse(header)));
    expect(JSON.parse(header)).toMatchObject({ version: 2, rows: 3000, columns: [{ name: 'id', levels: expect.any(Array) }, { name: 'city' }, { name: 'amount' }] });
    // 9,000 values and 3,000 levels in all, less than a turn's worth (50,000): no turn (one a column before).
    expect(turns).toBe(0);
  });
});
