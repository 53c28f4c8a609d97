/**
 * @module cli/image-files
 * What the CLI does for image files and image models: a PNG or JPEG is recognised by its first bytes as
 * well as its extension (a camera's or scanner's file may have none, and sent as CSV it would fail as an
 * unreadable table), and so is an image in a format the server does not decode (a GIF sent as CSV was
 * refused as text that is not UTF-8, with advice about Windows spreadsheets); the server's refusal of a predict row's `image` names the file that row came from
 * (`rows[3].image` means nothing to someone who typed file names); and the predict command a hint
 * suggests takes an image file when the model takes images.
 */
import { ApiClientError } from '../client';
import { sniffFile } from './file-magic';

/** Extensions sent as images (.jfif, .jpe and .jif are JPEGs: a browser on Windows often saves them so). */
const IMAGE_NAME = /\.(png|jpe?g|jpe|jfif|jif)$/i;

/** Image formats the server does not decode, by extension, with the name a person knows them by. */
const UNSUPPORTED_IMAGE_NAMES: readonly [RegExp, string][] = [
  [/\.gif$/i, 'GIF'],
  [/\.bmp$/i, 'BMP'],
  [/\.webp$/i, 'WebP'],
  [/\.tiff?$/i, 'TIFF'],
  [/\.hei[cf]$/i, 'HEIC'],
  [/\.avif$/i, 'AVIF'],
];
const UNSUPPORTED_IMAGE_KINDS: Record<string, string> = { gif: 'GIF', bmp: 'BMP', webp: 'WebP', tiff: 'TIFF', heic: 'HEIC', avif: 'AVIF' };

/** Whether a predict file is an image: by its extension, or by a PNG or JPEG signature whatever its name. */
export function isImageFile(path: string, bytes: Uint8Array): boolean {
  const kind = sniffFile(bytes);
  return IMAGE_NAME.test(path) || kind === 'png' || kind === 'jpeg';
}

/**
 * The format of an image the server cannot decode ("GIF"), by its first bytes or else its extension;
 * undefined for anything else. A PNG or JPEG misnamed .gif is not one.
 */
export function unsupportedImageFormat(path: string, bytes: Uint8Array): string | undefined {
  const kind = sniffFile(bytes);
  if (kind !== undefined) return UNSUPPORTED_IMAGE_KINDS[kind];
  return UNSUPPORTED_IMAGE_NAMES.find(([re]) => re.test(path))?.[1];
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

/**
 * The first image file too large for one predict request once base64-encoded (4 bytes a 3, inside its
 * JSON row), with what to do; undefined when every one fits. The server's answer to it would be a 413
 * naming no file.
 */
export function oversizedImage(files: readonly { readonly path: string; readonly bytes: Uint8Array }[], maxBodyBytes: number): { path: string; message: string } | undefined {
  // Room for the row and the body around it: {"rows":[{"image":"…"}],"version":N}.
  const room = maxBodyBytes - 1024;
  const big = files.find((f) => Math.ceil(f.bytes.length / 3) * 4 > room);
  if (!big) return undefined;
  const mb = (n: number) => (n / 1048576).toFixed(1);
  return { path: big.path, message: `the image is ${mb(big.bytes.length)} MiB, over the ${mb((room * 3) / 4)} MiB a predict request can carry once base64-encoded (${mb(maxBodyBytes)} MiB a request); scale it down first (the model reads it at its own small size anyway)` };
}

/** The hint pointing from `forecast` to `predict`, with the kind of file the model takes. */
export function predictCommandHint(command: string, model: string, takesImages: boolean): string {
  return `ask it for predictions with \`${command} predict ${model} ${takesImages ? 'IMAGE.png' : 'FILE.csv'}\``;
}
