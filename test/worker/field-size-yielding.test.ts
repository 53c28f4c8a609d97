/**
 * The field-size check of an upload (worker/limits) hands the thread back every few hundred thousand
 * cells, and refuses the same cell as checking at once: the same message, line and column.
 */
import { describe, expect, it } from 'vitest';
import type { CsvTable } from '../../src/engine';
import { enforceFieldSize, enforceFieldSizeYielding } from '../../src/worker/limits';

/** 300,000 rows of 4 cells, each row on its own line after a one-line header. */
function table(longAt?: number): CsvTable {
  const rows = Array.from({ length: 300_000 }, (_, i) => [String(i), 'Paris', i === longAt ? 'x'.repeat(70_000) : 'ok', 'y']);
  return { header: ['id', 'city', 'note', 'flag'], rows, lines: rows.map((_, i) => i + 2) };
}

async function outcome(check: () => unknown): Promise<unknown> {
  try {
    await check();
    return 'accepted';
  } catch (err) {
    const e = err as { message: string; details?: unknown; status?: number };
    return { refused: e.message, details: e.details, status: e.status };
  }
}

describe('enforceFieldSizeYielding', () => {
  it('accepts what checking at once accepts, handing the thread back on a large table', async () => {
    let turns = 0;
    const t = table();
    expect(await outcome(() => enforceFieldSizeYielding(t, 65_536, 'csv', async () => void turns++))).toBe('accepted');
    expect(await outcome(() => enforceFieldSize(t, 65_536, 'csv'))).toBe('accepted');
    // 1.2 M cells in slices of 500,000.
    expect(turns).toBe(2);
  });

  it('refuses the same long cell as checking at once, late in the table', async () => {
    const t = table(280_000);
    const yielding = await outcome(() => enforceFieldSizeYielding(t, 65_536, 'csv', async () => undefined));
    expect(yielding).toEqual(await outcome(() => enforceFieldSize(t, 65_536, 'csv')));
    expect(yielding).toMatchObject({ details: { line: 280_002, column: 'note', limit: 65_536 } });
  });
});
