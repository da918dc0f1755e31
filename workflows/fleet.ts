import { executeChild, proxyLocalActivities, uuid4, workflowInfo } from '@temporalio/workflow';
import type { FleetActivities } from '../activities/fleet';
import type { FleetInput, FleetMember, FleetResult, FleetRow } from '../core/fleet';
import { SA_AGENT, SA_INSTANCE, SA_STATUS } from '../core/search-attributes';
import type { Finding, TaskResult } from '../core/types';
import { BOOKKEEPING_OPTIONS } from './activity-options';
import { StatusTracker } from './status';
import { taskWorkflow } from './task';
import { failureMessage } from './tool-calls';

const fleet = proxyLocalActivities<FleetActivities>(BOOKKEEPING_OPTIONS);

const RANK = { critical: 0, warning: 1, info: 2 } as const;

function row(member: FleetMember, taskId: string, result: TaskResult): FleetRow {
  const findings: Finding[] = [...result.findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const worst = findings[0]?.severity;
  return {
    instanceId: member.instanceId,
    name: member.name,
    taskId,
    verdict: worst === 'critical' ? 'critical' : worst === 'warning' ? 'warning' : 'healthy',
    ...(findings[0] && worst !== 'info' ? { topFinding: findings[0].title } : {}),
    findings: findings.filter((f) => f.severity !== 'info').length,
  };
}

/**
 * A fleet check: every instance the filter matches gets its own health check, an ordinary task
 * (child workflow, its own thread, health history and notifications), at most `concurrency` at a
 * time; then one summary, instance × verdict × top finding × link, written to the fleet's thread.
 * An instance whose check fails is listed as such; the others go on.
 */
export async function fleetHealthWorkflow(started: FleetInput): Promise<FleetResult> {
  // A scheduled run leaves the ids empty: the workflow id is the fleet id, and it opens a thread.
  const input: FleetInput = {
    ...started,
    fleetId: started.fleetId || workflowInfo().workflowId,
    threadId: started.threadId || `thread_${uuid4().replace(/-/g, '').slice(0, 16)}`,
  };
  const status = new StatusTracker();
  return status.run(async () => {
    status.phase('routing', 'resolving the fleet');
    const members = await fleet.resolveFleet({ fleetId: input.fleetId, threadId: input.threadId, filter: input.filter, message: input.message });
    status.phase('investigating', `${members.length} instance(s), ${input.concurrency} at a time`);
    const rows: FleetRow[] = new Array(members.length);
    let next = 0;
    const lane = async () => {
      while (next < members.length) {
        const i = next++;
        const member = members[i];
        const taskId = `task_${input.fleetId}-${member.instanceId}`;
        try {
          const result = await executeChild(taskWorkflow, {
            workflowId: taskId,
            args: [
              {
                taskId,
                threadId: '',
                message: input.message,
                instanceId: member.instanceId,
                agent: 'triage',
                source: input.source === 'test' ? 'test' : 'fleet',
              },
            ],
            staticSummary: `fleet ${input.fleetId}: ${member.name}`,
            typedSearchAttributes: [
              { key: SA_STATUS, value: 'queued' },
              { key: SA_AGENT, value: 'triage' },
              { key: SA_INSTANCE, value: member.instanceId },
            ],
          });
          rows[i] = row(member, taskId, result);
        } catch (err) {
          rows[i] = { instanceId: member.instanceId, name: member.name, taskId, verdict: 'failed', findings: 0, error: failureMessage(err) };
        }
        status.describe(`${rows.filter(Boolean).length} of ${members.length} checked`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(input.concurrency, members.length) }, lane));
    status.phase('synthesizing');
    const result = await fleet.writeFleetSummary({ fleetId: input.fleetId, threadId: input.threadId, rows });
    status.phase('done');
    return result;
  });
}
