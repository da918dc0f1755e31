import { execFile } from 'node:child_process';
import * as net from 'node:net';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { parseClusterShards, type ClusterTopology } from '../core/cluster/topology';
import { waitFor } from './processes';
import { startEphemeralRedis, type EphemeralRedis } from './ephemeral-redis';
import type { ServerKind } from './install';

/**
 * A throwaway 6-node Redis Cluster on loopback (3 primaries, 3 replicas) made the way operators
 * make one: `redis-cli --cluster create … --cluster-replicas 1`, for tests and eval scenarios
 * (`topology: cluster`). Setup may write (keys, DELSLOTS) to build a scenario; the agent never
 * does. cluster-node-timeout is 1 s so a killed primary is failed over within seconds.
 */

export interface RedisCluster {
  nodes: EphemeralRedis[];
  /** '' when the nodes ask for none. */
  password: string;
  /** host:port of every node, in creation order (the first three become primaries). */
  addresses: string[];
  /** A plain client to one node, for setup steps. */
  client(address: string): Redis;
  /** The cluster as one node sees it now. */
  topology(address?: string): Promise<ClusterTopology>;
  /** The primary serving a key's slot. */
  ownerOf(key: string): Promise<string>;
  /** Kills a primary (SIGKILL) and waits until its replica is promoted and the cluster is ok again. */
  failPrimary(address: string): Promise<{ promoted: string }>;
  stop(): Promise<void>;
}

/** The cluster bus listens on port + 10000 (https://redis.io/docs/latest/operate/oss_and_stack/management/scaling/): both must be free. */
async function clusterPort(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await free(port)) && (await free(port + 10_000))) return port;
  }
}

const run = promisify(execFile);

export interface EphemeralClusterOptions {
  args?: string[];
  /** requirepass and masterauth on every node; a random one by default, '' for none. */
  password?: string;
  /** Where each node's directory goes (node-1 … node-6); temporary ones by default. */
  dir?: string;
  server?: ServerKind;
}

export async function startEphemeralCluster(options: EphemeralClusterOptions = {}): Promise<RedisCluster> {
  const password = options.password ?? `cluster-secret-${Math.random().toString(36).slice(2, 10)}`;
  const nodes: EphemeralRedis[] = [];
  for (let i = 0; i < 6; i++) {
    const port = await clusterPort();
    nodes.push(
      await startEphemeralRedis({
        port,
        ...(password ? { password } : {}),
        ...(options.dir ? { dir: `${options.dir}/node-${i + 1}` } : {}),
        ...(options.server ? { server: options.server } : {}),
        args: [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '1000',
          '--masterauth',
          password,
          ...(options.args ?? []),
        ],
      }),
    );
  }
  const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
  const clients = new Map<string, Redis>();
  const client = (address: string) => {
    let c = clients.get(address);
    if (!c) {
      c = new Redis({
        host: '127.0.0.1',
        port: Number(address.split(':')[1]),
        password,
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        retryStrategy: () => null,
      });
      c.on('error', () => undefined);
      clients.set(address, c);
    }
    return c;
  };
  const topology = async (address = addresses[0]) => parseClusterShards(await client(address).call('CLUSTER', 'SHARDS'), address);
  const stop = async () => {
    for (const c of clients.values()) c.disconnect();
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    await run('redis-cli', [
      ...(password ? ['-a', password, '--no-auth-warning'] : []),
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    // Ready when every node sees the cluster ok and every replica has finished its first sync.
    const ready = async (alive: string[]) =>
      (
        await Promise.all(
          alive.map(
            async (a) =>
              /cluster_state:ok/.test(String(await client(a).call('CLUSTER', 'INFO'))) &&
              (await topology(a)).shards.every((s) => s.nodes.every((n) => n.health === 'online')),
          ),
        )
      ).every(Boolean);
    await waitFor('the redis cluster', () => ready(addresses).catch(() => false), 30_000);
    return {
      nodes,
      password,
      addresses,
      client,
      topology,
      async ownerOf(key) {
        const slot = Number(await client(addresses[0]).call('CLUSTER', 'KEYSLOT', key));
        const shard = (await topology()).shards.find((s) => s.slots.some(([a, b]) => slot >= a && slot <= b));
        return shard!.nodes.find((n) => n.role === 'primary')!.address;
      },
      async failPrimary(address) {
        const before = await topology(addresses.find((a) => a !== address));
        const replica = before.shards.find((s) => s.nodes.some((n) => n.address === address))!.nodes.find((n) => n.role === 'replica')!.address;
        client(address).disconnect();
        clients.delete(address);
        await nodes[addresses.indexOf(address)].stop();
        const alive = addresses.filter((a) => a !== address);
        await waitFor(
          `the failover of ${address} to ${replica}`,
          async () =>
            /role:master/.test(await client(replica).info('replication')) &&
            (await Promise.all(alive.map(async (a) => /cluster_state:ok/.test(String(await client(a).call('CLUSTER', 'INFO')))))).every(Boolean),
          30_000,
        );
        return { promoted: replica };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
