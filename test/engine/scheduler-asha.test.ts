/**
 * ASHA and asynchronous Hyperband, checked against examples worked by hand. eta = 3 and fidelities
 * 1/9, 1/3, 1 (rungs 0, 1, 2) unless stated.
 */
import { describe, expect, it } from 'vitest';
import { ashaNextJob, type AshaState, fidelityOfRung, resolveAshaOptions, type RungResult, topRung } from '../../src/engine/search/schedulers/asha';
import { bracketCount, bracketOfTrial, bracketOptions, hyperbandNextJob } from '../../src/engine/search/schedulers/hyperband';

const opts = { eta: 3, minFidelity: 1 / 9, maxFidelity: 1 };
const r = (trialNumber: number, rung: number, loss: number): RungResult => ({ trialNumber, rung, loss });

describe('ASHA rungs', () => {
  it('places rungs at min·eta^k up to max', () => {
    expect(topRung(opts)).toBe(2);
    expect([0, 1, 2].map((k) => fidelityOfRung(k, opts))).toEqual([1 / 9, 1 / 3, 1]);
    expect(topRung({ minFidelity: 1 / 27 })).toBe(3);
    // max/min = 10 is not a power of 3: rungs 0.1, 0.3, 0.9 and no rung at 1.
    expect(topRung({ minFidelity: 0.1 })).toBe(2);
    expect(fidelityOfRung(2, { minFidelity: 0.1 })).toBeCloseTo(0.9, 12);
    expect(topRung({ minFidelity: 1 })).toBe(0);
  });

  it('rejects bad options and rungs, naming the value', () => {
    expect(() => resolveAshaOptions({ minFidelity: 0 })).toThrow(/minFidelity.*got 0/);
    expect(() => resolveAshaOptions({ minFidelity: 0.5, eta: 1 })).toThrow(/eta must be > 1, got 1/);
    expect(() => fidelityOfRung(3, opts)).toThrow(/\[0, 2\], got 3/);
  });
});

describe('ashaNextJob', () => {
  it('starts new configurations until a rung has eta results', () => {
    expect(ashaNextJob({ results: [] }, opts)).toEqual({ kind: 'new', rung: 0 });
    // Two results at rung 0: floor(2/3) = 0 may be promoted.
    expect(ashaNextJob({ results: [r(0, 0, 0.5), r(1, 0, 0.3)] }, opts)).toEqual({ kind: 'new', rung: 0 });
  });

  it('promotes the best of the top 1/eta as soon as the rung has enough results (no barrier)', () => {
    // Three results at rung 0 (trials 3 and 4 still running there): floor(3/3) = 1, the best is trial 1.
    const state: AshaState = { results: [r(0, 0, 0.5), r(1, 0, 0.3), r(2, 0, 0.4)], pending: [{ trialNumber: 3, rung: 0 }, { trialNumber: 4, rung: 0 }] };
    expect(ashaNextJob(state, opts)).toEqual({ kind: 'promote', trialNumber: 1, rung: 1 });
  });

  it('does not promote a trial twice; a promotion in flight counts', () => {
    const results = [r(0, 0, 0.5), r(1, 0, 0.3), r(2, 0, 0.4)];
    expect(ashaNextJob({ results, pending: [{ trialNumber: 1, rung: 1 }] }, opts)).toEqual({ kind: 'new', rung: 0 });
    // Trial 1 finished rung 1: with one rung-1 result nothing there qualifies, and rung 0 has no slot left.
    expect(ashaNextJob({ results: [...results, r(1, 1, 0.25)] }, opts)).toEqual({ kind: 'new', rung: 0 });
  });

  it('grows the quota with the rung: six results allow two promotions, best unpromoted first', () => {
    // Rung 0 sorted: t3 0.1, t5 0.2, t1 0.3, t2 0.4, t0 0.5, t4 0.9; top 2 = t3, t5. t1 is already up
    // (promoted earlier, when it was the best of three) and is no longer in the top 2: that early
    // "mistake" is what ASHA trades for never waiting.
    const results = [r(0, 0, 0.5), r(1, 0, 0.3), r(2, 0, 0.4), r(1, 1, 0.25), r(3, 0, 0.1), r(4, 0, 0.9), r(5, 0, 0.2)];
    expect(ashaNextJob({ results }, opts)).toEqual({ kind: 'promote', trialNumber: 3, rung: 1 });
    expect(ashaNextJob({ results, pending: [{ trialNumber: 3, rung: 1 }] }, opts)).toEqual({ kind: 'promote', trialNumber: 5, rung: 1 });
    expect(ashaNextJob({ results, pending: [{ trialNumber: 3, rung: 1 }, { trialNumber: 5, rung: 1 }] }, opts)).toEqual({ kind: 'new', rung: 0 });
  });

  it('prefers promotions from higher rungs', () => {
    // Rung 1 has t1 0.25, t3 0.05, t5 0.15: its best (t3) goes to rung 2 before rung 0 is considered,
    // even though rung 0 (nine results, quota 3) also has an unpromoted candidate (t6).
    const rung0 = [r(0, 0, 0.5), r(1, 0, 0.3), r(2, 0, 0.4), r(3, 0, 0.1), r(4, 0, 0.9), r(5, 0, 0.2), r(6, 0, 0.15), r(7, 0, 0.8), r(8, 0, 0.7)];
    const rung1 = [r(1, 1, 0.25), r(3, 1, 0.05), r(5, 1, 0.15)];
    expect(ashaNextJob({ results: [...rung0, ...rung1] }, opts)).toEqual({ kind: 'promote', trialNumber: 3, rung: 2 });
    expect(ashaNextJob({ results: [...rung0, ...rung1], pending: [{ trialNumber: 3, rung: 2 }] }, opts)).toEqual({ kind: 'promote', trialNumber: 6, rung: 1 });
  });

  it('never promotes from the top rung', () => {
    const results = [r(0, 2, 0.1), r(1, 2, 0.2), r(2, 2, 0.3)];
    expect(ashaNextJob({ results }, opts)).toEqual({ kind: 'new', rung: 0 });
  });

  it('counts failures in the rung size but never promotes them; ties go to the older trial', () => {
    expect(ashaNextJob({ results: [r(0, 0, Number.NaN), r(1, 0, Infinity), r(2, 0, Number.NaN)] }, opts)).toEqual({ kind: 'new', rung: 0 });
    expect(ashaNextJob({ results: [r(0, 0, Number.NaN), r(1, 0, 0.4), r(2, 0, 0.3)] }, opts)).toEqual({ kind: 'promote', trialNumber: 2, rung: 1 });
    expect(ashaNextJob({ results: [r(5, 0, 0.3), r(2, 0, 0.3), r(9, 0, 0.3)] }, opts)).toEqual({ kind: 'promote', trialNumber: 2, rung: 1 });
  });

  it('counts a repeated delivery once', () => {
    expect(ashaNextJob({ results: [r(0, 0, 0.5), r(0, 0, 0.1), r(1, 0, 0.3)] }, opts)).toEqual({ kind: 'new', rung: 0 });
  });

  it('drives a simulated asynchronous run: rung sizes shrink by about eta', () => {
    // Loss of a trial at a rung: a per-trial quality plus noise that shrinks with fidelity.
    const quality = (t: number) => ((t * 7919) % 101) / 101;
    const results: RungResult[] = [];
    let next = 0;
    for (let step = 0; step < 120; step++) {
      const job = ashaNextJob({ results }, opts);
      const trial = job.kind === 'new' ? next++ : job.trialNumber;
      results.push(r(trial, job.rung, quality(trial) + (0.05 * ((trial * 31 + job.rung) % 7)) / (job.rung + 1)));
    }
    const size = (k: number) => results.filter((x) => x.rung === k).length;
    expect(size(0)).toBeGreaterThan(size(1));
    expect(size(1)).toBeGreaterThan(size(2));
    // About 1/eta goes up each rung. Not at most floor(n/eta): a trial promoted early that later drops out
    // of the top third stays promoted (the asynchronous "mistake"), so a few extra are expected.
    expect(Math.abs(size(1) - size(0) / 3)).toBeLessThanOrEqual(3);
    expect(Math.abs(size(2) - size(1) / 3)).toBeLessThanOrEqual(3);
    // Every trial at a rung came up through each rung below it.
    for (const x of results.filter((y) => y.rung > 0)) expect(results.some((y) => y.trialNumber === x.trialNumber && y.rung === x.rung - 1)).toBe(true);
  });
});

describe('asynchronous Hyperband', () => {
  const hb = { eta: 3, minFidelity: 1 / 9, seed: 1 };

  it('has one bracket per starting rung, each an ASHA that starts higher', () => {
    expect(bracketCount(hb)).toBe(3);
    expect(bracketOptions(0, hb).minFidelity).toBeCloseTo(1 / 9, 12);
    expect(bracketOptions(1, hb).minFidelity).toBeCloseTo(1 / 3, 12);
    expect(bracketOptions(2, hb).minFidelity).toBe(1);
    expect(topRung(bracketOptions(1, hb))).toBe(1);
  });

  it('assigns trials to brackets deterministically in Hyperband proportions (9 : 5 : 3)', () => {
    const counts = [0, 0, 0];
    for (let t = 0; t < 3400; t++) counts[bracketOfTrial(t, hb)]++;
    expect(counts[0] / 3400).toBeCloseTo(9 / 17, 1);
    expect(counts[1] / 3400).toBeCloseTo(5 / 17, 1);
    expect(counts[2] / 3400).toBeCloseTo(3 / 17, 1);
    expect(bracketOfTrial(42, hb)).toBe(bracketOfTrial(42, hb));
  });

  it('promotes within a bracket and starts new trials at their bracket fidelity', () => {
    const inBracket0 = Array.from({ length: 200 }, (_, t) => t).filter((t) => bracketOfTrial(t, hb) === 0).slice(0, 3);
    const results = inBracket0.map((t, i) => r(t, 0, [0.5, 0.2, 0.4][i]));
    const job = hyperbandNextJob({ results, nextTrialNumber: 200 }, hb);
    expect(job).toMatchObject({ kind: 'promote', trialNumber: inBracket0[1], bracket: 0, rung: 1 });
    expect(job.fidelity).toBeCloseTo(1 / 3, 12);

    const fresh = hyperbandNextJob({ results: [], nextTrialNumber: 7 }, hb);
    expect(fresh).toMatchObject({ kind: 'new', trialNumber: 7, bracket: bracketOfTrial(7, hb), rung: 0 });
    expect(fresh.fidelity).toBeCloseTo(fidelityOfRung(fresh.bracket, hb), 12);
  });
});
