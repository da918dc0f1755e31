import type OpenAI from 'openai';
import type { ModelSettings } from '../core/config';
import type { ApprovalStore } from '../core/approvals';
import type { HealthHistory } from '../core/health-history';
import type { TaskRecordStore } from '../core/task-records';
import type { ToolDeps } from './tools/deps';
import type { ToolRegistry } from './tools/registry';

/** Everything the worker's activities share, built once at worker start. */
export interface WorkerDeps extends ToolDeps {
  registry: ToolRegistry;
  tasks: TaskRecordStore;
  /** Each instance's check results over time (notifications compare with the previous one). */
  health: HealthHistory;
  /** Proposed remediation actions (activities/actions). */
  approvals: ApprovalStore;
  model?: { client: OpenAI; settings: ModelSettings };
}
