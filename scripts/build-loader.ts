/**
 * `npx tsx scripts/build-loader.ts [--minify]`: bundles the portable loader (src/engine/portable.ts) into
 * one ESM file, dist/edge-automl-loader.mjs, that runs a stored model artifact in Node, Deno or a browser
 * (`import { loadModel } from './edge-automl-loader.mjs'`). Platform-neutral: no Node or Workers APIs.
 * TensorFlow.js stays external: it is large and brings its own backends, so the file holds the engine's
 * pure TypeScript serving path. The neural-network modules import tfjs when the file loads, so its
 * directory must resolve the @tensorflow packages whatever the artifact (README). Prints the size.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');

/** Bundles the loader to `outfile`; shared with the loader test so the shipped bundle is the one tested. */
export async function bundleLoader(outfile: string, minify = false): Promise<void> {
  await build({
    entryPoints: [resolve(ROOT, 'src/engine/portable.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // tfjs is large and brings its own backends: the user's install provides it.
    external: ['@tensorflow/*'],
    minify,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

// Run as a script (not when the loader test imports bundleLoader).
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outfile = resolve(ROOT, 'dist/edge-automl-loader.mjs');
  await bundleLoader(outfile, process.argv.includes('--minify'));
  const bytes = readFileSync(outfile);
  console.log(`${outfile}: ${(bytes.length / 1024).toFixed(1)} KiB raw, ${(gzipSync(bytes).length / 1024).toFixed(1)} KiB gzip`);
}
