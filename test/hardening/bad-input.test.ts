import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { projectRoot } from '../../core/paths';
import { cliCorpus, type CliCase } from './cli-corpus';
import { changes, resolve, startHardening, type Hardening, type Snapshot } from './fixtures';
import { listedTools, mcpCorpus, type McpCase } from './mcp-corpus';
import type { Json } from './mutations';
import { documentedApi, restCorpus, type RestCase } from './rest-corpus';

/**
 * Bad input through every front door — a generated corpus of malformed REST requests, MCP tool
 * calls and CLI invocations (wrong types, missing and unknown fields, empty, huge and unicode
 * strings, injections in ids, bad enums, numbers, crons and URLs) — is always the caller's
 * problem: a 4xx with the one error shape, an MCP tool error, a CLI exit code with one `error:`
 * line. Never a 5xx, a stack trace, a crash, or an object left half-created.
 */

const CLI = path.join(projectRoot(), 'dist/cli/main.js');
const CLI_CONCURRENCY = 6;
const STACK_TRACE = /\n\s+at \S|\bat [\w.<>]+ \(\/|node_modules\//;

const doc = documentedApi();
const rest = restCorpus(doc);
const mcp = mcpCorpus();
const cli = cliCorpus();
const total = rest.length + mcp.length + cli.length;

/** Names as jest titles: '%s' keeps them verbatim. */
const table = <C extends { name: string }>(cases: C[]) => cases.map((c) => [c.name, c] as [string, C]);

const excerpt = (text: string) => (text.length > 400 ? `${text.slice(0, 400)}…` : text);

// ---------------------------------------------------------------- REST

interface Reply {
  status: number;
  contentType: string;
  text: string;
  body: any;
}

function encodeSegment(value: string): string {
  let out = '';
  for (const ch of value) {
    const unit = ch.charCodeAt(0);
    // A lone surrogate has no UTF-8 form: send its CESU-8 bytes, which no decoder accepts.
    if (ch.length === 1 && unit >= 0xd800 && unit <= 0xdfff)
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    else out += encodeURIComponent(ch);
  }
  return out;
}

async function sendRest(h: Hardening, c: RestCase): Promise<Reply> {
  const params = resolve(c.params, h.fixtures);
  let url = `${h.api.url}${c.template.replace(/\{(\w+)\}/g, (_m, name: string) => c.encodedParams?.[name] ?? encodeSegment(params[name]))}`;
  if (c.query) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(resolve(c.query, h.fixtures))) for (const v of [value].flat()) search.append(key, v);
    url += `?${search}`;
  }
  const init: RequestInit = { method: c.method, signal: AbortSignal.timeout(30_000) };
  const body = c.body === undefined ? undefined : resolve(c.body, h.fixtures);
  if (c.raw) Object.assign(init, c.raw(body ?? {}));
  else if (body !== undefined) Object.assign(init, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const response = await fetch(url, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, body: parsed };
}

function restProblems(c: RestCase, reply: Reply): string[] {
  const problems: string[] = [];
  const { status, field, mentions } = c.expect;
  if (reply.status >= 500) problems.push(`a ${reply.status} for bad input`);
  if (STACK_TRACE.test(reply.text)) problems.push('a stack trace in the response');
  if (status === 'probe' && reply.status === 200) {
    if (reply.body?.ok !== false) problems.push('the connection test of an unusable URL did not fail');
  } else {
    const expected = status === 'probe' ? 400 : status;
    if (expected === '4xx' ? reply.status < 400 || reply.status > 499 : reply.status !== expected)
      problems.push(`status ${reply.status}, expected ${expected}`);
    const error = reply.body?.error;
    if (!reply.contentType.startsWith('application/json')) problems.push(`not JSON (content-type '${reply.contentType}')`);
    if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || Object.keys(reply.body).length !== 1) {
      problems.push('not the error shape {error: {code, message, issues?}}');
    } else {
      const issues = error.issues as Array<{ field: string; reason: string }> | undefined;
      if (issues !== undefined && !(Array.isArray(issues) && issues.every((i) => typeof i.field === 'string' && typeof i.reason === 'string')))
        problems.push('issues are not [{field, reason}]');
      if (field && !issues?.some((i) => i.field === field || i.field.startsWith(`${field}.`))) problems.push(`no issue names the field '${field}'`);
      if (field && !error.message.includes(field)) problems.push(`the message does not name '${field}'`);
      if (mentions && !error.message.includes(mentions)) problems.push(`the message does not mention '${mentions}'`);
    }
  }
  return problems.length ? [...problems, `response: ${reply.status} ${excerpt(reply.text)}`] : [];
}

// ---------------------------------------------------------------- MCP

type McpOutcome = { result: CallToolResult; error?: undefined } | { result?: undefined; error: Error & { code?: number } };

async function callMcp(h: Hardening, client: Client, c: McpCase): Promise<McpOutcome> {
  const args = typeof c.args === 'function' ? (c.args as () => unknown)() : resolve(c.args, h.fixtures);
  try {
    return { result: (await client.callTool({ name: c.tool as string, arguments: args as Json }, undefined, { timeout: 30_000 })) as CallToolResult };
  } catch (err) {
    return { error: err as Error & { code?: number } };
  }
}

function mcpProblems(c: McpCase, outcome: McpOutcome): string[] {
  const problems: string[] = [];
  const e = c.expect;
  let seen: string;
  if (outcome.error) {
    const { error } = outcome;
    seen = `threw ${error.constructor.name} (code ${error.code}): ${excerpt(String(error.message))}`;
    if (STACK_TRACE.test(error.message) || /<html|<!DOCTYPE/i.test(error.message)) problems.push('an HTML page or a stack trace in the error');
    if (e.kind === 'tool_error') problems.push(`expected an isError result with code ${e.code}`);
    if (e.kind === 'protocol_error' && !(error instanceof McpError && error.code === ErrorCode.InvalidParams))
      problems.push('expected an McpError with code InvalidParams (-32602)');
  } else {
    const { result } = outcome;
    const text = result.content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');
    seen = `isError ${result.isError}: ${excerpt(text)}`;
    if (!result.isError) problems.push('answered without isError');
    if (STACK_TRACE.test(text)) problems.push('a stack trace in the result');
    if (e.kind === 'tool_error') {
      const code = (result.structuredContent as { error?: { code?: string } } | undefined)?.error?.code;
      if (code !== e.code) problems.push(`error code ${code}, expected ${e.code}`);
      if (e.field && !text.includes(e.field)) problems.push(`the message does not name '${e.field}'`);
      if (e.mentions && !text.includes(e.mentions)) problems.push(`the message does not mention '${e.mentions}'`);
    }
  }
  return problems.length ? [...problems, seen] : [];
}

// ---------------------------------------------------------------- CLI

interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runCli(argv: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ status, signal, stdout, stderr });
    });
  });
}

async function runAll(cases: CliCase[], env: Record<string, string>, resolveArgv: (argv: string[]) => string[]): Promise<Map<string, CliRun>> {
  const runs = new Map<string, CliRun>();
  const queue = [...cases];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) runs.set(c.name, await runCli(resolveArgv(c.argv), env));
  };
  await Promise.all(Array.from({ length: CLI_CONCURRENCY }, worker));
  return runs;
}

function cliProblems(c: CliCase, run: CliRun): string[] {
  const problems: string[] = [];
  if (run.signal) problems.push(`killed by ${run.signal}`);
  if (run.status !== c.exit) problems.push(`exit ${run.status}, expected ${c.exit}`);
  const lines = run.stderr.split('\n').filter((l) => l.trim());
  const errors = lines.filter((l) => l.startsWith('error: '));
  if (errors.length !== 1) problems.push(`${errors.length} 'error: …' lines on stderr, expected one`);
  else if (c.usage ? lines[0] !== errors[0] : lines.at(-1) !== errors[0])
    problems.push(c.usage ? 'stderr does not start with the error line' : 'stderr does not end with the error line');
  if (STACK_TRACE.test(run.stderr) || STACK_TRACE.test(run.stdout)) problems.push('a stack trace in the output');
  return problems.length ? [...problems, `stderr: ${excerpt(run.stderr)}`, `stdout: ${excerpt(run.stdout)}`] : [];
}

// ---------------------------------------------------------------- the corpus

describe(`bad input: ${total} malformed requests (REST ${rest.length}, MCP ${mcp.length}, CLI ${cli.length})`, () => {
  let h: Hardening;
  let initial: Snapshot;

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` before the hardening tests');
    h = await startHardening();
    initial = await h.snapshot();
  }, 180_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('generates at least 200 cases across REST, MCP and CLI', () => {
    console.log(`bad-input corpus: REST ${rest.length}, MCP ${mcp.length}, CLI ${cli.length}, total ${total}`);
    expect(rest.length).toBeGreaterThan(0);
    expect(mcp.length).toBeGreaterThan(0);
    expect(cli.length).toBeGreaterThan(0);
    expect(total).toBeGreaterThanOrEqual(200);
  });

  describe(`REST (${rest.length} cases)`, () => {
    let before: Snapshot;
    beforeAll(async () => {
      before = await h.snapshot();
    });

    it('the corpus was generated from the OpenAPI document the API serves', async () => {
      const served = await fetch(`${h.api.url}/api/v1/openapi.json`);
      expect(await served.json()).toEqual(doc);
    });

    it.each(table(rest))('%s', async (_name, c) => {
      expect(restProblems(c, await sendRest(h, c))).toEqual([]);
    });

    it('left no object half-created or changed', async () => {
      expect(changes(before, await h.snapshot())).toEqual({});
    });
  });

  describe(`MCP (${mcp.length} cases)`, () => {
    let before: Snapshot;
    beforeAll(async () => {
      before = await h.snapshot();
    });

    it('the corpus was generated from the tools the server lists', async () => {
      const client = await h.connectMcp();
      const { tools } = await client.listTools();
      await client.close();
      expect(tools.map((t) => ({ name: t.name, inputSchema: t.inputSchema }))).toEqual(listedTools());
    });

    it.each(table(mcp))('%s', async (_name, c) => {
      const client = await h.connectMcp();
      try {
        const problems = mcpProblems(c, await callMcp(h, client, c));
        // The server keeps answering on the same session after every refused call.
        const listed = await client.listTools().then(
          () => undefined,
          (err: Error) => `tools/list failed afterwards: ${err.message}`,
        );
        expect([...problems, ...(listed ? [listed] : [])]).toEqual([]);
      } finally {
        await client.close();
      }
    });

    it('left no object half-created or changed, and still runs a valid call', async () => {
      expect(changes(before, await h.snapshot())).toEqual({});
      const client = await h.connectMcp();
      const valid = (await client.callTool({ name: 'redis_sre_get_thread', arguments: { thread_id: h.fixtures.thread } })) as CallToolResult;
      await client.close();
      expect(valid.isError).toBeFalsy();
    });
  });

  describe(`CLI (${cli.length} cases, ${CLI_CONCURRENCY} at a time)`, () => {
    let before: Snapshot;
    let runs: Map<string, CliRun>;
    beforeAll(async () => {
      before = await h.snapshot();
      runs = await runAll(cli, h.cliEnv, (argv) => resolve(argv, h.fixtures));
    }, 600_000);

    it.each(table(cli))('%s', (name, c) => {
      expect(cliProblems(c, runs.get(name)!)).toEqual([]);
    });

    it('left no object half-created or changed', async () => {
      expect(changes(before, await h.snapshot())).toEqual({});
    });
  });

  it('after the whole corpus: as many instances, schedules, threads and tasks as before, and the existing ones unchanged', async () => {
    expect(changes(initial, await h.snapshot())).toEqual({});
  });
});
