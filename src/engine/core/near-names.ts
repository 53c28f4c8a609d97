/**
 * @module engine/core/near-names
 * The names a misspelt one was probably meant to be: a refusal of a column "clas" that lists 21 columns
 * leaves the user to find "class" among them (a CLI cuts such a list short, and the target is often the
 * last column), so refusals name the near ones first. Near is the same name in another case, or one within
 * a small edit distance (none for names of one or two characters, one edit up to 5 characters, two beyond), nearest first.
 */

/** At most `max` of `names` near `asked`, nearest first (ties in the order given); none when nothing is near. */
export function nearNames(asked: string, names: readonly string[], max = 3): string[] {
  const lower = asked.toLowerCase();
  // Names of one or two characters are near only in another case: any one-letter name is an edit away.
  const allowed = lower.length <= 2 ? 0 : lower.length <= 5 ? 1 : 2;
  const scored: { name: string; distance: number; order: number }[] = [];
  names.forEach((name, order) => {
    if (name === asked) return;
    const distance = name.toLowerCase() === lower ? 0 : editDistance(lower, name.toLowerCase(), allowed);
    if (distance <= allowed) scored.push({ name, distance, order });
  });
  return scored
    .sort((a, b) => a.distance - b.distance || a.order - b.order)
    .slice(0, max)
    .map((s) => s.name);
}

/** What a refusal adds after naming the missing column: ` (did you mean "class"?)`, or '' when nothing is near. */
export function nearNamesHint(asked: string, names: readonly string[]): string {
  const near = nearNames(asked, names);
  if (near.length === 0) return '';
  const quoted = near.map((n) => `"${n}"`);
  return ` (did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?)`;
}

/** What a refusal's details add: `{did_you_mean: [...]}`, or nothing when no name is near. */
export function nearNamesDetail(asked: string, names: readonly string[]): { did_you_mean?: string[] } {
  const near = nearNames(asked, names);
  return near.length === 0 ? {} : { did_you_mean: near };
}

/**
 * Edit distance between a and b counting a swap of two neighbouring letters as one edit ("lable" for
 * "label": optimal string alignment), or `limit + 1` as soon as it must exceed `limit` (names of very
 * different lengths, or a row of the table all over it). Tables have at most 1,000 columns, image tables
 * 12,352 short ones: a full table per name stays a few milliseconds in all.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      current[j] = d;
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length];
}
