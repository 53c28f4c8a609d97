/**
 * @module dashboard/best-so-far
 * The "best so far" line of a job's trial chart: after each trial (in trial order), the best score of the
 * full-fidelity trials finished so far. A multi-fidelity job's early rungs score trials on a fraction of
 * the rows (or epochs), which neither compares with a full trial's score nor can be published, so they do
 * not count; before the first full-fidelity trial the line has no value (null: a gap).
 * @param {{score: number, fidelity?: number}[]} scored trials with a score, in trial order
 * @param {boolean} greaterIsBetter the metric's direction
 * @returns {(number | null)[]}
 */
export function bestSoFar(scored, greaterIsBetter) {
  let best = null;
  return scored.map((t) => {
    const full = (t.fidelity ?? 1) === 1;
    if (full && (best === null || (greaterIsBetter ? t.score > best : t.score < best))) best = t.score;
    return best;
  });
}
