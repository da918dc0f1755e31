import type { RequestHandler } from 'express';
import { principalOf } from './auth';
import { HttpError } from './errors';

/**
 * Per-caller request rates (token buckets per API key): task creation, stream opening and
 * connection probes each have a budget per minute; beyond it the answer is 429 with Retry-After.
 */
export type RateKind = 'tasks' | 'streams' | 'probes';

class Bucket {
  tokens: number;
  updated = Date.now();

  constructor(readonly capacity: number) {
    this.tokens = capacity;
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    /** Requests per minute; the bucket holds as many, so a burst of a minute's worth passes. */
    private readonly perMinute: number,
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds until one is free. */
  take(caller: string): number {
    const now = Date.now();
    let bucket = this.buckets.get(caller);
    if (!bucket) {
      bucket = new Bucket(this.perMinute);
      this.buckets.set(caller, bucket);
    }
    bucket.tokens = Math.min(bucket.capacity, bucket.tokens + ((now - bucket.updated) / 60_000) * this.perMinute);
    bucket.updated = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - bucket.tokens) / this.perMinute) * 60));
  }
}

export function rateLimit(limiter: RateLimiter, kind: RateKind): RequestHandler {
  return (req, res, next) => {
    const caller = principalOf(req).name === 'anonymous' ? `ip:${req.socket.remoteAddress}` : principalOf(req).name;
    const wait = limiter.take(caller);
    if (wait === 0) return next();
    res.setHeader('Retry-After', String(wait));
    next(
      new HttpError(
        429,
        'rate_limited',
        `too many ${kind} requests from '${caller}': try again in ${wait} s (limit set by SRE_RATE_${kind.toUpperCase()}_PER_MINUTE)`,
      ),
    );
  };
}
