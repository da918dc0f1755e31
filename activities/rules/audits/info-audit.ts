import type { Check } from '../check';
import { isAudited, type InfoAuditEntry } from './info-rule';
import { clientsRules, serverRules } from './info-server';
import { memoryRules } from './info-memory';
import { persistenceRules } from './info-persistence';
import { replicationRules } from './info-replication';
import { statsRules } from './info-stats';
import { workloadRules } from './info-workload';

/**
 * The INFO audit: every INFO field with a known-bad range (research/info-audit.md), one table
 * entry each, citing where its threshold comes from. An entry is either evaluated here (it is a
 * Check) or judged by an existing check it names, so a field never yields two findings.
 * Counters that only grow since start are judged by their rate (redis_info_rates), never by
 * their total.
 */

export const INFO_AUDIT: InfoAuditEntry[] = [
  ...serverRules,
  ...clientsRules,
  ...memoryRules,
  ...persistenceRules,
  ...statsRules,
  ...replicationRules,
  ...workloadRules,
];

export const infoAuditChecks: Check[] = INFO_AUDIT.filter(isAudited);
