import { NO_USAGE, type AgentInput, type AgentOutcome, type ChatMessage } from '../core/types';
import { answerReport } from '../core/answer-summary';
import { chatSystemPrompt } from '../core/prompts';
import { runToolLoop } from './agent-loop';
import { collectBaseline } from './baseline';
import { bookkeeping } from './proxies';
import { StatusTracker } from './status';

/**
 * The chat agent: answers a question about an instance. With a model, a tool-calling loop;
 * offline, the diagnostic playbook and the rules engine, answering from the relevant findings.
 */
export async function chatWorkflow(input: AgentInput): Promise<AgentOutcome> {
  const status = new StatusTracker();
  return status.run(() => answerChat(input, status));
}

async function answerChat(input: AgentInput, status: StatusTracker): Promise<AgentOutcome> {
  const { task, setup, route } = input;
  Object.assign(status.state, { agent: 'chat', mode: route.mode });
  const tools = await bookkeeping.describeTools({ agent: 'chat', withInstance: Boolean(task.instanceId) });
  const ctx = { task, tools, status };
  const target = setup.instanceLabel ?? 'this Redis';

  if (route.mode === 'offline') {
    status.phase('investigating', 'offline diagnostic playbook');
    const digest = await collectBaseline(ctx);
    status.phase('answering');
    const report = await bookkeeping.renderOfflineAnswer({ agent: 'chat', digest, question: task.message, target });
    status.phase('done');
    return { answer: report.markdown, report, usage: NO_USAGE, toolCalls: status.toolCallsRan(), mode: 'offline' };
  }

  status.phase('investigating', 'model-driven tool loop');
  const messages: ChatMessage[] = [
    { role: 'system', content: chatSystemPrompt(setup.instanceLabel, task.context) },
    ...setup.history,
    { role: 'user', content: task.message },
  ];
  const loop = await runToolLoop({ ctx, tier: 'main', messages, maxTurns: setup.limits.maxToolIterations });
  status.phase('done');
  return {
    answer: loop.answer,
    report: answerReport(`Answer: ${task.message.slice(0, 80)}`, 'model', loop.answer),
    usage: loop.usage,
    toolCalls: loop.toolCalls,
    mode: 'model',
  };
}
