/**
 * @module engine/data/dataset
 * The typed columnar form of a table: numbers (and dates, as epoch milliseconds) in Float64Arrays with NaN
 * for missing, everything else as Int32 codes into a list of levels with -1 for missing. A trial reads this
 * form straight from object storage instead of re-parsing text; numeric columns read back from storage
 * may be Float32Arrays (see data/numeric-precision), which is why readers take either.
 */
import type { ColumnType } from './column-types';
import type { DateOrder } from './date-layout';
import type { FixedRows } from './fixed-rows';
import type { UtcOffsets } from './utc-offsets';

/** Code of a missing value in a coded column. */
export const MISSING_CODE = -1;
/** Code of a category never seen in training (predict time only). */
export const UNSEEN_CODE = -2;

/** A numeric column's values: Float64, or Float32 where storage narrowed them (data/numeric-precision). */
export type NumericValues = Float64Array | Float32Array;

export interface NumericColumn {
  readonly name: string;
  readonly type: ColumnType;
  /** The numeric storage kind, whatever the array's precision (saved pipelines name it 'f64'). */
  readonly storage: 'f64';
  readonly values: NumericValues;
  /**
   * How the file wrote each distinct value, when it wrote some other than the number's shortest text
   * ("1.0", "007") and there are few enough to be class labels (data/numeric-labels): value → text.
   */
  readonly spellings?: ReadonlyMap<number, string>;
  /**
   * The words a column of numbers held a few of and read as missing (data/stray-text: "unknown", "n/a?"),
   * trimmed and lower-cased: a prediction sending one reads it as missing too, as training did. Absent:
   * none, and every column stored before they were kept.
   */
  readonly missingWords?: readonly string[];
  /**
   * A datetime column's layout when its cells were not ISO-8601 (03/15/2024 is 'mdy', 15-Mar-2024 'named'):
   * every later reader of the column's text (appended rows, prediction) reads day and month in this order.
   * Absent: ISO-8601 only.
   */
  readonly dateOrder?: DateOrder;
  /**
   * The rows of a column of day-month dates (03/04/2024) whose dates were appended in a form no order
   * misreads (ISO-8601, year-first, a named month), as ascending [first, end) runs of row indices
   * (data/fixed-rows). Such a date says nothing of the order of day and month, so neither the order an
   * append settles, nor a job's declared order (data/datetime-override), nor its refusal reads or moves
   * it. Absent on every other column.
   */
  readonly fixedRows?: FixedRows;
  /**
   * The UTC offsets an ISO-8601 date column's cells were written with, when every cell carries one and
   * they change (local times across daylight saving time: data/utc-offsets), as runs of rows; the values
   * are the instants all the same. Absent on every other column, which is every column written before.
   */
  readonly utcOffsets?: UtcOffsets;
  /**
   * The one UTC offset, in minutes east of UTC, every cell of an ISO-8601 date column was written with,
   * when it is not UTC (`+05:30` throughout is 330: data/utc-offsets readFixedUtcOffset). The values are
   * the instants all the same; a forecast writes its times at this offset. Absent on every other column,
   * and on every column uploaded before it was kept (whose forecasts are written in UTC).
   */
  readonly fixedUtcOffset?: number;
  /**
   * Set on a date column none of whose cells carried a UTC offset (not even Z): wall-clock times, which a
   * forecast naming their zone places in it (engine/forecast/naive-local-times). Absent on every other
   * column, and on columns stored before it was kept (read as UTC, as always).
   */
  readonly naiveTimes?: true;
  /**
   * The rows of an ISO-8601 date column whose cells carried no UTC offset (read as UTC) while others
   * carried one other than UTC, as runs (data/utc-offsets partialUtcOffsets): a forecast refusing two rows
   * of one instant says when only that made them one. Absent on every other column; not carried by a
   * selection of rows, nor by appended versions (their stored dates are written back as instants).
   */
  readonly zonelessRows?: FixedRows;
}

export interface CodedColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly storage: 'codes';
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

export type Column = NumericColumn | CodedColumn;

export interface Dataset {
  readonly rows: number;
  readonly columns: readonly Column[];
  /**
   * Set on a prediction request's rows decoded from JSON objects (features/rows-to-dataset) when some
   * row did not send a column: per such column, how many rows lacked it (features/absent-columns).
   */
  readonly absentRows?: Readonly<Record<string, number>>;
}

export function findColumn(ds: Dataset, name: string): Column | undefined {
  return ds.columns.find((c) => c.name === name);
}

/** The values as a Float64Array: the array itself when it already is one, else a widened copy. */
export function asFloat64(values: NumericValues): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}
