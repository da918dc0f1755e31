import { z } from 'zod';
import { parseRedisUrl } from '../redis-url';
import { tlsFields, type TlsSettings } from './tls-fields';
import { splitAddress } from '../cluster/node-selector';

/** The instance registry's vocabulary: one definition used by REST, MCP, CLI and activities. */

export const ENVIRONMENTS = ['production', 'staging', 'development', 'test'] as const;
export const USAGES = ['cache', 'session', 'queue', 'primary', 'analytics', 'pubsub', 'other'] as const;
export const INSTANCE_TYPES = ['standalone', 'replica', 'cluster', 'sentinel', 'enterprise', 'unknown'] as const;

const redisUrl = z
  .string()
  .max(2048, 'at most 2048 characters')
  .superRefine((value, ctx) => {
    try {
      parseRedisUrl(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** host:port of a cluster node; the target policy checks each one like the connection URL's host. */
const nodeAddress = z
  .string()
  .max(300, 'at most 300 characters')
  .refine((v) => splitAddress(v) !== undefined, 'must be host:port (or [v6-address]:port) with a port from 1 to 65535');

const label = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const selector = z
  .string()
  .max(512, 'at most 512 characters')
  .regex(/^[^\n\r]*$/, 'must be one line');

/** Prometheus label names (the data model's grammar), so a matcher can name any label an alert carries. */
const alertMatchers = z
  .record(
    z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/, 'label names are letters, digits and _, not starting with a digit'),
    z.string().regex(/\S/, 'must not be blank').max(256, 'at most 256 characters'),
  )
  .refine((m) => Object.keys(m).length <= 10, 'at most 10 labels')
  .meta({ maxProperties: 10 });

/** host:port of one sentinel; [::1]:26379 for IPv6. Checked against the target policy at registration and on connect. */
const sentinelAddress = z
  .string()
  .max(300, 'at most 300 characters')
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'host:port, e.g. 10.0.0.5:26379 or [::1]:26379')
  .refine((a) => Number(a.slice(a.lastIndexOf(':') + 1)) >= 1 && Number(a.slice(a.lastIndexOf(':') + 1)) <= 65535, 'port must be 1-65535');

const fields = {
  name: label(100)
    .regex(/^[\w .:@/-]+$/, 'letters, digits, spaces and . _ : @ / - only')
    .describe('A unique name people use for the instance, e.g. cache-prod (at most 100 characters)'),
  connection_url: redisUrl.describe('Redis URL: redis://[user:password@]host:port[/db] or rediss:// for TLS; stored encrypted, shown masked'),
  password: z.string().max(512, 'at most 512 characters').optional().describe('Password, when not in the URL; stored encrypted and never returned'),
  environment: z.enum(ENVIRONMENTS).describe('Where the instance runs: production, staging, development or test'),
  usage: z.enum(USAGES).describe('What the application uses it for; it changes what counts as risky (e.g. noeviction on a cache)'),
  description: z.string().max(2000, 'at most 2000 characters').describe('Free text for people and the agent, at most 2000 characters'),
  instance_type: z.enum(INSTANCE_TYPES).describe('Topology: standalone, replica, cluster, sentinel, enterprise, or unknown'),
  monitoring_selector: selector.optional().describe('Prometheus label selector for this instance, e.g. {instance="cache-prod:6379"}'),
  logging_selector: selector.optional().describe('Loki stream selector for its logs, e.g. {app="redis",instance="cache-prod"}'),
  notes: z.string().max(4000, 'at most 4000 characters').describe('Operational notes the agent reads, at most 4000 characters'),
  sentinel_addresses: z
    .array(sentinelAddress)
    .min(1, 'at least one sentinel')
    .max(10, 'at most 10 sentinels')
    .optional()
    .describe('For instance_type sentinel: the sentinels as host:port, asked in this order for the current master; stored encrypted'),
  sentinel_master_name: z
    .string()
    .min(1, 'must not be empty')
    .max(128, 'at most 128 characters')
    .regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only')
    .optional()
    .describe('For instance_type sentinel: the master name the sentinels monitor (sentinel monitor <name> ...)'),
  sentinel_username: z
    .string()
    .min(1, 'must not be empty')
    .max(128, 'at most 128 characters')
    .regex(/^\S+$/, 'an ACL user name: no spaces')
    .optional()
    .describe('ACL user for the sentinels, when they require one'),
  sentinel_password: z
    .string()
    .max(512, 'at most 512 characters')
    .optional()
    .describe('Password of the sentinels (sentinel requirepass or the ACL user), when they require one; stored encrypted and never returned'),
  ...tlsFields,
  cluster_seeds: z
    .array(nodeAddress)
    .max(32, 'at most 32 seed nodes')
    .optional()
    .describe(
      "Cluster seed nodes (host:port) tried in order when the connection URL's node does not answer, for discovering a cluster (instance_type cluster); stored encrypted; [] clears them",
    ),
  alert_matchers: alertMatchers
    .optional()
    .describe(
      'Alert labels that mark an alert as about this instance, e.g. {"addr":"10.0.0.5:6379"} or {"instance":"cache-prod"}: an alert matches when it carries every one of them with exactly that value; {} clears them',
    ),
};

export const instanceCreateSchema = z
  .object({
    ...fields,
    environment: fields.environment.default('development'),
    usage: fields.usage.default('cache'),
    description: fields.description.default(''),
    instance_type: fields.instance_type.default('unknown'),
    notes: fields.notes.default(''),
    tls_verify: fields.tls_verify.default(true),
  })
  .strict()
  .superRefine((v, ctx) => {
    const issues = sentinelFieldIssues(v.instance_type, v.sentinel_addresses, v.sentinel_master_name);
    for (const [path, message] of issues) ctx.addIssue({ code: 'custom', path: [path], message });
  });

/** A sentinel instance needs its sentinels and master name; other types must not carry them (they would be ignored). */
export function sentinelFieldIssues(type: string | undefined, addresses: string[] | undefined, masterName: string | undefined): Array<[string, string]> {
  if (type === 'sentinel') {
    const issues: Array<[string, string]> = [];
    if (!addresses?.length) issues.push(['sentinel_addresses', 'required for instance_type sentinel']);
    if (!masterName) issues.push(['sentinel_master_name', 'required for instance_type sentinel']);
    return issues;
  }
  return addresses?.length || masterName ? [['instance_type', 'must be sentinel when sentinel_addresses or sentinel_master_name is given']] : [];
}

/**
 * No defaults here: a field left out of an update keeps its value (zod fills defaults even in
 * partials). null removes a TLS setting (the CA, the client certificate and key, the server name).
 */
export const instanceUpdateSchema = z
  .object({
    ...fields,
    tls_ca: fields.tls_ca.nullable(),
    tls_cert: fields.tls_cert.nullable(),
    tls_key: fields.tls_key.nullable(),
    tls_server_name: fields.tls_server_name.nullable(),
  })
  .partial()
  .strict();

export type InstanceCreate = z.input<typeof instanceCreateSchema>;
export type InstanceUpdate = z.input<typeof instanceUpdateSchema>;

/** What callers see: secrets masked, never the stored ciphertext. */
export interface InstanceView {
  id: string;
  name: string;
  connection_url: string;
  has_password: boolean;
  environment: (typeof ENVIRONMENTS)[number];
  usage: (typeof USAGES)[number];
  description: string;
  instance_type: (typeof INSTANCE_TYPES)[number];
  monitoring_selector?: string;
  logging_selector?: string;
  notes: string;
  /** Whether a CA, and a client certificate with its key, are stored (never their contents). */
  has_tls_ca: boolean;
  has_tls_client_cert: boolean;
  tls_server_name?: string;
  /** Whether a rediss:// connection verifies the server certificate and name. */
  tls_verify: boolean;
  /** Alert labels that route an Alertmanager alert to this instance (all must be equal). */
  alert_matchers?: Record<string, string>;
  /** Cluster seed nodes (host:port), decrypted for the owner's view: addresses, not credentials. */
  cluster_seeds?: string[];
  /** For a sentinel instance: the sentinels and master name (the sentinel password is never returned). */
  sentinel_addresses?: string[];
  sentinel_master_name?: string;
  sentinel_username?: string;
  has_sentinel_password?: boolean;
  created_at: string;
  updated_at: string;
  /** Who registered it and who changed it last (API key name, CLI user). */
  created_by?: string;
  updated_by?: string;
}

/** What activities get after decryption, to connect. Never returned to callers or workflows. */
export interface InstanceConnection {
  id: string;
  name: string;
  url: string;
  password?: string;
  /** rediss:// settings: CA, client certificate and key (decrypted), server name, verify. */
  tls?: TlsSettings;
  monitoringSelector?: string;
  loggingSelector?: string;
  instanceType?: (typeof INSTANCE_TYPES)[number];
  /** Cluster seed nodes (host:port), tried when the URL's node does not answer. */
  clusterSeeds?: string[];
  /** Set when the connection goes to one node of a cluster (a node selector): it reads with READONLY. */
  clusterNode?: boolean;
  /** For a sentinel instance: where to ask for the current master (decrypted credentials). */
  sentinel?: SentinelSettings;
}

export interface SentinelSettings {
  addresses: string[];
  masterName: string;
  username?: string;
  password?: string;
}
