/**
 * @module worker/openapi/response-parts
 * Pieces the response schemas of ./responses and ./lifecycle-responses share: times, column types, a job's
 * budget and a challenger's promotion rule.
 */
import { z } from 'zod';

export const isoTime = z.string().describe('ISO-8601 UTC time');
export const columnType = z.enum(['numeric', 'categorical', 'boolean', 'datetime', 'text', 'id', 'constant']);
export const budget = z.object({ seconds: z.number().optional(), trials: z.int().optional() });

/** How a challenger wins (durable/challenge-noise). */
export const promotionRule = z
  .enum(['beyond_noise', 'margin'])
  .describe('how the challenger wins: "beyond_noise", better by the margin and beyond the holdout\'s noise (difference.interval on the better side of 0); "margin", better by the margin on the two scores alone (and without an interval, as for forecasts)');
