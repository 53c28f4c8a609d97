/**
 * The CLI's handling of image files for `predict` and image models for `forecast` (cli/image-files), in
 * plain Node: a PNG or JPEG is recognised by its first bytes whatever its name, and so are the image
 * formats the server does not decode and the zip and Parquet files upload reads; a server refusal of
 * `rows[k].image` names the k-th file (also when the files went in several batches), and the predict
 * command suggested for an image model takes an image file.
 */
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { ApiClientError } from '../../src/client';
import { sniffFile } from '../../src/cli/file-magic';
import { isImageFile, nameImageFile, oversizedImage, predictCommandHint, unsupportedImageFormat } from '../../src/cli/image-files';
import { shiftPosition } from '../../src/cli/predict-batches';

const png = encodePng({ width: 1, height: 1, channels: 1, depth: 8, data: Uint8Array.of(7) });
const jpegStart = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 16);

describe('image files', () => {
  it('are recognised by their signature, or by their extension', () => {
    expect(isImageFile('scan', png)).toBe(true);
    expect(isImageFile('photo.webcam', jpegStart)).toBe(true);
    expect(isImageFile('cat.JPG', new Uint8Array(0))).toBe(true);
    expect(isImageFile('saved by a browser.jfif', new Uint8Array(0))).toBe(true);
    expect(isImageFile('table.csv', new TextEncoder().encode('a,b\n1,2\n'))).toBe(false);
    expect(isImageFile('data', new TextEncoder().encode('\u0089PNG as text'))).toBe(false);
  });

  it('too large for one predict request once base64-encoded are named, with what to do', () => {
    const files = [
      { path: 'small.png', bytes: new Uint8Array(1000) },
      { path: 'huge.jpg', bytes: new Uint8Array(7 * 1048576) },
    ];
    const big = oversizedImage(files, 8 * 1048576);
    expect(big?.path).toBe('huge.jpg');
    expect(big?.message).toMatch(/^the image is 7\.0 MiB, over the 6\.0 MiB a predict request can carry once base64-encoded \(8\.0 MiB a request\); scale it down first/);
    expect(oversizedImage(files.slice(0, 1), 8 * 1048576)).toBeUndefined();
  });

  it('in a format the server does not decode are told by their first bytes, or by their extension', () => {
    const bytes = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0));
    expect(unsupportedImageFormat('square.gif', bytes('GIF89a\x01\x00'))).toBe('GIF');
    expect(unsupportedImageFormat('upload', bytes('GIF87a'))).toBe('GIF');
    expect(unsupportedImageFormat('x', bytes('RIFF\x24\x00\x00\x00WEBPVP8 '))).toBe('WebP');
    expect(unsupportedImageFormat('x', bytes('BM\x36\x00\x0c\x00\x00\x00\x00\x00'))).toBe('BMP');
    expect(unsupportedImageFormat('x', bytes('\x00\x00\x00\x18ftypheic'))).toBe('HEIC');
    expect(unsupportedImageFormat('scan.TIF', new Uint8Array(0))).toBe('TIFF');
    // A CSV whose header starts like a bitmap, a PNG misnamed .gif, and a table are not.
    expect(unsupportedImageFormat('bmi.csv', bytes('BMI,age,weight\n'))).toBeUndefined();
    expect(unsupportedImageFormat('misnamed.gif', png)).toBeUndefined();
    expect(unsupportedImageFormat('notes.txt', bytes('hello\n'))).toBeUndefined();
    expect([sniffFile(bytes('PK\x03\x04\x14\x00')), sniffFile(bytes('PAR1\x15\x04')), sniffFile(png), sniffFile(bytes('a,b\n'))]).toEqual(['zip', 'parquet', 'png', undefined]);
  });

  it("name the file a server refusal of rows[k].image is about, across batches", () => {
    const files = ['a.png', 'b.jpg', 'dir/c.png'];
    const refusal = new ApiClientError(400, 'invalid_request', 'rows[1].image: a truncated or damaged PNG', { row: 1, field: 'image' }, 'POST /v1/models/m/predict');
    // The second batch started at file 1: its row 1 is the file list's row 2.
    const named = nameImageFile(shiftPosition(refusal, 'row', 1), files) as ApiClientError;
    expect(named).toBeInstanceOf(ApiClientError);
    expect(named.message).toBe('dir/c.png: a truncated or damaged PNG');
    expect(named.details).toEqual({ row: 2, field: 'image', file: 'dir/c.png' });
    expect(named.request).toBe('POST /v1/models/m/predict');
    const other = new ApiClientError(404, 'model_not_found', 'model "m" does not exist', { model: 'm' });
    expect(nameImageFile(other, files)).toBe(other);
  });
});

describe('the predict command a hint suggests', () => {
  it('takes an image file for an image model and a CSV file otherwise', () => {
    expect(predictCommandHint('edge-automl', 'pets', true)).toBe('ask it for predictions with `edge-automl predict pets IMAGE.png`');
    expect(predictCommandHint('edge-automl', 'credit', false)).toBe('ask it for predictions with `edge-automl predict credit FILE.csv`');
  });
});
