import { patched } from '@temporalio/workflow';
import { NO_USAGE, type AgentInput, type AgentOutcome } from '../core/types';
import { answerReport } from '../core/answer-summary';
import { searchQuery } from '../core/search-query';
import { knowledgeSystemPrompt } from '../core/prompts';
import { runToolLoop } from './agent-loop';
import { bookkeeping } from './proxies';
import { StatusTracker } from './status';
import { callTool, type ToolCallContext } from './tool-calls';
import { groundingSummary } from './grounding';
import { digestBudget, offeredTools } from '../core/model-fit';

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

/** Runbook sections as the model reads them: a small context gets three, cut short. */
function sectionsText(found: SearchHits, small: boolean): string {
  return found.hits
    .slice(0, small ? 3 : 5)
    .map((h) => `### ${h.title} — ${h.heading} [runbook: ${h.docId}]\n${small && h.snippet.length > 600 ? `${h.snippet.slice(0, 600)}…` : h.snippet}`)
    .join('\n\n');
}

/** The runbooks an answer rests on, named whether or not the model cited them. */
function withSources(answer: string, found: SearchHits | undefined): string {
  const ids = [...new Set((found?.hits ?? []).slice(0, 3).map((h) => h.docId))];
  const missing = ids.filter((id) => !answer.includes(`[runbook: ${id}]`));
  if (ids.length === 0 || missing.length === 0) return answer;
  return `${answer.trimEnd()}\n\nSources: ${ids.map((id) => `[runbook: ${id}]`).join(', ')}`;
}

/**
 * With a model, search first: the model starts from the best runbook sections for the question
 * (it may read more with the tools), and the answer always names the runbooks it rests on.
 */
async function answerFromRunbooks(input: AgentInput, ctx: ToolCallContext, status: StatusTracker): Promise<AgentOutcome> {
  const { task, setup } = input;
  status.phase('investigating', 'searching runbooks');
  const search = await callTool(ctx, 'knowledge_search', { query: searchQuery(task.message), limit: 5 });
  const found = search.ok ? (search.output.data as SearchHits) : undefined;
  const small = digestBudget(setup).maxFindings <= 5;
  const context = found?.hits.length
    ? `Runbook sections found for the question:\n\n${sectionsText(found, small)}`
    : 'The knowledge base search found no matching runbook.';
  status.phase('answering', 'model with the runbooks');
  const loop = await runToolLoop({
    ctx,
    tier: 'mini',
    maxTurns: setup.limits.maxToolIterations,
    messages: [{ role: 'system', content: knowledgeSystemPrompt() }, ...setup.history, { role: 'user', content: `Question: ${task.message}\n\n${context}` }],
    need: { question: task.message },
    maxOffered: offeredTools(setup),
  });
  const grounding = await bookkeeping.groundAnswer({ taskId: task.taskId, answer: withSources(loop.answer, found), scope: 'knowledge' });
  status.phase('done');
  return {
    answer: grounding.annotated,
    report: answerReport(`Knowledge: ${task.message.slice(0, 80)}`, 'model', grounding.annotated),
    usage: loop.usage,
    toolCalls: status.toolCallsRan(),
    mode: 'model',
    grounding: groundingSummary(grounding, 'accepted'),
  };
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

  if (patched('knowledge-search-first')) return answerFromRunbooks(input, ctx, status);

  status.phase('investigating', 'model with knowledge tools');
  const loop = await runToolLoop({
    ctx,
    tier: 'mini',
    maxTurns: setup.limits.maxToolIterations,
    messages: [{ role: 'system', content: knowledgeSystemPrompt() }, ...setup.history, { role: 'user', content: task.message }],
    need: { question: task.message },
    maxOffered: offeredTools(setup),
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
