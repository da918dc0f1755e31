import { executeChild, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { FloorActivities } from './activities';

/**
 * Temporal's own floor for the throughput benchmark: workflows with the same shape as one of our
 * offline chat tasks (a parent with local activities, a child with the same number of parallel
 * activities and local activities) whose activities do nothing. Same dev server, same worker
 * settings: the difference to ours is what our work costs.
 */
export interface FloorShape {
  parentLocal: number;
  childLocal: number;
  childActivities: number;
}

const local = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10s' });
const remote = proxyActivities<FloorActivities>({ startToCloseTimeout: '10s' });

export async function floorChildWorkflow(shape: FloorShape): Promise<number> {
  const before = Math.ceil(shape.childLocal / 2);
  for (let i = 0; i < before; i++) await local.noop();
  await Promise.all(Array.from({ length: shape.childActivities }, () => remote.noop()));
  for (let i = before; i < shape.childLocal; i++) await local.noop();
  return shape.childActivities;
}

export async function floorTaskWorkflow(shape: FloorShape): Promise<number> {
  const before = Math.max(0, shape.parentLocal - 1);
  for (let i = 0; i < before; i++) await local.noop();
  const done = await executeChild(floorChildWorkflow, { args: [shape] });
  if (shape.parentLocal > 0) await local.noop();
  return done;
}
