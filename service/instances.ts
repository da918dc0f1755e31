import { z } from 'zod';
import type { AppStores } from '../core/app-context';
import { NotFoundError, errorMessage } from '../core/errors';
import type { HealthEntry } from '../core/health-history';
import type { InstanceView } from '../core/instances/model';
import { endpointLabel } from '../core/redis-url';
import { NOT_A_REDIS_REPLY, TargetCommandError, withTarget } from '../core/target-redis';
import { TargetRefusedError, type TargetPolicy } from '../core/target-policy';
import { parseOrThrow } from '../core/validation';
import { instanceIdSchema } from './schemas';
import { serverIdentity } from '../core/server-identity';
import { flattenInfo, parseInfo } from '../core/redis-replies';

/** The instance registry as the front doors use it: CRUD plus connection tests. */

export interface ConnectionTest {
  ok: boolean;
  endpoint: string;
  latencyMs?: number;
  /** "Redis 7.0.15" or "Valkey 9.1.2". */
  server?: string;
  /** The redis_version field (on Valkey, its compatibility version). */
  redisVersion?: string;
  role?: string;
  error?: string;
}

export const instanceHealthSchema = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(50).describe('How many check results, newest first (1 to 500)') })
  .strict();

export const instanceTestUrlSchema = z.object({ connection_url: z.string().min(1).max(2048), password: z.string().max(512).optional() }).strict();
export const instanceListSchema = z
  .object({ environment: z.string().max(32).optional(), usage: z.string().max(32).optional(), search: z.string().max(200).optional() })
  .strict();

/**
 * For a URL not yet registered, every way of not finding Redis reads the same: a probe must not
 * tell a closed port from an open one, or name what answered instead (HTTP, gRPC).
 */
const NOT_REDIS = (endpoint: string) => `no Redis server answered at ${endpoint} (nothing listening, unreachable, or not a Redis server)`;

async function probe(
  connection: { id: string; name: string; url: string; password?: string },
  policy: TargetPolicy,
  unregistered = false,
): Promise<ConnectionTest> {
  const endpoint = endpointLabel(connection.url);
  const started = Date.now();
  try {
    return await withTarget(
      connection,
      async (redis) => {
        await redis.call('PING');
        const latencyMs = Date.now() - started;
        const server = String(await redis.call('INFO', 'server'));
        const replication = String(await redis.call('INFO', 'replication'));
        const identity = serverIdentity(flattenInfo(parseInfo(server)));
        return {
          ok: true,
          endpoint,
          latencyMs,
          server: identity?.label,
          redisVersion: /redis_version:(\S+)/.exec(server)?.[1],
          role: /role:(\S+)/.exec(replication)?.[1],
        };
      },
      { connectTimeoutMs: 3_000, commandTimeoutMs: 3_000, policy },
    );
  } catch (err) {
    if (err instanceof TargetRefusedError) throw err;
    // Authentication answers come from a Redis: those stay as they are.
    const redisAnswered = err instanceof TargetCommandError && err.reply !== NOT_A_REDIS_REPLY;
    return { ok: false, endpoint, error: unregistered && !redisAnswered ? NOT_REDIS(endpoint) : errorMessage(err) };
  }
}

export class InstanceService {
  constructor(private readonly stores: AppStores) {}

  async create(body: unknown, actor = 'api'): Promise<InstanceView> {
    const view = await this.stores.instances.create(body as never, actor);
    await this.stores.audit.record({ actor, action: 'instance.create', target: view.id, detail: `${view.name} ${view.connection_url}` });
    return view;
  }

  list(query: unknown = {}): Promise<InstanceView[]> {
    return this.stores.instances.list(parseOrThrow(instanceListSchema, query));
  }

  get(id: string): Promise<InstanceView> {
    return this.stores.instances.get(parseOrThrow(instanceIdSchema, id, 'id'));
  }

  async update(id: string, body: unknown, actor = 'api'): Promise<InstanceView> {
    const view = await this.stores.instances.update(parseOrThrow(instanceIdSchema, id, 'id'), body as never, actor);
    const fields = body && typeof body === 'object' ? Object.keys(body).join(', ') : '';
    await this.stores.audit.record({ actor, action: 'instance.update', target: id, detail: fields });
    return view;
  }

  async delete(id: string, actor = 'api'): Promise<void> {
    await this.stores.instances.delete(parseOrThrow(instanceIdSchema, id, 'id'));
    await this.stores.audit.record({ actor, action: 'instance.delete', target: id });
  }

  /** The instance's check results over time, newest first (verdict, findings with severity). */
  async health(id: string, query: unknown = {}): Promise<{ instance_id: string; entries: HealthEntry[] }> {
    const instanceId = parseOrThrow(instanceIdSchema, id, 'id');
    const { limit } = parseOrThrow(instanceHealthSchema, query);
    if (!(await this.stores.instances.exists(instanceId))) throw new NotFoundError('instance', instanceId);
    return { instance_id: instanceId, entries: await this.stores.health.list(instanceId, limit) };
  }

  /** Connects with the stored (decrypted) details: PING, version, role. Never returns the secret. */
  async test(id: string): Promise<ConnectionTest> {
    return probe(await this.stores.instances.resolve(parseOrThrow(instanceIdSchema, id, 'id')), this.stores.policy);
  }

  /** Tests a URL before registering it. */
  async testUrl(body: unknown): Promise<ConnectionTest> {
    const { connection_url, password } = parseOrThrow(instanceTestUrlSchema, body);
    try {
      endpointLabel(connection_url);
      new URL(connection_url);
    } catch {
      return { ok: false, endpoint: '<invalid url>', error: 'expected a Redis URL such as redis://host:6379/0' };
    }
    return probe({ id: 'inst_probe', name: 'probe', url: connection_url, password }, this.stores.policy, true);
  }
}
