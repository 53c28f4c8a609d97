/**
 * Copies the browser builds of the dashboard's and the API docs' libraries (uPlot, Swagger UI) from
 * node_modules into public/vendor, where the Worker's static assets serve them. Run by `postinstall`,
 * so a fresh `npm install` / `npm ci` leaves a servable public/ without a build step; the copies are
 * not committed (public/vendor is ignored) and always match the pinned package versions.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const vendor = join(root, 'public', 'vendor');

/** [package, file inside the package, name under public/vendor] */
const FILES = [
  ['uplot', 'dist/uPlot.iife.min.js', 'uplot/uPlot.iife.min.js'],
  ['uplot', 'dist/uPlot.min.css', 'uplot/uPlot.min.css'],
  ['swagger-ui-dist', 'swagger-ui-bundle.js', 'swagger-ui/swagger-ui-bundle.js'],
  ['swagger-ui-dist', 'swagger-ui.css', 'swagger-ui/swagger-ui.css'],
];

for (const [pkg, file, target] of FILES) {
  const from = join(root, 'node_modules', pkg, file);
  if (!existsSync(from)) {
    console.error(`vendor-assets: ${pkg}/${file} is missing; run npm install`);
    process.exit(1);
  }
  const to = join(vendor, target);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
console.log(`vendor-assets: ${FILES.length} files copied to public/vendor`);
