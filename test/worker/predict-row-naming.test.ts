/**
 * A refused row of a predict request is named as its body counts rows, so the client finds it without
 * guessing where counting starts: `rows[k]` of a JSON body (from 0, as a field path names an element),
 * the line of a CSV file (the header is line 1, a quoted line break counts), `row k of the Parquet file`
 * (from 1). details keep their meaning (`row`: JSON index / Parquet row from 1; `line` for CSV) and all
 * carry `index`, the row's position in the batch from 0. Explained requests and image rows alike.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageRowsToColumns } from '../../src/worker/image-rows';
import { namingRefusedRow } from '../../src/worker/row-refusals';
import { call, json, waitForJob } from './helpers';

const MODEL = 'row-naming';
const train = ['amount,region,label', ...Array.from({ length: 80 }, (_, i) => `${(i * 37) % 101},${['north', 'south', 'east'][i % 3]},${(i * 37) % 101 > 50 ? 'high' : 'low'}`)].join('\n');

/** Four rows, the third (index 2) with a word where a number belongs. */
const rows = [
  { amount: '12', region: 'north' },
  { amount: '40', region: 'so\nuth' },
  { amount: 'lots', region: 'east' },
  { amount: '7', region: 'west' },
];
// The second row's quoted line break puts the third row on line 5 of the file.
const csvBody = 'amount,region\n12,north\n40,"so\nuth"\nlots,east\n7,west\n';
const parquetBody = new Uint8Array(parquetWriteBuffer({ columnData: ['amount', 'region'].map((name) => ({ name, data: rows.map((r) => r[name as 'amount' | 'region']), type: 'STRING' as const })) }));
const PARQUET = { 'content-type': 'application/vnd.apache.parquet' };
const WHAT = ', column "amount": expected a number, got "lots"';

const predict = (body: unknown, query = '', headers: Record<string, string> = {}) => call('POST', `/v1/models/${MODEL}/predict${query}`, body, headers);

async function refusal(res: Response): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  expect(res.status).toBe(400);
  return (await json(res)).error;
}

describe('a refused row of a predict request', () => {
  beforeAll(async () => {
    expect((await call('PUT', `/v1/datasets/${MODEL}`, train)).status).toBe(201);
    const created = await json(await call('POST', '/v1/jobs', { dataset: MODEL, target: 'label', model: MODEL, models: ['gbdt'], budget: { trials: 1 }, seed: 3 }));
    expect((await waitForJob(created.id)).status).toBe('succeeded');
  }, 120_000);

  it('is rows[k] of a JSON body, line N of a CSV body and row k+1 of a Parquet body, with the same index', async () => {
    expect(await refusal(await predict({ rows }))).toEqual({ code: 'invalid_input', message: `rows[2]${WHAT}`, details: { row: 2, column: 'amount', index: 2 } });
    expect(await refusal(await predict(csvBody))).toEqual({ code: 'invalid_input', message: `line 5${WHAT}`, details: { line: 5, column: 'amount', index: 2 } });
    expect(await refusal(await predict(parquetBody, '', PARQUET))).toEqual({ code: 'invalid_input', message: `row 3 of the Parquet file${WHAT}`, details: { row: 3, column: 'amount', index: 2 } });
  });

  it('is named the same way when explanations are asked for', async () => {
    expect(await refusal(await predict({ rows, explain: true }))).toMatchObject({ message: `rows[2]${WHAT}`, details: { row: 2, index: 2 } });
    expect(await refusal(await predict(csvBody, '?explain=true'))).toMatchObject({ message: `line 5${WHAT}`, details: { line: 5, index: 2 } });
    expect(await refusal(await predict(parquetBody, '?explain=true', PARQUET))).toMatchObject({ message: `row 3 of the Parquet file${WHAT}`, details: { row: 3, index: 2 } });
  });

  it('names a JSON row that is no object, and a column the model never saw in a JSON row or a file\'s header', async () => {
    expect(await refusal(await predict({ rows: [{ amount: 1 }, 5] }))).toEqual({ code: 'invalid_input', message: 'rows[1] must be a JSON object of column to value', details: { row: 1, index: 1 } });
    // A column the model never saw is the header's fault, not the first row's.
    const unknown = await refusal(await predict('amount,colour\n1,red\n'));
    expect(unknown).toEqual({ code: 'invalid_input', message: 'the header (line 1) names column "colour", which the model was trained without; leave it out, or check its spelling', details: { field: 'header', column: 'colour', line: 1 } });
    expect(await refusal(await predict('amount,colour\n1,red\n', '?explain=true'))).toEqual(unknown);
    const parquetColour = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'amount', data: ['1'], type: 'STRING' as const }, { name: 'colour', data: ['red'], type: 'STRING' as const }] }));
    expect(await refusal(await predict(parquetColour, '', PARQUET))).toEqual({ code: 'invalid_input', message: 'the Parquet file has column "colour", which the model was trained without; leave it out, or check its spelling', details: { field: 'header', column: 'colour' } });
  });
});

describe('a refused image row', () => {
  const shape = { height: 2, width: 2, channels: 1 };
  const columns = ['px_r0_c0', 'px_r0_c1', 'px_r1_c0', 'px_r1_c1', 'label'];
  const imageRows = [{ pixels: [1, 2, 3, 4] }, { pixels: [1, 2, 3, 4] }, { image: '%%%' }];
  const refused = (body: Parameters<typeof namingRefusedRow>[0]) => {
    try {
      namingRefusedRow(body, () => imageRowsToColumns(shape, columns, imageRows));
    } catch (err) {
      const e = err as { status: number; code: string; message: string; details: Record<string, unknown> };
      return { status: e.status, code: e.code, message: e.message, details: e.details };
    }
    throw new Error('expected a refusal');
  };
  const WHY = 'not valid base64 (standard or URL-safe) of a PNG or JPEG file';

  it('keeps its field path in JSON, and is a line or row and a column in a file', () => {
    expect(refused({})).toEqual({ status: 400, code: 'invalid_request', message: `rows[2].image: ${WHY}`, details: { row: 2, field: 'image', index: 2 } });
    expect(refused({ format: 'csv', table: { lines: [2, 3, 6] } })).toEqual({ status: 400, code: 'invalid_request', message: `line 6, column "image": ${WHY}`, details: { line: 6, field: 'image', index: 2 } });
    expect(refused({ format: 'parquet' })).toEqual({ status: 400, code: 'invalid_request', message: `row 3 of the Parquet file, column "image": ${WHY}`, details: { row: 3, field: 'image', index: 2 } });
  });
});
