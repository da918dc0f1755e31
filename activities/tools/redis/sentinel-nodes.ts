import { ValidationError } from '../../../core/errors';
import type { InstanceConnection, SentinelSettings } from '../../../core/instances/model';
import { pairsToObject } from '../../../core/redis-replies';
import type { TargetPool } from '../../../core/target-pool';
import { TargetUnavailableError, type RedisCommands } from '../../../core/target-redis';

/**
 * A sentinel instance's data nodes are found through its sentinels, on every tool call: after a
 * failover the next call already goes to the new master. Node connections reuse the instance's
 * URL credentials (and TLS settings) with the host:port the sentinels report; the target policy
 * checks each address again when the pool connects.
 */

type WithSentinel = InstanceConnection & { sentinel: SentinelSettings };

/** host:port, with brackets for IPv6, as sentinels and people write addresses. */
export function joinAddress(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The connection to one sentinel: its own credentials, never the data nodes'. */
export function sentinelConnection(instance: WithSentinel, address: string): InstanceConnection {
  const user = instance.sentinel.username ? `${encodeURIComponent(instance.sentinel.username)}@` : '';
  return {
    id: `${instance.id}/sentinel`,
    name: `${instance.name} sentinel ${address}`,
    url: `redis://${user}${address}`,
    password: instance.sentinel.password,
  };
}

/** The instance's connection pointed at one data node. */
export function nodeConnection(instance: InstanceConnection, address: string): InstanceConnection {
  const url = new URL(instance.url);
  url.host = address;
  return { ...instance, url: url.toString() };
}

export interface SentinelNodes {
  /** The sentinel that answered. */
  via: string;
  master: string;
  replicas: string[];
}

/** SENTINEL GET-MASTER-ADDR-BY-NAME as host:port; undefined when this sentinel does not monitor the name. */
export async function masterAddress(redis: RedisCommands, masterName: string): Promise<string | undefined> {
  const addr = (await redis.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string] | null;
  return addr ? joinAddress(addr[0], addr[1]) : undefined;
}

/** One sentinel's view of where the master and its replicas are. */
async function askOne(redis: RedisCommands, masterName: string): Promise<Omit<SentinelNodes, 'via'> | undefined> {
  const master = await masterAddress(redis, masterName);
  if (!master) return undefined;
  const replicas = ((await redis.call('SENTINEL', 'REPLICAS', masterName)) as unknown[]).map((r) => pairsToObject(r) as Record<string, string>);
  return { master, replicas: replicas.map((r) => joinAddress(r.ip, r.port)) };
}

/** Asks the sentinels in the order registered; the first that knows the master answers. */
export async function findNodes(pool: TargetPool, instance: WithSentinel): Promise<SentinelNodes> {
  const failures: string[] = [];
  for (const address of instance.sentinel.addresses) {
    try {
      const nodes = await pool.use(sentinelConnection(instance, address), (redis) => askOne(redis, instance.sentinel.masterName));
      if (nodes) return { via: address, ...nodes };
      failures.push(`${address}: does not monitor a master named '${instance.sentinel.masterName}'`);
    } catch (err) {
      failures.push(`${address}: ${(err as Error).message}`);
    }
  }
  throw new TargetUnavailableError(`no sentinel of ${instance.name} named the current master of '${instance.sentinel.masterName}': ${failures.join('; ')}`);
}

/**
 * The connection a tool call uses: the current master, or the node it names when that node is
 * the master or one of its replicas (a node the sentinels do not report is refused: a recorded
 * history or a model cannot point the instance's credentials at another server).
 */
export async function resolveNode(pool: TargetPool, instance: InstanceConnection, node: string | undefined): Promise<InstanceConnection> {
  if (!instance.sentinel) {
    if (node)
      throw new ValidationError(`node: ${node} is not a node of ${instance.name}: a node is chosen only on a sentinel instance`, [
        { field: 'node', reason: 'not a sentinel instance' },
      ]);
    return instance;
  }
  const nodes = await findNodes(pool, instance as WithSentinel);
  if (!node) return nodeConnection(instance, nodes.master);
  if (node !== nodes.master && !nodes.replicas.includes(node)) {
    throw new ValidationError(
      `node: ${node} is neither the master (${nodes.master}) nor a replica of '${instance.sentinel.masterName}' according to sentinel ${nodes.via}`,
      [{ field: 'node', reason: 'not a node the sentinels report' }],
    );
  }
  return nodeConnection(instance, node);
}
