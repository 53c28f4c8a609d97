/**
 * @module cli/time-column-hint
 * The `hint:` for a forecast job refused for its time column, in flags: the server names the way out as
 * job JSON (`forecast.time_column`, `"columns": {"d": {"type": "datetime", "date_order": "dmy"}}`), which
 * a person at the command line sends as `--time-column` and `--date-order` (cli/date-order).
 */
import type { ApiClientError } from '../client';
import { dateOrderCommand } from './date-order';

/** The hint for `err` after `cli` (the context's command), undefined when the refusal is not of the time column or needs no flag. */
export function timeColumnHint(err: ApiClientError, cli: string): string | undefined {
  if (err.code !== 'invalid_dataset' || err.details.field !== 'forecast.time_column') return undefined;
  const declare = dateOrderCommand(err.message, cli);
  if (declare) return `read the dates of "${declare.column}" ${declare.order === 'dmy' ? 'day' : 'month'} first with \`${declare.command}\``;
  if (err.message.endsWith('name the time column with forecast.time_column')) return `name the time column with \`${cli} train … --task forecast --time-column COLUMN\``;
  return undefined;
}
