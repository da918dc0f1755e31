import type { z } from 'zod';
import { defineTool, type ToolDefinition } from '../define';

/** A read-only tool on the task's target Redis: the redis retry family, instance required. */
export function redisTool<S extends z.ZodType>(
  definition: Omit<ToolDefinition<S>, 'capability' | 'retryClass' | 'needsInstance' | 'access'>,
): ToolDefinition<S> {
  return defineTool({ ...definition, capability: 'redis', retryClass: 'redis', needsInstance: true, access: 'read' });
}
