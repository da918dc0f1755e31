import { NO_USAGE, type AgentInput, type AgentOutcome } from '../core/types';
import { answerReport } from '../core/answer-summary';
import { searchQuery } from '../core/search-query';
import { knowledgeSystemPrompt } from '../core/prompts';
import { runToolLoop } from './agent-loop';
import { bookkeeping } from './proxies';
import { StatusTracker } from './status';
import { callTool } from './tool-calls';

interface SearchHits {
  hits: Array<{ docId: string; title: string; heading: string; snippet: string; score: number }>;
}

/** Offline knowledge answer: the best runbook sections, quoted and cited. */
function offlineAnswer(question: string, found: SearchHits | undefined, error?: string): string {
  const lines = ['_Offline answer from the runbook knowledge base (no model configured)._', ''];
  if (!found || found.hits.length === 0) {
    lines.push(
      error
        ? `The knowledge base could not be searched: ${error}`
        : `No runbook matches "${question}". Try other words, or attach an instance for a live diagnosis.`,
    );
    return lines.join('\n');
  }
  for (const hit of found.hits.slice(0, 3)) {
    lines.push(`### ${hit.title} — ${hit.heading} [runbook: ${hit.docId}]`, '', hit.snippet, '');
  }
  lines.push(`Sources: ${[...new Set(found.hits.slice(0, 3).map((h) => `[runbook: ${h.docId}]`))].join(', ')}`);
  return lines.join('\n');
}

/** The knowledge agent: answers general questions from the runbooks; no live access. */
export async function knowledgeWorkflow(input: AgentInput): Promise<AgentOutcome> {
  const status = new StatusTracker();
  return status.run(() => answerFromKnowledge(input, status));
}

async function answerFromKnowledge(input: AgentInput, status: StatusTracker): Promise<AgentOutcome> {
  const { task, setup, route } = input;
  Object.assign(status.state, { agent: 'knowledge', mode: route.mode });
  const tools = await bookkeeping.describeTools({ agent: 'knowledge', withInstance: false });
  const ctx = { task: { ...task, instanceId: undefined }, tools, status };

  if (route.mode === 'offline') {
    status.phase('investigating', 'searching runbooks');
    const outcome = await callTool(ctx, 'knowledge_search', { query: searchQuery(task.message), limit: 5 });
    const answer = offlineAnswer(task.message, outcome.ok ? (outcome.output.data as SearchHits) : undefined, outcome.ok ? undefined : outcome.error);
    status.phase('done');
    return {
      answer,
      report: answerReport(`Knowledge: ${task.message.slice(0, 80)}`, 'offline', answer),
      usage: NO_USAGE,
      toolCalls: status.toolCallsRan(),
      mode: 'offline',
    };
  }

  status.phase('investigating', 'model with knowledge tools');
  const loop = await runToolLoop({
    ctx,
    tier: 'mini',
    maxTurns: setup.limits.maxToolIterations,
    messages: [{ role: 'system', content: knowledgeSystemPrompt() }, ...setup.history, { role: 'user', content: task.message }],
  });
  status.phase('done');
  return {
    answer: loop.answer,
    report: answerReport(`Knowledge: ${task.message.slice(0, 80)}`, 'model', loop.answer),
    usage: loop.usage,
    toolCalls: loop.toolCalls,
    mode: 'model',
  };
}
