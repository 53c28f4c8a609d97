/**
 * @module engine/models/knn/top-k
 * The k nearest candidates seen so far, as a bounded max-heap over two typed arrays: offering a candidate
 * costs one comparison when it is not among the k best and O(log k) when it is, and nothing is allocated
 * per query. Pairs are ordered by distance, then row, so among equal distances the earlier row is nearer
 * and the neighbours do not depend on heap internals.
 */

/** A reusable top-k (smallest) selector of (distance, row) pairs. */
export class TopK {
  readonly dist: Float64Array;
  readonly row: Int32Array;
  private n = 0;

  constructor(readonly k: number) {
    this.dist = new Float64Array(k);
    this.row = new Int32Array(k);
  }

  /** Empties the selector for the next query. */
  reset(): void {
    this.n = 0;
  }

  /** How many pairs are held (k once at least k were offered). */
  get size(): number {
    return this.n;
  }

  /** The largest distance held once full (a candidate must not exceed it), otherwise +Infinity. */
  get bound(): number {
    return this.n < this.k ? Infinity : this.dist[0];
  }

  /** Offers a candidate; kept when fewer than k are held or it is nearer than the farthest held. */
  offer(d: number, r: number): void {
    const dist = this.dist;
    const row = this.row;
    if (this.n < this.k) {
      let i = this.n++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!farther(d, r, dist[parent], row[parent])) break;
        dist[i] = dist[parent];
        row[i] = row[parent];
        i = parent;
      }
      dist[i] = d;
      row[i] = r;
      return;
    }
    if (!farther(dist[0], row[0], d, r)) return;
    // Replace the root (the farthest) and sift the candidate down.
    const n = this.n;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const c = l + 1 < n && farther(dist[l + 1], row[l + 1], dist[l], row[l]) ? l + 1 : l;
      if (!farther(dist[c], row[c], d, r)) break;
      dist[i] = dist[c];
      row[i] = row[c];
      i = c;
    }
    dist[i] = d;
    row[i] = r;
  }
}

/** Whether (d1, r1) is farther than (d2, r2): larger distance, or equal distance and later row. */
function farther(d1: number, r1: number, d2: number, r2: number): boolean {
  return d1 > d2 || (d1 === d2 && r1 > r2);
}
