import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { projectRoot } from '../../core/paths';
import { MasterKey } from '../../core/secrets/envelope';
import { testEnv } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';

const CLI = path.join(projectRoot(), 'dist/cli/main.js');

describe('sre-agent instance rotate-key', () => {
  let appRedis: EphemeralRedis;
  let dir: string;
  const oldKey = MasterKey.generate().text;
  const run = (args: string[], env: Record<string, string>) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 60_000 });

  beforeAll(async () => {
    // Its own app Redis: rotating keys must not touch the instances of tests running beside it.
    appRedis = await startRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-rotate-'));
  });
  afterAll(async () => {
    await appRedis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('re-encrypts every secret under the new key; the old key no longer opens them; nothing leaks', async () => {
    const env = { ...testEnv({ SRE_APP_REDIS_URL: appRedis.url, SRE_MASTER_KEY: oldKey }) };
    for (const name of ['alpha', 'beta']) {
      const created = run(['instance', 'create', '--name', name, '--url', `redis://:pw-${name}-secret@10.1.1.1:6379`, '--json'], env);
      expect(created.status).toBe(0);
      expect(created.stdout).not.toContain(`pw-${name}-secret`);
    }
    const raw = new Redis(appRedis.url);
    const before = await raw.mget(...(await raw.smembers('sre:instances')).map((id) => `sre:instance:${id}`));

    const newKeyFile = path.join(dir, 'new.key');
    const rotated = run(['instance', 'rotate-key', '--new-key-file', newKeyFile], env);
    expect(rotated.status).toBe(0);
    expect(rotated.stdout).toMatch(/re-encrypted 2 secret\(s\)/);
    const newKey = fs.readFileSync(newKeyFile, 'utf8').trim();
    expect(fs.statSync(newKeyFile).mode & 0o777).toBe(0o600);
    for (const output of [rotated.stdout, rotated.stderr]) {
      expect(output).not.toContain(newKey);
      expect(output).not.toContain(oldKey);
    }

    const after = await raw.mget(...(await raw.smembers('sre:instances')).map((id) => `sre:instance:${id}`));
    raw.disconnect();
    for (let i = 0; i < after.length; i++) {
      const [b, a] = [JSON.parse(before[i]!), JSON.parse(after[i]!)];
      expect(a.secret.ct).toBe(b.secret.ct); // same data key, same ciphertext
      expect(a.secret.wk).not.toBe(b.secret.wk); // re-wrapped
      expect(after[i]).not.toMatch(/pw-(alpha|beta)-secret/);
    }

    const withNew = run(['instance', 'list', '--json'], { ...env, SRE_MASTER_KEY: newKey });
    expect(withNew.status).toBe(0);
    expect(
      JSON.parse(withNew.stdout)
        .map((i: { connection_url: string }) => i.connection_url)
        .sort(),
    ).toEqual(['redis://:***@10.1.1.1:6379', 'redis://:***@10.1.1.1:6379']);
    const withOld = run(['instance', 'list'], env);
    expect(withOld.status).not.toBe(0);
    expect(withOld.stderr).toMatch(/encrypted under master key \w+, but the configured key is \w+/);
    expect(withOld.stderr).not.toContain(oldKey);
  });
});
