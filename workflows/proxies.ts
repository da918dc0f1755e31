import { proxyActivities, proxyLocalActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { AgentActivities, ToolActivity } from '../activities';
import type { FleetActivities } from '../activities/fleet';
import type { RetryClass } from '../core/types';
import { BOOKKEEPING_OPTIONS, MODEL_OPTIONS, TOOL_OPTIONS } from './activity-options';

/** Activity stubs, created once per workflow module. Activities are imported as types only. */

/**
 * Bookkeeping (threads, routing, rules, rendering) runs as local activities: short, idempotent
 * work that needs no server round trip per call. Tools and model calls stay regular activities,
 * each its own type in the history, with heartbeats and retries across workers.
 */
export const bookkeeping =
  proxyLocalActivities<
    Pick<
      AgentActivities,
      | 'beginTask'
      | 'routeTask'
      | 'resolveTargets'
      | 'describeTools'
      | 'evaluateBaseline'
      | 'groundAnswer'
      | 'renderOfflineAnswer'
      | 'deriveTopics'
      | 'fallbackReport'
      | 'clusterReport'
      | 'reportProgress'
      | 'finishTask'
    >
  >(BOOKKEEPING_OPTIONS);

/** Fleet bookkeeping: resolving a fleet, writing its summary, comparing several instances. */
export const fleet = proxyLocalActivities<FleetActivities>(BOOKKEEPING_OPTIONS);

export const model = proxyActivities<Pick<AgentActivities, 'modelTurn' | 'planTopics' | 'synthesizeReport'>>(MODEL_OPTIONS);

const toolStubs = Object.fromEntries(
  (Object.keys(TOOL_OPTIONS) as RetryClass[]).map((family) => [family, proxyActivities<Record<string, ToolActivity>>(TOOL_OPTIONS[family])]),
) as Record<RetryClass, ActivityInterfaceFor<Record<string, ToolActivity>>>;

/** The activity stub of one tool, with its family's retry policy. */
export function toolActivity(name: string, family: RetryClass): ActivityInterfaceFor<Record<string, ToolActivity>>[string] {
  return toolStubs[family][name];
}
