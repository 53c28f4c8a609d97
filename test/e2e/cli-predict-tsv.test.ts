/**
 * `edge-automl predict MODEL FILE.tsv`: a tab-separated file goes as text/tab-separated-values, so the
 * server reads tabs whatever commas its header holds ("city, state"), where it guessed the separator from
 * the header line and took the comma on a tie; its rows are read with tabs for --explain too. Plain
 * Node with a recording fetch (the server reads the type alike in uploads and predictions: workers body-refusals).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { jsonAnswer, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);
const dir = mkdtempSync(join(tmpdir(), 'cli-predict-tsv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const answer = (n: number) => jsonAnswer({ model: { name: 'm', version: 1 }, predictions: Array.from({ length: n }, () => 'yes') });

describe('predict on a tab-separated file', () => {
  const tsv = join(dir, 'places.tsv');
  writeFileSync(tsv, 'name\tcity, state\nann\tAustin, TX\nbob\tReno, NV\n');

  it('sends it as tab-separated values', async () => {
    const ran = await run(['--json', 'predict', 'm', tsv], answer(2));
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.requests[0].contentType).toBe('text/tab-separated-values');
    expect(ran.requests[0].body).toBe('name\tcity, state\nann\tAustin, TX\nbob\tReno, NV\n');
  });

  it('reads its rows with tabs for --explain', async () => {
    const explained = jsonAnswer({ model: { name: 'm', version: 1 }, predictions: ['yes', 'no'], explanation_space: 'log_odds', explanations: [] });
    const ran = await run(['--json', 'predict', 'm', tsv, '--explain'], explained);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.requests[0].body ?? '{}').rows).toEqual([
      { name: 'ann', 'city, state': 'Austin, TX' },
      { name: 'bob', 'city, state': 'Reno, NV' },
    ]);
  });

  it('leaves a CSV file to the server as before', async () => {
    const csv = join(dir, 'places.csv');
    writeFileSync(csv, 'name,city\nann,Austin\n');
    const ran = await run(['--json', 'predict', 'm', csv], answer(1));
    expect(ran.requests[0].contentType).toBe('text/csv');
  });
});
