/**
 * @module engine/models/forest/occupied-bins
 * The set of bins a node's rows occupy in one feature, kept as a bitmap of 32-bit words: a bin is a byte,
 * so eight words cover any feature. Marking costs one OR per row; listing the set in ascending order costs
 * a step per word and per bin found, where keeping a sorted list as rows arrive costs up to m²/2 moves
 * and testing every bin of the feature costs a step per bin.
 */

/** Words of a bitmap over `nBins` bins. */
export function bitmapWords(nBins: number): number {
  return (nBins + 31) >>> 5;
}

/**
 * Copies the bins of rows `indices[start, start + n)` in one column (`binned[base + row]`) to `out[0, n)`
 * in node order, and sets them in `bits[0, words)`. A single word (at most 32 bins: most categorical
 * features) is built in a local, because or-ing into memory chains every row through a store and a reload.
 */
export function gatherBins(
  binned: Uint8Array,
  base: number,
  indices: Uint32Array,
  start: number,
  n: number,
  out: Uint8Array,
  bits: Int32Array,
  words: number,
): void {
  if (words === 1) {
    let x = 0;
    for (let i = 0; i < n; i++) {
      const b = binned[base + indices[start + i]];
      out[i] = b;
      x |= 1 << b;
    }
    bits[0] = x;
    return;
  }
  for (let k = 0; k < words; k++) bits[k] = 0;
  for (let i = 0; i < n; i++) {
    const b = binned[base + indices[start + i]];
    out[i] = b;
    bits[b >>> 5] |= 1 << (b & 31);
  }
}

/** Writes the bins set in `bits[0, words)` to `out` in ascending order; returns how many. */
export function listOccupied(bits: Int32Array, words: number, out: Int32Array): number {
  let m = 0;
  for (let k = 0; k < words; k++) {
    let x = bits[k];
    while (x !== 0) {
      const low = x & -x;
      out[m++] = (k << 5) | (31 - Math.clz32(low));
      x ^= low;
    }
  }
  return m;
}

/** Whether bin `b` is set. */
export function isOccupied(bits: Int32Array, b: number): boolean {
  return (bits[b >>> 5] & (1 << (b & 31))) !== 0;
}

/** The lowest bin set in `bits[0, words)`, or -1 when none is. */
export function lowestOccupied(bits: Int32Array, words: number): number {
  for (let k = 0; k < words; k++) {
    const x = bits[k];
    if (x !== 0) return (k << 5) | (31 - Math.clz32(x & -x));
  }
  return -1;
}

/** The highest bin set in `bits[0, words)`, or -1 when none is. */
export function highestOccupied(bits: Int32Array, words: number): number {
  for (let k = words - 1; k >= 0; k--) {
    const x = bits[k];
    if (x !== 0) return (k << 5) | (31 - Math.clz32(x));
  }
  return -1;
}
