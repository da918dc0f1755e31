import { defineQuery } from '@temporalio/workflow';
import type { WorkflowStatus } from '../core/types';

/**
 * Every query, signal and update of our workflows, defined once. Sandbox-safe: the workflows set
 * the handlers, and the service layer sends the same definitions, so no name is spelled twice.
 */

/** The live status of every workflow: phase, topics, tool calls, token usage. */
export const statusQuery = defineQuery<WorkflowStatus>('status');
