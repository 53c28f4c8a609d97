/**
 * @module engine/features/datetime
 * Date and time columns become calendar features a model can use: days since the epoch (trend), year,
 * month, day of month, day of week and hour (UTC), plus cyclical sine/cosine encodings of month and day of
 * week for dense models. Dense models get each part standardised with training statistics.
 */
import type { Column } from '../data/dataset';
import type { EncoderState, FittedEncoder } from './encoder';
import { rowAt, rowCount } from './encoder';
import { numericValue } from './numeric';

const DAY_MS = 86_400_000;
const TREE_PARTS = ['days', 'year', 'month', 'day', 'weekday', 'hour'] as const;
const DENSE_PARTS = [...TREE_PARTS, 'month_sin', 'month_cos', 'weekday_sin', 'weekday_cos'] as const;

export interface DatetimeState extends EncoderState {
  readonly kind: 'datetime';
  readonly dense: boolean;
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly fill: number;
  /**
   * Dense only: the training dates' range, epoch ms. A date outside it has its trend parts (days, year)
   * clipped to the range's, as numeric inputs are clipped (./numeric): a year typed 2204 for 2024 was
   * hundreds of standard deviations out and a linear model or network answered what that makes of it;
   * its calendar parts (month, weekday, hour) stay its own. Absent in models made before it: not clipped.
   */
  readonly range?: readonly [number, number];
}

/** Writes the calendar parts of an epoch-millisecond value into `parts` (NaN when missing). */
function calendar(ms: number, parts: Float64Array): void {
  if (Number.isNaN(ms)) {
    parts.fill(NaN);
    return;
  }
  const d = new Date(ms);
  const month = d.getUTCMonth();
  const weekday = d.getUTCDay();
  parts[0] = ms / DAY_MS;
  parts[1] = d.getUTCFullYear();
  parts[2] = month + 1;
  parts[3] = d.getUTCDate();
  parts[4] = weekday;
  parts[5] = d.getUTCHours();
  parts[6] = Math.sin((2 * Math.PI * month) / 12);
  parts[7] = Math.cos((2 * Math.PI * month) / 12);
  parts[8] = Math.sin((2 * Math.PI * weekday) / 7);
  parts[9] = Math.cos((2 * Math.PI * weekday) / 7);
}

export function fitDatetime(col: Column, rows: ArrayLike<number>, dense: boolean): FittedEncoder {
  const width = DENSE_PARTS.length;
  const sum = new Float64Array(width);
  const sumSq = new Float64Array(width);
  const parts = new Float64Array(width);
  let count = 0;
  let msSum = 0;
  let least = Infinity;
  let most = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    const ms = numericValue(col, rows[i]);
    if (Number.isNaN(ms)) continue;
    if (ms < least) least = ms;
    if (ms > most) most = ms;
    calendar(ms, parts);
    for (let k = 0; k < width; k++) {
      sum[k] += parts[k];
      sumSq[k] += parts[k] * parts[k];
    }
    msSum += ms;
    count++;
  }
  const mean = Array.from(sum, (s) => (count > 0 ? s / count : 0));
  const scale = Array.from(sumSq, (s, k) => {
    const v = count > 0 ? s / count - mean[k] * mean[k] : 0;
    return v > 1e-12 ? Math.sqrt(v) : 1;
  });
  const range: [number, number] | undefined = dense && count > 0 ? [least, most] : undefined;
  return datetimeEncoder({ kind: 'datetime', column: col.name, dense, mean, scale, fill: count > 0 ? msSum / count : 0, ...(range ? { range } : {}) });
}

export function datetimeEncoder(s: DatetimeState): FittedEncoder {
  const partNames = s.dense ? DENSE_PARTS : TREE_PARTS;
  const width = partNames.length;
  const parts = new Float64Array(DENSE_PARTS.length);
  // The trend parts' bounds: days since the epoch and the year of the range's ends.
  const bounds = s.range ? trendBounds(s.range) : undefined;
  return {
    names: partNames.map((p) => `${s.column}__${p}`),
    kinds: partNames.map(() => 'numeric' as const),
    write(col, rows, out, stride, offset) {
      const n = rowCount(col, rows);
      for (let i = 0; i < n; i++) {
        const ms = numericValue(col, rowAt(rows, i));
        // Dense models cannot take NaN: a missing date is filled with the training mean date.
        calendar(s.dense && Number.isNaN(ms) ? s.fill : ms, parts);
        if (bounds) {
          parts[0] = Math.min(Math.max(parts[0], bounds.days[0]), bounds.days[1]);
          parts[1] = Math.min(Math.max(parts[1], bounds.year[0]), bounds.year[1]);
        }
        const at = i * stride + offset;
        for (let k = 0; k < width; k++) out[at + k] = s.dense ? (parts[k] - s.mean[k]) / s.scale[k] : parts[k];
      }
    },
    toJSON: () => s,
  };
}

/** Days since the epoch and years at the ends of a date range (epoch ms), the bounds of the trend parts. */
function trendBounds([least, most]: readonly [number, number]): { days: [number, number]; year: [number, number] } {
  return { days: [least / DAY_MS, most / DAY_MS], year: [new Date(least).getUTCFullYear(), new Date(most).getUTCFullYear()] };
}
