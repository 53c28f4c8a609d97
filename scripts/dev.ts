/**
 * `npm run dev [-- --port N]`: the Worker on http://127.0.0.1:8787 (or port N; PORT=N works too) with local
 * state under .wrangler/state, the admin key `local-dev-key` (override with ADMIN_API_KEY), until Ctrl-C.
 * Any other argument is refused rather than ignored: a server on another port than asked for is a puzzle.
 * wrangler dev never fires cron triggers by itself, so this script does, as the deployed Worker's trigger
 * would: every 5 minutes on the clock it asks wrangler's test route (/__scheduled) for a scheduled event,
 * and schedules set locally run.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { warnIfQueueUnpatched } from './lib/queue-patch';
import { wranglerEnv } from './lib/wrangler-dev';

const USAGE = 'usage: npm run dev [-- --port N]  (or PORT=N npm run dev; ADMIN_API_KEY=... sets the admin key)';

/** The port from `--port N` / `--port=N`, else $PORT, else 8787; exits with a message on anything else. */
function portFrom(args: string[], env: NodeJS.ProcessEnv): string {
  let given: string | undefined;
  let from = 'PORT';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--port' || arg === '-p') {
      if (i + 1 >= args.length) fail(`${arg} needs a port number, e.g. ${arg} 8791`);
      given = args[++i];
      from = arg;
    } else if (arg.startsWith('--port=')) {
      given = arg.slice('--port='.length);
      from = '--port';
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument "${arg}"`);
  }
  const port = given ?? env.PORT ?? '8787';
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) fail(`${from}: "${port}" is not a port number (1 to 65535)`);
  return port;
}

function fail(message: string): never {
  console.error(`npm run dev: ${message}\n${USAGE}`);
  process.exit(1);
}

const port = portFrom(process.argv.slice(2), process.env);
warnIfQueueUnpatched();
const key = process.env.ADMIN_API_KEY ?? 'local-dev-key';
const child = spawn(
  resolve(import.meta.dirname, '../node_modules/.bin/wrangler'),
  ['dev', '--ip', '127.0.0.1', '--port', port, '--test-scheduled', '--var', `ADMIN_API_KEY:${key}`, '--persist-to', '.wrangler/state'],
  { cwd: resolve(import.meta.dirname, '..'), env: wranglerEnv(), stdio: 'inherit' },
);
console.log(`edge-automl dev server: http://127.0.0.1:${port}  (admin key: ${key}; cron ticks every 5 minutes)`);

/** The Worker's cron trigger in wrangler.toml ticks every 5 minutes; dev ticks on the same clock. */
const TICK_MS = 5 * 60_000;
let tick: NodeJS.Timeout | undefined;
const nextTick = () => {
  tick = setTimeout(async () => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
      if (!res.ok) console.error(`npm run dev: the cron tick answered ${res.status}`);
    } catch (err) {
      console.error(`npm run dev: the cron tick failed: ${(err as Error).message}`);
    }
    nextTick();
  }, TICK_MS - (Date.now() % TICK_MS));
};
nextTick();
const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
child.on('exit', (code) => {
  clearTimeout(tick);
  process.exit(code ?? 0);
});
