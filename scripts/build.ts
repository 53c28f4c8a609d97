/**
 * `npm run build`: bundles the Worker exactly as `wrangler deploy` would (dry run, no account needed) into
 * dist/, so a Worker that would not deploy cannot land, and prints the bundle size.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { wranglerEnv } from './lib/wrangler-dev';

const ROOT = resolve(import.meta.dirname, '..');
const out = join(ROOT, 'dist');
const run = spawnSync(resolve(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out], { cwd: ROOT, env: wranglerEnv(), stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
let raw = 0;
let gz = 0;
for (const f of readdirSync(out)) {
  const p = join(out, f);
  if (!statSync(p).isFile() || f.endsWith('.map')) continue;
  raw += statSync(p).size;
  gz += gzipSync(readFileSync(p)).length;
  console.log(`  ${f}: ${(statSync(p).size / 1024).toFixed(0)} KiB`);
}
console.log(`bundle: ${(raw / 1024).toFixed(0)} KiB raw, ${(gz / 1024).toFixed(0)} KiB gzip (Workers limit: 64 MiB uncompressed)`);
