import * as fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../core/config';
import { ValidationError } from '../../core/errors';
import { openStores } from '../../core/app-context';
import { InstanceService } from '../../service/instances';
import { MasterKey } from '../../core/secrets/envelope';
import { loadMasterKey } from '../../core/secrets/master-key';
import { action, printJson, printTable } from '../output';
import { cliActor } from '../actor';

/** `sre-agent instance …`: the instance registry (secrets encrypted at rest, masked on output). */

const COLUMNS = ['id', 'name', 'environment', 'usage', 'connection_url', 'instance_type'];

interface FieldOptions {
  name?: string;
  url?: string;
  password?: string;
  environment?: string;
  usage?: string;
  description?: string;
  type?: string;
  prometheus?: string;
  loki?: string;
  notes?: string;
  tlsCaFile?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsServerName?: string;
  tlsVerify?: string;
  alertMatch?: string[];
  clusterSeeds?: string;
  sentinel?: string[];
  sentinelMaster?: string;
  sentinelUser?: string;
  sentinelPassword?: string;
  json?: boolean;
}

/** PEM from a file the operator names; the contents go to the store sealed, never to output. */
function pemFile(file: string | undefined, field: string): string | undefined {
  if (file === undefined) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const reason = `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    throw new ValidationError(`${field}: ${reason}`, [{ field, reason }]);
  }
}

/** "true"/"false" become booleans; anything else goes through for the schema to refuse, naming tls_verify. */
function onOff(value: string | undefined): boolean | string | undefined {
  return value === 'true' ? true : value === 'false' ? false : value;
}

/** `--alert-match addr=10.0.0.5:6379 --alert-match job=redis`; `--alert-match none` clears them. */
function alertMatchers(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  if (pairs.length === 1 && pairs[0] === 'none') return {};
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1)
      throw new ValidationError(`--alert-match: expected label=value, got '${pair}'`, [
        { field: 'alert_matchers', reason: `expected label=value, got '${pair}'` },
      ]);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

function body(opts: FieldOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: opts.name,
    connection_url: opts.url,
    password: opts.password,
    environment: opts.environment,
    usage: opts.usage,
    description: opts.description,
    instance_type: opts.type,
    monitoring_selector: opts.prometheus,
    logging_selector: opts.loki,
    notes: opts.notes,
    tls_ca: pemFile(opts.tlsCaFile, 'tls_ca'),
    tls_cert: pemFile(opts.tlsCertFile, 'tls_cert'),
    tls_key: pemFile(opts.tlsKeyFile, 'tls_key'),
    tls_server_name: opts.tlsServerName,
    tls_verify: onOff(opts.tlsVerify),
    alert_matchers: alertMatchers(opts.alertMatch),
    // "none" clears them; each address is checked by the schema, which names cluster_seeds.
    cluster_seeds: opts.clusterSeeds === undefined ? undefined : opts.clusterSeeds === 'none' ? [] : opts.clusterSeeds.split(',').map((a) => a.trim()),
    sentinel_addresses: opts.sentinel,
    sentinel_master_name: opts.sentinelMaster,
    sentinel_username: opts.sentinelUser,
    sentinel_password: opts.sentinelPassword,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

function withFields(command: Command): Command {
  return command
    .option('--name <name>', 'display name (unique)')
    .option('--url <url>', 'connection URL, e.g. redis://user:pass@host:6379/0 (stored encrypted)')
    .option('--password <password>', 'password, if not in the URL (stored encrypted)')
    .option('--environment <env>', 'production | staging | development | test')
    .option('--usage <usage>', 'cache | session | queue | primary | analytics | pubsub | other')
    .option('--description <text>', 'what this Redis is for')
    .option('--type <type>', 'standalone | replica | cluster | sentinel | enterprise | unknown')
    .option('--prometheus <selector>', 'Prometheus label selector, e.g. {instance="cache-1:6379"}')
    .option('--loki <selector>', 'Loki stream selector, e.g. {app="redis",host="cache-1"}')
    .option('--notes <text>', 'free-form notes for the agent')
    .option('--tls-ca-file <file>', 'rediss://: PEM CA certificate(s) that signed the server certificate (stored encrypted)')
    .option('--tls-cert-file <file>', 'rediss://: PEM client certificate, with --tls-key-file (stored encrypted)')
    .option('--tls-key-file <file>', 'rediss://: PEM private key of the client certificate (stored encrypted)')
    .option('--tls-server-name <name>', "rediss://: the name the server certificate holds, when not the URL's host")
    .option('--tls-verify <true|false>', 'rediss://: verify the server certificate and name (default true)')
    .option('--alert-match <label=value...>', 'alert labels that route Alertmanager alerts here, e.g. addr=10.0.0.5:6379 (repeatable; "none" clears)')
    .option('--cluster-seeds <host:port,...>', 'cluster: other nodes to discover the cluster through when the URL\'s node does not answer ("none" clears)')
    .option('--sentinel <host:port...>', '--type sentinel: a sentinel address, asked in this order for the current master (repeatable; stored encrypted)')
    .option('--sentinel-master <name>', '--type sentinel: the master name the sentinels monitor')
    .option('--sentinel-user <user>', '--type sentinel: ACL user on the sentinels')
    .option('--sentinel-password <password>', '--type sentinel: password of the sentinels (stored encrypted)')
    .option('--json', 'JSON output');
}

const formatMatchers = (m: Record<string, string> | undefined) =>
  m && Object.keys(m).length
    ? Object.entries(m)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')
    : '';

async function withInstances<T>(fn: (instances: InstanceService) => Promise<T>): Promise<T> {
  const stores = openStores(loadConfig());
  try {
    return await fn(new InstanceService(stores));
  } finally {
    await stores.close();
  }
}

export function registerInstance(program: Command): void {
  const instance = program.command('instance').description('register and manage Redis instances');
  withFields(instance.command('create').description('register an instance')).action(
    action(async (opts: FieldOptions) => {
      const view = await withInstances((s) => s.create(body(opts), cliActor()));
      if (opts.json) printJson(view);
      else printTable([view as never], COLUMNS);
    }),
  );
  instance
    .command('list')
    .description('list instances')
    .option('--environment <env>')
    .option('--usage <usage>')
    .option('--search <text>')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { environment?: string; usage?: string; search?: string; json?: boolean }) => {
        const { json, ...filters } = opts;
        const views = await withInstances((s) => s.list(Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined))));
        if (json) printJson(views);
        else printTable(views as never[], COLUMNS);
      }),
    );
  instance
    .command('get')
    .argument('<id>')
    .option('--json', 'JSON output')
    .action(
      action(async (id: string, opts: { json?: boolean }) => {
        const view = await withInstances((s) => s.get(id));
        if (opts.json) printJson(view);
        else
          printTable(
            [{ ...view, alert_matchers: formatMatchers(view.alert_matchers) } as never],
            [
              ...COLUMNS,
              'description',
              'has_password',
              'tls_verify',
              'tls_server_name',
              'has_tls_ca',
              'has_tls_client_cert',
              'alert_matchers',
              'sentinel_addresses',
              'sentinel_master_name',
              'has_sentinel_password',
              'updated_at',
            ],
          );
      }),
    );
  withFields(instance.command('update').argument('<id>').description('change fields of an instance')).action(
    action(async (id: string, opts: FieldOptions) => {
      const view = await withInstances((s) => s.update(id, body(opts), cliActor()));
      if (opts.json) printJson(view);
      else printTable([view as never], COLUMNS);
    }),
  );
  instance
    .command('delete')
    .argument('<id>')
    .action(
      action(async (id: string) => {
        await withInstances((s) => s.delete(id, cliActor()));
        process.stdout.write(`deleted ${id}\n`);
      }),
    );
  instance
    .command('health')
    .argument('<id>')
    .description('the check results of an instance over time, newest first')
    .option('--limit <n>', 'how many (1-500)', '20')
    .option('--json', 'JSON output')
    .action(
      action(async (id: string, opts: { limit: string; json?: boolean }) => {
        const timeline = await withInstances((s) => s.health(id, { limit: opts.limit }));
        if (opts.json) printJson(timeline);
        else
          printTable(
            timeline.entries.map((e) => ({
              at: e.at,
              verdict: e.verdict,
              task: e.taskId,
              findings: e.findings.map((f) => `${f.severity}:${f.checkId}`).join(' ') || '-',
            })) as never[],
            ['at', 'verdict', 'task', 'findings'],
          );
      }),
    );
  instance
    .command('test')
    .argument('[id]', 'registered instance id')
    .option('--url <url>', 'test a URL instead of a registered instance')
    .option('--json', 'JSON output')
    .action(
      action(async (id: string | undefined, opts: { url?: string; json?: boolean }) => {
        if (!id && !opts.url) throw new ValidationError('give an instance id or --url');
        const result = await withInstances((s) => (opts.url ? s.testUrl({ connection_url: opts.url }) : s.test(id!)));
        if (opts.json) printJson(result);
        else printTable([result as never], ['ok', 'endpoint', 'latencyMs', 'redisVersion', 'role', 'error']);
        if (!result.ok) process.exitCode = 1;
      }),
    );
  instance
    .command('rotate-key')
    .description('re-encrypt every stored secret under a new master key')
    .requiredOption('--new-key-file <file>', 'file holding the new 32-byte key (base64 or hex); created with a fresh key if missing')
    .action(
      action(async (opts: { newKeyFile: string }) => {
        const config = loadConfig();
        if (!fs.existsSync(opts.newKeyFile)) fs.writeFileSync(opts.newKeyFile, `${MasterKey.generate().text}\n`, { mode: 0o600 });
        const next = MasterKey.parse(fs.readFileSync(opts.newKeyFile, 'utf8'), opts.newKeyFile);
        const current = loadMasterKey(config);
        const stores = openStores(config);
        try {
          const rotated = await stores.instances.rotateMasterKey(next);
          process.stdout.write(`re-encrypted ${rotated} secret(s) from key ${current.id} to key ${next.id}\n`);
          process.stdout.write(`now point SRE_MASTER_KEY_FILE at ${opts.newKeyFile} (or set SRE_MASTER_KEY to its content) and restart workers and the API\n`);
        } finally {
          await stores.close();
        }
      }),
    );
}
