import type { Baseline } from './baseline';

/**
 * How fast a counter that only grows since start is moving. Over the rate sample window
 * (redis_info_rates) when it ran: that is what happens now. Without it, the only rate one INFO
 * gives is the average since start, which says little on a long-running server (a million
 * evictions over a year is nothing; a thousand a second is an incident), so checks say which
 * they judged (research/info-audit.md, "Conventions": counters are judged by RATE).
 */
export interface CounterRate {
  perSecond: number;
  /** 'now': over the sample window; 'since start': total divided by uptime. */
  basis: 'now' | 'since start';
  /** Length of the window the rate is over, in seconds. */
  seconds: number;
  /** The counter's value since start. */
  total: number;
}

export function counterRate(b: Baseline, field: string): CounterRate | undefined {
  const total = b.num(field);
  if (total === undefined) return undefined;
  const rates = b.rates();
  const now = rates?.perSecond[field];
  if (rates && now !== undefined) return { perSecond: now, basis: 'now', seconds: rates.intervalSeconds, total };
  const uptime = b.num('uptime_in_seconds') ?? 0;
  return { perSecond: uptime > 0 ? total / uptime : 0, basis: 'since start', seconds: uptime, total };
}

/** "120", "3.5", "0.25": per-second figures at a sensible precision. */
export function perSecond(n: number): string {
  if (n >= 10) return n.toFixed(0);
  if (n >= 1) return n.toFixed(1);
  return n.toFixed(2);
}

const duration = (seconds: number): string =>
  seconds < 120 ? `${Math.round(seconds)} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;

/** "40/s over the last 3 s" or "0.5/s on average since start (12 min)". */
export function rateText(r: CounterRate, unit = '/s'): string {
  return r.basis === 'now'
    ? `${perSecond(r.perSecond)}${unit} over the last ${duration(r.seconds)}`
    : `${perSecond(r.perSecond)}${unit} on average since start (${duration(r.seconds)})`;
}

/** Evidence label of a rate: where it was read from. */
export const rateSource = (r: CounterRate): string => (r.basis === 'now' ? 'redis_info_rates' : 'redis_info (total / uptime)');
