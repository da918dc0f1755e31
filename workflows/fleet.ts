import { uuid4, workflowInfo } from '@temporalio/workflow';
import type { FleetInput, FleetResult } from '../core/fleet';
import { askInstance } from './instance-task';
import { inLanes } from './lanes';
import { fleet } from './proxies';
import { StatusTracker } from './status';

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
    const rows = await inLanes(
      members,
      input.concurrency,
      async (member) => {
        const taskId = `task_${input.fleetId}-${member.instanceId}`;
        const source = input.source === 'test' ? 'test' : 'fleet';
        return (await askInstance(member, { taskId, message: input.message, agent: 'triage', source }, `fleet ${input.fleetId}: ${member.name}`)).row;
      },
      (done) => status.describe(`${done} of ${members.length} checked`),
    );
    status.phase('synthesizing');
    const result = await fleet.writeFleetSummary({ fleetId: input.fleetId, threadId: input.threadId, rows });
    status.phase('done');
    return result;
  });
}
