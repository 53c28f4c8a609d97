/**
 * The batch fast path (CSV read into columns, decoded without row objects) against the row-object path
 * the CSV route used before: the same table, the same predictions bit for bit, and the same refusals,
 * over missing cells, unseen categories, booleans, dates, text, quoted and unquoted files.
 */
import { describe, expect, it } from 'vitest';
import { type CsvTable, parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { decodeCellColumns } from '../../src/engine/features/cells-to-dataset';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';

/** The row objects the CSV route built from parseCsv's table: header name → cell, null for ''. */
function rowObjects(table: CsvTable): Record<string, string | null>[] {
  return table.rows.map((cells) => {
    const row: Record<string, string | null> = Object.create(null);
    table.header.forEach((name, j) => (row[name] = cells[j] === '' ? null : cells[j]));
    return row;
  });
}

/** What a call throws, as comparable data (undefined when it does not throw). */
function thrown(f: () => unknown): unknown {
  try {
    f();
    return undefined;
  } catch (err) {
    const e = err as { name: string; message: string; code?: string; details?: unknown };
    return { name: e.name, message: e.message, code: e.code, details: e.details };
  }
}

describe('parseCsvColumns reads what parseCsv reads', () => {
  const texts = [
    'a,b\n1,2\n3,4',
    'a,b\n1,2\n3,4\n',
    '\ufeffa, b \r\n1,2\r\n\r\n3,4\r\n',
    'a,b\n\n1,2\n,\n  \n3, 4 \n',
    '  \na,b\n1,2',
    'a,b\n"1,5",2\n3,"x""y"',
    'x\n1\n\n2',
    'a,b\n1,\n,2\n \t, \n\u00a0,\u2003\n\t1,2 \n',
    'a,b\r\n\r\n1,2\r\n,\r\n3,4',
    'a\u00a0,b\n\u00a0x,y\u00a0',
    'a,b,c\n1,2,3\n,,\n\n4,5,6',
    'a;b\n1,5;x\n2;y',
    'sep=,\na,b\n1,2',
    'a\tb\n1\t2\n\n3\t4',
  ];
  it.each(texts.map((t) => [JSON.stringify(t), t]))('%s', (_, text) => {
    const table = parseCsv(text);
    const columns = parseCsvColumns(text);
    expect(columns.header).toStrictEqual(table.header);
    expect(columns.rows).toBe(table.rows.length);
    expect(columns.columns).toStrictEqual(table.header.map((_, j) => table.rows.map((r) => r[j])));
    expect(columns.lines).toStrictEqual(table.lines);
  });

  const bad = ['', '  \n ', 'a,b', 'a,b\n', 'a,a\n1,2', 'a,\n1,2', 'a,b\n1,2\n3', 'a,b\n1,2,3\n4,5', 'a,b\n"1,2\n3,4', 'a,b\n1,2\n3,4\n5,6', 'a,b,c\n1,2,3', 'a,b\r\n1,2\n3,4', 'a,b\n1,2\r3,4', 'a,b\n1,2\n3,4,', 'a,b\n1\n2,3', 'a,b\n1,2,3', ' , \n1,2'];
  it.each(bad.map((t) => [JSON.stringify(t), t]))('refuses %s exactly as parseCsv does', (_, text) => {
    const limits = { maxRows: 2, maxColumns: 2 };
    const expected = thrown(() => parseCsv(text, limits));
    expect(expected).toBeDefined();
    expect(thrown(() => parseCsvColumns(text, limits))).toStrictEqual(expected);
  });
});

describe('Predictor.predictTable matches predictRows on the route\'s row objects', () => {
  // Training data with every cell kind: numbers, categories, booleans, dates, free text, an id.
  const lines = ['id,num,cat,flag,when,note,label'];
  let state = 7;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const notes = ['fast delivery', 'broken on arrival', 'works fine', 'refund please'];
  for (let i = 0; i < 240; i++) {
    const label = next() < 0.5;
    const num = next() < 0.1 ? '' : ((label ? 3 : 0) + next() * 5).toFixed(2);
    const cat = `c${Math.floor(next() * 6) + (label ? 2 : 0)}`;
    const flag = next() < (label ? 0.8 : 0.3) ? 'yes' : 'no';
    const when = `2024-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}`;
    const note = notes[Math.floor(next() * 2) + (label ? 0 : 2)] + ` ${i}`;
    lines.push(`${1000 + i},${num},${cat},${flag},${when},${note},${label ? 'good' : 'bad'}`);
  }
  const { dataset } = inferDataset(parseCsv(lines.join('\n')));
  const shape = { rows: 240, cols: 6, task: 'binary' as const, nClasses: 2 };

  // Unquoted (fast split) and quoted (tokenizer) batches; missing spellings, unseen levels, spaces,
  // booleans spelled otherwise, dates with times, a known non-feature column, a feature column absent.
  const batch = [
    'num,cat,flag,when,note,label,id',
    '1.5,c1,yes,2024-03-12,fast delivery,good,1',
    ',c3,no,2024-05-01T10:20:00Z,,bad,2',
    'NA,c99,true,,works fine 3,,3',
    ' 7 ,  c4 ,Y,2024-02,refund please,,',
    'nan,?,n/a,NULL,  broken on arrival  ,,5',
    '-2e1,c2,False,2024-07-15 08:00,fast delivery,,6',
    '0,,,2024-01-01,new words entirely,,7',
    // Placeholders among numbers and dates are missing values, as at upload (data/column-types).
    '-,c1,no,#N/A,fast delivery,,8',
    '#DIV/0!,c2,yes,unknown,works fine,,9',
  ].join('\n');
  const quoted = batch.replace('fast delivery,good', '"fast delivery, really",good');
  const withoutWhen = batch
    .split('\n')
    .map((l) => l.split(',').filter((_, j) => j !== 3).join(','))
    .join('\n');

  for (const family of ['gbdt', 'linear'] as const) {
    it(`${family}: same predictions bit for bit`, async () => {
      const outcome = await runTrial(dataset, { family, params: getModelSpec(family).defaults(shape), target: 'label', metric: 'roc_auc', seed: 1, folds: 3 });
      if (outcome.status !== 'complete') throw new Error(outcome.reason);
      const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
      expect(predictor.envelope.pipeline.inputs.map((i) => i.type).sort()).toEqual(expect.arrayContaining(['boolean', 'categorical', 'datetime', 'numeric', 'text']));
      for (const text of [batch, quoted, withoutWhen, `${batch}\r\n`.replace(/\n/g, '\r\n')]) {
        const expected = predictor.predictRows(rowObjects(parseCsv(text)));
        const actual = predictor.predictTable(parseCsvColumns(text));
        expect(actual).toStrictEqual(expected);
        // The fast decoding itself answered (no hand-over to the row-object path).
        expect(decodeCellColumns(predictor.envelope.pipeline.inputs, new Set(predictor.artifact.columns), parseCsvColumns(text))).toBeDefined();
      }
      expect(predictor.predictRows([{ num: '-', when: '#N/A', cat: 'c1' }])).toStrictEqual(predictor.predictRows([{ num: null, when: null, cat: 'c1' }]));
      predictor.dispose();
    });
  }

  it('refuses a bad cell or an unknown column with the same error', async () => {
    const outcome = await runTrial(dataset, { family: 'linear', params: getModelSpec('linear').defaults(shape), target: 'label', metric: 'roc_auc', seed: 1, folds: 3 });
    if (outcome.status !== 'complete') throw new Error(outcome.reason);
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
    const badBatches = [
      batch.replace('1.5,c1', 'abc,c1'),
      batch.replace('2024-03-12', 'March 12'),
      batch.replace('num,cat', 'num,colour'),
      batch.replace('\n0,,,2024-01-01', '\n1x,,,2024-01-01').replace('2024-03-12', 'soon'),
      // A boolean column takes spellings of true and false ("true", "Y", "False" above), not anything else.
      batch.replace('1.5,c1,yes', '1.5,c1,maybe'),
    ];
    for (const text of badBatches) {
      const expected = thrown(() => predictor.predictRows(rowObjects(parseCsv(text))));
      expect(expected).toMatchObject({ code: 'invalid_input' });
      expect(thrown(() => predictor.predictTable(parseCsvColumns(text)))).toStrictEqual(expected);
      expect(decodeCellColumns(predictor.envelope.pipeline.inputs, new Set(predictor.artifact.columns), parseCsvColumns(text))).toBeUndefined();
    }
    expect(thrown(() => predictor.predictRows([{ flag: 'maybe' }]))).toMatchObject({ details: { row: 0, column: 'flag' }, message: expect.stringContaining('expected a boolean') });
    expect(thrown(() => predictor.predictRows([{ flag: 7 }]))).toMatchObject({ details: { row: 0, column: 'flag' } });
    // Other spellings of a training value are that value: true, "Yes", 1 read as "yes"; false, "N", 0 as "no".
    const asYes = predictor.predictRaw([{ flag: 'yes' }]);
    for (const v of [true, 'Yes', 'TRUE', 1]) expect(predictor.predictRaw([{ flag: v }])).toEqual(asYes);
    const asNo = predictor.predictRaw([{ flag: 'no' }]);
    for (const v of [false, 'N', 'false', 0]) expect(predictor.predictRaw([{ flag: v }])).toEqual(asNo);
    expect(asYes).not.toEqual(asNo);
    predictor.dispose();
  });
});

describe('a truth value sent to a category column', () => {
  // `answer` holds Yes, No and Maybe: a category (three values), whose label depends on it.
  // `grade` holds 0, 1 and 2, declared a category, and weighs on the label too.
  const lines = ['num,answer,grade,label'];
  for (let i = 0; i < 180; i++) {
    const answer = ['Yes', 'No', 'Maybe'][i % 3];
    const grade = Math.floor(i / 3) % 3;
    lines.push(`${(i * 7) % 10},${answer},${grade},${(answer === 'Yes') !== (i % 10 === 0) !== (grade === 1) ? 'good' : 'bad'}`);
  }
  const { dataset } = inferDataset(parseCsv(lines.join('\n')), { grade: 'categorical' });
  const shape = { rows: 180, cols: 3, task: 'binary' as const, nClasses: 2 };

  it('reads as the level spelling it in words, in JSON rows and CSV cells alike; a number level is never taken for one', async () => {
    const outcome = await runTrial(dataset, { family: 'linear', params: getModelSpec('linear').defaults(shape), target: 'label', metric: 'roc_auc', seed: 1, folds: 3 });
    if (outcome.status !== 'complete') throw new Error(outcome.reason);
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
    expect(predictor.envelope.pipeline.inputs.find((i) => i.name === 'answer')?.type).toBe('categorical');
    const asYes = predictor.predictRaw([{ num: 3, answer: 'Yes' }]);
    expect(asYes).not.toEqual(predictor.predictRaw([{ num: 3, answer: null }]));
    for (const v of [true, 'true', ' yes ', 'Y']) expect(predictor.predictRaw([{ num: 3, answer: v }])).toEqual(asYes);
    expect(predictor.predictRaw([{ num: 3, answer: false }])).toEqual(predictor.predictRaw([{ num: 3, answer: 'No' }]));
    // The same cells in a CSV batch read the same.
    const csv = predictor.predictTable(parseCsvColumns('num,answer\n3,true\n3,Yes\n3,n'));
    expect(csv).toEqual(predictor.predictRows([{ num: 3, answer: true }, { num: 3, answer: 'Yes' }, { num: 3, answer: 'No' }]));
    // A truth value is no number: true sent to the 0/1/2 category is a value training never saw, as missing.
    expect(predictor.predictRaw([{ num: 3, answer: 'Yes', grade: true }])).toEqual(predictor.predictRaw([{ num: 3, answer: 'Yes', grade: null }]));
    expect(predictor.predictRaw([{ num: 3, answer: 'Yes', grade: true }])).not.toEqual(predictor.predictRaw([{ num: 3, answer: 'Yes', grade: 1 }]));
    predictor.dispose();
  });
});
