/**
 * A text target with a different value on (nearly) every row (engine/data/target) is refused as what it
 * looks like, an identifier, not as a classification with too many classes; labels that repeat, even
 * many of them, are still classes.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { prepareTarget } from '../../src/engine/data/target';
import { engineError } from './helpers/assertions';

const table = (rows: readonly string[]) => inferDataset(parseCsv(`x,label\n${rows.join('\n')}\n`)).dataset;

describe('a text target with a value per row', () => {
  it('is named an identifier, with as many rows as classes or more than 200 of them', () => {
    const ids = table(Array.from({ length: 576 }, (_, i) => `${i % 7},R${String(i).padStart(5, '0')}`));
    expect(ids.columns[1].type).toBe('id');
    for (const task of [undefined, 'multiclass'] as const) {
      const err = engineError(() => prepareTarget(ids, 'label', task));
      expect(err.code).toBe('invalid_target');
      expect(err.message).toBe('target column "label" holds a different value on every row: it looks like an identifier (or free text), not a label to predict; pick the column to predict as "target"');
      expect(err.details).toMatchObject({ field: 'target', column: 'label' });
    }
    // Read as a category on a small table (no identifier type), and with a few repeats: the same.
    const small = applyOverrides(table(Array.from({ length: 25 }, (_, i) => `${i},name ${i}`)), { label: 'categorical' }).dataset;
    expect(() => prepareTarget(small, 'label')).toThrow('holds a different value on every row: it looks like an identifier');
    const repeats = table(Array.from({ length: 300 }, (_, i) => `${i},name ${i < 20 ? 0 : i}`));
    expect(() => prepareTarget(repeats, 'label')).toThrow('holds a different value on nearly every row (281 values in 300 rows): it looks like an identifier');
  });

  it('keeps labels that repeat as classes, and the numeric identifier its own hint', () => {
    const labels = table(Array.from({ length: 300 }, (_, i) => `${i},class ${i % 150}`));
    expect(prepareTarget(labels, 'label').classes).toHaveLength(150);
    const numbers = inferDataset(parseCsv(`row_id,x\n${Array.from({ length: 30 }, (_, i) => `${i + 1},${i % 3}`).join('\n')}\n`)).dataset;
    expect(() => prepareTarget(numbers, 'row_id')).toThrow('holds a different number on every row; it was read as an identifier');
  });
});
