import type { Command } from 'commander';
import { ApiKeyRing, ROLES } from '../../core/api-keys';
import { openStores } from '../../core/app-context';
import { loadConfig } from '../../core/config';
import { ValidationError } from '../../core/errors';
import { KeyService } from '../../service/api-keys';
import { cliActor } from '../actor';
import { action, printJson, printTable } from '../output';

/** `sre-agent apikey create|list|revoke`: named API keys with roles, stored hashed in SRE_API_KEYS_FILE. */
async function withKeys<T>(fn: (keys: KeyService) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const stores = openStores(config);
  try {
    return await fn(new KeyService(config, ApiKeyRing.fromConfig(config), stores.audit));
  } finally {
    await stores.close();
  }
}

export function registerApiKey(program: Command): void {
  const apikey = program.command('apikey').description(`API keys with roles (${ROLES.join(', ')}), stored hashed in SRE_API_KEYS_FILE`);
  apikey
    .command('create')
    .requiredOption('--name <name>', 'who the key belongs to (recorded with every change it makes)')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { name: string; role: string; json?: boolean }) => {
        if (!(ROLES as readonly string[]).includes(opts.role)) throw new ValidationError(`--role: expected ${ROLES.join(', ')}, not '${opts.role}'`);
        const created = await withKeys((k) => k.create({ name: opts.name, role: opts.role }, cliActor()));
        if (opts.json) printJson(created);
        else process.stdout.write(`${created.key}\n`);
        process.stderr.write(`key '${created.name}' (${created.role}) created; it is shown only now: keep it in a secret store\n`);
      }),
    );
  apikey
    .command('list')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { json?: boolean }) => {
        const keys = await withKeys(async (k) => k.list());
        if (opts.json) printJson(keys);
        else printTable(keys as never[], ['name', 'role']);
      }),
    );
  apikey
    .command('revoke')
    .argument('<name>')
    .action(
      action(async (name: string) => {
        await withKeys((k) => k.revoke(name, cliActor()));
        process.stdout.write(`revoked ${name}\n`);
      }),
    );
}
