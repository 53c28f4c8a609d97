/**
 * @module engine/data/profile-size
 * Keeps a dataset version's profile within what one row of the Registry's SQLite holds (2 MB per value):
 * the profile is stored whole, and its coded columns' `top` values are cells of up to the field limit
 * (64 KiB). Four columns of distinct 60-KB cells would list 2.4 MB of them, and the upload would fail
 * after reading the whole file. Past TOP_VALUES_BUDGET characters in all, every listed value is cut to
 * the longest length that fits (never under MIN_VALUE_CHARS) and marked `truncated`: its count stays
 * right, and a form offering typical values leaves it out (a cut value is no value the column holds).
 */
import type { ColumnProfile } from './infer-schema';

/** Characters all columns' listed values may take together: a quarter of the 2-MB row. */
export const TOP_VALUES_BUDGET = 512 * 1024;
/** Shortest a listed value is cut to, however many columns share the budget. */
const MIN_VALUE_CHARS = 64;

export function boundTopValues(profile: readonly ColumnProfile[]): ColumnProfile[] {
  const lengths: number[] = [];
  for (const p of profile) for (const t of p.top ?? []) lengths.push(t.value.length);
  const total = (cap: number) => lengths.reduce((s, n) => s + Math.min(n, cap), 0);
  if (total(Infinity) <= TOP_VALUES_BUDGET) return [...profile];
  // The longest cut that fits: the total grows with the cut, so a binary search finds it.
  let low = MIN_VALUE_CHARS;
  let high = Math.max(...lengths);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (total(mid) <= TOP_VALUES_BUDGET) low = mid;
    else high = mid - 1;
  }
  const cap = low;
  return profile.map((p) => (p.top && p.top.some((t) => t.value.length > cap) ? { ...p, top: p.top.map((t) => (t.value.length > cap ? { value: t.value.slice(0, cap), count: t.count, truncated: true as const } : t)) } : p));
}
