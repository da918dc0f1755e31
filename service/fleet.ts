import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { AppStores } from '../core/app-context';
import type { Config } from '../core/config';
import { NotFoundError } from '../core/errors';
import { fleetCheckSchema, type FleetInput, type FleetResult } from '../core/fleet';
import { newId } from '../core/ids';
import { SA_AGENT, SA_STATUS } from '../core/search-attributes';
import { parseOrThrow } from '../core/validation';
import { fleetHealthWorkflow } from '../workflows/fleet';
import type { TaskService } from './tasks';

/** Fleet checks for people: start one, read it back (REST, CLI, MCP, schedules). */

export const fleetIdSchema = z
  .string()
  .regex(/^fleet_[A-Za-z0-9][A-Za-z0-9_.:-]{5,127}$/, 'must be a fleet check id like fleet_AbC123xyz')
  .describe('The fleet check id (fleet_…)');

export interface FleetView {
  fleet_id: string;
  thread_id: string;
  status: 'running' | 'done' | 'failed';
  checked?: number;
  rows?: FleetResult['rows'];
  summary?: string;
  error?: string;
  workflow_url: string;
}

export class FleetService {
  constructor(
    private readonly config: Config,
    private readonly temporal: Client,
    private readonly stores: AppStores,
    private readonly tasks: TaskService,
  ) {}

  async start(body: unknown, options: { source: FleetInput['source']; actor?: string }): Promise<FleetView> {
    const request = parseOrThrow(fleetCheckSchema, body ?? {});
    const input: FleetInput = { fleetId: newId('fleet'), threadId: newId('thread'), ...request, source: options.source };
    await this.temporal.workflow.start(fleetHealthWorkflow, {
      taskQueue: this.config.temporal.taskQueue,
      workflowId: input.fleetId,
      args: [input],
      staticSummary: `fleet check: ${JSON.stringify(request.filter)}`,
      typedSearchAttributes: [
        { key: SA_AGENT, value: 'fleet' },
        { key: SA_STATUS, value: 'running' },
      ],
    });
    await this.stores.audit.record({ actor: options.actor ?? options.source, action: 'fleet.check', target: input.fleetId });
    return { fleet_id: input.fleetId, thread_id: input.threadId, status: 'running', workflow_url: this.tasks.workflowUrl(input.fleetId) };
  }

  async get(id: string): Promise<FleetView> {
    const fleetId = parseOrThrow(fleetIdSchema, id, 'id');
    const handle = this.temporal.workflow.getHandle(fleetId);
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError('fleet check', fleetId);
      throw err;
    }
    const input = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    const threadId = input ? (JSON.parse(Buffer.from(input).toString('utf8')) as FleetInput).threadId : '';
    const base = { fleet_id: fleetId, thread_id: threadId, workflow_url: this.tasks.workflowUrl(fleetId) };
    if (description.status.name === 'COMPLETED') {
      const result = (await handle.result()) as FleetResult;
      return { ...base, thread_id: result.threadId, status: 'done', checked: result.rows.length, rows: result.rows, summary: result.summary };
    }
    if (description.status.name === 'RUNNING') return { ...base, status: 'running' };
    return { ...base, status: 'failed', error: `the fleet check ${description.status.name.toLowerCase()}` };
  }

  /** Waits for the fleet check to finish (or the timeout) and returns its view. */
  async wait(id: string, timeoutMs = 30 * 60_000): Promise<FleetView> {
    await this.tasks.whenFinished(parseOrThrow(fleetIdSchema, id, 'id'), timeoutMs);
    return this.get(id);
  }
}
