import { z } from 'zod';
import { ENVIRONMENTS, INSTANCE_TYPES, USAGES } from './instances/model';

/** Fleet checks: one health check per instance matching a filter, and one summary of them all. */

export const fleetFilterSchema = z
  .object({
    environment: z.enum(ENVIRONMENTS).optional().describe('Only instances of this environment, e.g. production'),
    usage: z.enum(USAGES).optional().describe('Only instances of this usage, e.g. cache'),
    instance_type: z.enum(INSTANCE_TYPES).optional().describe('Only instances of this topology, e.g. cluster'),
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w .:@/*?-]+$/, 'a name or a glob of * and ?, e.g. cache-*')
      .regex(/\S/, 'must not be blank')
      .optional()
      .describe('Only instances whose name matches this glob (* any run of characters, ? one character), e.g. cache-*'),
    all: z.boolean().optional().describe('Every registered instance (when no other filter is given, say so explicitly)'),
  })
  .strict()
  .refine((f) => f.all || f.environment || f.usage || f.instance_type || f.name, 'give a filter (environment, usage, instance_type, name) or all: true');

export type FleetFilter = z.output<typeof fleetFilterSchema>;

export const fleetCheckSchema = z
  .object({
    filter: fleetFilterSchema.describe('Which instances to check'),
    concurrency: z.number().int().min(1).max(20).default(4).describe('How many instances are checked at the same time (1 to 20, default 4)'),
    message: z.string().min(1).max(2000).regex(/\S/, 'must not be blank').default('Run a full health check').describe('What each instance is asked'),
  })
  .strict();

/** A glob of * and ? as a whole-name, case-insensitive match. */
export function nameMatches(glob: string, name: string): boolean {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`, 'i').test(name);
}

export interface FleetMember {
  instanceId: string;
  name: string;
  environment: string;
  usage: string;
}

export interface FleetInput {
  fleetId: string;
  threadId: string;
  filter: FleetFilter;
  concurrency: number;
  message: string;
  source: 'cli' | 'api' | 'mcp' | 'schedule' | 'test';
}

export type FleetVerdict = 'critical' | 'warning' | 'healthy' | 'failed';

export interface FleetRow {
  instanceId: string;
  name: string;
  taskId: string;
  verdict: FleetVerdict;
  topFinding?: string;
  findings: number;
  error?: string;
}

export interface FleetResult {
  fleetId: string;
  threadId: string;
  rows: FleetRow[];
  /** The summary written to the fleet's thread. */
  summary: string;
}
