import type { Client, Connection } from '@temporalio/client';
import { openStores, type AppStores } from '../app-context';
import type { Config } from '../config';
import { connectTemporal } from '../temporal';
import { InstanceService } from './instances';
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
  close(): Promise<void>;
}

export async function openServices(
  config: Config,
  existing: { temporal?: { client: Client; connection?: Connection }; stores?: AppStores } = {},
): Promise<Services> {
  const temporal = existing.temporal ?? (await connectTemporal(config));
  const stores = existing.stores ?? openStores(config);
  const tasks = new TaskService(config, temporal.client, stores);
  return {
    config,
    temporal: temporal.client,
    stores,
    tasks,
    threads: new ThreadService(stores, tasks),
    instances: new InstanceService(stores),
    schedules: new ScheduleService(config, temporal.client, stores),
    close: async () => {
      if (!existing.stores) await stores.close();
      if (!existing.temporal) await temporal.connection?.close();
    },
  };
}
