/**
 * The real series of bench-forecast-blend --real: public-domain data exported from statsmodels' bundled
 * datasets into scripts/data/forecast (see its README and export.py). Read as a job would read the
 * upload (the time column as datetime), and cut into the searched history and the held-out continuation.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset } from '../../src/engine/data/dataset';
import { inferDataset } from '../../src/engine/data/infer-schema';

const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'forecast');

export type RealFrequency = 'monthly' | 'quarterly' | 'yearly';

/** Steps held out per frequency: two years of months, two of quarters, a decade of years. */
export const REAL_HORIZONS: Readonly<Record<RealFrequency, number>> = { monthly: 24, quarterly: 8, yearly: 10 };

interface RealSeriesSpec {
  readonly name: string;
  readonly frequency: RealFrequency;
  /** The time column's name in the file: `year` for yearly files, else `date`. */
  readonly timeColumn: 'date' | 'year';
}

export const REAL_SERIES: readonly RealSeriesSpec[] = [
  { name: 'co2', frequency: 'monthly', timeColumn: 'date' },
  { name: 'elnino', frequency: 'monthly', timeColumn: 'date' },
  { name: 'realgdp', frequency: 'quarterly', timeColumn: 'date' },
  { name: 'cpi', frequency: 'quarterly', timeColumn: 'date' },
  { name: 'unemp', frequency: 'quarterly', timeColumn: 'date' },
  { name: 'sunspots', frequency: 'yearly', timeColumn: 'year' },
  { name: 'nile', frequency: 'yearly', timeColumn: 'year' },
];

/** One real series split for the bench: `history` is what the job searches on, `future` what it must forecast. */
export interface RealSplit {
  readonly name: string;
  readonly frequency: RealFrequency;
  /** Points in the whole file. */
  readonly length: number;
  readonly horizon: number;
  readonly history: Dataset;
  readonly future: readonly number[];
  /** The target column's name (`value` in every file). */
  readonly target: string;
}

const TARGET = 'value';

/** The file's CSV lines after the header, in time order as exported. */
function dataLines(spec: RealSeriesSpec): { header: string; rows: string[] } {
  const [header, ...rows] = readFileSync(join(DATA_DIR, `${spec.name}.csv`), 'utf8').trim().split('\n');
  return { header, rows };
}

/** The history as an upload would be read: CSV text, the time column forced to datetime as a job's schema would. */
function historyDataset(spec: RealSeriesSpec, header: string, rows: readonly string[]): Dataset {
  return inferDataset(parseCsv([header, ...rows].join('\n')), { [spec.timeColumn]: 'datetime' }).dataset;
}

export function loadRealSplit(spec: RealSeriesSpec): RealSplit {
  const { header, rows } = dataLines(spec);
  const horizon = REAL_HORIZONS[spec.frequency];
  const cut = rows.length - horizon;
  const future = rows.slice(cut).map((line) => Number(line.split(',')[1]));
  return { name: spec.name, frequency: spec.frequency, length: rows.length, horizon, history: historyDataset(spec, header, rows.slice(0, cut)), future, target: TARGET };
}
