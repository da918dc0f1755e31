import type { Check } from '../check';
import { configRuleCheck, type ConfigRule } from './config-rule';
import { clusterRules } from './config-rules/cluster';
import { durabilityRules } from './config-rules/durability';
import { exposureRules } from './config-rules/exposure';
import { latencyRules } from './config-rules/latency';
import { memoryRules } from './config-rules/memory';
import { operabilityRules } from './config-rules/operability';
import { replicationRules } from './config-rules/replication';

/**
 * The configuration audit: every risky value or combination of redis.conf 7.x / valkey.conf 8-9
 * that CONFIG GET *, INFO and the rate sample can show (research/config-audit.md, part A). Each
 * area file says which research rows it leaves to existing checks or cannot judge, and why.
 */
export const CONFIG_RULES: ConfigRule[] = [
  ...durabilityRules,
  ...latencyRules,
  ...memoryRules,
  ...exposureRules,
  ...replicationRules,
  ...operabilityRules,
  ...clusterRules,
];

export const configAuditChecks: Check[] = CONFIG_RULES.map(configRuleCheck);
