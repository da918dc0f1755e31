import type { z } from 'zod';
import type { ActionProposal, ActionRisk, Verification } from '../../core/actions/types';
import type { InstanceConnection, InstanceView } from '../../core/instances/model';
import type { RedisCommands } from '../../core/target-redis';
import type { ToolDeps } from '../tools/deps';
import type { ToolRegistry } from '../tools/registry';

/**
 * A remediation action is defined once, like a tool: the catalogue, the proposals, the approval
 * views and the executing activity all read this definition. What it may send is declared up
 * front (commands), and the write connection it runs on permits exactly those commands.
 */

export interface ActionContext {
  /** The agent's read-only connection to the target (precondition, verification). */
  read: RedisCommands;
  deps: ToolDeps & { registry: ToolRegistry };
  instanceId: string;
  threadId: string;
  taskId: string;
  heartbeat(): void;
}

export type PreconditionResult =
  | { holds: true; before: Record<string, unknown> }
  /** The state no longer calls for the action (fixed by hand, gone, changed): refused, nothing sent. */
  | { holds: false; reason: string };

export interface ActionDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: S;
  risk(args: z.output<S>): ActionRisk;
  /**
   * Whether it applies to an instance of this topology: undefined when it does, else why not
   * (refused when proposed, recorded and run). Without it: not on a cluster or behind Sentinel,
   * where the instance's one endpoint is one node of several (notApplicable).
   */
  applies?(args: z.output<S>, instanceType: InstanceType): string | undefined;
  /**
   * Where it runs when that is not the instance's own endpoint (one node of a cluster, one
   * sentinel): precondition, commands and verification all go to this connection. A refusal
   * (the node is not a member, no sentinel answers) is recorded like a failed precondition.
   */
  target?(args: z.output<S>, instance: InstanceConnection, deps: ToolDeps): Promise<InstanceConnection | { refused: string }>;
  /** One line for lists: "Set maxmemory-policy to allkeys-lru". */
  title(args: z.output<S>): string;
  precondition: {
    /** In words, for the approver: what must still be true when it runs. */
    describe(args: z.output<S>): string;
    /** Re-checked right before running; `before` is what rollback and the record keep. */
    check(args: z.output<S>, ctx: ActionContext): Promise<PreconditionResult>;
  };
  /** The exact commands (argv) it sends, given the state the precondition saw. */
  commands(args: z.output<S>, before: Record<string, unknown>): string[][];
  /** When commands cannot be known before the precondition ran (client ids), how the approver is told what it will send. */
  plannedCommands?(args: z.output<S>): string[];
  /** For actions that do not talk to the target with commands (external MCP writes). */
  run?(args: z.output<S>, ctx: ActionContext): Promise<Record<string, unknown>>;
  /** After running: did it do what it should, and what the state is now. */
  verify(args: z.output<S>, ctx: ActionContext, before: Record<string, unknown>): Promise<{ after: Record<string, unknown>; verification: Verification }>;
  rollback?: {
    describe(args: z.output<S>): string;
    /** The proposal that undoes it, from the state before it ran. */
    proposal(args: z.output<S>, before: Record<string, unknown>): ActionProposal | undefined;
  };
}

export type InstanceType = InstanceView['instance_type'];

/** Why an action does not apply to an instance of this type, or undefined when it does. */
export function notApplicable(definition: ActionDefinition, args: unknown, instanceType: InstanceType): string | undefined {
  if (definition.applies) return definition.applies(args, instanceType);
  if (instanceType === 'cluster' || instanceType === 'sentinel')
    return `${definition.name} runs on one endpoint, and a ${instanceType} instance has several nodes: it is not applicable here`;
  return undefined;
}

export function defineAction<S extends z.ZodType>(definition: ActionDefinition<S>): ActionDefinition<S> {
  return definition;
}

/** argv as an SRE would type it: arguments with spaces or quotes quoted. */
export function commandText(argv: ReadonlyArray<string>): string {
  return argv.map((a) => (/^[^\s"']+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
