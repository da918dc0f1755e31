import { z } from 'zod';
import { ValidationError } from '../../core/errors';
import { parseNodeSelector } from '../../core/cluster/node-selector';
import { actionNamed, ACTIONS } from '../actions/catalogue';
import { notApplicable } from '../actions/define';
import { defineTool } from './define';

/**
 * How a model proposes a fix: only an action of the catalogue, with arguments validated by the
 * action's own schema. Nothing runs: the proposal is kept with the task, and when the task ends it
 * becomes a remediation waiting for a person's approval, like the rules engine's proposals.
 * Free-text commands in an answer stay recommendations.
 */
export const proposeAction = defineTool({
  name: 'propose_action',
  description: `Proposes a fix for a person to approve (nothing is changed now). Only these actions: ${ACTIONS.map((a) => `${a.name} (${a.description.split('.')[0]})`).join('; ')}. Arguments are checked against the action's schema; an invalid proposal is refused with the reason.`,
  schema: z
    .object({
      action: z.enum(ACTIONS.map((a) => a.name) as [string, ...string[]]).describe('The catalogue action, e.g. config_set'),
      arguments: z.record(z.string(), z.unknown()).default({}).describe('The action arguments, e.g. {"parameter":"maxmemory-policy","value":"allkeys-lru"}'),
      reason: z.string().min(1).max(500).describe('Which finding it fixes and why, in a sentence'),
    })
    .strict(),
  capability: 'redis',
  retryClass: 'redis',
  needsInstance: true,
  access: 'read',
  handler: async ({ action, arguments: args, reason }, ctx) => {
    const definition = actionNamed(action)!;
    const parsed = definition.schema.safeParse(args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ValidationError(`${action}: ${issue?.path.join('.') || 'arguments'}: ${issue?.message ?? 'invalid'}`);
    }
    const instance = await ctx.deps.instances.get(parseNodeSelector(ctx.call.instanceId!).instanceId);
    const why = notApplicable(definition, parsed.data, instance.instance_type);
    if (why) throw new ValidationError(`${action}: ${why}`);
    if (!ctx.deps.approvals) throw new ValidationError('proposals are not available in this worker');
    await ctx.deps.approvals.addModelProposal(ctx.call.taskId, { action, arguments: args, reason });
    return { proposed: definition.title(parsed.data), risk: definition.risk(parsed.data), note: 'waits for a person to approve once the task ends' };
  },
  summarize: (data: { proposed: string }) => `proposed: ${data.proposed}`,
});
