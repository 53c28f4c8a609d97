/**
 * What a scheduled run's data holds that the model has not learned (durable/new-rows), in plain Node:
 * the champion's or the last trained version's data is nothing new; rows appended since the data last
 * trained on (not the champion's) count; a new upload, or appends to one, counts all of its rows and says
 * it is not an append; another dataset's rows are all new. Dataset chains are given as small tables.
 */
import { describe, expect, it } from 'vitest';
import { newRows, type NewRowsInput } from '../../src/durable/new-rows';

/** Versions of dataset "d": rows and, for an append, the version appended to. */
const VERSIONS: Record<number, { rows: number; base?: number }> = { 1: { rows: 600 }, 2: { rows: 750, base: 1 }, 3: { rows: 600 }, 4: { rows: 640, base: 3 }, 5: { rows: 800, base: 2 } };

function input(newest: number, champion: number, lastTrained: { version: number; dataset_version: number } | null, championVersion = 1): NewRowsInput {
  const v = VERSIONS[newest];
  return {
    newest: { name: 'd', version: newest, rows: v.rows, ...(v.base !== undefined ? { appended: { base_version: v.base, rows: v.rows - VERSIONS[v.base].rows } } : {}) },
    champion: { version: championVersion, dataset: { name: 'd', version: champion } },
    lastTrained,
    datasetRows: (_, version) => VERSIONS[version]?.rows ?? null,
    appendedFrom: (_, base, version) => {
      for (let at: number | undefined = VERSIONS[version]?.base; at !== undefined; at = VERSIONS[at].base) if (at === base) return true;
      return false;
    },
  };
}

describe('newRows', () => {
  it("finds nothing new in the champion's data, or in the data a later version (a kept challenger) was trained on", () => {
    expect(newRows(input(1, 1, { version: 1, dataset_version: 1 }))).toEqual({ unchanged: true, reason: 'nothing new to learn: dataset "d" v1 (600 rows) is the data champion v1 was trained on' });
    expect(newRows(input(2, 1, { version: 3, dataset_version: 2 }))).toEqual({ unchanged: true, reason: 'nothing new to learn: dataset "d" v2 (750 rows) is the data model v3 was already trained on' });
  });

  it('counts rows appended since the data the model last trained on, not since the champion\'s', () => {
    expect(newRows(input(2, 1, { version: 1, dataset_version: 1 }))).toEqual({ unchanged: false, learned_rows: 600, new_rows: 150, reason: '150 rows appended since v1 (600 rows), the data champion v1 was trained on: dataset "d" v2 (750 rows)' });
    // v5 appends 50 rows to v2, which model v3 (a kept challenger) learned from; the champion has v1.
    expect(newRows(input(5, 1, { version: 3, dataset_version: 2 }))).toEqual({ unchanged: false, learned_rows: 750, new_rows: 50, reason: '50 rows appended since v2 (750 rows), the data model v3 was trained on: dataset "d" v5 (800 rows)' });
  });

  it('counts every row of a new upload of the same size (not "0 new rows"), and of appends to one, saying it is not an append', () => {
    expect(newRows(input(3, 1, { version: 1, dataset_version: 1 }))).toEqual({
      unchanged: false,
      learned_rows: 0,
      new_rows: 600,
      reason: 'dataset "d" v3 is a new upload of 600 rows, not an append of v1 (v1: 600 rows, the data champion v1 was trained on): all 600 rows count as new',
    });
    expect(newRows(input(4, 1, { version: 2, dataset_version: 1 }, 2))).toEqual({
      unchanged: false,
      learned_rows: 0,
      new_rows: 640,
      reason: 'dataset "d" v4 (640 rows) grew by appends from a new upload made after v1, not from v1 (v1: 600 rows, the data champion v2 was trained on): all 640 rows count as new',
    });
  });

  it('takes every row of a dataset no version was trained on as new', () => {
    const other = { ...input(1, 1, null), champion: { version: 1, dataset: { name: 'e', version: 7 } } };
    expect(newRows(other)).toEqual({ unchanged: false, learned_rows: 0, new_rows: 600, reason: '600 rows in dataset "d" v1, all new to the champion (trained on e v7)' });
  });
});
