/**
 * `edge-automl predict MODEL FILE --explain` on a model whose explanations cost more than one request may
 * spend (a forest of deep trees): the server refuses the batch naming how many rows fit
 * (400 invalid_request, details.field "explain", details.max_rows), and the CLI sends the rows again in
 * parts of that many, pinned to the version the first part was answered by, instead of failing the file.
 * Plain Node with a recording fetch (the server's refusal itself is tested in workers explain-cost).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, refusal, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);
const dir = mkdtempSync(join(tmpdir(), 'cli-explain-limit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tooMany = (rows: number, max: number) =>
  refusal(400, 'invalid_request', `explaining ${rows} rows of this model would take about 12 s of CPU; explain at most ${max} rows per request, or predict without explain`, { field: 'explain', rows, max_rows: max });

/** The answer to explaining `values` (one row each), by version 3. */
const explained = (values: number[]) =>
  jsonAnswer({
    model: { name: 'forest', version: 3 },
    predictions: values,
    explanation_space: 'value',
    explanations: values.map((v) => ({ output: v, base: 0, contributions: { a: v } })),
  });

const sentRows = (body: string | undefined) => (JSON.parse(body ?? '{}') as { rows: { a: string }[] }).rows.map((r) => Number(r.a));
const sentVersion = (body: string | undefined) => (JSON.parse(body ?? '{}') as { version?: number }).version;

describe('predict --explain past the rows a request may explain', () => {
  it('sends the file again in parts of the rows the server names, and answers every row in order', async () => {
    const file = join(dir, 'five.csv');
    writeFileSync(file, 'a\n1\n2\n3\n4\n5\n');
    const ran = await run(['--json', 'predict', 'forest', file, '--explain'], tooMany(5, 2), explained([1, 2]), explained([3, 4]), explained([5]));
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.requests.map((r) => sentRows(r.body))).toEqual([[1, 2, 3, 4, 5], [1, 2], [3, 4], [5]]);
    // Parts after the first go to the version that answered it.
    expect(ran.requests.map((r) => sentVersion(r.body))).toEqual([undefined, undefined, 3, 3]);
    const answer = JSON.parse(ran.stdout) as { predictions: number[]; explanations: { output: number }[] };
    expect(answer.predictions).toEqual([1, 2, 3, 4, 5]);
    expect(answer.explanations.map((e) => e.output)).toEqual([1, 2, 3, 4, 5]);
  });

  it('names a row refused in a later part by its line in the file', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'a\n1\n2\n3\n');
    const bad = refusal(400, 'invalid_input', 'rows[0]: column "a" must be a number', { row: 0, index: 0, column: 'a' });
    const ran = await run(['predict', 'forest', file, '--explain'], tooMany(3, 2), explained([1, 2]), bad);
    expect(ran.code).toBe(1);
    // rows[0] of the third request is the file's third row, on line 4.
    expect(ran.stderr).toContain('line 4');
    expect(ran.requests).toHaveLength(3);
  });

  it('still fails on a refusal that names no smaller batch', async () => {
    const file = join(dir, 'one.csv');
    writeFileSync(file, 'a\n1\n');
    const ran = await run(['predict', 'forest', file, '--explain'], tooMany(1, 1));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('explain at most 1 rows per request');
    expect(ran.requests).toHaveLength(1);
  });
});
