/**
 * @module worker/storage
 * Object-storage layout and reads. Keys are built only from validated names and generated ids:
 *   datasets/{tenant}/{dataset}/{upload id}/raw.csv     the file as uploaded (raw.parquet, raw.zip)
 *   datasets/{tenant}/{dataset}/{upload id}/rows.csv    or the rows appended (rows.parquet)
 *   datasets/{tenant}/{dataset}/{upload id}/data.eac    the typed columnar form (engine/data/columnar-codec)
 *   (a deleted dataset's whole folder goes, leftovers of killed uploads too: deleteFilesBefore)
 *   models/{tenant}/{job id}/{trial id}.json            a trial's fitted artifact (ensemble.json: the job's ensemble)
 *   models/{tenant}/{job id}/{trial id}.oof             its out-of-fold predictions
 *   <artifact key>.drift-ref.json, .importance.json     a published version's derived data
 *   (a deleted model's files are those of the jobs made for it: jobFilesPrefix)
 * Upload ids are unique, so a version's files are never overwritten and R2's one-write-per-second-per-key
 * limit never bites.
 */
import { ApiError } from './errors';
import { giveTurn } from './give-turn';

export const datasetPrefix = (tenant: string, dataset: string, uploadId: string) => `datasets/${tenant}/${dataset}/${uploadId}`;

/** Every file of a dataset, whatever its version, lies under this prefix. */
export const datasetFilesPrefix = (tenant: string, dataset: string) => `datasets/${tenant}/${dataset}/`;

/** Every file a job wrote (its trials' artifacts, the ensemble, derived data) lies under this prefix. */
export const jobFilesPrefix = (tenant: string, jobId: string) => `models/${tenant}/${jobId}/`;

/** Most files a sweep deletes in one request or message (R2 lists and deletes 1,000 at a time). */
export const MAX_SWEPT = 5_000;

/** R2 deletes at most this many keys per call. */
export const DELETE_BATCH = 1000;

/** Deletes every key, DELETE_BATCH per call (one call with more is refused by R2, not by the local runtime). */
export async function deleteKeys(bucket: R2Bucket, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) await bucket.delete(keys.slice(i, i + DELETE_BATCH));
}

/**
 * Deletes the files under `prefix` written before `before` (a deleted dataset's leftovers: files of
 * uploads and appends whose runtime died between writing them and registering the version; younger ones
 * are kept, since an upload in flight may be about to register them), at most `maxFiles` of them: a
 * bound on one request's storage calls, and none in `keep` (files held for a while, see worker/dataset-files).
 * Says how many it deleted and whether it stopped with files left to look at (`more`: the caller sweeps
 * on, later or elsewhere).
 */
export async function deleteFilesBefore(bucket: R2Bucket, prefix: string, before: Date, maxFiles = MAX_SWEPT, keep?: ReadonlySet<string>): Promise<{ deleted: number; more: boolean }> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor, limit: Math.max(1, Math.min(DELETE_BATCH, maxFiles - deleted)) });
    const old = page.objects.filter((o) => o.uploaded < before && !keep?.has(o.key)).map((o) => o.key);
    if (old.length > 0) await bucket.delete(old);
    deleted += old.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor !== undefined && deleted < maxFiles);
  return { deleted, more: cursor !== undefined };
}

/**
 * Object storage itself failed (a read or write threw, as opposed to an object being absent). Transient
 * by nature: routes answer 503 with Retry-After, and the queue consumer lets the message be delivered
 * again instead of failing the trial.
 */
export function storageUnavailable(what: string, err: unknown): ApiError {
  // The store's own message stays in the log: it may name internal keys or hosts.
  console.error(`object storage failed on the ${what}`, err);
  return new ApiError(503, 'storage_unavailable', `object storage could not be reached while handling the ${what}; retry shortly`, { retry_after_seconds: STORAGE_RETRY_AFTER_S });
}

/** Seconds a client is asked to wait after storage_unavailable (Retry-After). */
export const STORAGE_RETRY_AFTER_S = 5;

export const isStorageUnavailable = (err: unknown): err is ApiError => err instanceof ApiError && err.code === 'storage_unavailable';

export async function readObjectBytes(bucket: R2Bucket, key: string, what: string): Promise<Uint8Array> {
  let bytes: ArrayBuffer | undefined;
  try {
    const obj = await bucket.get(key);
    bytes = obj ? await obj.arrayBuffer() : undefined;
  } catch (err) {
    throw storageUnavailable(what, err);
  }
  if (!bytes) throw new ApiError(500, 'storage_missing', `the stored ${what} is missing from object storage`, { key });
  return new Uint8Array(bytes);
}

/** An object's metadata, or null when it is absent; a failure of the store itself becomes storage_unavailable. */
export async function headObject(bucket: R2Bucket, key: string, what: string): Promise<R2Object | null> {
  try {
    return await bucket.head(key);
  } catch (err) {
    throw storageUnavailable(what, err);
  }
}

/** Writes an object; a failure of the store itself becomes storage_unavailable (see above). */
export async function writeObject(
  bucket: R2Bucket,
  key: string,
  value: string | ArrayBuffer | ArrayBufferView,
  what: string,
  contentType?: string,
  customMetadata?: Record<string, string>,
): Promise<void> {
  const options = { ...(contentType ? { httpMetadata: { contentType } } : {}), ...(customMetadata ? { customMetadata } : {}) };
  try {
    const bytes = typeof value === 'string' ? undefined : value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (bytes && bytes.byteLength > PUT_PIECE_BYTES) await putInPieces(bucket, key, bytes, options, giveTurn);
    else await bucket.put(key, value, options);
  } catch (err) {
    throw storageUnavailable(what, err);
  }
}

/** How much of a large object is handed to the store between two turns of the host (putInPieces). */
export const PUT_PIECE_BYTES = 1 << 20;

/**
 * Writes `bytes` as one object (the same object, the same metadata) through a stream of known length fed
 * PUT_PIECE_BYTES at a time, awaiting `yieldControl` (worker/give-turn) after each piece. Given the whole
 * buffer at once, local R2 (wrangler dev) takes a 45 MB upload's file in one go on the thread every
 * request shares: 0.5-0.75 s in which nothing else is answered.
 */
export async function putInPieces(bucket: R2Bucket, key: string, bytes: Uint8Array, options: R2PutOptions, yieldControl: () => Promise<void>): Promise<void> {
  const stream = new FixedLengthStream(bytes.byteLength);
  const writer = stream.writable.getWriter();
  const put = bucket.put(key, stream.readable, options);
  // Handled here and awaited below: a put that fails while pieces are still being written must not go unhandled.
  put.catch(() => undefined);
  try {
    for (let at = 0; at < bytes.byteLength; at += PUT_PIECE_BYTES) {
      await writer.write(bytes.subarray(at, at + PUT_PIECE_BYTES));
      await yieldControl();
    }
    await writer.close();
  } catch (err) {
    // A write fails when the put gave up reading: the put's own error says why.
    await put;
    throw err;
  }
  await put;
}

/**
 * Reads a request body up to `limit` bytes; answers 413 as soon as it is over, without buffering the rest.
 * `what` names the body in that answer (a prediction's CSV is not an upload).
 * The host gets a turn (`yieldControl`, worker/give-turn) after each BODY_TURN_BYTES read: a body already
 * arrived comes in 4 KiB reads that never leave the thread, a 45 MB one in about 1 s. A declared length
 * is allocated before the body is read, not after: a buffer of tens of MB allocated once the chunks fill
 * the heap cost a pause of about 0.2 s, in which nothing else is answered.
 */
export async function readBodyLimited(req: Request, limit: number, what = 'the upload', yieldControl: () => Promise<void> = giveTurn): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit, what);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  // Bytes are copied into `out` as they come while they fit the declared length, kept as chunks otherwise.
  const out = new Uint8Array(Number.isInteger(declared) && declared > 0 ? declared : 0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  let turned = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > limit) {
      await drain(reader, limit);
      throw tooLarge(limit, what);
    }
    if (chunks.length === 0 && size + value.byteLength <= out.length) out.set(value, size);
    else {
      // Nothing declared, or more than declared: the bytes so far and the rest are joined at the end.
      if (chunks.length === 0 && size > 0) chunks.push(out.subarray(0, size));
      chunks.push(value);
    }
    size += value.byteLength;
    if (size - turned >= BODY_TURN_BYTES) {
      turned = size;
      await yieldControl();
    }
  }
  if (chunks.length === 0) return size === out.length ? out : out.slice(0, size);
  return joinChunks(chunks, size);
}

/** Bytes of a request body read between two turns of the host (readBodyLimited). */
export const BODY_TURN_BYTES = 1 << 20;

function joinChunks(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const joined = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    joined.set(c, at);
    at += c.byteLength;
  }
  return joined;
}

/**
 * Reads and drops the rest of a refused body (up to `max` more bytes, then cancels). Cancelling at once
 * left the sending connection in a state where local wrangler dev answered the client's next request
 * with 503 "worker restarted mid-request"; a client that streams (no Content-Length, as the CLI does)
 * gets the 413 once its body is sent, and its connection stays usable.
 */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, max: number): Promise<void> {
  let dropped = 0;
  while (dropped <= max) {
    const { done, value } = await reader.read();
    if (done) return;
    dropped += value.byteLength;
  }
  await reader.cancel();
}

const tooLarge = (limit: number, what: string) => new ApiError(413, 'payload_too_large', `${what} is larger than the ${limit}-byte limit`, { limit });
