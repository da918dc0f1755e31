import { proxyActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { AgentActivities, ToolActivity } from '../activities';
import type { RetryClass } from '../core/types';
import { BOOKKEEPING_OPTIONS, MODEL_OPTIONS, TOOL_OPTIONS } from './activity-options';

/** Activity stubs, created once per workflow module. Activities are imported as types only. */

export const bookkeeping = proxyActivities<
  Pick<AgentActivities, 'beginTask' | 'routeTask' | 'describeTools' | 'evaluateBaseline' | 'renderOfflineAnswer' | 'deriveTopics' | 'fallbackReport' | 'reportProgress' | 'finishTask'>
>(BOOKKEEPING_OPTIONS);

export const model = proxyActivities<Pick<AgentActivities, 'modelTurn' | 'planTopics' | 'synthesizeReport'>>(MODEL_OPTIONS);

const toolStubs = Object.fromEntries(
  (Object.keys(TOOL_OPTIONS) as RetryClass[]).map((family) => [family, proxyActivities<Record<string, ToolActivity>>(TOOL_OPTIONS[family])]),
) as Record<RetryClass, ActivityInterfaceFor<Record<string, ToolActivity>>>;

/** The activity stub of one tool, with its family's retry policy. */
export function toolActivity(name: string, family: RetryClass): ActivityInterfaceFor<Record<string, ToolActivity>>[string] {
  return toolStubs[family][name];
}
