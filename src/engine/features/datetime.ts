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
  for (let i = 0; i < rows.length; i++) {
    const ms = numericValue(col, rows[i]);
    if (Number.isNaN(ms)) continue;
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
  return datetimeEncoder({ kind: 'datetime', column: col.name, dense, mean, scale, fill: count > 0 ? msSum / count : 0 });
}

export function datetimeEncoder(s: DatetimeState): FittedEncoder {
  const partNames = s.dense ? DENSE_PARTS : TREE_PARTS;
  const width = partNames.length;
  const parts = new Float64Array(DENSE_PARTS.length);
  return {
    names: partNames.map((p) => `${s.column}__${p}`),
    kinds: partNames.map(() => 'numeric' as const),
    write(col, rows, out, stride, offset) {
      const n = rowCount(col, rows);
      for (let i = 0; i < n; i++) {
        const ms = numericValue(col, rowAt(rows, i));
        // Dense models cannot take NaN: a missing date is filled with the training mean date.
        calendar(s.dense && Number.isNaN(ms) ? s.fill : ms, parts);
        const at = i * stride + offset;
        for (let k = 0; k < width; k++) out[at + k] = s.dense ? (parts[k] - s.mean[k]) / s.scale[k] : parts[k];
      }
    },
    toJSON: () => s,
  };
}
