import { argumentsJsonSchema } from '../../core/json-schema';
import { AGENT_TOOLS } from '../../mcp/server/agent-tools';
import { RUN, T } from './fixtures';
import { applyMutation, objectMutations, show, type Json, type Outcome } from './mutations';

/**
 * The MCP corpus, generated from each tool's input schema (the test checks it equals what
 * tools/list serves): each argument mutated, plus malformed calls (unknown tools, arguments that
 * are not an object, a request over the transport's size limit).
 */

export type McpExpectation =
  /** The tool answers isError with this error code, naming the field. */
  | { kind: 'tool_error'; code: 'invalid_request' | 'not_found' | 'conflict'; field?: string; mentions?: string }
  /** The call is refused at the protocol level: an McpError with code InvalidParams. */
  | { kind: 'protocol_error' }
  /** Refused before it reaches the server (over the body limit): any clean error, no HTML page, no stack trace. */
  | { kind: 'refused' };

export interface McpCase {
  name: string;
  tool: unknown;
  /** Placeholders allowed; a function builds arguments too large to keep in the table. */
  args: unknown;
  expect: McpExpectation;
}

export function listedTools(): Array<{ name: string; inputSchema: Json }> {
  return AGENT_TOOLS.map((tool) => ({ name: tool.name, inputSchema: argumentsJsonSchema(tool.schema) }));
}

interface ToolBase {
  args: Json;
  without?: Record<string, string[]>;
  conflicts?: Record<string, string>;
}

const QUESTION = 'bad-input probe: is memory ok?';

/** Valid arguments per tool (never sent as they are): each case changes one of them. */
const BASES: Record<string, ToolBase> = {
  redis_sre_deep_triage: { args: { query: QUESTION, instance_id: T.instance, wait_seconds: 0 } },
  redis_sre_general_chat: { args: { query: QUESTION, wait_seconds: 0 } },
  redis_sre_database_chat: { args: { query: QUESTION, instance_id: T.instance, wait_seconds: 0 } },
  redis_sre_knowledge_query: { args: { query: QUESTION, wait_seconds: 0 } },
  redis_sre_knowledge_search: { args: { query: 'oom' } },
  redis_sre_list_instances: { args: {} },
  redis_sre_create_instance: { args: { name: `bad-${RUN}-mcp`, connection_url: 'redis://127.0.0.1:1' }, conflicts: { name: T.instanceName } },
  redis_sre_get_task_status: { args: { task_id: T.task } },
  redis_sre_get_thread: { args: { thread_id: T.thread } },
  redis_sre_list_schedules: { args: {} },
  redis_sre_create_schedule: {
    args: { name: `bad-${RUN}-mcp`, agent: 'chat', interval: { every: 1, unit: 'hours' }, enabled: false },
    without: { cron: ['interval'] },
    conflicts: { name: T.scheduleName },
  },
  redis_sre_trigger_schedule: { args: { schedule_id: T.schedule } },
  redis_sre_list_approvals: { args: {} },
  // No such action: a valid decision on it is refused as not found, nothing changes.
  redis_sre_approve_action: { args: { approval_id: 'act_0000000000000000' } },
  redis_sre_reject_action: { args: { approval_id: 'act_0000000000000000' } },
  redis_sre_answer_feedback: { args: { task_id: T.task, rating: 'down' } },
  redis_sre_fleet_check: { args: { filter: { name: `nobody-${RUN}` }, wait_seconds: 0 } },
};

const CODE: Record<Outcome, 'invalid_request' | 'not_found' | 'conflict'> = { invalid: 'invalid_request', not_found: 'not_found', conflict: 'conflict' };

export function mcpCorpus(): McpCase[] {
  const cases: Omit<McpCase, 'name'>[] = [];
  const labels: string[] = [];
  const add = (label: string, c: Omit<McpCase, 'name'>) => {
    labels.push(label);
    cases.push(c);
  };
  for (const { name, inputSchema } of listedTools()) {
    const base = BASES[name];
    if (!base) throw new Error(`no valid base arguments for the MCP tool ${name}: add them to BASES in mcp-corpus.ts`);
    const mutations = objectMutations(inputSchema);
    for (const [field, value] of Object.entries(base.conflicts ?? {}))
      mutations.push({ key: field, value, label: `${field}: an existing name`, outcome: 'conflict', mentions: 'already exists' });
    for (const m of mutations) {
      add(`${name} · ${m.label}`, {
        tool: name,
        args: applyMutation(base.args, m, base.without),
        expect: { kind: 'tool_error', code: CODE[m.outcome], field: m.field, mentions: m.mentions },
      });
    }
  }

  const someTool = 'redis_sre_get_thread';
  const unknownNames = [
    'redis_sre_nope',
    `${someTool};FLUSHALL`,
    '../../etc/passwd',
    '',
    someTool.toUpperCase(),
    '🔥',
    `${someTool}\u0000`,
    `${someTool} `,
    'x'.repeat(100_000),
  ];
  for (const tool of unknownNames) add(`unknown tool ${show(tool)}`, { tool, args: {}, expect: { kind: 'protocol_error' } });
  for (const args of [[], 'thread_AbC123xyz', 42, null, true])
    add(`${someTool} · arguments are ${show(args)}`, { tool: someTool, args, expect: { kind: 'protocol_error' } });
  for (const tool of [42, null, { name: someTool }]) add(`tool name is ${show(tool)}`, { tool, args: {}, expect: { kind: 'protocol_error' } });
  add(`${someTool} · arguments of 2 MB (over the transport's body limit)`, {
    tool: someTool,
    args: () => ({ thread_id: 'x'.repeat(2_000_000) }),
    expect: { kind: 'refused' },
  });

  return cases.map((c, i) => ({
    ...c,
    name: `mcp#${String(i + 1).padStart(3, '0')} ${labels[i]} → ${c.expect.kind === 'tool_error' ? `isError ${c.expect.code}` : c.expect.kind === 'refused' ? 'a clean error' : 'McpError InvalidParams'}`,
  }));
}
