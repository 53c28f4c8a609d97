/**
 * `npm run dev`: the Worker on http://127.0.0.1:8787 with local state under .wrangler/state, the admin key
 * `local-dev-key` (override with ADMIN_API_KEY), until Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { warnIfQueueUnpatched } from './lib/queue-patch';
import { wranglerEnv } from './lib/wrangler-dev';

warnIfQueueUnpatched();
const key = process.env.ADMIN_API_KEY ?? 'local-dev-key';
const port = process.env.PORT ?? '8787';
const child = spawn(
  resolve(import.meta.dirname, '../node_modules/.bin/wrangler'),
  ['dev', '--ip', '127.0.0.1', '--port', port, '--test-scheduled', '--var', `ADMIN_API_KEY:${key}`, '--persist-to', '.wrangler/state'],
  { cwd: resolve(import.meta.dirname, '..'), env: wranglerEnv(), stdio: 'inherit' },
);
console.log(`edge-automl dev server: http://127.0.0.1:${port}  (admin key: ${key})`);
const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 0));
