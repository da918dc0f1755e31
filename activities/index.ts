import { createActionActivities } from './actions/activities';
import { createAgentActivities } from './agent-activities';
import { createFleetActivities } from './fleet';
import type { WorkerDeps } from './deps';
import { createMaintenanceActivities } from './maintenance';
import { createNotifyActivities } from './notify/activities';
import { createToolActivities } from './tools/activities';

/** All activities of the worker: one per tool, plus the agents' own steps. */
export function createActivities(deps: WorkerDeps) {
  return {
    ...createToolActivities(deps.registry, deps),
    ...createAgentActivities(deps),
    ...createMaintenanceActivities(deps),
    ...createNotifyActivities(deps),
    ...createActionActivities(deps),
    ...createFleetActivities(deps),
  };
}

export type { AgentActivities } from './agent-activities';
export type { ToolActivity } from './tools/activities';
