/**
 * A category column of a semicolon file whose numbers have decimal commas: upload reads "38,5" as 38.5
 * (data/decimal-comma), so the level is "38.5", and a client sending the file's own "38,5" in JSON got an
 * unseen category (predict audit). A decimal comma now matches the level of that number.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { UNSEEN_CODE } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { categoryCode } from '../../src/engine/features/level-lookup';
import type { InputColumn } from '../../src/engine/features/pipeline';
import { levelIndexOf } from '../../src/engine/features/rows-to-dataset';

describe('a decimal comma sent to a category', () => {
  it('matches the level a semicolon file made of it', () => {
    const sizes = ['38,5', '39', '40,5', 'one size', 'kids'];
    const lines = ['size;price', ...Array.from({ length: 60 }, (_, i) => `${sizes[i % 5]};${10 + (i % 7)},5`)];
    const { dataset } = inferDataset(parseCsv(lines.join('\n')));
    const size = dataset.columns[0];
    expect(size.type).toBe('categorical');
    if (size.storage !== 'codes') throw new Error('expected categories');
    expect(size.levels).toContain('38.5');
    const input: InputColumn = { name: 'size', type: 'categorical', storage: 'codes', levels: size.levels };
    const index = levelIndexOf(input);
    expect(categoryCode(input, index, '38,5')).toBe(size.levels.indexOf('38.5'));
    expect(categoryCode(input, index, 38.5)).toBe(size.levels.indexOf('38.5'));
    expect(categoryCode(input, index, '40,5')).toBe(size.levels.indexOf('40.5'));
    expect(categoryCode(input, index, '41,5')).toBe(UNSEEN_CODE);
    expect(categoryCode(input, index, 'one size')).toBe(size.levels.indexOf('one size'));
  });
});
