import type { Config } from '../core/config';
import { openStores, type AppStores } from '../core/app-context';
import { createLogger } from '../core/logger';
import { TargetPool } from '../core/target-pool';
import type { WorkerDeps } from '../activities/deps';
import { createModelClient } from '../activities/model/client';
import { BUILTIN_TOOLS, ToolRegistry } from '../activities/tools/registry';
import type { ToolDefinition } from '../activities/tools/define';
import { createKnowledgeBase } from '../knowledge/create-knowledge-base';
import type { KnowledgeBase } from '../knowledge/knowledge-base';

/** Builds the long-lived services the activities share. */
export function buildWorkerDeps(
  config: Config,
  extra: { stores?: AppStores; knowledge?: KnowledgeBase; tools?: ToolDefinition[] } = {},
): WorkerDeps & { stores: AppStores; close(): Promise<void> } {
  const stores = extra.stores ?? openStores(config);
  const targets = new TargetPool(30_000, { policy: stores.policy });
  const log = createLogger('worker', config.logLevel);
  return {
    config,
    stores,
    instances: stores.instances,
    threads: stores.threads,
    tasks: stores.tasks,
    health: stores.health,
    approvals: stores.approvals,
    evidence: stores.evidence,
    targets,
    knowledge: extra.knowledge ?? createKnowledgeBase(config, log),
    log,
    registry: new ToolRegistry([...BUILTIN_TOOLS, ...(extra.tools ?? [])]),
    model: config.model ? { client: createModelClient(config.model), settings: config.model } : undefined,
    close: async () => {
      await targets.close();
      if (!extra.stores) await stores.close();
    },
  };
}
