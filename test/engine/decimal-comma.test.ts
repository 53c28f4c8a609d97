/**
 * Decimal-comma files (semicolon separated, "1.234,5"): a whole number written with dots between thousands
 * ("120.000", "1.200.000") reads as the number it is, at upload, append and in a batch for predictions,
 * once the file shows it writes decimals with a comma. A file that writes them with a point, or tells
 * neither, reads "120.000" as 120, as before. From the s18 user audit (eu_thousands.csv, eu_thousands2.csv).
 */
import { describe, expect, it } from 'vitest';
import { appendRows } from '../../src/engine/data/append-rows';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';

/** The audit's files, as they were sent. */
const EU_THOUSANDS = 'a;price;y\n1;120.000;x\n2;1.200.000;y\n3;3,5;x\n4;45.000;y\n5;7;x\n';
const EU_THOUSANDS2 = 'a;price;y\n1;120.000;x\n2;99.500;y\n3;3,5;x\n4;45.000;y\n5;7;x\n';

const column = (ds: Dataset, name: string) => ds.columns.find((c) => c.name === name);
const numbers = (text: string, name: string): number[] => {
  const col = column(inferDataset(parseCsv(text)).dataset, name);
  if (col?.storage !== 'f64') throw new Error(`${name} is not numeric: ${col?.type}`);
  return Array.from(col.values);
};

describe('a decimal-comma file', () => {
  it('reads dots between thousands as thousands (audit eu_thousands.csv, eu_thousands2.csv)', () => {
    expect(numbers(EU_THOUSANDS, 'price')).toEqual([120000, 1200000, 3.5, 45000, 7]);
    expect(numbers(EU_THOUSANDS2, 'price')).toEqual([120000, 99500, 3.5, 45000, 7]);
    const { profile } = inferDataset(parseCsv(EU_THOUSANDS));
    expect(profile[1]).toMatchObject({ name: 'price', type: 'numeric', missing: 0, min: 3.5, max: 1200000 });
  });

  it('is told by a decimal comma anywhere in the file, or by dots between several groups', () => {
    // The comma is in another column than the thousands.
    expect(numbers('price;rate\n120.000;0,5\n45.000;1\n', 'price')).toEqual([120000, 45000]);
    // No comma at all, but "1.200.000" is no dot decimal: the file writes thousands with dots.
    expect(numbers('price;n\n1.200.000;1\n120.000;2\n7;3\n', 'price')).toEqual([1200000, 120000, 7]);
    // Signs, spaces around and quotes are read as before.
    expect(parseCsv('a;b\n"-1.200.000"; 45.000 \n+2,5;x\n').rows).toEqual([
      ['-1200000', ' 45000 '],
      ['+2.5', 'x'],
    ]);
  });

  it('leaves what is no whole number alone: dates, codes, text, a zero before the dot', () => {
    const t = parseCsv('when;code;note;n\n15.03.2024;1.2.3;about 120.000;3,5\n16.03.2024;v1.000;120.000 km;1\n');
    expect(t.rows).toEqual([
      ['15.03.2024', '1.2.3', 'about 120.000', '3.5'],
      ['16.03.2024', 'v1.000', '120.000 km', '1'],
    ]);
    expect(column(inferDataset(t).dataset, 'when')?.type).toBe('datetime');
  });
});

describe('amounts with their signs in a decimal-comma file', () => {
  it('reads currency, percent and accounting amounts as the numbers inside (1,799 € is 1.799, not 1799)', () => {
    const text = 'preis;rabatt;saldo\n1,799 €;12,5 %;(12,50)\n1.234,56 €;5 %;1.200 €\n€ 3,10;-2,5%;-7,25 €\n';
    expect(numbers(text, 'preis')).toEqual([1.799, 1234.56, 3.1]);
    expect(numbers(text, 'rabatt')).toEqual([12.5, 5, -2.5]);
    expect(numbers(text, 'saldo')).toEqual([-12.5, 1200, -7.25]);
  });

  it('rewrites only columns that read as numbers: addresses, versions and notes keep what they say', () => {
    const t = parseCsv('ip;note;n\n192.168.100.200;3,5 kg;2,5\n192.168.1.20;about 120.000;1\n');
    expect(t.rows).toEqual([
      ['192.168.100.200', '3,5 kg', '2.5'],
      ['192.168.1.20', 'about 120.000', '1'],
    ]);
    // A stray word is no reason to keep a column of numbers as written.
    expect(numbers('n;m\n2,5;1\nunknown;2\n3,5;3\n1,25;4\n', 'n')).toEqual([2.5, NaN, 3.5, 1.25]);
  });
});

describe('a dot-decimal file', () => {
  it('is never read as thousands: a point decimal anywhere keeps "120.000" at 120', () => {
    // Semicolons, and a value only a point decimal is ("0.500", "3.14", "1234.5", "1,234.5").
    for (const decimal of ['0.500', '3.14', '1234.5', '1,234.5', '$1.50']) {
      expect(numbers(`price;m\n120.000;${decimal}\n45.000;1\n`, 'price'), decimal).toEqual([120, 45]);
    }
    // Even beside a decimal comma: a file that writes both is not taken for a decimal-comma file.
    expect(numbers('price;m;r\n120.000;0.25;1,5\n45.000;1;2\n', 'price')).toEqual([120, 45]);
  });

  it('tells neither when every dot stands before three digits and no comma is written: a point it stays', () => {
    expect(numbers('price;n\n120.000;1\n45.000;2\n7;3\n', 'price')).toEqual([120, 45, 7]);
  });

  it('keeps comma files as they were: a dot is a decimal point there', () => {
    expect(numbers('price,n\n120.000,1\n"1,200.000",2\n', 'price')).toEqual([120, 1200]);
  });
});

describe('a tab file', () => {
  it('reads decimal commas when a cell shows them: "0,125" is 0.125, not 125 (Excel tab export, German locale)', () => {
    const text = 'rate\tprice\tn\n0,125\t120.000\t1\n3,5\t45.000\t2\n1234,5\t1.234,5\t3\n';
    expect(numbers(text, 'rate')).toEqual([0.125, 3.5, 1234.5]);
    expect(numbers(text, 'price')).toEqual([120000, 45000, 1234.5]);
    // A comma that could group thousands ("1,234") reads as a decimal comma in such a file too.
    expect(numbers('a\tb\n0,5\t1,234\n', 'b')).toEqual([1.234]);
  });

  it('keeps commas between thousands when no cell shows a decimal comma, or some cell shows a point', () => {
    // "1,234" alone tells neither: it groups thousands, as a dot-decimal tab file writes them.
    expect(numbers('a\tb\n1,234\t2\n12,500\t3\n', 'a')).toEqual([1234, 12500]);
    // A point decimal, or commas between several groups, say the file writes dot decimals.
    expect(numbers('a\tb\n1,234\t2.5\n', 'a')).toEqual([1234]);
    expect(numbers('a\tb\n1,234\t1,234,567\n', 'b')).toEqual([1234567]);
    expect(numbers('price\tn\n120.000\t1\n45.000\t2\n', 'price')).toEqual([120, 45]);
  });

  it('never reads a first group of 0 as thousands: "0,125" beside a point decimal is no number', () => {
    const col = column(inferDataset(parseCsv('a\tb\n0,125\t2.5\n0,250\t1\n')).dataset, 'a');
    expect(col?.type).not.toBe('numeric');
  });
});

describe('append and predict read the file alike', () => {
  it('appends a decimal-comma file of thousands as the numbers they are', () => {
    const base = decodeDataset(encodeDataset(inferDataset(parseCsv(EU_THOUSANDS2)).dataset));
    const grown = appendRows(base, parseCsv('y;price;a\nx;250.000;6\ny;2,5;7\n'), 'line', 1000);
    const price = column(grown.dataset, 'price');
    expect(price?.storage === 'f64' && Array.from(price.values)).toEqual([120000, 99500, 3.5, 45000, 7, 250000, 2.5]);
  });

  it('gives a batch for predictions the cells an upload of it reads (audit pred_semi.csv)', () => {
    const batch = '\ufeffid;age;income;score;city\n5;40;"50.000,50";13,3;Paris\n6;70;120.000;23,3;Nice\n';
    const columns = parseCsvColumns(batch);
    expect(columns.columns[2]).toEqual(['50000.50', '120000']);
    expect(columns.columns[3]).toEqual(['13.3', '23.3']);
    expect(numbers(batch, 'income')).toEqual([50000.5, 120000]);
  });
});
