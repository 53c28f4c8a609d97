/**
 * @module worker/forecast-date-order
 * The order of day and month a forecast job reads its time column in, when upload had to guess it (every
 * date reads either way, as 01/02/2018 does, so it read them month first). A series tells what a column
 * alone cannot: monthly figures written 01/MM/YYYY read month first are an irregular daily series (the
 * 1st to the 12th of January, then of the next year), and day first a regular monthly one. When the
 * guessed reading is refused as a series and the other one is not, the job reads the other and warns,
 * recording it in its columns so every trial reads the same.
 */
import { EngineError } from '../engine';
import type { Dataset } from '../engine/data/dataset';
import { applyOverrides, type ColumnOverride, declaredDateOrders } from '../engine/data/overrides';
import { guessedDateOrders } from '../engine/data/datetime-override';
import { ApiError } from './errors';
import { resolveForecast } from './job-inputs';
import type { CreateJobBody } from './schemas';

export interface ForecastColumns {
  /** The job's column overrides, with the time column's order when the job chose it. */
  readonly columns: Readonly<Record<string, ColumnOverride>>;
  readonly warning?: string;
}

/** The job's columns for a forecast on `stored` (see the module comment); throws the guessed reading's refusal when neither reads. */
export function forecastColumns(stored: Dataset, body: CreateJobBody): ForecastColumns {
  const columns = body.columns ?? {};
  const time = body.forecast?.time_column ?? soleDatetime(stored);
  if (time === undefined || !guessedDateOrders(stored, declaredDateOrders(columns)).includes(time)) return { columns };
  const reads = (cols: Readonly<Record<string, ColumnOverride>>) => resolveForecast(applyOverrides(stored, cols).dataset, body.target, body.forecast);
  try {
    reads(columns);
    return { columns };
  } catch (err) {
    if (!isDatasetRefusal(err)) throw err;
    const dayFirst = { ...columns, [time]: { type: 'datetime', date_order: 'dmy' } as const };
    try {
      const { spec } = reads(dayFirst);
      return {
        columns: dayFirst,
        warning:
          `the dates of "${time}" read either way (as 01/02/2018 does); read month first, as upload guessed, they are no regular series, read day first they are one ` +
          `(${spec.groups === 1 ? 'a series' : `${spec.groups} series`} of ${spec.length} points): the job reads them day first. Declare "columns": {"${time}": {"type": "datetime", "date_order": "mdy"}} to read them month first`,
      };
    } catch {
      throw err;
    }
  }
}

function soleDatetime(ds: Dataset): string | undefined {
  const dates = ds.columns.filter((c) => c.type === 'datetime');
  return dates.length === 1 ? dates[0].name : undefined;
}

/** A refusal of the data as a series (irregular steps, too short), which the other reading may not meet. */
function isDatasetRefusal(err: unknown): boolean {
  return (err instanceof EngineError || err instanceof ApiError) && err.code === 'invalid_dataset';
}
