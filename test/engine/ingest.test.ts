/**
 * Ingest: CSV parsing with line-numbered refusals, type inference against the shared datasets' declared
 * types, the columnar codec round trip, targets and column overrides.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/core/errors';
import { decodeDataset, encodeDataset } from '../../src/engine/data/columnar-codec';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { applyOverrides } from '../../src/engine/data/overrides';
import { prepareTarget } from '../../src/engine/data/target';
import { selectRows } from '../../src/engine/data/select-rows';
import { appendRows } from '../../src/engine/data/append-rows';

const SHARED = new URL('../../../shared/data/', import.meta.url);
const shared = (file: string) => readFileSync(new URL(file, SHARED), 'utf8');

function refusal(text: string): EngineError {
  try {
    parseCsv(text);
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected the CSV to be refused');
}

describe('parseCsv', () => {
  it('reads quoted fields, CRLF and a BOM', () => {
    const t = parseCsv('\ufeffa,b\r\n"x, y",2\r\n"he said ""hi""",3\r\n');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      ['x, y', '2'],
      ['he said "hi"', '3'],
    ]);
  });

  it('names the line of a ragged row', () => {
    const e = refusal('a,b\n1,2\n3,4\n5\n6,7\n');
    expect(e.code).toBe('invalid_csv');
    expect(e.details.line).toBe(4);
    expect(e.message).toMatch(/line 4 has 1 fields but the header has 2/);
  });

  it('refuses empty files, header-only files, duplicate names and values without a name', () => {
    expect(refusal('').message).toMatch(/empty/);
    expect(refusal('a,b\n').message).toMatch(/no data rows/);
    expect(refusal('a,a\n1,2\n').message).toMatch(/"a" appears twice/);
    expect(refusal('a,,c\n1,2,3\n').details.column_index).toBe(2);
  });

  it('leaves out an unnamed column without values (a separator ending every line), and refuses one holding a value', () => {
    // The audit's q_quoted.csv in shape: every line, header included, ends with a comma.
    const t = parseCsv('age,income,note,city,default,\n54,"37,611","line one\nline two, 0",Paris,no,\n\n48,"78,915","plain 1",Lille,yes,\n');
    expect(t.header).toEqual(['age', 'income', 'note', 'city', 'default']);
    expect(t.rows).toEqual([
      ['54', '37,611', 'line one\nline two, 0', 'Paris', 'no'],
      ['48', '78,915', 'plain 1', 'Lille', 'yes'],
    ]);
    expect(t.lines).toEqual([2, 5]);
    expect(t.warnings).toEqual(['column 6 of the header has no name and no value on any line (as when every line ends with a separator): it was left out']);
    // Several, anywhere, spaces counting as empty; the same in a semicolon file.
    expect(parseCsv('a,,b,\n1, ,2,\n').warnings?.[0]).toMatch(/^columns 2 and 4 of the header have no name and no value on any line .*: they were left out$/);
    expect(parseCsv('a;b;\n1,5;x;\n').rows).toEqual([['1.5', 'x']]);
    expect(parseCsv('a,b\n1,2\n').warnings).toBeUndefined();
    // A value in an unnamed column: refused at its line, saying to name the column.
    const e = refusal('a,b,\n1,2,\n3,4,x\n');
    expect(e.message).toBe('line 3 has the value "x" in column 3, which the header gives no name; name the column in the header (or remove its values)');
    expect(e.details).toEqual({ line: 3, column_index: 3 });
    expect(refusal(',,\n1,2,3\n').message).toBe('the header has no column names');
  });

  it('refuses an unterminated quote', () => {
    const e = refusal('a,b\n1,"open\n2,3\n');
    expect(e.code).toBe('invalid_csv');
    expect(e.message).toMatch(/never closed|quote/i);
  });

  it('names the line of the file, past blank lines and quoted line breaks, and records each row\'s line', () => {
    expect(refusal('a,b,c\n1,2,3\n\n\n4,5\n').details.line).toBe(5);
    expect(refusal('a,b,c\n1,2,3\n\n1,"open\n4,5,6\n').details.line).toBe(4);
    expect(refusal('a,b\n"x\ny\nz",1\n2,3\n4\n').details.line).toBe(6);
    // A lone CR ends a line too (old Mac exports).
    expect(refusal('a,b\r1,2\r\r3\r').details.line).toBe(4);
    expect(parseCsv('\n a,b\n"1\n2",3\n\n4,5\n').lines).toEqual([3, 6]);
  });

  it('keeps a row whose cells are all empty, as a row of missing values, and skips lines of spaces only', () => {
    const t = parseCsv('age,plan,city\n25,basic,Paris\n,,\n  \n30,pro,Roma\n');
    expect(t.rows).toEqual([
      ['25', 'basic', 'Paris'],
      ['', '', ''],
      ['30', 'pro', 'Roma'],
    ]);
    expect(t.lines).toEqual([2, 3, 5]);
  });

  it('reads semicolon and tab separated exports, and Excel\'s sep= line', () => {
    const semi = parseCsv('x;c;y\n1,5;b;1\n-1.234,5;"c;d";"2,0"\n7;e,f;1,2,3\n');
    expect(semi.header).toEqual(['x', 'c', 'y']);
    // Decimal commas read as numbers; other commas are text, and a column holding such text ("1,2,3") keeps every cell as written.
    expect(semi.rows).toEqual([
      ['1.5', 'b', '1'],
      ['-1234.5', 'c;d', '2,0'],
      ['7', 'e,f', '1,2,3'],
    ]);
    expect(parseCsv('x\tc\n1\t2\n').rows).toEqual([['1', '2']]);
    const excel = parseCsv('sep=;\r\na;b\r\n1;2\r\n');
    expect(excel.header).toEqual(['a', 'b']);
    expect(excel.lines).toEqual([3]);
    // The most frequent separator in the header wins; comma on a tie, and commas keep decimal points.
    expect(parseCsv('"a;b",c\n1.5,2\n').header).toEqual(['a;b', 'c']);
    expect(parseCsv('a;b,c\n1;2,5\n').header).toEqual(['a;b', 'c']);
  });

  it('says a one-column header may be a title line', () => {
    const e = refusal('Sales report 2024\na,b,c\n1,2,3\n');
    expect(e.details.line).toBe(2);
    expect(e.message).toMatch(/header \(line 1\) has no commas: if it is a title above the column names, remove it/);
  });

  // From a read-only audit of uploads: the separator was guessed from the title line alone, so a
  // semicolon or tab file under a title read as one column of "name;age" cells, taken without a word.
  it('says so for a semicolon or tab file under a title too, and still reads a file of one column', () => {
    const semicolons = refusal('Sales report\n\nname;age\nBob;42\n');
    expect(semicolons.details).toEqual({ line: 3, fields: 2, expected: 1 });
    expect(semicolons.message).toMatch(/header \(line 1\) has no semicolons: if it is a title above the column names, remove it/);
    expect(refusal('Sales report\r\nname\tage\r\nBob\t42\r\n').message).toMatch(/header \(line 1\) has no tabs/);
    const single = parseCsv('value\n1.5\n2.5\n3\n4\n5\n6;7\n');
    expect(single.header).toEqual(['value']);
    expect(single.rows).toEqual([['1.5'], ['2.5'], ['3'], ['4'], ['5'], ['6;7']]);
  });
});

describe('inferDataset', () => {
  it('infers the declared types of credit_g and pima (numeric vs categorical)', () => {
    for (const name of ['credit_g', 'penguins', 'auto_mpg']) {
      const meta = JSON.parse(shared(`${name}.json`)) as { target: string; columns: { name: string; type: string }[] };
      const { dataset } = inferDataset(parseCsv(shared(`${name}.train.csv`)));
      for (const col of meta.columns) {
        const got = dataset.columns.find((c) => c.name === col.name);
        // Two-level categoricals may be read as boolean when spelled like one; both are categorical to models.
        expect([col.type, col.type === 'categorical' ? 'boolean' : col.type], `${name}.${col.name}`).toContain(got?.type);
      }
    }
  });

  it('flags id-like, constant, boolean and datetime columns and counts missing values', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i + 1},x${i},same,${i % 2 ? 'yes' : 'no'},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 3 === 0 ? '' : i}`);
    const { dataset, profile } = inferDataset(parseCsv(`customer_id,code,k,flag,day,v\n${rows.join('\n')}\n`));
    expect(dataset.columns.map((c) => c.type)).toEqual(['id', 'id', 'constant', 'boolean', 'datetime', 'numeric']);
    expect(profile[0].dropped).toMatch(/identifier/);
    expect(profile[2].dropped).toMatch(/constant/);
    expect(profile[5].missing).toBe(10);
  });

  it('knows a key with a stray repeat or a gap for a key, and keeps near-unique names as categories', () => {
    const n = 500;
    const hex = (i: number) => ((i * 2654435761) >>> 0).toString(16).padStart(8, '0');
    const town = (i: number) => `Town ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + (Math.floor(i / 26) % 26))}`;
    const rows = Array.from({ length: n }, (_, i) => [i === 7 ? 3 : i, i === 9 ? '' : `${hex(i)}-4b1f-9c2e-${hex(i + 1)}`, town(i === 11 ? 10 : i), i % 2].join(','));
    const { dataset } = inferDataset(parseCsv(`user_id,order_ref,town,y\n${rows.join('\n')}\n`));
    // One duplicate id, one missing reference: still keys. Town names, nearly all distinct, hold no digits: categories.
    expect(dataset.columns.map((c) => c.type)).toEqual(['id', 'id', 'categorical', 'numeric']);
    // Without an id-like name, near-unique integers stay numbers (a measurement may repeat rarely).
    expect(inferDataset(parseCsv(`amount,y\n${rows.map((r) => `${r.split(',')[0]},1`).join('\n')}\n`)).dataset.columns[0].type).toBe('numeric');
  });

  it('reads placeholders among numbers and dates as missing, and keeps them as levels among categories', () => {
    const prices = Array.from({ length: 40 }, (_, i) => `${(i * 1.25).toFixed(2)},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 ? 'none' : 'some'}`);
    const text = `price,day,extras\n${prices.join('\n')}\n-,#N/A,none\nunknown,-,some\n#DIV/0!,2024-02-01,none\n`;
    const { dataset, profile } = inferDataset(parseCsv(text));
    expect(dataset.columns.map((c) => c.type)).toEqual(['numeric', 'datetime', 'categorical']);
    expect(profile.map((p) => p.missing)).toEqual([3, 2, 0]);
    // "none" is a level of a categorical column (as in credit-g), not a missing value.
    expect(profile[2].unique).toBe(2);
    // A word that is no placeholder still makes the column categorical: it may be a real level.
    expect(inferDataset(parseCsv(`price\n${prices.map((r) => r.split(',')[0]).join('\n')}\n0.00\nabout 3\n`)).dataset.columns[0].type).toBe('categorical');
  });

  it('reads numbers as spreadsheets format them: thousands separators, currency, percent, accounting negatives', () => {
    const rows = Array.from({ length: 30 }, (_, i) => {
      const price = 950 + i * 37.5;
      const shown = price.toLocaleString('en-US', { minimumFractionDigits: 2 });
      return `"$${shown}",${(i / 4).toFixed(1)}%,"${i % 5 === 0 ? `(${(i * 100).toLocaleString('en-US')})` : (i * 100).toLocaleString('en-US')}",${price}`;
    });
    const { dataset, profile } = inferDataset(parseCsv(`price,rate,balance,plain\n${rows.join('\n')}\n-,n/a,"1,000",1000\n`));
    expect(dataset.columns.map((c) => c.type)).toEqual(['numeric', 'numeric', 'numeric', 'numeric']);
    const values = (k: number) => {
      const col = dataset.columns[k];
      if (col.storage === 'codes') throw new Error('a numeric column holds values');
      return Array.from(col.values);
    };
    // "$1,137.50" is the plain column's 1137.5; a percentage is the number shown; (1,500) is -1500.
    expect(values(0).slice(0, 30)).toEqual(values(3).slice(0, 30));
    expect(values(1)[6]).toBe(1.5);
    expect(values(2).slice(0, 16)).toEqual(Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? -1 : 1) * i * 100));
    expect(profile.map((p) => p.missing)).toEqual([1, 1, 0, 0]);
    // What is not a formatted number keeps a column categorical: groups other than three, two symbols.
    for (const odd of ['1,23', '12,3456', '$12%', '(-12)', '$']) {
      expect(inferDataset(parseCsv(`v\n${['"1,234"', '$5', '7'].join('\n')}\n"${odd}"\n`)).dataset.columns[0].type, odd).toBe('categorical');
    }
  });

  it('reads a boolean column in several spellings as two levels, its most frequent spelling of each', () => {
    const cells = ['True', 'false', 'TRUE', 'False', 'True', 'false', 'True', '', 'false'];
    const { dataset } = inferDataset(parseCsv(`flag,x\n${cells.map((c, i) => `${c},${i}`).join('\n')}\n`));
    const flag = dataset.columns[0];
    expect(flag.type).toBe('boolean');
    if (flag.storage !== 'codes') throw new Error('a boolean column is coded');
    expect(flag.levels).toEqual(['True', 'false']);
    expect(Array.from(flag.codes)).toEqual([0, 1, 0, 1, 0, 1, 0, -1, 1]);
    // Spellings of one truth value only, or a non-boolean among them, are no boolean column.
    expect(inferDataset(parseCsv('f,x\nyes,1\nYES,2\ny,3\n')).dataset.columns[0].type).toBe('categorical');
    expect(inferDataset(parseCsv('f,x\nyes,1\nno,2\nmaybe,3\n')).dataset.columns[0].type).toBe('categorical');
  });

  it('refuses impossible dates instead of rolling them over', () => {
    const { dataset } = inferDataset(parseCsv('d,x\n2024-02-28,1\n2024-02-30,2\n2024-03-01,3\n'));
    expect(dataset.columns[0].type).toBe('categorical');
    const ok = inferDataset(parseCsv('d,x\n2024-02-28,1\n2024-02-29,2\n2024-03-01,3\n')).dataset.columns[0];
    expect(ok.type).toBe('datetime');
  });
});

describe('columnar codec', () => {
  it('round-trips a real dataset exactly', () => {
    const { dataset } = inferDataset(parseCsv(shared('soybean.train.csv')));
    const back = decodeDataset(encodeDataset(dataset));
    expect(back.rows).toBe(dataset.rows);
    back.columns.forEach((col, j) => {
      const orig = dataset.columns[j];
      expect(col.name).toBe(orig.name);
      expect(col.type).toBe(orig.type);
      if (col.storage === 'codes' && orig.storage === 'codes') {
        expect(Array.from(col.codes)).toEqual(Array.from(orig.codes));
        expect(col.levels).toEqual(orig.levels);
      } else if (col.storage === 'f64' && orig.storage === 'f64') {
        expect(Array.from(col.values)).toEqual(Array.from(orig.values));
      } else throw new Error('storage changed');
    });
  });

  it('refuses bytes that are not the columnar format', () => {
    expect(() => decodeDataset(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(/magic/);
  });
});

describe('prepareTarget and overrides', () => {
  const { dataset } = inferDataset(parseCsv(shared('credit_g.train.csv')));

  it('infers binary classification with the labels as in the data', () => {
    const t = prepareTarget(dataset, 'class');
    expect(t.task).toBe('binary');
    expect(t.classes).toEqual(['bad', 'good']);
    expect(t.y.filter((v) => v === 0).length).toBe(225);
  });

  it('infers regression for a continuous target and refuses a missing or constant target', () => {
    expect(prepareTarget(dataset, 'credit_amount').task).toBe('regression');
    expect(() => prepareTarget(dataset, 'nope')).toThrow(/not in the dataset/);
    const { dataset: constant } = inferDataset(parseCsv('a,t\n1,x\n2,x\n3,x\n'));
    expect(() => prepareTarget(constant, 't')).toThrow(/only one distinct value/);
    expect(() => prepareTarget(dataset, 'class', 'regression')).toThrow(/not numeric/);
  });

  it('reads columns named like Object.prototype members as ordinary columns', () => {
    const { dataset: odd } = inferDataset(parseCsv('constructor,toString,y\n1,a,p\n2,b,q\n3,a,p\n'), {});
    expect(odd.columns.map((c) => c.type)).toEqual(['numeric', 'categorical', 'categorical']);
    const { dataset: same, ignore } = applyOverrides(odd, {});
    expect(ignore).toEqual([]);
    expect(same.columns[0]).toBe(odd.columns[0]);
  });

  it('applies ignore and type overrides, and refuses impossible ones', () => {
    const { dataset: ds, ignore } = applyOverrides(dataset, { age: 'categorical', job: 'ignore' });
    expect(ignore).toEqual(['job']);
    const age = ds.columns.find((c) => c.name === 'age');
    expect(age?.storage).toBe('codes');
    expect(() => applyOverrides(dataset, { purpose: 'numeric' })).toThrow(/cannot be numeric/);
    expect(() => applyOverrides(dataset, { ghost: 'ignore' })).toThrow(/not a column/);
  });

  it('tells how to predict an integer column read as an identifier', () => {
    const { dataset: ids } = inferDataset(parseCsv(`row_id,x\n${Array.from({ length: 30 }, (_, i) => `${i + 1},${i % 3}`).join('\n')}\n`));
    expect(ids.columns[0].type).toBe('id');
    const hint = 'it was read as an identifier (unique on every row): to predict its numbers, add "columns": {"row_id": "numeric"} to the job';
    expect(() => prepareTarget(ids, 'row_id')).toThrow(`target column "row_id" holds a different number on every row; ${hint}`);
    expect(() => prepareTarget(ids, 'row_id', 'regression')).toThrow(`so the task cannot be regression; ${hint}`);
    expect(prepareTarget(applyOverrides(ids, { row_id: 'numeric' }).dataset, 'row_id', 'regression').task).toBe('regression');
  });

  it('names classes of a numeric target as the file wrote them, through storage, row selection and appends', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `${(i / 60).toFixed(3)},${['1.0', '2.0', '3.0'][i % 3]},${['007', '010', '100'][i % 3]}`);
    const { dataset } = inferDataset(parseCsv(`f,target,code\n${lines.join('\n')}\n`));
    expect(prepareTarget(dataset, 'target', 'multiclass').classes).toEqual(['1.0', '2.0', '3.0']);
    expect(prepareTarget(dataset, 'code', 'multiclass').classes).toEqual(['007', '010', '100']);
    // Stored as Float32 and read back, the spellings still name the classes.
    const stored = decodeDataset(encodeDataset(dataset));
    expect(stored.columns[1].storage === 'f64' && stored.columns[1].values).toBeInstanceOf(Float32Array);
    expect(prepareTarget(stored, 'target', 'multiclass').classes).toEqual(['1.0', '2.0', '3.0']);
    expect(prepareTarget(selectRows(stored, Int32Array.of(0, 1, 2)), 'target', 'multiclass').classes).toEqual(['1.0', '2.0', '3.0']);
    expect(prepareTarget(appendRows(stored, parseCsv('f,target,code\n0.5,2.0,010\n'), 'line', 1000).dataset, 'code', 'multiclass').classes).toEqual(['007', '010', '100']);
    // Made categories, the numbers keep their spelling too; numbers written plainly record nothing.
    const { dataset: asLevels } = applyOverrides(stored, { code: 'categorical' });
    expect(asLevels.columns[2].storage === 'codes' && asLevels.columns[2].levels).toEqual(['007', '010', '100']);
    const plain = inferDataset(parseCsv('y,x\n1,a\n2,b\n1,c\n')).dataset.columns[0];
    expect(plain.storage === 'f64' && plain.spellings).toBeUndefined();
  });

  it('reads placeholder levels as missing when categories are made numbers, and refuses numbers made dates', () => {
    // Codes with a placeholder, typed categorical by a word among them, then declared numeric.
    const { dataset: codes } = inferDataset(parseCsv('n,x\n1,a\n2,b\n-,c\nmany,d\n'), { n: 'categorical' });
    const { dataset: numeric } = applyOverrides(inferDataset(parseCsv('n,x\n1,a\n2,b\n#N/A,c\n')).dataset, { n: 'numeric' });
    const n = numeric.columns[0];
    expect(n.storage === 'f64' && Array.from(n.values)).toEqual([1, 2, NaN]);
    // A word among more numbers is read as missing, and said; as many words as numbers refuse the override.
    expect(applyOverrides(codes, { n: 'numeric' }).warnings).toEqual(['"n" is read as numeric, as the job\'s columns declare: 2 of 3 values are numbers, but data row 4 holds "many"; it is read as a missing value']);
    const { dataset: words } = inferDataset(parseCsv('n,x\n1,a\n2,b\n-,c\nmany,d\nlots,e\n'), { n: 'categorical' });
    expect(() => applyOverrides(words, { n: 'numeric' })).toThrow('columns: "n" cannot be numeric: it holds "many" (data row 4), and 2 of its 4 values are not numbers');
    // Epoch numbers: seconds or milliseconds cannot be told apart, so the override is refused, saying what to send.
    const { dataset: epochs } = inferDataset(parseCsv('d,y\n1706659200,0\n1706745600,1\n1710460800,0\n'));
    expect(() => applyOverrides(epochs, { d: 'datetime' })).toThrow(/"d" cannot be read as datetime: it holds numbers; send its dates as ISO-8601 text/);
  });

  it('refuses dates declared numeric, categorical, boolean or text: they are stored as times, which predict never sends', () => {
    const { dataset: dated } = inferDataset(parseCsv('period,y\n2024-01,a\n2024-02,b\n2024-03,a\n2024-01,b\n'));
    expect(dated.columns[0].type).toBe('datetime');
    for (const type of ['numeric', 'categorical', 'boolean', 'text'] as const) {
      expect(() => applyOverrides(dated, { period: type })).toThrow(`columns: "period" holds dates, which are stored as times, so it cannot be read as ${type}: declare it "datetime" (the model then learns its year, month, day of week and the like), or leave it out with "ignore"`);
    }
    expect(applyOverrides(dated, { period: 'ignore' }).ignore).toEqual(['period']);
    expect(applyOverrides(dated, { period: 'id' }).dataset.columns[0].type).toBe('id');
  });
});
