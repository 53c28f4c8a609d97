/**
 * A large upload gives the thread's turn away while it is read (worker/give-turn): a request that comes
 * in meanwhile on the same isolate is answered in a small part of the upload's time, instead of waiting
 * for its whole parse, typing and profiling (a GET waited 9.4 s behind a 26 MB upload under wrangler dev).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, probeWhile } from './helpers';

const ROWS = 80_000;
const CITIES = ['Paris', 'Lyon', 'Lille', 'Nantes', 'Brest', 'Metz', 'Nice'];

/** About 4 MB: numbers, categories, booleans, a date, one quoted field in every thousand rows (the papaparse path that scans). */
function bigCsv(quoted: boolean): string {
  const lines = ['id,amount,rate,city,flag,day,label'];
  for (let i = 0; i < ROWS; i++) {
    const city = quoted && i % 1000 === 7 ? '"Saint-Denis, 93"' : CITIES[(i * 7) % CITIES.length];
    const day = `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    lines.push(`${i},${(i * 7919) % 100_003},${((i * 31) % 997) / 10},${city},${i % 3 === 0 ? 'true' : 'false'},${day},${i % 5 === 0 ? 'bad' : 'good'}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Uploads `csv` while GET /v1/models is sent again and again, each after the answer to the one before;
 * the upload's time, and each probe's time from its sending to its answer.
 */
async function uploadWhileProbing(name: string, csv: string): Promise<{ uploadMs: number; probesMs: number[]; status: number; rows: number }> {
  const started = performance.now();
  const upload = call('PUT', `/v1/datasets/${name}`, csv).then(async (res) => {
    const body = await json(res);
    return { status: res.status, rows: body.rows as number, uploadMs: performance.now() - started };
  });
  const { result, probesMs } = await probeWhile(upload);
  return { ...result, probesMs };
}

describe('a large upload and a request beside it', () => {
  // The first request loads the Worker's modules and the registry: not part of what is measured.
  beforeAll(async () => {
    expect((await call('GET', '/v1/models')).status).toBe(200);
  });

  for (const quoted of [false, true]) {
    it(`answers the request long before the upload is done (${quoted ? 'quoted' : 'quote-free'} CSV)`, async () => {
      const { uploadMs, probesMs, status, rows } = await uploadWhileProbing(`big-${quoted ? 'quoted' : 'plain'}`, bigCsv(quoted));
      const sorted = [...probesMs].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      console.log(`upload ${Math.round(uploadMs)} ms; ${probesMs.length} probes, median ${Math.round(median)} ms, worst ${Math.round(sorted[sorted.length - 1])} ms`);
      expect(status).toBe(201);
      expect(rows).toBe(ROWS);
      // Reading takes a while, so the bound below means something: not a probe's few milliseconds.
      expect(uploadMs).toBeGreaterThan(300);
      // Probes kept being answered during the upload, none waiting more than a small part of it (reading
      // at once, one probe waited for nearly all of it).
      expect(probesMs.length).toBeGreaterThanOrEqual(5);
      expect(Math.max(...probesMs)).toBeLessThan(uploadMs / 3);
    });
  }
});
