import type Redis from 'ioredis';
import { RefusedCommandError } from '../../core/target-redis';
import { TargetPool } from '../../core/target-pool';
import { startRedis, type EphemeralRedis } from '../support/redis';

/** An approved action's connection may send exactly its declared commands, and reads; nothing else reaches the server. */
describe('the write connection of an approved action', () => {
  let redis: EphemeralRedis;
  let client: Redis;
  const pool = new TargetPool();

  beforeAll(async () => {
    redis = await startRedis();
    client = redis.client();
  });
  afterAll(async () => {
    client.disconnect();
    await pool.close();
    await redis.stop();
  });

  it('sends the permitted CONFIG SET, refuses any other write before sending it', async () => {
    const connection = { id: 'inst_test', name: 'test', url: redis.url };
    const writer = await pool.writer(connection, [['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu']]);
    try {
      const calls = async () => Number(/cmdstat_config\|set:calls=(\d+)/.exec(String(await client.info('commandstats')))?.[1] ?? 0);
      const before = await calls();
      await expect(writer.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu')).resolves.toBe('OK');
      await expect(writer.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru')).rejects.toThrow(RefusedCommandError);
      await expect(writer.call('CONFIG', 'SET', 'requirepass', 'x')).rejects.toThrow(RefusedCommandError);
      await expect(writer.call('FLUSHALL')).rejects.toThrow(RefusedCommandError);
      await expect(writer.call('INFO', 'server')).resolves.toContain('redis_version');
      expect((await calls()) - before).toBe(1);
      expect(((await client.config('GET', 'maxmemory-policy')) as string[])[1]).toBe('allkeys-lfu');
    } finally {
      await writer.close();
    }
  });
});
