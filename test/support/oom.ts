import type Redis from 'ioredis';

/** Fills a test Redis under maxmemory 10mb and noeviction until writes fail with OOM (the fixture may write; the agent never does). */
export async function fillToOom(client: Redis): Promise<number> {
  await client.config('SET', 'maxmemory', '10mb');
  await client.config('SET', 'maxmemory-policy', 'noeviction');
  let refused = 0;
  for (let batch = 0; batch < 200 && refused === 0; batch++) {
    const results = await client.pipeline(Array.from({ length: 500 }, (_, i) => ['set', `k:${batch}:${i}`, 'v'.repeat(200)])).exec();
    refused += (results ?? []).filter(([err]) => err).length;
  }
  if (refused === 0) throw new Error('the test Redis never refused a write: no OOM to diagnose');
  return refused;
}

/** How many CONFIG SET the server has executed since start (INFO commandstats). */
export async function configSetCalls(client: Redis): Promise<number> {
  const stats = String(await client.info('commandstats'));
  return Number(/cmdstat_config\|set:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

export const maxmemoryPolicy = async (client: Redis): Promise<string> => ((await client.config('GET', 'maxmemory-policy')) as string[])[1];

/** Polls until fn returns a value (not undefined), for at most timeoutMs. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
