/**
 * @module cli/image-files
 * What the CLI does for image files and image models: a PNG or JPEG is recognised by its first bytes as
 * well as its extension (a camera's or scanner's file may have none, and sent as CSV it would fail as an
 * unreadable table); the server's refusal of a predict row's `image` names the file that row came from
 * (`rows[3].image` means nothing to someone who typed file names); and the predict command a hint
 * suggests takes an image file when the model takes images.
 */
import { ApiClientError } from '../client';

/** Extensions sent as images. */
const IMAGE_NAME = /\.(png|jpe?g)$/i;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

const startsWith = (bytes: Uint8Array, signature: readonly number[]) => bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);

/** Whether a predict file is an image: by its extension, or by a PNG or JPEG signature whatever its name. */
export function isImageFile(path: string, bytes: Uint8Array): boolean {
  return IMAGE_NAME.test(path) || startsWith(bytes, PNG_SIGNATURE) || startsWith(bytes, JPEG_SIGNATURE);
}

/**
 * A server refusal of `rows[k].image` (k already counted over all the files, see predict-batches
 * shiftPosition) as one naming the k-th file; any other error unchanged.
 */
export function nameImageFile(err: unknown, files: readonly string[]): unknown {
  if (!(err instanceof ApiClientError) || err.details.field !== 'image') return err;
  const row = err.details.row;
  const file = typeof row === 'number' ? files[row] : undefined;
  if (file === undefined) return err;
  const message = err.message.replace(/^rows\[\d+\]\.image\b/, file);
  return new ApiClientError(err.status, err.code, message, { ...err.details, file }, err.request);
}

/** The hint pointing from `forecast` to `predict`, with the kind of file the model takes. */
export function predictCommandHint(command: string, model: string, takesImages: boolean): string {
  return `ask it for predictions with \`${command} predict ${model} ${takesImages ? 'IMAGE.png' : 'FILE.csv'}\``;
}
