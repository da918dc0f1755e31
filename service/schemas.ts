import { z } from 'zod';
import { AGENT_CHOICES } from '../core/types';

/** Request shapes shared by REST, MCP and CLI: one definition, one set of messages. */

const id = (kind: string, noun: string) => z.string().regex(new RegExp(`^${kind}_[A-Za-z0-9]{6,64}$`), `must be ${noun} id like ${kind}_AbC123xyz`);

/** Task ids are workflow ids; scheduled runs get Temporal's timestamp suffix (task_schedX-2026-…Z). */
export const taskIdSchema = z.string().regex(/^task_[A-Za-z0-9][A-Za-z0-9_.:-]{5,127}$/, 'must be a task id like task_AbC123xyz');
export const threadIdSchema = id('thread', 'a thread');
export const instanceIdSchema = id('inst', 'an instance');

export const contextSchema = z
  .record(
    z
      .string()
      .max(64)
      .regex(/^[\w.-]+$/, 'context keys are letters, digits, _ . -'),
    z.string().max(1000),
  )
  .refine((c) => Object.keys(c).length <= 20, 'at most 20 context entries');

/**
 * A deep triage diagnoses a live Redis: without an instance it would report on nothing. (Chat may
 * go without one: it still has metrics, logs, runbooks and external MCP tools.)
 */
export function needsInstance(body: { agent?: string; instance_id?: string | null }): boolean {
  return body.agent !== 'triage' || Boolean(body.instance_id);
}

export const instanceRequired = {
  message: 'the triage agent needs an instance to diagnose; give instance_id, or ask the chat or knowledge agent',
  path: ['instance_id'],
};

export const taskCreateSchema = z
  .object({
    message: z.string().trim().min(1, 'must not be empty').max(8000, 'at most 8000 characters'),
    thread_id: threadIdSchema.optional(),
    instance_id: instanceIdSchema.optional(),
    agent: z.enum(AGENT_CHOICES).default('auto'),
    context: contextSchema.optional(),
  })
  .strict()
  .refine(needsInstance, instanceRequired);

export type TaskCreate = z.input<typeof taskCreateSchema>;

export const followUpSchema = z
  .object({
    message: z.string().trim().min(1, 'must not be empty').max(8000, 'at most 8000 characters'),
    agent: z.enum(AGENT_CHOICES).default('auto'),
    context: contextSchema.optional(),
  })
  .strict();

export const taskListSchema = z
  .object({
    status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']).optional(),
    agent: z.enum(['chat', 'triage', 'knowledge']).optional(),
    instance_id: instanceIdSchema.optional(),
    thread_id: threadIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    next_page_token: z
      .string()
      .max(1024, 'at most 1024 characters')
      .regex(/^[A-Za-z0-9_-]+$/, 'the next_page_token of an earlier page')
      .optional(),
  })
  .strict();

/** A person's verdict on an answer. */
export const feedbackSchema = z
  .object({
    rating: z.enum(['up', 'down']).describe('up (👍, the answer helped) or down (👎, it was wrong or useless)'),
    comment: z.string().max(2000, 'at most 2000 characters').optional().describe('What was wrong or right about it'),
  })
  .strict();
