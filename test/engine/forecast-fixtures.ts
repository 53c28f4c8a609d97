/**
 * Shared fixtures of the forecast tests: the airpassengers splits as engine Datasets (parsed by the
 * engine's own CSV reader, date column typed as REFERENCE.md's data does), CSV-to-Dataset for small
 * hand-written tables, and test-split scoring helpers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../src/engine/data/csv';
import type { Dataset, NumericColumn } from '../../src/engine/data/dataset';
import { inferDataset, type TypeOverrides } from '../../src/engine/data/infer-schema';
import type { ForecastPoint } from '../../src/engine/forecast';

export const DATA_DIR = process.env.SHARED_DATA_DIR ?? '/work/shared/data';
export const TARGET = 'passengers_thousands';
export const HORIZON = 36;

export function datasetFromCsv(text: string, overrides: TypeOverrides = {}): Dataset {
  return inferDataset(parseCsv(text), overrides).dataset;
}

/** A `day,y` series of these times (epoch milliseconds, written ISO-8601, or text as given) and values. */
export function daySeries(times: readonly (number | string)[], values: readonly (number | string)[]): Dataset {
  const rows = times.map((t, i) => `${typeof t === 'number' ? new Date(t).toISOString() : t},${values[i]}`);
  return datasetFromCsv(['day,y', ...rows].join('\n'), { day: 'datetime', y: 'numeric' });
}

export function airpassengers(split: 'train' | 'test'): Dataset {
  return datasetFromCsv(readFileSync(join(DATA_DIR, `airpassengers.${split}.csv`), 'utf8'), { date: 'datetime' });
}

/** The test split's target values, in time order (the file is chronological). */
export function testTruth(): Float64Array {
  const col = airpassengers('test').columns.find((c) => c.name === TARGET) as NumericColumn;
  return Float64Array.from(col.values);
}

export function rmseOf(points: readonly ForecastPoint[], truth: Float64Array): number {
  let se = 0;
  for (let i = 0; i < truth.length; i++) se += (points[i].value - truth[i]) ** 2;
  return Math.sqrt(se / truth.length);
}

/** The train CSV as text, for building variants (groups, gaps, duplicates). */
export function trainCsvText(): string {
  return readFileSync(join(DATA_DIR, 'airpassengers.train.csv'), 'utf8');
}
