/**
 * The CLI and dates written as 03/04/2024, in plain Node with a recording fetch in place of the server:
 * `train --date-order d=dmy` sends the job's column overrides (and refuses a bad value before any
 * request); a warning whose advice is that JSON (upload, job) is followed by a `hint:` naming the flag;
 * `model NAME` shows a date input's order. Also a Parquet file predicted as JSON rows (--explain) names a
 * refused row from 1, as the server names a Parquet body's rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterEach, describe, expect, it } from 'vitest';
import { HINT_CLI, jsonAnswer, refusal, restoreFakes, runCli as run } from './fake-server';

afterEach(restoreFakes);

/** The server's warning for a column whose order of day and month was guessed (engine/data/datetime-override). */
const guessed = (name: string) =>
  `every date of "${name}" reads either way (day and month both 12 or less, as in 03/04/2024), so they were read month first (MM/DD/YYYY); ` +
  `if they are day first, create the job with "columns": {${JSON.stringify(name)}: {"type": "datetime", "date_order": "dmy"}}`;

describe('train --date-order', () => {
  it('sends each column with its order as a datetime override, beside --ignore', async () => {
    const ran = await run(['train', '-d', 'sales', '-t', 'y', '--ignore', 'id', '--date-order', 'day=dmy, when=MDY', '--date-order', 'order date=dmy', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued' }, 202));
    expect(ran.code).toBe(0);
    expect(ran.requests).toHaveLength(1);
    expect(JSON.parse(ran.requests[0].body ?? '{}')).toEqual({
      dataset: 'sales',
      target: 'y',
      columns: {
        id: 'ignore',
        day: { type: 'datetime', date_order: 'dmy' },
        when: { type: 'datetime', date_order: 'mdy' },
        'order date': { type: 'datetime', date_order: 'dmy' },
      },
    });
  });

  it.each([
    ['d=ymd', /"ymd" is no order of day and month for "d"; use mdy .* or dmy/],
    ['d', /expected COLUMN=mdy or COLUMN=dmy, got "d"/],
    ['=dmy', /expected a column name before "="/],
    ['d=dmy,d=mdy', /"d" is given two orders, dmy and mdy/],
  ])('refuses %j naming the option, before any request', async (value, message) => {
    const ran = await run(['train', '-d', 'sales', '-t', 'y', '--date-order', value, '--no-wait']);
    expect(ran.code).toBe(1);
    expect(ran.requests).toEqual([]);
    expect(ran.stderr).toMatch(/^error: --date-order: /);
    expect(ran.stderr).toMatch(message);
  });

  it('refuses a column both ignored and given an order', async () => {
    const ran = await run(['train', '-d', 'sales', '-t', 'y', '--ignore', 'd', '--date-order', 'd=dmy', '--no-wait']);
    expect(ran.code).toBe(1);
    expect(ran.requests).toEqual([]);
    expect(ran.stderr).toContain('error: --date-order: "d" is also in --ignore');
  });

  it('follows a guessed-order warning with a hint naming the flag (and leaves other warnings alone)', async () => {
    const ran = await run(['train', '-d', 'sales', '-t', 'y', '--no-wait'], jsonAnswer({ id: 'j1', status: 'queued', warnings: ['2 rows have no value of "y" and are left out', guessed('order date')] }, 202));
    expect(ran.code).toBe(0);
    expect(ran.stderr).toBe(
      'warning: 2 rows have no value of "y" and are left out\n' +
        `warning: ${guessed('order date')}\n` +
        `hint: if the dates of "order date" are day first: \`${HINT_CLI} train … --date-order 'order date=dmy'\`\n`,
    );
  });

  it('is documented in the help', async () => {
    const ran = await run(['train', '--help']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/--date-order <col=order,...>\s+how to read dates such as 03\/04\/2024/);
  });
});

describe('date warnings of uploads and jobs', () => {
  const column = { name: 'd', type: 'datetime', missing: 0, unique: 20, date_order: 'mdy', warnings: [guessed('d')] };

  it('a dataset profile: the column type with its order, the warning, then the hint', async () => {
    const ran = await run(['dataset', 'sales'], jsonAnswer({ name: 'sales', version: 1, rows: 20, bytes: 400, columns: [column], created_at: '2026-04-21T08:00:00.000Z' }));
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('datetime mdy');
    expect(ran.stdout).toContain(`warning: ${guessed('d')}\nhint: if the dates of "d" are day first: \`${HINT_CLI} train … --date-order d=dmy\`\n`);
  });
});

describe('model NAME', () => {
  it("shows a date input's order of day and month beside its type", async () => {
    const model = {
      name: 'sales',
      task: 'regression',
      target: 'y',
      metric: 'rmse',
      greater_is_better: false,
      champion_version: 1,
      classes: [],
      features: [
        { name: 'day', type: 'datetime', importance: 0.6, date_order: 'dmy' },
        { name: 'at', type: 'datetime', importance: 0.3 },
        { name: 'store', type: 'categorical', importance: 0.1 },
      ],
      versions: [{ version: 1, job_id: 'j1', trial_id: 't0000', family: 'gbdt', metric: 'rmse', greater_is_better: false, score: 1.5, dataset: { name: 'sales', version: 1 }, created_at: '2026-04-21T08:00:00.000Z' }],
      history: [],
      updated_at: '2026-04-21T08:00:00.000Z',
    };
    const ran = await run(['model', 'sales'], jsonAnswer(model));
    expect(ran.code).toBe(0);
    const rows = ran.stdout.split('\n').filter((l) => /│ (day|at|store) /.test(l));
    expect(rows[0]).toMatch(/│ day\s+│ datetime dmy\s+│ 0\.6000/);
    // An ISO-8601 date input has no order: its type alone.
    expect(rows[1]).toMatch(/│ at\s+│ datetime\s+│ 0\.3000/);
    expect(rows[2]).toMatch(/│ store\s+│ categorical\s+│/);
  });
});

describe('predict of a Parquet or CSV file as JSON rows (--explain)', () => {
  it('names a refused row from 1, as the server names the rows of a Parquet body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-automl-cli-dates-'));
    try {
      const file = join(dir, 'batch.parquet');
      writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'amount', data: ['1', '2', 'lots'], type: 'STRING' }] })));
      // The server names JSON rows by their element of rows (from 0): the third row is rows[2].
      const ran = await run(['predict', 'm', file, '--explain'], refusal(400, 'invalid_input', 'rows[2], column "amount": expected a number, got "lots"', { row: 2, column: 'amount', index: 2 }));
      expect(ran.code).toBe(1);
      expect(ran.requests[0].url).toBe('http://127.0.0.1:8787/v1/models/m/predict');
      expect(ran.stderr).toBe('error: invalid_input (HTTP 400): row 3 of the Parquet file, column "amount": expected a number, got "lots" [row: 3, column: amount]\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a refused row of a CSV file by its line, as the server names the rows of a CSV body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-automl-cli-dates-'));
    try {
      const file = join(dir, 'batch.csv');
      // The third row starts on line 5: a quoted line break holds the second over lines 3 and 4.
      writeFileSync(file, 'amount,note\n1,a\n2,"b\nc"\nlots,d\n');
      const ran = await run(['predict', 'm', file, '--explain', '--json'], refusal(400, 'invalid_input', 'rows[2], column "amount": expected a number, got "lots"', { row: 2, column: 'amount', index: 2 }));
      expect(ran.code).toBe(1);
      expect(JSON.parse(ran.stderr).error).toEqual({ code: 'invalid_input', message: 'line 5, column "amount": expected a number, got "lots"', details: { line: 5, column: 'amount', index: 2 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
