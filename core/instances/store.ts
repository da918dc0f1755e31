import type Redis from 'ioredis';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { newId } from '../ids';
import { maskRedisUrl, parseRedisUrl } from '../redis-url';
import type { MasterKey, SealedSecret } from '../secrets/envelope';
import {
  instanceCreateSchema,
  instanceUpdateSchema,
  sentinelFieldIssues,
  type InstanceConnection,
  type InstanceCreate,
  type InstanceUpdate,
  type InstanceView,
  type SentinelSettings,
} from './model';
import type { TargetPolicy } from '../target-policy';
import { parseOrThrow } from '../validation';
import { checkTlsSettings, type TlsSettings } from './tls-fields';
import { parseNodeSelector, splitAddress } from '../cluster/node-selector';

/** Only the certificates and key are sealed; nothing is stored for a plain connection. */
function secretTls(tls: TlsSettings): Pick<SecretPayload, 'tls'> {
  const secret = { ca: tls.ca, cert: tls.cert, key: tls.key };
  return Object.values(secret).some((v) => v !== undefined) ? { tls: secret } : {};
}

function seedsOf(seeds: string[] | undefined): Pick<SecretPayload, 'seeds'> {
  return seeds?.length ? { seeds } : {};
}

/** The instance's URL pointed at one of its cluster's nodes. */
function nodeUrl(url: string, node: string, type: string): string {
  if (type !== 'cluster') throw new ValidationError(`a node selector (${node}) names a node of a cluster, and this instance's type is ${type}`);
  const address = splitAddress(node);
  if (!address) throw new ValidationError(`node selector: '${node}' is not host:port`);
  const next = new URL(url);
  next.hostname = address.host.includes(':') ? `[${address.host}]` : address.host;
  next.port = String(address.port);
  return next.toString();
}

function sentinelSecret(
  addresses: string[] | undefined,
  masterName: string | undefined,
  username: string | undefined,
  password: string | undefined,
): Pick<SecretPayload, 'sentinel'> {
  if (!addresses?.length || !masterName) return {};
  return { sentinel: { addresses, masterName, ...(username ? { username } : {}), ...(password ? { password } : {}) } };
}

/**
 * Instance registry in the app Redis. Connection URL and password are sealed together with
 * envelope encryption; the stored record never holds them in clear text.
 */

interface StoredInstance extends Omit<InstanceView, 'connection_url'> {
  secret: SealedSecret;
  fp: string;
}

interface SecretPayload {
  url: string;
  password?: string;
  /** Cluster seed nodes (host:port): the cluster's addresses are kept as private as its URL. */
  seeds?: string[];
  /** The secret half of the TLS settings; server name and verify are not secret and stay in the record. */
  tls?: { ca?: string; cert?: string; key?: string };
  /** A sentinel instance's sentinels and their credentials: addresses are kept as private as the URL's host. */
  sentinel?: SentinelSettings;
}

/** What callers see of the sentinel settings: never the password. */
function sentinelView(sentinel: SentinelSettings | undefined): Partial<InstanceView> {
  if (!sentinel) return {};
  return {
    sentinel_addresses: sentinel.addresses,
    sentinel_master_name: sentinel.masterName,
    ...(sentinel.username ? { sentinel_username: sentinel.username } : {}),
    has_sentinel_password: Boolean(sentinel.password),
  };
}

/** Records written before TLS settings existed verify by default and hold no certificates. */
const TLS_VIEW_DEFAULTS = { has_tls_ca: false, has_tls_client_cert: false, tls_verify: true };

const KEY = (id: string) => `sre:instance:${id}`;
const INDEX = 'sre:instances';
const BY_FINGERPRINT = 'sre:instances:by-fp';
const BY_NAME = 'sre:instances:by-name';

export class InstanceStore {
  constructor(
    private readonly redis: Redis,
    private readonly masterKey: () => MasterKey,
    /** Checks every URL registered, before anything connects to it. */
    private readonly policy?: TargetPolicy,
  ) {}

  private async checkTarget(url: string, field: string): Promise<void> {
    if (!this.policy) return;
    const endpoint = parseRedisUrl(url);
    await this.policy.check(endpoint.host, endpoint.port, field);
  }

  private async checkSeeds(seeds: string[] | undefined): Promise<void> {
    if (!this.policy) return;
    for (const [i, seed] of (seeds ?? []).entries()) {
      const { host, port } = splitAddress(seed)!;
      await this.policy.check(host, port, `cluster_seeds[${i}]`);
    }
  }

  /** Every sentinel is a target the agent connects to: the same policy applies to each. */
  private async checkSentinels(addresses: string[] | undefined): Promise<void> {
    for (const [i, address] of (addresses ?? []).entries()) await this.checkTarget(`redis://${address}`, `sentinel_addresses.${i}`);
  }

  /** The caller's view: even the masked URL (host, port, user) is only kept encrypted at rest. */
  private toView(stored: StoredInstance): InstanceView {
    const { secret, fp: _fp, ...rest } = stored;
    const payload = JSON.parse(this.masterKey().decrypt(secret)) as SecretPayload;
    return {
      ...TLS_VIEW_DEFAULTS,
      ...rest,
      connection_url: maskRedisUrl(payload.url),
      ...(payload.seeds?.length ? { cluster_seeds: payload.seeds } : {}),
      ...sentinelView(payload.sentinel),
    };
  }

  private async read(id: string): Promise<StoredInstance | undefined> {
    const raw = await this.redis.get(KEY(id));
    return raw ? (JSON.parse(raw) as StoredInstance) : undefined;
  }

  private async readOrThrow(id: string): Promise<StoredInstance> {
    const stored = await this.read(id);
    if (!stored) throw new NotFoundError('instance', id);
    return stored;
  }

  private seal(payload: SecretPayload): { secret: SealedSecret; fp: string; has_password: boolean; has_tls_ca: boolean; has_tls_client_cert: boolean } {
    const key = this.masterKey();
    const endpoint = parseRedisUrl(payload.url);
    return {
      secret: key.encrypt(JSON.stringify(payload)),
      fp: key.fingerprint(payload.url),
      has_password: endpoint.hasPassword || Boolean(payload.password),
      has_tls_ca: Boolean(payload.tls?.ca),
      has_tls_client_cert: Boolean(payload.tls?.cert),
    };
  }

  async create(input: InstanceCreate, actor?: string): Promise<InstanceView> {
    const fields = parseOrThrow(instanceCreateSchema, input);
    const tls = { ca: fields.tls_ca, cert: fields.tls_cert, key: fields.tls_key, serverName: fields.tls_server_name, verify: fields.tls_verify };
    checkTlsSettings(tls, parseRedisUrl(fields.connection_url).tls);
    await this.checkTarget(fields.connection_url, 'connection_url');
    await this.checkSeeds(fields.cluster_seeds);
    await this.checkSentinels(fields.sentinel_addresses);
    const sealed = this.seal({
      url: fields.connection_url,
      password: fields.password,
      ...seedsOf(fields.cluster_seeds),
      ...secretTls(tls),
      ...sentinelSecret(fields.sentinel_addresses, fields.sentinel_master_name, fields.sentinel_username, fields.sentinel_password),
    });
    const now = new Date().toISOString();
    const stored: StoredInstance = {
      id: newId('inst'),
      name: fields.name,
      environment: fields.environment,
      usage: fields.usage,
      description: fields.description,
      instance_type: fields.instance_type,
      monitoring_selector: fields.monitoring_selector,
      logging_selector: fields.logging_selector,
      notes: fields.notes,
      tls_server_name: tls.serverName,
      tls_verify: tls.verify,
      ...(fields.alert_matchers && Object.keys(fields.alert_matchers).length ? { alert_matchers: fields.alert_matchers } : {}),
      created_at: now,
      updated_at: now,
      ...(actor ? { created_by: actor, updated_by: actor } : {}),
      ...sealed,
    };
    const claimed = await this.redis.hsetnx(BY_NAME, stored.name.toLowerCase(), stored.id);
    if (!claimed) throw new ConflictError(`an instance named '${stored.name}' already exists`);
    await this.redis.multi().set(KEY(stored.id), JSON.stringify(stored)).sadd(INDEX, stored.id).hset(BY_FINGERPRINT, stored.fp, stored.id).exec();
    return this.toView(stored);
  }

  /** Finds the instance registered for this exact URL, or registers a minimal one. */
  async ensureForUrl(url: string, name?: string, actor?: string): Promise<InstanceView> {
    try {
      parseRedisUrl(url);
    } catch (err) {
      throw new ValidationError(`redis_url: ${(err as Error).message}`, [{ field: 'redis_url', reason: (err as Error).message }]);
    }
    await this.checkTarget(url, 'redis_url');
    const existing = await this.redis.hget(BY_FINGERPRINT, this.masterKey().fingerprint(url));
    if (existing) {
      const stored = await this.read(existing);
      if (stored) return this.toView(stored);
    }
    const endpoint = parseRedisUrl(url);
    const base = name ?? `${endpoint.host}:${endpoint.port}${endpoint.db ? `/${endpoint.db}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.create(
          { name: attempt === 0 ? base : `${base}-${attempt + 1}`, connection_url: url, environment: 'development', usage: 'cache' },
          actor,
        );
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= 20) throw err;
      }
    }
  }

  async get(id: string): Promise<InstanceView> {
    return this.toView(await this.readOrThrow(id));
  }

  async exists(id: string): Promise<boolean> {
    return (await this.redis.exists(KEY(id))) === 1;
  }

  async list(filter: { environment?: string; usage?: string; search?: string } = {}): Promise<InstanceView[]> {
    const ids = await this.redis.smembers(INDEX);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map(KEY));
    const search = filter.search?.toLowerCase();
    return raws
      .filter((raw): raw is string => raw !== null)
      .map((raw) => this.toView(JSON.parse(raw) as StoredInstance))
      .filter((v) => !filter.environment || v.environment === filter.environment)
      .filter((v) => !filter.usage || v.usage === filter.usage)
      .filter((v) => !search || `${v.name} ${v.description}`.toLowerCase().includes(search))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async update(id: string, input: InstanceUpdate, actor?: string): Promise<InstanceView> {
    const changes = parseOrThrow(instanceUpdateSchema, input);
    if (changes.connection_url !== undefined) await this.checkTarget(changes.connection_url, 'connection_url');
    await this.checkSeeds(changes.cluster_seeds);
    await this.checkSentinels(changes.sentinel_addresses);
    const stored = await this.readOrThrow(id);
    const next: StoredInstance = { ...stored, updated_at: new Date().toISOString(), ...(actor ? { updated_by: actor } : {}) };
    for (const field of ['environment', 'usage', 'description', 'instance_type', 'monitoring_selector', 'logging_selector', 'notes'] as const) {
      if (changes[field] !== undefined) (next as unknown as Record<string, unknown>)[field] = changes[field];
    }
    if (changes.alert_matchers !== undefined) {
      if (Object.keys(changes.alert_matchers).length) next.alert_matchers = changes.alert_matchers;
      else delete next.alert_matchers;
    }
    const current = JSON.parse(this.masterKey().decrypt(stored.secret)) as SecretPayload;
    const url = changes.connection_url ?? current.url;
    // A TLS field left out keeps its value; null removes it.
    const pick = <T>(change: T | null | undefined, kept: T | undefined): T | undefined => (change === null ? undefined : (change ?? kept));
    const tls: TlsSettings = {
      ca: pick(changes.tls_ca, current.tls?.ca),
      cert: pick(changes.tls_cert, current.tls?.cert),
      key: pick(changes.tls_key, current.tls?.key),
      serverName: pick(changes.tls_server_name, stored.tls_server_name),
      verify: changes.tls_verify ?? stored.tls_verify ?? true,
    };
    checkTlsSettings(tls, parseRedisUrl(url).tls);
    next.tls_server_name = tls.serverName;
    next.tls_verify = tls.verify;
    const tlsSecretsChanged = changes.tls_ca !== undefined || changes.tls_cert !== undefined || changes.tls_key !== undefined;
    const sentinel = sentinelSecret(
      changes.sentinel_addresses ?? current.sentinel?.addresses,
      changes.sentinel_master_name ?? current.sentinel?.masterName,
      changes.sentinel_username ?? current.sentinel?.username,
      changes.sentinel_password ?? current.sentinel?.password,
    );
    const sentinelIssues = sentinelFieldIssues(next.instance_type, sentinel.sentinel?.addresses, sentinel.sentinel?.masterName);
    if (sentinelIssues.length) {
      const issues = sentinelIssues.map(([field, reason]) => ({ field, reason }));
      throw new ValidationError(issues.map((i) => `${i.field}: ${i.reason}`).join('; '), issues);
    }
    // The new name is claimed only once every field is valid: a refused update leaves no name taken.
    if (changes.name !== undefined && changes.name.toLowerCase() !== stored.name.toLowerCase()) {
      const claimed = await this.redis.hsetnx(BY_NAME, changes.name.toLowerCase(), id);
      if (!claimed) throw new ConflictError(`an instance named '${changes.name}' already exists`);
      await this.redis.hdel(BY_NAME, stored.name.toLowerCase());
    }
    if (changes.name !== undefined) next.name = changes.name;
    const sentinelChanged = (['sentinel_addresses', 'sentinel_master_name', 'sentinel_username', 'sentinel_password'] as const).some(
      (f) => changes[f] !== undefined,
    );
    if (changes.connection_url !== undefined || changes.password !== undefined || changes.cluster_seeds !== undefined || tlsSecretsChanged || sentinelChanged) {
      const seeds = changes.cluster_seeds ?? current.seeds;
      const sealed = this.seal({ url, password: changes.password ?? current.password, ...seedsOf(seeds), ...secretTls(tls), ...sentinel });
      Object.assign(next, sealed);
      await this.redis.hdel(BY_FINGERPRINT, stored.fp);
      await this.redis.hset(BY_FINGERPRINT, sealed.fp, id);
    }
    await this.redis.set(KEY(id), JSON.stringify(next));
    return this.toView(next);
  }

  async delete(id: string): Promise<void> {
    const stored = await this.readOrThrow(id);
    await this.redis.multi().del(KEY(id)).srem(INDEX, id).hdel(BY_FINGERPRINT, stored.fp).hdel(BY_NAME, stored.name.toLowerCase()).exec();
  }

  /**
   * Decrypts connection details. Only activities call this, right before connecting. An id with a
   * node selector (core/cluster/node-selector.ts) resolves to that node of a cluster instance: same
   * credentials and TLS settings, the node's host and port (checked by the target policy on connect).
   */
  async resolve(selector: string): Promise<InstanceConnection> {
    const { instanceId: id, node } = parseNodeSelector(selector);
    const stored = await this.readOrThrow(id);
    const secret = JSON.parse(this.masterKey().decrypt(stored.secret)) as SecretPayload;
    return {
      id: selector,
      name: node ? `${stored.name} node ${node}` : stored.name,
      url: node ? nodeUrl(secret.url, node, stored.instance_type) : secret.url,
      password: secret.password,
      ...(parseRedisUrl(secret.url).tls ? { tls: { ...secret.tls, serverName: stored.tls_server_name, verify: stored.tls_verify ?? true } } : {}),
      monitoringSelector: stored.monitoring_selector,
      loggingSelector: stored.logging_selector,
      instanceType: stored.instance_type,
      ...(secret.seeds?.length ? { clusterSeeds: secret.seeds } : {}),
      ...(node || stored.instance_type === 'cluster' ? { clusterNode: true } : {}),
      ...(secret.sentinel ? { sentinel: secret.sentinel } : {}),
    };
  }

  /** Re-wraps every stored secret under a new master key. Returns how many were re-wrapped. */
  async rotateMasterKey(next: MasterKey): Promise<number> {
    const current = this.masterKey();
    const ids = await this.redis.smembers(INDEX);
    let rotated = 0;
    for (const id of ids) {
      const stored = await this.read(id);
      if (!stored || stored.secret.kid === next.id) continue;
      const url = (JSON.parse(current.decrypt(stored.secret)) as SecretPayload).url;
      const fp = next.fingerprint(url);
      const updated: StoredInstance = { ...stored, secret: current.rewrap(stored.secret, next), fp };
      await this.redis.multi().set(KEY(id), JSON.stringify(updated)).hdel(BY_FINGERPRINT, stored.fp).hset(BY_FINGERPRINT, fp, id).exec();
      rotated++;
    }
    return rotated;
  }
}
