import type { ApprovalStore } from '../../core/approvals';
import type { EvidenceStore } from '../../core/evidence';
import type { Config } from '../../core/config';
import type { InstanceStore } from '../../core/instances/store';
import type { Logger } from '../../core/logger';
import type { TargetPool } from '../../core/target-pool';
import type { ThreadStore } from '../../core/threads';
import type { KnowledgeBase } from '../../knowledge/knowledge-base';

/** Long-lived services the tools use, built once per worker. */
export interface ToolDeps {
  config: Config;
  instances: InstanceStore;
  threads: ThreadStore;
  /** Shared read-only connections to targets. */
  targets: TargetPool;
  knowledge?: KnowledgeBase;
  /** Where each output is kept for the task's grounding check. */
  evidence?: EvidenceStore;
  /** Proposed remediation actions (a model's proposals are kept here until its task ends). */
  approvals?: ApprovalStore;
  log: Logger;
}
