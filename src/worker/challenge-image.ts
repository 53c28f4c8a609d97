/**
 * @module worker/challenge-image
 * The image a job compared with an image champion reads (a challenge by hand, job-challenge, or a
 * scheduled retraining, retrain): the champion's. A challenger that wins serves the champion's clients,
 * so it must take the rows and image files they send: the same sides and channels, read from the same
 * columns. Where the request leaves the image out, the champion's is taken, as a scheduled retraining
 * takes it: its sides when its pixel columns are not named `px_*` (an image job given its shape read
 * `p0..p63` in file order, and nothing in those names tells the shape again) and its flips (whether a mirrored image keeps its label is a fact
 * of the data, not of one job). What the request gives wins, except sides other than the champion's,
 * which are refused naming the field, as is data whose pixels would be another grid or other columns.
 * The champion's pixel range is kept where the data's pixels are on its scale (job-inputs
 * resolveImageShape): image files are 0..255 and pixels of another scale read their own.
 */
import { type ImageShape, pixelCount } from '../engine/core/image-shape';
import { pixelColumnNames } from '../engine/data/images/pixel-columns';
import { ApiError } from './errors';
import type { CreateJobBody } from './schemas';

type ImageRequest = CreateJobBody['image'];

const SIDES = ['height', 'width', 'channels'] as const;

/** "8x8x1": height by width by channels, as the job's own refusals write a shape. */
const shapeText = (s: Pick<ImageShape, 'height' | 'width' | 'channels'>) => `${s.height}x${s.width}x${s.channels}`;

/** What the champion is, in refusals: `champion v2 of model "digits"`. */
const championText = (model: string, version: number) => `champion v${version} of model "${model}"`;

/**
 * The request's `image` with what it leaves out taken from the champion's (see the module comment).
 * Sides the request gives that are not the champion's are refused now, before the data is read.
 */
export function challengeImageRequest(requested: ImageRequest, champion: ImageShape, model: string, version: number): NonNullable<ImageRequest> {
  for (const side of SIDES) {
    const given = requested?.[side];
    if (given !== undefined && given !== champion[side]) throw otherShape(champion, { ...champion, [side]: given }, model, version, `image.${side}`);
  }
  // px_* names tell the sides by themselves: given too, a grid of other sides would be refused by the
  // name check (job-inputs) in words about image.height the user never sent, not about the champion.
  const sides = champion.columnNames ? { height: champion.height, width: champion.width, channels: champion.channels } : {};
  return {
    ...sides,
    ...requested,
    ...(requested?.flip_invariant === undefined && champion.flipInvariant ? { flip_invariant: true } : {}),
  };
}

/**
 * Refuses a challenger whose pixels are not the champion's: another grid (a zip of other sizes, a CSV of
 * other px_* columns), or the same grid read from other columns (a CSV whose plain names changed), which
 * would refuse the rows the champion's clients send. `field` names what to change: the request's image
 * when it gave sides, else the data.
 */
export function checkChallengerImage(champion: ImageShape, challenger: ImageShape, requested: ImageRequest, model: string, version: number): void {
  const given = SIDES.some((side) => requested?.[side] !== undefined);
  if (SIDES.some((side) => champion[side] !== challenger[side])) throw otherShape(champion, challenger, model, version, given ? 'image' : 'dataset');
  const theirs = pixelColumnNames(champion);
  const ours = pixelColumnNames(challenger);
  const at = theirs.findIndex((name, k) => name !== ours[k]);
  if (at < 0) return;
  const span = (names: readonly string[]) => `"${names[0]}" to "${names[names.length - 1]}"`;
  throw new ApiError(
    400,
    'invalid_dataset',
    `image: ${championText(model, version)} reads its ${pixelCount(champion)} pixels from the columns ${span(theirs)}, and this job's data has "${ours[at]}" where it reads "${theirs[at]}" (${span(ours)}): a challenger that won would refuse the rows the champion's clients send; name the columns as the champion's data did (a model reading other columns is another model: train it under another name)`,
    { field: 'dataset', column: ours[at], champion_column: theirs[at] },
  );
}

/** The refusal of a challenger of other sides than the champion's. */
function otherShape(champion: ImageShape, challenger: Pick<ImageShape, 'height' | 'width' | 'channels'>, model: string, version: number, field: string): ApiError {
  const fix = field.startsWith('image') ? "leave image.height, image.width and image.channels out (a challenger takes the champion's)" : "train on images of the champion's size";
  return new ApiError(
    400,
    'invalid_request',
    `image: ${championText(model, version)} reads ${shapeText(champion)} images (height x width x channels), and this job's would read ${shapeText(challenger)}: a challenger that won would refuse the images the champion's clients send; ${fix} (a model of another size is another model: train it under another name)`,
    { field, champion: { height: champion.height, width: champion.width, channels: champion.channels } },
  );
}
