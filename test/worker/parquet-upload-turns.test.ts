/**
 * A large Parquet upload gives the thread's turn away while it is decoded (engine/data/parquet in pieces,
 * worker/give-turn): a request that comes in meanwhile on the same isolate is answered in a small part
 * of the decode's time. The file's last cell is over the field limit, so the upload is refused right
 * after decoding and the decode is all the probes wait behind (decoded at once, one probe waited for it all).
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, probeWhile } from './helpers';

const ROWS = 500_000;
const CITIES = ['Paris', 'Lyon', 'Lille', 'Nantes', 'Brest', 'Metz', 'Nice'];

/** About 7 MB: integers, doubles, categories, booleans, texts; the last text 70,000 bytes long. */
function bigParquet(): Uint8Array {
  const ids = Array.from({ length: ROWS }, (_, i) => i);
  const notes = ids.map((i) => `n${(i * 2654435761) % 1_000_003}`);
  notes[ROWS - 1] = 'x'.repeat(70_000);
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ids, type: 'INT32' },
        { name: 'rate', data: ids.map((i) => ((i * 31) % 997) / 10), type: 'DOUBLE' },
        { name: 'city', data: ids.map((i) => CITIES[(i * 7) % CITIES.length]), type: 'STRING' },
        { name: 'flag', data: ids.map((i) => i % 3 === 0), type: 'BOOLEAN' },
        { name: 'note', data: notes, type: 'STRING' },
      ],
      rowGroupSize: 100_000,
    }),
  );
}

describe('a large Parquet upload and a request beside it', () => {
  // The first request loads the Worker's modules and the registry: not part of what is measured.
  beforeAll(async () => {
    expect((await call('GET', '/v1/models')).status).toBe(200);
  });

  it('answers the request long before the file is decoded, and refuses the file as before', async () => {
    const bytes = bigParquet();
    const started = performance.now();
    const upload = call('PUT', '/v1/datasets/big-parquet', bytes, { 'content-type': 'application/vnd.apache.parquet' }).then(async (res) => {
      const body = await json(res);
      return { status: res.status, body, uploadMs: performance.now() - started };
    });
    const { result, probesMs } = await probeWhile(upload);
    const { status, body, uploadMs } = result;
    console.log(`upload ${Math.round(uploadMs)} ms; ${probesMs.length} probes, worst ${Math.round(Math.max(...probesMs))} ms`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'field_too_long', details: { row: ROWS, column: 'note', limit: 65_536 } });
    // Decoding takes a while, so the bound below means something: not a probe's few milliseconds.
    expect(uploadMs).toBeGreaterThan(300);
    expect(probesMs.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...probesMs)).toBeLessThan(uploadMs / 2);
  });
});
