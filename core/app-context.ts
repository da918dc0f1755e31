import { EvidenceStore } from './evidence';
import type Redis from 'ioredis';
import { connectAppRedis } from './app-redis';
import { AlertLog } from './alerts/alert-log';
import { ApprovalStore } from './approvals';
import { AuditLog } from './audit';
import type { Config } from './config';
import { HealthHistory } from './health-history';
import { InstanceStore } from './instances/store';
import { loadMasterKey } from './secrets/master-key';
import type { MasterKey } from './secrets/envelope';
import { SessionStore } from './sessions';
import { TargetPolicy } from './target-policy';
import { TaskRecordStore } from './task-records';
import { ThreadStore } from './threads';

/**
 * The app's own stores over the app Redis, shared by the worker and every front door.
 * The master key is loaded on first use, so commands that never touch secrets run without one.
 */
export interface AppStores {
  redis: Redis;
  instances: InstanceStore;
  threads: ThreadStore;
  tasks: TaskRecordStore;
  /** Which targets may be registered and connected to. */
  policy: TargetPolicy;
  /** Who changed what, from every front door. */
  audit: AuditLog;
  /** Every task's tool outputs, for the grounding check of its answer. */
  evidence: EvidenceStore;
  /** Alertmanager notifications received, and each alert group's open episode per instance. */
  alerts: AlertLog;
  /** Each instance's check results over time. */
  health: HealthHistory;
  /** Proposed remediation actions and what became of them. */
  approvals: ApprovalStore;
  /** Console sign-ins (session cookies). */
  sessions: SessionStore;
  close(): Promise<void>;
}

export function openStores(config: Config, redis: Redis = connectAppRedis(config.appRedisUrl)): AppStores {
  let key: MasterKey | undefined;
  const masterKey = () => (key ??= loadMasterKey(config));
  const policy = new TargetPolicy(config);
  return {
    redis,
    policy,
    audit: new AuditLog(redis),
    evidence: new EvidenceStore(redis, config.evidenceTtlHours),
    instances: new InstanceStore(redis, masterKey, policy),
    threads: new ThreadStore(redis),
    tasks: new TaskRecordStore(redis),
    alerts: new AlertLog(redis, config.retentionDays),
    health: new HealthHistory(redis, config.retentionDays),
    approvals: new ApprovalStore(redis),
    sessions: new SessionStore(redis, config.api.sessionTtlSeconds),
    close: async () => {
      redis.disconnect();
    },
  };
}
