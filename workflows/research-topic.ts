import type { BaselineDigest, TaskInput, TaskSetup, TopicPlan, TopicResult } from '../core/types';
import { digestText } from '../core/digest-text';
import { researchSystemPrompt } from '../core/prompts';
import { runToolLoop } from './agent-loop';
import { digestBudget, offeredTools } from '../core/model-fit';
import { bookkeeping } from './proxies';
import { StatusTracker } from './status';

export interface ResearchInput {
  task: TaskInput;
  setup: TaskSetup;
  topic: TopicPlan;
  digest: BaselineDigest;
}

/** One research topic of a deep triage: its own tool loop (mini model) within a tool-call budget. */
export async function researchTopicWorkflow(input: ResearchInput): Promise<TopicResult> {
  const status = new StatusTracker();
  return status.run(() => research(input, status));
}

async function research(input: ResearchInput, status: StatusTracker): Promise<TopicResult> {
  const { task, setup, topic, digest } = input;
  Object.assign(status.state, { agent: 'triage', mode: 'model' });
  status.phase('researching', topic.title);
  const tools = await bookkeeping.describeTools({ agent: 'triage', withInstance: Boolean(task.instanceId) });
  const related = { ...digest, findings: digest.findings.filter((f) => f.category === topic.category) };
  const loop = await runToolLoop({
    ctx: { task, tools, status, topic: topic.title },
    tier: 'mini',
    maxTurns: setup.limits.topicToolBudget + 1,
    maxToolCalls: setup.limits.topicToolBudget,
    need: { question: task.message, categories: [topic.category], suggested: topic.suggestedTools },
    maxOffered: offeredTools(setup),
    messages: [
      { role: 'system', content: researchSystemPrompt(topic, setup.instanceLabel) },
      {
        role: 'user',
        content: `Question: ${task.message}\n\nBaseline findings for this topic:\n${digestText(related, { question: task.message, ...digestBudget(setup) })}\n\n${topic.suggestedTools?.length ? `Suggested tools: ${topic.suggestedTools.join(', ')}\n` : ''}Research the topic "${topic.title}".`,
      },
    ],
  });
  status.phase('done');
  return { topic, state: 'done', notes: loop.answer, findings: related.findings, toolCalls: loop.toolCalls, usage: loop.usage };
}
