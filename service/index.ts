import type { Client, Connection } from '@temporalio/client';
import { ApiKeyRing } from '../core/api-keys';
import { openStores, type AppStores } from '../core/app-context';
import type { Config } from '../core/config';
import { createLogger } from '../core/logger';
import { connectTemporal } from '../core/temporal';
import { createKnowledgeBase, type KnowledgeService } from '../knowledge/create-knowledge-base';
import { AlertService } from './alerts';
import { ApprovalService } from './approvals';
import { FleetService } from './fleet';
import { InstanceService } from './instances';
import { KnowledgeQueries } from './knowledge';
import { ScheduleService } from './schedules';
import { TaskService } from './tasks';
import { ThreadService } from './threads';

/** The service layer every front door (REST, MCP, CLI) is built on. */
export interface Services {
  config: Config;
  temporal: Client;
  stores: AppStores;
  tasks: TaskService;
  threads: ThreadService;
  instances: InstanceService;
  schedules: ScheduleService;
  alerts: AlertService;
  approvals: ApprovalService;
  fleet: FleetService;
  /** Runbook search and ingestion; the knowledge base opens on first use (most calls never search). */
  readonly knowledge: KnowledgeQueries;
  /** The API keys and their roles (REST, streams, MCP over HTTP). */
  readonly keys: ApiKeyRing;
  close(): Promise<void>;
}

export interface ExistingParts {
  temporal?: { client: Client; connection?: Connection };
  stores?: AppStores;
  knowledge?: KnowledgeService;
}

export async function openServices(config: Config, existing: ExistingParts = {}): Promise<Services> {
  const temporal = existing.temporal ?? (await connectTemporal(config));
  const stores = existing.stores ?? openStores(config);
  const tasks = new TaskService(config, temporal.client, stores);
  const approvals = new ApprovalService(config, temporal.client, stores);
  let knowledge: KnowledgeQueries | undefined;
  let keys: ApiKeyRing | undefined;
  return {
    config,
    temporal: temporal.client,
    stores,
    tasks,
    threads: new ThreadService(stores, tasks, approvals),
    instances: new InstanceService(stores),
    schedules: new ScheduleService(config, temporal.client, stores),
    alerts: new AlertService(stores, tasks),
    approvals,
    fleet: new FleetService(config, temporal.client, stores, tasks),
    get keys() {
      keys ??= ApiKeyRing.fromConfig(config);
      return keys;
    },
    get knowledge() {
      knowledge ??= new KnowledgeQueries(existing.knowledge ?? createKnowledgeBase(config, createLogger('knowledge', config.logLevel)), config.knowledgeDirs);
      return knowledge;
    },
    close: async () => {
      if (!existing.stores) await stores.close();
      if (!existing.temporal) await temporal.connection?.close();
    },
  };
}
