import { RefusedCommandError, TargetRedis, checkAllowed } from '../../core/target-redis';
import { startRedis, type EphemeralRedis } from '../support/redis';

describe('read-only access to targets', () => {
  it.each([
    ['FLUSHALL', []],
    ['FLUSHDB', ['ASYNC']],
    ['CONFIG', ['SET', 'maxmemory', '1']],
    ['CONFIG', ['REWRITE']],
    ['DEBUG', ['SLEEP', '10']],
    ['SHUTDOWN', ['NOSAVE']],
    ['KEYS', ['*']],
    ['SET', ['k', 'v']],
    ['EVAL', ['return 1', '0']],
    ['MONITOR', []],
    ['CLIENT', ['KILL', 'ID', '1']],
    ['SCRIPT', ['KILL']],
    ['MEMORY', ['PURGE']],
  ])('refuses %s %j before sending it', (command, args) => {
    expect(() => checkAllowed(command, args)).toThrow(RefusedCommandError);
  });

  it.each([
    ['INFO', ['memory']],
    ['CONFIG', ['GET', 'maxmemory']],
    ['SLOWLOG', ['GET', '10']],
    ['SCAN', ['0']],
    ['CLIENT', ['LIST']],
  ])('allows %s %j', (command, args) => {
    expect(() => checkAllowed(command, args)).not.toThrow();
  });

  describe('against a real Redis', () => {
    let redis: EphemeralRedis;
    beforeAll(async () => {
      redis = await startRedis();
      await redis.client().set('keep-me', '1');
    });
    afterAll(async () => redis.stop());

    it('never lets a refused command reach the server', async () => {
      const target = await TargetRedis.connect({ id: 'inst_test', name: 't', url: redis.url });
      try {
        await expect(target.call('FLUSHALL')).rejects.toThrow(RefusedCommandError);
        await expect(target.call('CONFIG', 'SET', 'maxmemory', '1mb')).rejects.toThrow(RefusedCommandError);
        await expect(target.call('DEBUG', 'SLEEP', '0')).rejects.toThrow(RefusedCommandError);
        await expect(target.call('KEYS', '*')).rejects.toThrow(RefusedCommandError);
        const stats = String(await target.call('INFO', 'commandstats'));
        expect(stats).not.toMatch(/cmdstat_(flushall|debug|keys|config\|set)/);
        expect(await target.call('EXISTS', 'keep-me')).toBe(1);
      } finally {
        await target.close();
      }
    });
  });
});
