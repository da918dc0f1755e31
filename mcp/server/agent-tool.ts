import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Role } from '../../core/api-keys';
import type { Services } from '../../service';

/** The agent's own tools as MCP clients see them: defined once, served over stdio and HTTP alike. */

/** What a tool may use while it answers one MCP call. */
export interface AgentToolContext {
  services: Services;
  /** Who is calling, recorded with every change the tool makes. */
  actor: string;
  /** Tells a waiting client the call is alive (MCP progress notifications, when it asked for them). */
  progress(message: string, done: number, total: number): Promise<void>;
}

/** Structured data for programs, and text for the model or person reading the result. */
export interface AgentToolReply {
  data: object;
  /** Defaults to the data as JSON. */
  text?: string;
}

export interface AgentTool<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: S;
  annotations: ToolAnnotations;
  /** The least role that may call it: viewer reads, operator starts tasks and changes instances and schedules. */
  role: Role;
  handler(args: z.output<S>, ctx: AgentToolContext): Promise<AgentToolReply>;
}

export function defineAgentTool<S extends z.ZodType>(tool: AgentTool<S>): AgentTool<S> {
  return tool;
}
