/**
 * A forecast job refused for its time column gets a `hint:` in the CLI's flags where the server names the
 * way out as job JSON: `--date-order` for a declared order, `--time-column` for the column to read.
 */
import { describe, expect, it } from 'vitest';
import { ApiClientError } from '../../src/client';
import { timeColumnHint } from '../../src/cli/time-column-hint';

const CLI = 'edge-automl';
const refusal = (message: string, details: Record<string, unknown> = { field: 'forecast.time_column' }) => new ApiClientError(400, 'invalid_dataset', message, details, 'POST /v1/jobs');

describe('the hint of a time column refusal', () => {
  it('names --date-order when the server advises a declared order, --time-column when it asks for the column', () => {
    const mixed = refusal(
      'the dataset has no datetime column: "date" holds dates but was read as id: its dates are written two ways: ISO-8601 in 60 (data row 1 holds "2024-01-01") and DD/MM/YYYY (day first) in 60 (data row 61 holds "01/03/2024"); create the job with "columns": {"date": {"type": "datetime", "date_order": "dmy"}} to read them all',
      { field: 'forecast.time_column', column: 'date' },
    );
    expect(timeColumnHint(mixed, CLI)).toBe('read the dates of "date" day first with `edge-automl train … --date-order date=dmy`');
    expect(timeColumnHint(refusal('the dataset has no datetime column: name the time column with forecast.time_column'), CLI)).toBe('name the time column with `edge-automl train … --task forecast --time-column COLUMN`');
  });

  it('gives none where no flag helps: cells to correct, or another refusal', () => {
    expect(timeColumnHint(refusal('time column "date" was read as id, not as dates: it holds "??" (data row 151), which is no date; correct the cells that are no dates (a time column needs a date on every row) and upload the dataset again'), CLI)).toBeUndefined();
    expect(timeColumnHint(refusal('the dataset has no datetime column: name the time column with forecast.time_column', { field: 'target' }), CLI)).toBeUndefined();
  });
});
