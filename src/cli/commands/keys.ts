/**
 * @module cli/commands/keys
 * `edge-automl keys create [--tenant T] [--name N]`, `keys list`, `keys revoke NAME`: tenant API keys,
 * with the admin key. A created key is printed once; the server keeps only its hash. The tenant is the
 * global --tenant (the tenant the admin key acts on, "default" without it), for all three.
 */
import type { Command } from 'commander';
import { ApiClientError } from '../../client';
import { action } from '../command-kit';
import { HintedApiError } from '../errors';
import { formatTime, renderTable } from '../format';
import { emit } from '../output';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('tenant API keys (admin key required)');

  keys
    .command('create')
    .description('mint a key for the tenant given by --tenant, tenant "default" without it (shown once)')
    .option('-n, --name <name>', 'a name to revoke it by (default: cli-<time>)')
    .action(
      action<{ name?: string }>(async (ctx, _args, opts) => {
        const name = opts.name ?? `cli-${Date.now().toString(36)}`;
        const created = await ctx.api.keys.create({ name });
        emit(ctx, created, () => `key "${created.name}" for tenant ${created.tenant} (shown once, store it now):\n${created.key}`);
      }),
    );

  keys
    .command('list')
    .description('the key names of the tenant given by --tenant ("default" without it)')
    .action(
      action(async (ctx) => {
        const list = await ctx.api.keys.list();
        emit(ctx, list, () => (list.keys.length === 0 ? 'no keys' : renderTable(['name', 'id', 'created'], list.keys.map((k) => [k.name, k.id, formatTime(k.created_at)]))));
      }),
    );

  keys
    .command('revoke')
    .description('revoke a key by name, in the tenant given by --tenant ("default" without it)')
    .argument('<name>', 'key name')
    .action(
      action(async (ctx, [name]) => {
        try {
          await ctx.api.keys.revoke(name);
        } catch (err) {
          // Names are per tenant: without --tenant the server looked in "default", not where the key may be.
          if (err instanceof ApiClientError && err.code === 'key_not_found' && !ctx.tenant) {
            throw new HintedApiError(err, `keys belong to a tenant and this looked in tenant "default"; name the key's tenant with --tenant: \`${ctx.cli} keys revoke ${name} --tenant T\``);
          }
          throw err;
        }
        emit(ctx, { revoked: true, name }, () => `key "${name}" revoked`);
      }),
    );
}
