import type Redis from 'ioredis';
import { ThreadEventHub, type Subscription } from '../../api/streaming/event-hub';
import { connectAppRedis } from '../../core/app-redis';
import { ThreadStore } from '../../core/threads';
import type { StreamEntry } from '../../core/threads';
import { startRedis, type EphemeralRedis } from '../support/redis';

/** The API's one blocking reader of progress streams, on a real app Redis. */
describe('thread event hub', () => {
  let redis: EphemeralRedis;
  let shared: Redis;
  let hub: ThreadEventHub;

  beforeAll(async () => {
    redis = await startRedis();
    shared = connectAppRedis(redis.url);
    hub = new ThreadEventHub(shared, redis.url, { global: 10, perCaller: 10 });
  });
  afterAll(async () => {
    await hub.close();
    shared.disconnect();
    await redis.stop();
  });

  /** The first `n` entries a subscription yields. */
  async function take(s: Subscription, n: number): Promise<StreamEntry[]> {
    const out: StreamEntry[] = [];
    for await (const entry of s.entries()) {
      out.push(entry);
      if (out.length === n) break;
    }
    return out;
  }

  it('two clients subscribing to a new thread at the same moment both get its live events', async () => {
    const threads = new ThreadStore(shared);
    const threadId = 'thread_hubconcurrent01';
    await threads.publish(threadId, { type: 'task_started', taskId: 'task_1', message: 'before anyone watched' });
    // A WebSocket and an SSE client on the same thread, neither waiting for the other (as the console and a CLI do).
    const [ws, sse] = await Promise.all([hub.subscribe(threadId, '0', 'a'), hub.subscribe(threadId, '0', 'b')]);
    expect(hub.open).toBe(2);
    const live = [
      { type: 'routed', taskId: 'task_1', agent: 'chat', mode: 'offline', reason: 'live' },
      { type: 'task_done', taskId: 'task_1', status: 'done' },
    ] as const;
    for (const event of live) await threads.publish(threadId, event);
    const [a, b] = await Promise.all([take(ws, 3), take(sse, 3)]);
    expect(a.map((e) => e.event.type)).toEqual(['task_started', 'routed', 'task_done']);
    expect(b.map((e) => e.id)).toEqual(a.map((e) => e.id));
    ws.close();
    sse.close();
    // Both were counted against the one watch, and both are released.
    expect(hub.open).toBe(0);
  });
});
