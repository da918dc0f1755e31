import Redis from 'ioredis';

/** Connection to the app's own Redis (threads, instances, progress streams). */
export function connectAppRedis(url: string, options: { lazy?: boolean } = {}): Redis {
  return new Redis(url, {
    lazyConnect: options.lazy ?? false,
    maxRetriesPerRequest: 3,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}
