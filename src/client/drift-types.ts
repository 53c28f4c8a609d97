/**
 * @module client/drift-types
 * `models.drift`: how far live traffic has moved from the training data, per feature, with the noise a
 * sample of that size gives, and an image model's pixels summarised as one grid.
 */
import type { ColumnType } from './dataset-types';

/** `GET /v1/models/{name}/drift`. */
export interface DriftReport {
  model: string;
  version: number;
  rows_sampled: number;
  window: { from: string; to: string; hours: number };
  reference: { dataset: { name: string; version: number }; rows: number };
  features: {
    name: string;
    type: ColumnType;
    psi: number | null;
    status: 'stable' | 'moderate' | 'significant' | null;
    /** The PSI sampling noise alone gives on average at this many rows: about (bins - 1) · (1/rows + 1/training rows). */
    noise_psi: number | null;
    /** True when the PSI is no higher than sampling noise reaches 99 times in 100: no evidence of a shift. */
    within_noise: boolean | null;
    /** Empty on the `px_*` entry: each pixel has bins of its own (`detail: 'pixels'`). */
    bins: string[];
    reference: number[];
    live: number[];
    /** What the PSI is of: "length in characters" for text; on the `px_*` entry, the mean over the pixel columns. */
    measure?: string;
    /** The `px_*` entry of an image model (named after its own columns, `p0..p63`, when not `px_*`): its pixel columns as one grid (`psi` and `noise_psi` are the pixels' means). */
    pixels?: PixelDrift;
  }[];
  skipped: { name: string; type: ColumnType; reason: string }[];
  note?: string;
}

/** An image model's pixel grid in a drift report. */
export interface PixelDrift {
  columns: number;
  image: { height: number; width: number; channels: number };
  /** Pixels reading at least moderate and beyond their noise (about 1 in 100 does by chance); null before live rows. */
  drifting: number | null;
  drifting_share: number | null;
  /** The mean pixel value in training and live, estimated from each pixel's decile bins: which way and roughly how far the images moved. */
  mean_value: { reference: number; live: number | null } | null;
  /** The 10 most drifted pixels. */
  top: { name: string; psi: number | null; status: 'stable' | 'moderate' | 'significant' | null; noise_psi: number | null; within_noise: boolean | null }[];
}
