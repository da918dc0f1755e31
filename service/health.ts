import type { Services } from '.';
import { errorMessage } from '../core/errors';

/** Reachability of what the app depends on: Temporal, the app Redis, Prometheus. */

export interface DependencyHealth {
  name: string;
  ok: boolean;
  address: string;
  latencyMs?: number;
  error?: string;
}

async function timed(name: string, address: string, fn: () => Promise<unknown>): Promise<DependencyHealth> {
  const started = Date.now();
  try {
    await fn();
    return { name, ok: true, address, latencyMs: Date.now() - started };
  } catch (err) {
    return { name, ok: false, address, error: errorMessage(err) };
  }
}

export async function checkHealth(services: Services): Promise<{ ok: boolean; dependencies: DependencyHealth[] }> {
  const { config } = services;
  const dependencies = await Promise.all([
    timed('temporal', config.temporal.address, () => services.temporal.workflowService.getSystemInfo({})),
    timed('app-redis', config.appRedisUrl.replace(/:[^:@/]*@/, ':***@'), async () => {
      if ((await services.stores.redis.ping()) !== 'PONG') throw new Error('unexpected PING reply');
    }),
    timed('prometheus', config.prometheusUrl, async () => {
      const response = await fetch(new URL('/-/ready', config.prometheusUrl), { signal: AbortSignal.timeout(2000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    }),
  ]);
  // Prometheus feeds optional tools; the app is healthy without it.
  return { ok: dependencies.filter((d) => d.name !== 'prometheus').every((d) => d.ok), dependencies };
}
