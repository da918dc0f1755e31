import { z } from 'zod';
import { argumentsJsonSchema } from '../../core/json-schema';
import type { Config } from '../../core/config';
import type { FootprintRecorder } from '../../core/footprint-recorder';
import type { InstanceConnection } from '../../core/instances/model';
import type { RetryClass, ToolCallInput, ToolCapability, ToolSpec, TopicCategory } from '../../core/types';
import type { ToolDeps } from './deps';

/** What a tool handler may use while it runs. */
export interface ToolContext {
  call: ToolCallInput;
  deps: ToolDeps;
  /** Decrypted connection details of the task's instance; throws when the task has none. */
  instance(): Promise<InstanceConnection>;
  /** Tells Temporal the activity is alive (long scans). */
  heartbeat(details?: unknown): void;
  /** Every command to a target goes through it: what this call costs the target. */
  footprint: FootprintRecorder;
}

/** A tool is defined once: the model's tool list and the worker's activities both come from this. */
export interface ToolDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: S;
  /**
   * JSON Schema shown to the model instead of the one generated from `schema`: for tools whose
   * arguments another system defines and validates (external MCP servers).
   */
  jsonSchema?: Record<string, unknown>;
  /** What the tool reaches (Redis, metrics, logs, runbooks, an external MCP server): agents are offered tools by capability. */
  capability: ToolCapability;
  /**
   * The questions and research topics the tool serves: a model is offered the tools of its
   * question's categories (a small model cannot read 27 schemas), the rest stay reachable through
   * list_tools. Absent: useful for any question (redis_info, redis_config_get).
   */
  categories?: readonly TopicCategory[];
  /** How failures retry (see workflows/activity-options.ts); independent of what the tool reaches. */
  retryClass: RetryClass;
  needsInstance: boolean;
  access: 'read' | 'write';
  /** Output bound in bytes of JSON (default DEFAULT_TOOL_OUTPUT_BYTES). */
  maxOutputBytes?: number;
  /** Whether the tool can work with this configuration (e.g. Loki tools need LOKI_URL). */
  available?(config: Config): boolean;
  handler(args: z.output<S>, ctx: ToolContext): Promise<unknown>;
  /** One line for threads and the UI, from the tool's data. */
  summarize?(data: any): string;
}

export function defineTool<S extends z.ZodType>(definition: ToolDefinition<S>): ToolDefinition<S> {
  return definition;
}

/** An empty argument object; the model may send {} or nothing. */
export const noArgs = z.object({}).strict();

export function toolSpec(tool: ToolDefinition): ToolSpec {
  return {
    name: tool.name,
    description: tool.description,
    parameters: tool.jsonSchema ?? argumentsJsonSchema(tool.schema),
    capability: tool.capability,
    ...(tool.categories ? { categories: tool.categories } : {}),
    retryClass: tool.retryClass,
    needsInstance: tool.needsInstance,
    access: tool.access,
  };
}
