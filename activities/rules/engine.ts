import { clusterNodeLoad } from './cluster/node-load';
import { isNoopConfigSet } from '../../core/config-values';
import { bySeverity } from '../../core/severity';
import { addFootprints, NO_FOOTPRINT, type Footprint } from '../../core/footprint';
import type { BaselineDigest, Finding } from '../../core/types';
import type { ClientSummary } from '../tools/redis/clients';
import type { SlowlogSummary } from '../tools/redis/performance';
import { vitals } from './vitals';
import { Baseline, bytes, type BaselineInput } from './baseline';
import type { Check, FollowUp } from './check';
import { configAuditChecks } from './audits/config-audit';
import { availabilityChecks } from './checks/availability';
import { infoAuditChecks } from './audits/info-audit';
import { clientChecks } from './checks/clients';
import { clusterChecks } from './checks/cluster';
import { connectionChecks } from './checks/connections';
import { keyspaceChecks } from './checks/keyspace';
import { keyspaceProfileChecks } from './checks/keyspace-profile';
import { memoryChecks } from './checks/memory';
import { performanceChecks } from './checks/performance';
import { persistenceChecks } from './checks/persistence';
import { replicationChecks } from './checks/replication';
import { securityChecks } from './checks/security';
import { sentinelChecks, sentinelTopology } from './checks/sentinel';

/** The rules engine: every check over the baseline, and the extra evidence checks ask for. */

export const ALL_CHECKS: Check[] = [
  ...availabilityChecks,
  ...memoryChecks,
  ...performanceChecks,
  ...connectionChecks,
  ...persistenceChecks,
  ...replicationChecks,
  ...keyspaceChecks,
  ...keyspaceProfileChecks,
  ...securityChecks,
  ...clusterChecks,
  ...sentinelChecks,
  ...configAuditChecks,
  ...clientChecks,
  ...infoAuditChecks,
];

export { bySeverity };

function facts(b: Baseline): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const put = (k: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') out[k] = v;
  };
  put('server', b.server()?.label);
  put('role', b.str('role'));
  put('uptime', b.num('uptime_in_seconds') !== undefined ? `${Math.round(b.num('uptime_in_seconds')! / 60)} min` : undefined);
  put('used_memory', b.num('used_memory') !== undefined ? bytes(b.num('used_memory')) : undefined);
  put('maxmemory', b.num('maxmemory') !== undefined ? (b.num('maxmemory') === 0 ? 'unlimited' : bytes(b.num('maxmemory'))) : undefined);
  put('maxmemory_policy', b.config('maxmemory-policy') ?? b.str('maxmemory_policy'));
  put('connected_clients', b.num('connected_clients'));
  put('ops_per_sec', b.num('instantaneous_ops_per_sec'));
  put('keys', b.data<{ totalKeys: number }>('redis_keyspace')?.totalKeys);
  return out;
}

/** What collecting these outputs cost the target, summed over the tools that talked to it. */
function footprintOf(input: BaselineInput): Footprint | undefined {
  const costs = Object.values(input).flatMap((e) => (e.ok && e.output.footprint ? [e.output.footprint] : []));
  return costs.length ? costs.reduce(addFootprints, NO_FOOTPRINT) : undefined;
}

/** The agent's own traces the tools left out, so the report can say how many. */
function ownActivity(b: Baseline): BaselineDigest['ownActivity'] {
  const slowlog = b.data<SlowlogSummary>('redis_slowlog')?.ownEntriesLeftOut;
  const connections = b.data<ClientSummary>('redis_client_list')?.ownConnectionsLeftOut;
  if (slowlog === undefined && connections === undefined) return undefined;
  return { slowlogEntries: slowlog ?? 0, connections: connections ?? 0 };
}

/** What tools that did answer could not read (a CONFIG renamed away, a grant missing): listed with the failures. */
function unreadableOf(input: BaselineInput, b: Baseline): Pick<BaselineDigest, 'unreadable'> {
  const unreadable = Object.keys(input).flatMap((tool) => (b.data<{ unreadable?: string[] }>(tool)?.unreadable ?? []).map((error) => ({ tool, error })));
  return unreadable.length ? { unreadable } : {};
}

function withClusterNode(b: Baseline): Pick<BaselineDigest, 'clusterNode'> {
  const load = clusterNodeLoad(b);
  return load ? { clusterNode: load } : {};
}

export function runChecks(input: BaselineInput, checks: Check[] = ALL_CHECKS): { digest: BaselineDigest; followUps: FollowUp[] } {
  const b = new Baseline(input);
  const findings: Finding[] = [];
  const passed: string[] = [];
  const skipped: BaselineDigest['skipped'] = [];
  const followUps: FollowUp[] = [];
  for (const check of checks) {
    let outcome;
    try {
      outcome = check.run(b);
    } catch (err) {
      outcome = { status: 'skip' as const, reason: `check error: ${(err as Error).message}` };
    }
    if (outcome.status === 'pass') passed.push(check.name);
    else if (outcome.status === 'skip') skipped.push({ checkId: check.id, reason: outcome.reason });
    // A fix never includes a CONFIG SET to the value the server already has.
    else findings.push(...outcome.findings.map((f) => ({ ...f, commands: f.commands.filter((c) => !isNoopConfigSet(c, (p) => b.config(p))) })));
    for (const f of check.followUps?.(b) ?? []) {
      if (!input[f.tool] && !followUps.some((x) => x.tool === f.tool)) followUps.push(f);
    }
  }
  return {
    digest: {
      findings: findings.sort(bySeverity),
      passed,
      skipped,
      facts: facts(b),
      toolErrors: b.errors(),
      ...unreadableOf(input, b),
      vitals: vitals(b),
      footprint: footprintOf(input),
      ownActivity: ownActivity(b),
      ...withClusterNode(b),
      ...sentinelTopology(b),
    },
    followUps,
  };
}
