/**
 * @module client/dataset-types
 * The answers of the dataset routes: a dataset version with the profile of each of its columns (the
 * column types the server reads, open so a newer server may add one), an appended version, the list.
 */

export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text' | 'id' | 'constant' | (string & {});

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  missing: number;
  unique: number;
  /** Why the column is not used as a feature (identifiers, constants). */
  dropped?: string;
  /** Summary statistics (`min` to `last`): on `GET /v1/datasets/{name}` only. Datetime columns: epoch milliseconds (`first` has it as ISO-8601). */
  min?: number;
  /** Datetime columns: epoch milliseconds (`last` has it as ISO-8601). */
  max?: number;
  /** Datetime columns: the earliest time, ISO-8601. */
  first?: string;
  /** Datetime columns: the latest time, ISO-8601. */
  last?: string;
  mean?: number;
  std?: number;
  top?: { value: string; count: number }[];
  /** Image datasets: the one summary entry standing for every pixel column (with its pooled min, max, mean and std on upload too). */
  pixel_columns?: number;
  /** Datetime columns not in ISO-8601: how day, month and year were read (mdy 03/15/2024, dmy 15.03.2024, ymd 2024/03/15, named 15-Mar-2024). */
  date_order?: 'mdy' | 'dmy' | 'ymd' | 'named';
  /** Numeric columns of a table: whether every present value is a whole number (3, 3.0, 1e3). Absent from versions stored before servers had it. */
  integer?: boolean;
  /** What to know before training on the column: an order of day and month no value told, a few cells that are not dates in a column of dates, or words among numbers read as missing. */
  warnings?: string[];
}

/**
 * A run of numbered columns that look like an image's pixels without being named `px_*` (`p0..p63`): one
 * entry with their pooled statistics, beside `columns`, which still lists each of them.
 */
export interface PixelLikeEntry {
  /** The first and last column, `p0..p63`. */
  name: string;
  type: 'numeric';
  /** How many columns the run holds, side by side in `columns` from `first_column` to `last_column`. */
  pixel_columns: number;
  first_column: string;
  last_column: string;
  missing: number;
  unique: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** A square image of that many values, when there is one: a guess of the shape to train it with. */
  image?: { height: number; width: number; channels: 1 | 3 };
  /** How to train the run as images (an image job given `image: {height, width}`). */
  hint: string;
}

/** `PUT /v1/datasets/{name}` and `GET /v1/datasets/{name}`. */
export interface DatasetVersion {
  name: string;
  version: number;
  rows: number;
  bytes: number;
  /** Image datasets (a zip of class folders): the image shape and the images per class. */
  image?: { height: number; width: number; channels: number; classes: Record<string, number> };
  columns: ColumnProfile[];
  /** Tables: each run of at least 16 numbered columns that look like pixels (`p0..p63`), summarised. */
  pixel_like?: PixelLikeEntry[];
  created_at: string;
  /** A version made by appending rows (POST …/rows): how many, and the version they were added to. */
  appended_rows?: number;
  base_version?: number;
  /** What reading the file left out that no column entry can say (an unnamed column without values). */
  warnings?: string[];
}

/** `POST /v1/datasets/{name}/rows`: the new version, and what it was made from. */
export interface AppendedVersion extends DatasetVersion {
  /** Rows added; the version holds the base version's rows plus these. */
  appended_rows: number;
  base_version: number;
}

/** `GET /v1/datasets`. */
export interface DatasetList {
  datasets: { name: string; latest_version: number; rows: number; created_at: string }[];
}
