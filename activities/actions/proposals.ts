import type { ActionProposal } from '../../core/actions/types';
import type { Finding } from '../../core/types';

/**
 * Which catalogue action fixes which rule finding, arguments filled in from the finding's own
 * evidence. Only fixes whose effect is clear from the evidence are proposed; the others stay
 * recommendations (commands for a person to judge). A proposal still needs an approval.
 */

export interface ProposalContext {
  /** The instance's usage as registered (cache, session, queue…): an eviction policy is only proposed for a cache. */
  usage?: string;
}

type Proposer = (finding: Finding, ctx: ProposalContext) => ActionProposal[];

const evidence = (f: Finding, signal: string): string | undefined => {
  const e = f.evidence.find((x) => x.signal === signal);
  return e === undefined ? undefined : String(e.value);
};

/**
 * OOM under noeviction on a cache: evict instead of failing writes. allkeys-lru is the policy the
 * Redis "Key eviction" page names as the one to start with when unsure; only for an instance
 * registered as a cache, since on a data store an allkeys-* policy deletes data.
 */
const evictOnCache: Proposer = (f, ctx) =>
  ctx.usage === 'cache' && evidence(f, 'maxmemory-policy') === 'noeviction'
    ? [
        {
          action: 'config_set',
          arguments: { parameter: 'maxmemory-policy', value: 'allkeys-lru', expected_current: 'noeviction' },
          reason: `${f.title}: this instance is a cache, so evicting the least recently used keys is better than failing writes`,
          // The check whose verdict depends on the policy: critical under noeviction, a warning while evicting.
          checkId: 'memory.maxmemory-saturation',
          severity: 'critical',
        },
      ]
    : [];

/** A config audit finding fixed by one CONFIG SET: the value the finding's evidence shows is the one expected. */
const setConfig =
  (parameter: string, value: string, why: string): Proposer =>
  (f) => {
    const current = evidence(f, parameter);
    return current === undefined
      ? []
      : [
          {
            action: 'config_set',
            arguments: { parameter, value, expected_current: current },
            reason: `${f.title}: ${why}`,
            checkId: f.checkId,
            severity: f.severity,
          },
        ];
  };

const PROPOSERS: Record<string, Proposer> = {
  'memory.maxmemory-saturation': evictOnCache,
  'memory.maxmemory-write-errors': evictOnCache,
  'config.noeviction-cache': evictOnCache,
  // redis.conf default 10000 µs (10 ms); 128 entries.
  'config.slowlog-disabled': setConfig('slowlog-log-slower-than', '10000', 'record commands slower than 10 ms (the redis.conf default)'),
  // LATENCY DOCTOR needs the monitor; 100 ms is the threshold the Redis latency-monitor page uses in its example.
  'config.latency-monitor-off': setConfig('latency-monitor-threshold', '100', 'record latency spikes of 100 ms or more so LATENCY DOCTOR can explain them'),
  // MEMORY DOCTOR high_frag: with jemalloc, freed pages can be returned at once.
  'memory.fragmentation': (f) =>
    /not jemalloc/.test(f.detail) || f.severity === 'info'
      ? []
      : [{ action: 'memory_purge', arguments: {}, reason: `${f.title}: return freed pages to the OS`, checkId: f.checkId, severity: f.severity }],
};

/** The proposals for a report's findings, one per distinct action and arguments. */
export function proposalsFor(findings: Finding[], ctx: ProposalContext): ActionProposal[] {
  const seen = new Set<string>();
  // Info findings stay advice: a proposal asks a person to act, so it must be worth their time.
  return findings
    .filter((f) => f.severity !== 'info')
    .flatMap((f) => PROPOSERS[f.checkId]?.(f, ctx) ?? [])
    .filter((p) => {
      const key = proposalKey(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

export function proposalKey(p: Pick<ActionProposal, 'action' | 'arguments'>): string {
  return `${p.action}:${JSON.stringify(Object.entries(p.arguments).sort(([a], [b]) => a.localeCompare(b)))}`;
}
