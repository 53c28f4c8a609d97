/**
 * The dashboard's "best so far" line (public/app/best-so-far.js): only full-fidelity trials count, so an
 * early rung's score on a ninth of the rows, which may beat every full trial, never shows as the job's best.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript of the dashboard, without type declarations
import { bestSoFar } from '../../public/app/best-so-far.js';

describe('the best-so-far line', () => {
  it('counts full-fidelity trials only, in either direction of the metric', () => {
    const trials = [
      { score: 0.95, fidelity: 1 / 9 },
      { score: 0.8, fidelity: 1 },
      { score: 0.9, fidelity: 1 / 3 },
      { score: 0.85 },
      { score: 0.7, fidelity: 1 },
    ];
    expect(bestSoFar(trials, true)).toEqual([null, 0.8, 0.8, 0.85, 0.85]);
    expect(bestSoFar(trials, false)).toEqual([null, 0.8, 0.8, 0.8, 0.7]);
  });
});
