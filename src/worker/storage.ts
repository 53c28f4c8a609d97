/**
 * @module worker/storage
 * Object-storage layout and reads. Keys are built only from validated names and generated ids:
 *   datasets/{tenant}/{dataset}/{upload id}/raw.csv     the file as uploaded
 *   datasets/{tenant}/{dataset}/{upload id}/data.eac    the typed columnar form (engine/data/columnar-codec)
 *   models/{tenant}/{job id}/{trial id}.json            a trial's fitted artifact
 * Upload ids are unique, so a version's files are never overwritten and R2's one-write-per-second-per-key
 * limit never bites.
 */
import { ApiError } from './errors';

export const datasetPrefix = (tenant: string, dataset: string, uploadId: string) => `datasets/${tenant}/${dataset}/${uploadId}`;

export async function readObjectBytes(bucket: R2Bucket, key: string, what: string): Promise<Uint8Array> {
  const obj = await bucket.get(key);
  if (!obj) throw new ApiError(500, 'storage_missing', `the stored ${what} is missing from object storage`, { key });
  return new Uint8Array(await obj.arrayBuffer());
}

/** Reads a request body up to `limit` bytes; answers 413 as soon as it is over, without buffering the rest. */
export async function readBodyLimited(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const tooLarge = (limit: number) => new ApiError(413, 'payload_too_large', `the upload is larger than the ${limit}-byte limit`, { limit });
