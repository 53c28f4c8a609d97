/**
 * `npm run build`: bundles the Worker exactly as `wrangler deploy` would (dry run, no account needed) into
 * dist/, so a Worker that would not deploy cannot land, and prints the bundle size. The size counts only
 * the files this build wrote that wrangler would upload (the script and its modules): wrangler writes into a
 * fresh folder first, since dist/ also holds other outputs (the portable loader, modules of earlier builds
 * under other hashes), and its README.md and source maps are no part of the upload.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { wranglerEnv } from './lib/wrangler-dev';

const ROOT = resolve(import.meta.dirname, '..');
const out = join(ROOT, 'dist');
mkdirSync(out, { recursive: true });
// Inside dist/, so the files move into place with a rename (same file system).
const staging = mkdtempSync(join(out, '.build-'));
let status = 0;
try {
  const run = spawnSync(resolve(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', staging], { cwd: ROOT, env: wranglerEnv(), stdio: 'inherit' });
  status = run.status ?? 1;
  if (status === 0) report();
} finally {
  rmSync(staging, { recursive: true, force: true });
}
process.exit(status);

/** Prints each uploaded file and the total, and moves every file wrangler wrote into dist/. */
function report(): void {
  let raw = 0;
  let gz = 0;
  for (const f of readdirSync(staging).sort()) {
    const p = join(staging, f);
    if (!statSync(p).isFile()) continue;
    if (f !== 'README.md' && !f.endsWith('.map')) {
      const size = statSync(p).size;
      raw += size;
      gz += gzipSync(readFileSync(p)).length;
      console.log(`  ${f}: ${(size / 1024).toFixed(0)} KiB`);
    }
    renameSync(p, join(out, f));
  }
  console.log(`bundle: ${(raw / 1024).toFixed(0)} KiB raw, ${(gz / 1024).toFixed(0)} KiB gzip (Workers limit: 64 MiB uncompressed)`);
}
