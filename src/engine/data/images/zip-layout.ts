/**
 * @module engine/data/images/zip-layout
 * Where the class folders of an image zip sit. Below any chain of single folders wrapping every image:
 * zipping a folder adds one, zipping the folder around it another (`outer/inner/cats/…`), and each was
 * once taken for the only class. And when the folders found there are all named like dataset splits
 * (`train`, `test`, `valid`, …) with class folders inside (Kaggle's layout, `pets/train/cats/…`), one
 * level further down, in every split: read as classes, the splits became a "train vs test" dataset
 * without a word. Judged on the PNG/JPEG files only, so a README or licence beside a wrapper does not
 * hide it.
 */

/** Most wrapping folders looked through: past this many the layout is not a zip of a folder of classes. */
export const MAX_WRAPPERS = 8;

/**
 * Names of dataset splits, in any case, with an optional suffix (`train_set`, `test-images`) and an
 * optional one-word prefix (Intel's `seg_train`, `seg_test` and `seg_pred`, the last of images to predict).
 */
const SPLIT_NAME_RE = /^([a-z0-9]+[ _-])?(train(ing)?|test(ing)?|val(id(ation)?)?|dev|eval(uation)?|pred(ict(ions?)?)?)([ _-]?(set|data|split|images?))?$/i;

/** Anything with path segments: a zip entry. */
interface HasSegments {
  readonly segments: readonly string[];
}

export interface ZipLayout {
  /** How many wrapping folders come before the class (or split) folders. */
  readonly depth: number;
  /** The split folders' names, when the class folders are one level down inside them. */
  readonly splits?: readonly string[];
  /**
   * Single folders wrapping a split's class folders, by split (Kaggle's `training_set/training_set/cats`,
   * as extracting a split's own zip in place makes): looked through, as wrappers of the whole zip are.
   * Taken for the class level, they were the classes, and the job learnt which split an image was in.
   * A split's only folder named as the split wraps it even when it holds images directly (Intel's
   * `seg_pred/seg_pred/1.jpg`): those are unlabelled, not a class named after the split.
   */
  readonly splitWrappers?: ReadonlyMap<string, readonly string[]>;
}

/**
 * The layout of a zip's images (their entries): the wrapping folders to look through and the split
 * folders, if any.
 * @example zipLayout(entries of 'a/b/cats/1.png', 'a/b/dogs/2.png') // {depth: 2}
 */
export function zipLayout(images: readonly HasSegments[]): ZipLayout {
  let depth = 0;
  while (depth < MAX_WRAPPERS && wrapsEverything(images, depth)) depth++;
  const splits = splitFolders(images, depth);
  if (!splits) return { depth };
  const splitWrappers = new Map<string, string[]>();
  for (const split of splits) {
    const inside = images.filter((e) => e.segments[depth] === split);
    let inner = depth + 1;
    while (inner - depth - 1 < MAX_WRAPPERS && wrapsEverything(inside, inner)) inner++;
    if (inner > depth + 1) splitWrappers.set(split, inside[0].segments.slice(depth + 1, inner));
    else if (inside.every((e) => e.segments.length >= depth + 3 && e.segments[depth + 1] === split)) splitWrappers.set(split, [split]);
  }
  return splitWrappers.size > 0 ? { depth, splits, splitWrappers } : { depth, splits };
}

/** `entry` with its split's wrapping folders (ZipLayout.splitWrappers) left out of its path; itself when it has none. */
export function withoutSplitWrapper<E extends HasSegments>(entry: E, layout: ZipLayout): E {
  const wrappers = layout.splitWrappers?.get(entry.segments[layout.depth]);
  if (!wrappers) return entry;
  const from = layout.depth + 1;
  if (!wrappers.every((name, k) => entry.segments[from + k] === name)) return entry;
  return { ...entry, segments: [...entry.segments.slice(0, from), ...entry.segments.slice(from + wrappers.length)] };
}

/**
 * Whether the folder at `depth` wraps every image with the class folders inside it: one folder around
 * them all, holding two or more folders of images or no image of its own. A folder of images with a
 * single subfolder is one class, not a wrapper (an image loose in a wrapper beside two class folders is
 * refused later, naming it).
 */
function wrapsEverything(images: readonly HasSegments[], depth: number): boolean {
  const roots = new Set(images.map((e) => e.segments[depth]));
  if (roots.size !== 1) return false;
  const deeper = images.filter((e) => e.segments.length >= depth + 3);
  return deeper.length === images.length || new Set(deeper.map((e) => e.segments[depth + 1])).size >= 2;
}

/**
 * The split folders at `depth`: two or more folders, every one named like a split, at least one of them
 * holding class folders. Undefined for any other layout (a class named "test" beside "cats" stays a class).
 */
function splitFolders(images: readonly HasSegments[], depth: number): string[] | undefined {
  const tops = new Set(images.map((e) => e.segments[depth]));
  if (tops.size < 2 || images.some((e) => e.segments.length < depth + 2)) return undefined;
  if (![...tops].every((name) => SPLIT_NAME_RE.test(name))) return undefined;
  if (!images.some((e) => e.segments.length >= depth + 3)) return undefined;
  return [...tops].sort();
}
