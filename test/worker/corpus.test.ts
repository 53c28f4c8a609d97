/**
 * The bad-input corpus: a table of hostile or broken requests (uploads, names, job bodies, predict
 * bodies), each with the exact status and error code it must get, and the check that a refused request
 * left nothing behind (no dataset version, no object under the tenant's R2 prefix, no job, no model).
 * A few valid-but-odd inputs (CRLF/LF mixes, BOM, NaN and Infinity cells, null features) are in the
 * table too, asserting they are accepted and typed as the engine's column-types rules say.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Send, expectError, jsonOf, send, tenantKey, waitJob } from './tenant';

const TENANT = 'corpus';
const PROBE = '/v1/datasets/probe';
let key: string;

/** Base table: numeric a, categorical b, binary label, constant k, all-empty e. */
const BASE_CSV = ['a,b,label,k,e', ...Array.from({ length: 60 }, (_, i) => `${i},${i % 3 === 0 ? 'x' : 'y'},${i % 2 ? 'yes' : 'no'},same,`)].join('\n');
const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
const bytes = (...b: number[]) => new Uint8Array(b);
const ascii = (s: string) => new TextEncoder().encode(s);

interface Case {
  readonly name: string;
  readonly req: Omit<Send, 'key'>;
  readonly status: number;
  /** Error code for 4xx. */
  readonly code?: string;
  /** Extra assertions on the error (4xx) or the body (2xx). */
  readonly check?: (body: Record<string, any>) => void;
}

const upload = (body: string | Uint8Array, contentType: string | null = 'text/csv'): Omit<Send, 'key'> => ({ method: 'PUT', path: PROBE, body, contentType });
const job = (body: unknown, contentType?: string): Omit<Send, 'key'> => ({ method: 'POST', path: '/v1/jobs', body, ...(contentType ? { contentType } : {}) });
const predict = (body: unknown, contentType?: string): Omit<Send, 'key'> => ({ method: 'POST', path: '/v1/models/tiny/predict', body, ...(contentType ? { contentType } : {}) });
const goodJob = { dataset: 'base', target: 'label', models: ['linear'], budget: { trials: 1 } };
const columnTypes = (body: Record<string, any>) => Object.fromEntries(body.columns.map((c: { name: string; type: string }) => [c.name, c.type]));

const CASES: Case[] = [
  // ---- CSV structure -------------------------------------------------------------------------
  { name: 'empty body', req: upload(''), status: 400, code: 'invalid_csv', check: (e) => expect(e.details.line).toBe(1) },
  { name: 'whitespace and blank lines only', req: upload('  \n\n \r\n'), status: 400, code: 'invalid_csv' },
  { name: 'header only', req: upload('a,b,c\n'), status: 400, code: 'invalid_csv', check: (e) => expect(e.details.line).toBe(2) },
  { name: 'ragged row, too few fields', req: upload('a,b\n1,2\n3\n4,5\n'), status: 400, code: 'invalid_csv', check: (e) => expect(e.details).toMatchObject({ line: 3, fields: 1, expected: 2 }) },
  { name: 'ragged row, too many fields', req: upload('a,b\n1,2\n3,4,5\n'), status: 400, code: 'invalid_csv', check: (e) => expect(e.details).toMatchObject({ line: 3, fields: 3 }) },
  { name: 'unterminated quote', req: upload('a,b\n1,"never closed\n2,3\n'), status: 400, code: 'invalid_csv', check: (e) => expect(e.message).toMatch(/never closed|quote/i) },
  // papaparse is lenient here (RFC 4180 would refuse): the quote is kept as a character of the value.
  { name: 'stray quote inside an unquoted field (kept as text)', req: upload('a,b\n1,ab"c\n2,3\n'), status: 201, check: (b) => expect(b.columns[1]).toMatchObject({ type: 'categorical', unique: 2 }) },
  { name: 'BOM only', req: upload(bytes(0xef, 0xbb, 0xbf)), status: 400, code: 'invalid_csv' },
  { name: 'duplicate column names', req: upload('a,b,a\n1,2,3\n'), status: 400, code: 'invalid_csv', check: (e) => expect(e.details).toMatchObject({ line: 1, column: 'a' }) },
  // An unnamed column is refused at the first line giving it a value; left out when no line does.
  { name: 'empty column name with a value', req: upload('a,,c\n1,2,3\n'), status: 400, code: 'invalid_csv', check: (e) => expect(e.details).toMatchObject({ line: 2, column_index: 2 }) },
  { name: 'blank (spaces) column name with a value', req: upload('a,   \n1,2\n'), status: 400, code: 'invalid_csv', check: (e) => expect(e.details.column_index).toBe(2) },
  { name: 'empty column name without values', req: upload('a,,c\n1,,3\n4, ,6\n'), status: 201, check: (b) => expect(b.columns.map((c: { name: string }) => c.name)).toEqual(['a', 'c']) },
  { name: 'names equal after trimming', req: upload('a, a\n1,2\n'), status: 400, code: 'invalid_csv', check: (e) => expect(e.details.column).toBe('a') },
  {
    name: '10,000 columns (over MAX_COLUMNS)',
    req: upload(`${Array.from({ length: 10_000 }, (_, j) => `c${j}`).join(',')}\n${Array(10_000).fill('1').join(',')}\n`),
    status: 400,
    code: 'invalid_csv',
    check: (e) => expect(e.details).toMatchObject({ line: 1, columns: 10_000 }),
  },
  {
    name: 'a 1 MB single field (over MAX_FIELD_BYTES)',
    req: upload(`a,b\n1,${'x'.repeat(1 << 20)}\n2,y\n`),
    status: 400,
    code: 'field_too_long',
    check: (e) => expect(e.details).toMatchObject({ line: 2, column: 'b', limit: 65_536 }),
  },
  {
    name: 'a 1 MB quoted field full of commas and newlines',
    req: upload(`a,b\n1,"${',\n'.repeat(1 << 19)}"\n`),
    status: 400,
    code: 'field_too_long',
    check: (e) => expect(e.details.column).toBe('b'),
  },
  { name: 'a 1 MB column name', req: upload(`${'n'.repeat(1 << 20)},b\n1,2\n`), status: 400, code: 'field_too_long', check: (e) => expect(e.details.line).toBe(1) },
  // ---- encodings and bytes -------------------------------------------------------------------
  // The first bad byte is named by line and position in the file.
  { name: 'Latin-1 byte (not UTF-8)', req: upload(bytes(...ascii('a,b\n1,caf'), 0xe9, 0x0a)), status: 400, code: 'invalid_encoding', check: (e) => expect(e.details).toEqual({ line: 2, byte: 10 }) },
  { name: 'a charset other than UTF-8 or Windows-1252', req: upload('a,b\n1,2\n', 'text/csv; charset=shift_jis'), status: 415, code: 'unsupported_media_type', check: (e) => expect(e.message).toMatch(/charset "shift_jis" is not supported/) },
  { name: 'UTF-16LE with BOM', req: upload(bytes(0xff, 0xfe, 0x61, 0x00, 0x2c, 0x00, 0x62, 0x00, 0x0a, 0x00)), status: 400, code: 'invalid_encoding', check: (e) => expect(e.details).toEqual({ line: 1, byte: 1 }) },
  { name: 'overlong UTF-8 encoding of "/"', req: upload(bytes(...ascii('a,b\n1,'), 0xc0, 0xaf, 0x0a)), status: 400, code: 'invalid_encoding', check: (e) => expect(e.details).toEqual({ line: 2, byte: 7 }) },
  { name: 'UTF-8 surrogate half', req: upload(bytes(...ascii('a,b\n1,'), 0xed, 0xa0, 0x80, 0x0a)), status: 400, code: 'invalid_encoding', check: (e) => expect(e.message).toMatch(/^line 2 is not valid UTF-8/) },
  { name: 'binary garbage', req: upload(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xd8, 0xff, 0xe0)), status: 400, code: 'invalid_encoding' },
  { name: 'gzip bytes sent as text/csv', req: upload(bytes(0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x48)), status: 415, code: 'unsupported_media_type', check: (e) => expect(e.message).toMatch(/^the body is gzip-compressed; send the CSV uncompressed/) },
  // ---- content types and sizes ---------------------------------------------------------------
  { name: 'Parquet magic around nothing', req: upload('PAR1....PAR1', 'application/vnd.apache.parquet'), status: 400, code: 'invalid_parquet' },
  { name: 'CSV sent as Parquet', req: upload('a,b\n1,2\n', 'application/vnd.apache.parquet'), status: 400, code: 'invalid_parquet', check: (e) => expect(e.message).toContain('not a Parquet file') },
  // The magic, then a byte that is not UTF-8: a Parquet file sent as text/csv.
  {
    name: 'Parquet bytes sent as text/csv',
    req: upload(bytes(...ascii('PAR1'), 0x15, 0x04, 0xff, 0x00, ...ascii('PAR1'))),
    status: 415,
    code: 'unsupported_media_type',
    check: (e) => expect(e.message).toContain('application/vnd.apache.parquet'),
  },
  { name: 'JSON content type on an upload', req: upload('[{"a":1}]', 'application/json'), status: 415, code: 'unsupported_media_type', check: (e) => expect(e.details.field).toBe('content-type') },
  // Bytes, not a string: fetch() labels a string body text/plain, which is accepted as CSV.
  { name: 'no content type on an upload', req: upload(ascii('a,b\n1,2\n'), null), status: 415, code: 'unsupported_media_type', check: (e) => expect(e.message).toContain('(none)') },
  { name: 'image/png content type', req: upload('a,b\n1,2\n', 'image/png'), status: 415, code: 'unsupported_media_type' },
  { name: 'multipart form upload', req: upload('--x\r\nContent-Disposition: form-data; name="f"\r\n\r\na,b\n1,2\n--x--', 'multipart/form-data; boundary=x'), status: 415, code: 'unsupported_media_type' },
  { name: 'declared Content-Length over MAX_UPLOAD_BYTES', req: { ...upload('a,b\n1,2\n'), headers: { 'content-length': String(52_428_801) } }, status: 413, code: 'payload_too_large' },
  // ---- valid but odd: accepted, typed as column-types says -------------------------------------
  {
    name: 'CRLF line endings (accepted)',
    req: upload('a,b\r\n1,x\r\n2,y\r\n3,x\r\n'),
    status: 201,
    check: (b) => expect({ rows: b.rows, types: columnTypes(b) }).toEqual({ rows: 3, types: { a: 'numeric', b: 'categorical' } }),
  },
  {
    name: 'CRLF and LF mixed (accepted)',
    req: upload('a,b\r\n1,x\n2,y\r\n3,x\n'),
    status: 201,
    check: (b) => expect({ rows: b.rows, types: columnTypes(b), unique: b.columns[1].unique }).toEqual({ rows: 3, types: { a: 'numeric', b: 'categorical' }, unique: 2 }),
  },
  {
    name: 'LF first, CRLF later (accepted)',
    req: upload('a,b\n1,x\r\n2,y\n3,x\r\n'),
    status: 201,
    check: (b) => expect({ rows: b.rows, types: columnTypes(b), unique: b.columns[1].unique }).toEqual({ rows: 3, types: { a: 'numeric', b: 'categorical' }, unique: 2 }),
  },
  {
    name: 'LF first, CRLF later, quoted last fields (accepted)',
    req: upload('a,b\n1,"x"\r\n2,"y, z"\n3,"x"\r\n'),
    status: 201,
    check: (b) => expect({ rows: b.rows, unique: b.columns[1].unique }).toEqual({ rows: 3, unique: 2 }),
  },
  { name: 'classic Mac CR-only line endings (accepted)', req: upload('a,b\r1,x\r2,y\r3,x\r'), status: 201, check: (b) => expect({ rows: b.rows, types: columnTypes(b) }).toEqual({ rows: 3, types: { a: 'numeric', b: 'categorical' } }) },
  { name: 'BOM then a valid table (accepted, BOM not in the name)', req: upload(bytes(0xef, 0xbb, 0xbf, ...ascii('a,b\n1,x\n2,y\n'))), status: 201, check: (b) => expect(b.columns[0].name).toBe('a') },
  { name: 'text/csv with charset parameter (accepted)', req: upload('a,b\n1,x\n2,y\n', 'text/csv; charset=utf-8'), status: 201 },
  {
    name: 'NaN cells are missing values, the column stays numeric',
    req: upload(`x,y\n${rows(20, (i) => (i % 5 === 0 ? `NaN,${i}` : `${i},${i}`))}\n`),
    status: 201,
    check: (b) => expect(b.columns[0]).toMatchObject({ name: 'x', type: 'numeric', missing: 4 }),
  },
  {
    name: 'Infinity cells are missing numbers: the column stays numeric',
    req: upload(`x,y\n${rows(20, (i) => (i === 3 ? `Infinity,${i}` : i === 4 ? `-Infinity,${i}` : `${i % 4},${i}`))}\n`),
    status: 201,
    check: (b) => expect(b.columns[0]).toMatchObject({ name: 'x', type: 'numeric', missing: 2 }),
  },
  {
    name: 'JS prototype names as column names are ordinary columns',
    req: upload(`constructor,__proto__,toString\n${rows(12, (i) => `${i},${i % 2 ? 'a' : 'b'},${i % 3}`)}\n`),
    status: 201,
    check: (b) => expect(Object.entries(columnTypes(b))).toEqual([['constructor', 'numeric'], ['__proto__', 'categorical'], ['toString', 'numeric']]),
  },
  // ---- names in the path -----------------------------------------------------------------------
  { name: 'dataset name ".." (normalised away: no such route)', req: { ...upload('a\n1\n'), path: '/v1/datasets/..' }, status: 404, code: 'not_found' },
  { name: 'dataset name "%2e%2e" (normalised like "..")', req: { ...upload('a\n1\n'), path: '/v1/datasets/%2e%2e' }, status: 404, code: 'not_found' },
  { name: 'dataset name "..%2Fescape"', req: { ...upload('a\n1\n'), path: '/v1/datasets/..%2Fescape' }, status: 400, code: 'invalid_name' },
  { name: 'dataset name "a%2Fb" (encoded slash)', req: { ...upload('a\n1\n'), path: '/v1/datasets/a%2Fb' }, status: 400, code: 'invalid_name', check: (e) => expect(e.details.field).toBe('dataset') },
  { name: 'dataset name "a/b" (no such route)', req: { ...upload('a\n1\n'), path: '/v1/datasets/a/b' }, status: 404, code: 'not_found' },
  // The contract's pattern allows ".." inside a name; keys are flat strings, so it is an ordinary name.
  { name: 'dataset name "a..b" (accepted)', req: { ...upload('a,b\n1,x\n2,y\n'), path: '/v1/datasets/a..b' }, status: 201 },
  { name: 'dataset name of 129 characters', req: { ...upload('a\n1\n'), path: `/v1/datasets/${'n'.repeat(129)}` }, status: 400, code: 'invalid_name' },
  { name: 'dataset name of 10,000 characters', req: { ...upload('a\n1\n'), path: `/v1/datasets/${'n'.repeat(10_000)}` }, status: 400, code: 'invalid_name', check: (e) => expect(e.message.length).toBeLessThan(400) },
  { name: 'unicode dataset name', req: { ...upload('a\n1\n'), path: `/v1/datasets/${encodeURIComponent('données')}` }, status: 400, code: 'invalid_name' },
  { name: 'dataset name with a NUL byte', req: { ...upload('a\n1\n'), path: '/v1/datasets/a%00b' }, status: 400, code: 'invalid_name' },
  { name: 'dataset name starting with a dot', req: { ...upload('a\n1\n'), path: '/v1/datasets/.env' }, status: 400, code: 'invalid_name' },
  { name: 'dataset name with a space', req: { ...upload('a\n1\n'), path: '/v1/datasets/a%20b' }, status: 400, code: 'invalid_name' },
  { name: 'model name with a backslash', req: { ...predict({ rows: [{ a: 1 }] }), path: '/v1/models/a%5Cb/predict' }, status: 400, code: 'invalid_name' },
  { name: 'job id that is not a UUID', req: { method: 'GET', path: '/v1/jobs/..%2F..%2Fetc' }, status: 404, code: 'job_not_found' },
  // ---- job bodies ------------------------------------------------------------------------------
  { name: 'job: target column missing', req: job({ ...goodJob, target: 'nope' }), status: 400, code: 'invalid_target', check: (e) => expect(e.details.column).toBe('nope') },
  { name: 'job: target constant', req: job({ ...goodJob, target: 'k' }), status: 400, code: 'invalid_target', check: (e) => expect(e.details.column).toBe('k') },
  { name: 'job: target all empty', req: job({ ...goodJob, target: 'e' }), status: 400, code: 'invalid_target', check: (e) => expect(e.message).toMatch(/no values/) },
  { name: 'job: regression on a categorical target', req: job({ ...goodJob, task: 'regression' }), status: 400, code: 'invalid_target' },
  { name: 'job: target also ignored', req: job({ ...goodJob, columns: { label: 'ignore' } }), status: 400, code: 'invalid_target' },
  { name: 'job: override of an unknown column', req: job({ ...goodJob, columns: { zzz: 'numeric' } }), status: 400, code: 'invalid_params', check: (e) => expect(e.details.column).toBe('zzz') },
  { name: 'job: override "constructor" (not a column)', req: job({ ...goodJob, columns: { constructor: 'numeric' } }), status: 400, code: 'invalid_params' },
  { name: 'job: negative budget', req: job({ ...goodJob, budget: { seconds: -5 } }), status: 400, code: 'invalid_request', check: (e) => expect(e.details.field).toBe('budget.seconds') },
  { name: 'job: huge budget', req: job({ ...goodJob, budget: { seconds: 1e12 } }), status: 400, code: 'invalid_request', check: (e) => expect(e.details.field).toBe('budget.seconds') },
  { name: 'job: budget trials as a string', req: job({ ...goodJob, budget: { trials: '10' } }), status: 400, code: 'invalid_request', check: (e) => expect(e.details.field).toBe('budget.trials') },
  { name: 'job: zero trials', req: job({ ...goodJob, budget: { trials: 0 } }), status: 400, code: 'invalid_request' },
  { name: 'job: fractional trials', req: job({ ...goodJob, budget: { trials: 1.5 } }), status: 400, code: 'invalid_request' },
  { name: 'job: budget as a string', req: job({ ...goodJob, budget: '60' }), status: 400, code: 'invalid_request', check: (e) => expect(e.details.field).toBe('budget') },
  { name: 'job: no dataset', req: job({ target: 'label' }), status: 400, code: 'invalid_request', check: (e) => expect([e.details.field, e.message]).toEqual(['dataset', 'dataset is required (a string)']) },
  { name: 'predict: the rows field left out', req: predict({}), status: 400, code: 'invalid_request', check: (e) => expect([e.details.field, e.message]).toEqual(['rows', 'rows is required (an array)']) },
  { name: 'job: unknown field', req: job({ ...goodJob, priority: 'high' }), status: 400, code: 'invalid_request', check: (e) => expect(e.details.field).toBe('priority') },
  { name: 'job: unknown field inside budget', req: job({ ...goodJob, budget: { trials: 1, minutes: 3 } }), status: 400, code: 'invalid_request', check: (e) => expect(e.details.field).toBe('budget.minutes') },
  { name: 'job: "__proto__" field', req: job('{"dataset":"base","target":"label","__proto__":{"admin":true}}', 'application/json'), status: 400, code: 'invalid_request' },
  { name: 'job: malformed JSON', req: job('{"dataset": "base", "target":', 'application/json'), status: 400, code: 'invalid_json' },
  { name: 'job: empty body', req: job('', 'application/json'), status: 400, code: 'invalid_json' },
  { name: 'job: JSON array instead of an object', req: job([goodJob]), status: 400, code: 'invalid_request' },
  { name: 'job: JSON null', req: job(null), status: 400, code: 'invalid_request' },
  { name: 'job: dataset name with traversal', req: job({ ...goodJob, dataset: '../default/base' }), status: 400, code: 'invalid_name', check: (e) => expect(e.details.field).toBe('dataset') },
  { name: 'job: model name with a slash', req: job({ ...goodJob, model: 'a/b' }), status: 400, code: 'invalid_name', check: (e) => expect(e.details.field).toBe('model') },
  { name: 'job: target as a number', req: job({ ...goodJob, target: 3 }), status: 400, code: 'invalid_request', check: (e) => expect(e.details.field).toBe('target') },
  { name: 'job: seed out of range', req: job({ ...goodJob, seed: -1 }), status: 400, code: 'invalid_request' },
  // ---- predict bodies --------------------------------------------------------------------------
  { name: 'predict: a value of the wrong type', req: predict({ rows: [{ a: 1 }, { a: 'many' }] }), status: 400, code: 'invalid_input', check: (e) => expect(e.details).toEqual({ row: 1, column: 'a', index: 1 }) },
  { name: 'predict: an unknown column', req: predict({ rows: [{ a: 1, colour: 'red' }] }), status: 400, code: 'invalid_input', check: (e) => expect(e.details).toEqual({ row: 0, column: 'colour', index: 0 }) },
  { name: 'predict: null everywhere (valid: all missing)', req: predict({ rows: [{ a: null, b: null, label: null, k: null, e: null }, {}] }), status: 200, check: (b) => expect(b.predictions).toHaveLength(2) },
  { name: 'predict: "NaN" string is a missing value', req: predict({ rows: [{ a: 'NaN' }] }), status: 200 },
  { name: 'predict: "Infinity" is a missing number, as upload reads it', req: predict({ rows: [{ a: 'Infinity' }, { a: null }] }), status: 200, check: (b) => expect(b.predictions[0]).toEqual(b.predictions[1]) },
  { name: 'predict: 1e999 (JSON overflow to Infinity)', req: predict('{"rows":[{"a":1e999}]}', 'application/json'), status: 400, code: 'invalid_input', check: (e) => expect(e.details.column).toBe('a') },
  { name: 'predict: nested object as a value', req: predict({ rows: [{ b: { x: 1 } }] }), status: 400, code: 'invalid_input', check: (e) => expect(e.details).toEqual({ row: 0, column: 'b', index: 0 }) },
  { name: 'predict: array as a value', req: predict({ rows: [{ a: [1, 2] }] }), status: 400, code: 'invalid_input' },
  { name: 'predict: rows of numbers', req: predict({ rows: [1, 2] }), status: 400, code: 'invalid_input', check: (e) => expect(e.details.row).toBe(0) },
  { name: 'predict: a row that is an array', req: predict({ rows: [{ a: 1 }, [1, 'x']] }), status: 400, code: 'invalid_input', check: (e) => expect(e.details.row).toBe(1) },
  { name: 'predict: "__proto__" as a column', req: predict('{"rows":[{"__proto__":{"a":1}}]}', 'application/json'), status: 400, code: 'invalid_input' },
  { name: 'predict: rows is an object', req: predict({ rows: { a: 1 } }), status: 400, code: 'invalid_request', check: (e) => expect(e.details.field).toBe('rows') },
  { name: 'predict: no rows', req: predict({ rows: [] }), status: 400, code: 'invalid_request' },
  { name: 'predict: 10,001 rows', req: predict({ rows: Array(10_001).fill({ a: 1 }) }), status: 400, code: 'invalid_request', check: (e) => expect(e.details.field).toBe('rows') },
  { name: 'predict: body is a JSON array', req: predict([{ a: 1 }]), status: 400, code: 'invalid_request' },
  { name: 'predict: malformed JSON', req: predict('{"rows": [{"a": 1}', 'application/json'), status: 400, code: 'invalid_json' },
  { name: 'predict: version 0', req: predict({ rows: [{ a: 1 }], version: 0 }), status: 400, code: 'invalid_request', check: (e) => expect(e.details.field).toBe('version') },
  { name: 'predict: version as a string', req: predict({ rows: [{ a: 1 }], version: '1' }), status: 400, code: 'invalid_request' },
  { name: 'predict: unknown top-level field', req: predict({ rows: [{ a: 1 }], threshold: 0.3 }), status: 400, code: 'invalid_request', check: (e) => expect(e.details.field).toBe('threshold') },
  { name: 'predict: JSON body over 8 MiB', req: { ...predict({ rows: [{ a: 1 }] }), headers: { 'content-length': String(8 * 1024 * 1024 + 1) } }, status: 413, code: 'payload_too_large' },
  // ---- routes and methods ----------------------------------------------------------------------
  { name: 'unknown route', req: { method: 'GET', path: '/v1/admin' }, status: 404, code: 'not_found' },
  { name: 'POST to a dataset (405: the route has other methods)', req: { method: 'POST', path: '/v1/datasets/base', body: 'a\n1\n', contentType: 'text/csv' }, status: 405, code: 'method_not_allowed', check: (e) => expect(e.details.allowed).toContain('PUT') },
  { name: 'dataset ?version=-1', req: { method: 'GET', path: '/v1/datasets/base?version=-1' }, status: 400, code: 'invalid_request' },
  { name: 'dataset ?version=abc', req: { method: 'GET', path: '/v1/datasets/base?version=abc' }, status: 400, code: 'invalid_request' },
];

/** Everything a refused request could have touched, for a before/after comparison. */
async function snapshot() {
  const [datasets, jobs, models, objects] = await Promise.all([
    jsonOf(await send({ method: 'GET', path: '/v1/datasets', key })),
    jsonOf(await send({ method: 'GET', path: '/v1/jobs', key })),
    jsonOf(await send({ method: 'GET', path: '/v1/models', key })),
    env.STORE.list({ prefix: `datasets/${TENANT}/` }),
  ]);
  return { datasets: datasets.datasets, jobs: jobs.jobs.length, models: models.models, objects: objects.objects.map((o) => o.key).sort() };
}

describe('bad-input corpus', () => {
  // A case that wrongly succeeds must not make the next ones fail too.
  afterEach(async () => {
    await send({ method: 'DELETE', path: PROBE, key });
  });

  beforeAll(async () => {
    key = await tenantKey(TENANT, 'corpus');
    expect((await send({ method: 'PUT', path: '/v1/datasets/base', key, body: BASE_CSV, contentType: 'text/csv' })).status).toBe(201);
    const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { ...goodJob, model: 'tiny' } });
    expect(res.status).toBe(202);
    expect((await waitJob((await jsonOf(res)).id, key)).status).toBe('succeeded');
  });

  it('holds at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await snapshot();
    const res = await send({ ...c.req, key });
    if (c.status >= 400) {
      const error = await expectError(res, c.status, c.code as string);
      c.check?.(error);
      // Refused whole: the probe dataset never became visible and nothing else changed.
      await expectError(await send({ method: 'GET', path: PROBE, key }), 404, 'dataset_not_found');
      expect(await snapshot()).toEqual(before);
      return;
    }
    const text = await res.text();
    expect(res.status, text.slice(0, 500)).toBe(c.status);
    c.check?.(JSON.parse(text));
    if (c.req.method === 'PUT') {
      // Accepted uploads are removed again, leaving the tenant as it was.
      expect((await send({ method: 'DELETE', path: c.req.path, key })).status).toBe(204);
    }
    expect(await snapshot()).toEqual(before.objects.length === 0 ? before : { ...before });
  });
});
