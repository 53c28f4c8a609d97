/**
 * @module engine/search/samplers/index-permutation
 * A seeded pseudo-random permutation of 0..size-1 computed one index at a time: a four-round Feistel
 * network on the smallest even number of bits that covers `size`, with cycle-walking to stay inside it.
 * The grid sampler uses it to visit a large grid in a scattered order without materialising the grid.
 */

/** A 32-bit integer mix (the murmur3 finaliser). */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The image of `index` under the permutation of [0, size) chosen by `key`. Bijective for every key;
 * `size` may be up to 2^32. Expected cost is a few Feistel evaluations, since the domain is under 4·size.
 */
export function permuteIndex(index: number, size: number, key: number): number {
  if (size <= 1) return 0;
  let bits = Math.max(2, Math.ceil(Math.log2(size)));
  if (bits % 2 === 1) bits++;
  const half = bits / 2;
  const mask = 2 ** half - 1;
  let x = index;
  do {
    let left = Math.floor(x / 2 ** half);
    let right = x % 2 ** half;
    for (let round = 0; round < 4; round++) {
      const next = (left ^ (mix(right ^ mix(key + round)) & mask)) >>> 0;
      left = right;
      right = next;
    }
    x = left * 2 ** half + right;
  } while (x >= size);
  return x;
}
