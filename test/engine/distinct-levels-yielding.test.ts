/**
 * The passes that still held a Worker's thread during a 400,000-row upload (traced on wrangler dev): a
 * column's distinct values, now found by sorting positions (data/distinct-levels) instead of filling a
 * Set and a Map of every value, the profile and near-date passes over a column, a long list of levels
 * written into the columnar header, and the checks of new rows' cells when rows are appended. Each gives
 * what it gave in one go, and hands the thread back within.
 */
import { describe, expect, it } from 'vitest';
import { runSteps, runStepsYielding, type Steps } from '../../src/engine/core/steps';
import { utf8Decode } from '../../src/engine/core/utf8';
import { appendRows, appendRowsYielding } from '../../src/engine/data/append-rows';
import { decodeDataset, encodeDataset, encodeDatasetYielding } from '../../src/engine/data/columnar-codec';
import type { CsvTable } from '../../src/engine/data/csv';
import { distinctLevelsSteps } from '../../src/engine/data/distinct-levels';
import { inferDataset, inferDatasetYielding } from '../../src/engine/data/infer-schema';
import { nearDatesWarning, nearDatesWarningSteps } from '../../src/engine/data/near-dates';

async function counting<T>(steps: Steps<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  const value = await runStepsYielding(steps, async () => void turns++);
  return { value, turns };
}

/** Levels and codes as a Set and a sort give them: the reference. */
function bySet(values: string[]): { levels: string[]; codes: number[] } {
  const levels = [...new Set(values)].sort();
  const index = new Map(levels.map((v, i) => [v, i]));
  return { levels, codes: values.map((v) => index.get(v) as number) };
}

/** Strings with repeats, accents, emoji, an empty string and ones that differ only in case or length. */
const oddValues = (n: number) => Array.from({ length: n }, (_, i) => ['', 'a', 'A', 'ab', 'é', '😀', 'z', 'Z ', `k${(i * 7919) % 613}`][i % 9] + (i % 4 === 0 ? '' : String((i * 31) % 97)));

describe('distinctLevelsSteps', () => {
  it('gives the levels and codes a Set and a sort give, wherever the pieces end', () => {
    for (const n of [0, 1, 2, 9, 100, 2000]) {
      const values = oddValues(n);
      for (const piece of [1, 2, 3, 7, 64, 10_000]) {
        const { levels, codes } = runSteps(distinctLevelsSteps(values, piece));
        expect({ levels, codes: [...codes] }, `${n} values, pieces of ${piece}`).toEqual(bySet(values));
      }
    }
  });

  it('hands the thread back while sorting and coding 120,000 values', async () => {
    const values = Array.from({ length: 120_000 }, (_, i) => `n${(i * 2654435761) % 1_000_003}`);
    const { value, turns } = await counting(distinctLevelsSteps(values, 50_000));
    expect(value.levels).toEqual(bySet(values).levels);
    // Past 16,384 distinct values no longer counted in a Set (no turn), then 3 runs sorted, 2 turns merging
    // the first two runs (100,000), 2 merging the rest (120,000), 2 keeping the levels, 2 coding.
    expect(turns).toBe(3 + 2 + 2 + 2 + 2);
  });
});

describe('typing a column of 120,000 distinct values', () => {
  const rows = Array.from({ length: 120_000 }, (_, i) => [i % 1000 === 0 ? '' : `n${(i * 2654435761) % 1_000_003}é`, ['Paris', 'Lyon', ' Lille '][i % 3]]);
  const table: CsvTable = { header: ['note', 'city'], rows };

  it('codes and profiles as before without a Set of all its values, handing the thread back', async () => {
    // The largest Set any value is added to while typing.
    const add = Set.prototype.add;
    let largest = 0;
    Set.prototype.add = function (this: Set<unknown>, value: unknown) {
      add.call(this, value);
      largest = Math.max(largest, this.size);
      return this;
    };
    let atOnce: ReturnType<typeof inferDataset>;
    try {
      atOnce = inferDataset(table, Object.create(null));
    } finally {
      Set.prototype.add = add;
    }
    // A Set of the note's 119,880 distinct values was filled (twice: typing, then coding); now one stops past 16,384.
    expect(largest).toBe(16_385);
    const note = atOnce.dataset.columns[0];
    if (note.storage !== 'codes') throw new Error('note is coded');
    const present = rows.map((r) => r[0]).filter((c) => c !== '');
    expect(note.levels).toEqual(bySet(present).levels);
    expect(atOnce.profile[0]).toMatchObject({ type: 'id', missing: 120, unique: present.length });
    let given = 0;
    const yielding = await inferDatasetYielding(table, Object.create(null), {}, async () => void given++);
    expect(yielding).toEqual(atOnce);
    // Each column: its cells taken (2) and trimmed (2) in slices of 50,000, a turn after, a turn after the
    // guess; its codes written (1 + 2); turns after the column, after the profile, after the near-date check
    // and at the end (4); its profile's pass over the codes (2). Its levels: the note's sorted (11, as
    // above), the city's 3 counted and coded through a Set (2 + 2). And the top of the note's 119,880 levels (2).
    expect(given).toBe(2 * (2 + 2 + 1 + 1 + 3 + 4 + 2) + 11 + 4 + 2);
  });
});

describe('nearDatesWarningSteps', () => {
  const columns: Record<string, string[]> = {
    'dates and a word': [...Array.from({ length: 30 }, (_, i) => `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`), 'soon', '-'],
    'day-month dates and a stray': [...Array.from({ length: 30 }, (_, i) => `${String(1 + (i % 28)).padStart(2, '0')}/03/2024`), '31/02/2024'],
    words: Array.from({ length: 40 }, (_, i) => `word ${i}`),
    'two-digit years': Array.from({ length: 20 }, (_, i) => `03/${String(1 + i).padStart(2, '0')}/24`),
  };
  const where = (i: number) => `line ${i + 2}`;

  it('warns as nearDatesWarning does, wherever the pieces end', () => {
    for (const [name, cells] of Object.entries(columns)) {
      const atOnce = nearDatesWarning(name, cells, 'categorical', where);
      for (const piece of [1, 2, 5, 1000]) expect(runSteps(nearDatesWarningSteps(name, cells, 'categorical', where, piece)), `${name}, pieces of ${piece}`).toBe(atOnce);
    }
    expect(nearDatesWarning('dates and a word', columns['dates and a word'], 'categorical', where)).toContain('line 32');
  });

  it('hands the thread back while reading a large column', async () => {
    const cells = Array.from({ length: 120_000 }, (_, i) => (i === 7 ? 'later' : `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`));
    const { value, turns } = await counting(nearDatesWarningSteps('day', cells, 'categorical', where, 50_000));
    expect(value).toBe(nearDatesWarning('day', cells, 'categorical', where));
    expect(value).toContain('line 9');
    expect(turns).toBe(2);
  });
});

describe('encodeDatasetYielding with long lists of levels', () => {
  // 120,000 levels with quotes, backslashes, accents, emoji and a lone surrogate, which JSON escapes.
  const ids = Array.from({ length: 120_000 }, (_, i) => `K"${i}\\é😀${i % 7 === 0 ? '\ud800' : ''}`);
  const { dataset } = inferDataset({ header: ['key', 'city', 'amount'], rows: ids.map((id, i) => [id, ['Paris', 'Lyon'][i % 2], String(i / 4)]) });

  it('writes the bytes encodeDataset writes, its header as JSON.stringify writes it, a piece of levels at a time', async () => {
    let turns = 0;
    const bytes = await encodeDatasetYielding(dataset, async () => void turns++);
    // Compared as buffers and text: element by element, vitest takes seconds over 120,000 levels.
    expect(Buffer.from(bytes).equals(Buffer.from(encodeDataset(dataset)))).toBe(true);
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    const header = utf8Decode(bytes.subarray(8, 8 + length));
    expect(header).toBe(JSON.stringify(JSON.parse(header)));
    expect(JSON.stringify(JSON.parse(header).columns[0].levels)).toBe(JSON.stringify([...ids].sort()));
    // One turn a column of 120,000 values before the header and one before its copy; after the key's
    // 120,000 levels, one per 50,000 written (3); the other columns' short entries need none.
    expect(turns).toBe(3 + 3 + 3);
  });
});

describe('appendRowsYielding checking new cells', () => {
  const base = decodeDataset(encodeDataset(inferDataset({ header: ['amount', 'day', 'flag'], rows: Array.from({ length: 100 }, (_, i) => [String(i), `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`, i % 2 ? 'yes' : 'no']) }).dataset));
  const added: CsvTable = {
    header: ['amount', 'day', 'flag'],
    rows: Array.from({ length: 120_000 }, (_, i) => [i === 119_999 ? 'abc' : String(i % 500), `2024-02-${String(1 + (i % 28)).padStart(2, '0')}`, i % 3 ? 'yes' : 'no']),
  };

  it('refuses the last of 120,000 new cells as appendRows does, having handed the thread back while checking', async () => {
    let turns = 0;
    const refusal = await appendRowsYielding(base, added, 'row', 1_000_000, async () => void turns++).catch((err: unknown) => err);
    expect(refusal).toMatchObject({ code: 'invalid_dataset', details: { row: 120_000, column: 'amount' } });
    expect(() => appendRows(base, added, 'row', 1_000_000)).toThrow((refusal as Error).message);
    // The amount column is checked first: 2 turns within its 120,000 cells, before the refusal (none before).
    expect(turns).toBe(2);
  });
});
