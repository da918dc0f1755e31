import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type Config } from '../../core/config';
import { openServices, type Services } from '../../service';
import type { TaskView } from '../../service/tasks';
import { startWorker, type RunningWorker } from '../../workers/worker';
import { modelEnv, scheduledActivities, testEnv } from '../support/agent';
import { callTools, say, ScriptedModel, toolResults } from '../support/scripted-model';
import { readStackEnv } from '../support/stack-env';

const FIXTURE = path.join(__dirname, '../fixtures/mcp/runbook-server.mjs');
const LOOKUP = 'mcp_runbooks_lookup_runbook_owner';
const SLOW = 'mcp_runbooks_slow_lookup';
const DELETE = 'mcp_runbooks_delete_everything';

async function waitForFile(file: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return fs.readFileSync(file, 'utf8');
}

describe('external MCP servers as tool providers', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-fixture-'));
  const logged: string[] = [];
  let model: ScriptedModel;
  let config: Config;
  let services: Services;
  let worker: RunningWorker;

  /** Answers with whatever the first tool result said; the first turn makes the given call. */
  const scriptToolThenEcho = (name: string, args: unknown) =>
    model.setScript((request, i) => (i === 0 ? callTools({ name, arguments: args }) : say(`Tool said: ${toolResults(request)[0]?.content}`)));

  const ask = async (message: string): Promise<TaskView> => {
    const submitted = await services.tasks.submit({ message, agent: 'chat' }, { source: 'test' });
    return services.tasks.wait(submitted.task_id, 60_000);
  };

  beforeAll(async () => {
    const serversFile = path.join(stateDir, 'mcp-servers.yaml');
    fs.writeFileSync(
      serversFile,
      `mcp_servers:
  runbooks:
    command: ${JSON.stringify(process.execPath)}
    args: [${JSON.stringify(FIXTURE)}]
    env: { FIXTURE_STATE_DIR: "\${SRE_TEST_MCP_FIXTURE_DIR}" }
    timeout_seconds: 20
  broken:
    command: ${JSON.stringify(process.execPath)}
    args: ["-e", "console.error('Error: RUNBOOK_API_TOKEN is missing'); process.exit(3)"]
  needs-token:
    url: http://127.0.0.1:9/mcp
    headers: { Authorization: "Bearer \${SRE_TEST_UNSET_MCP_TOKEN}" }
`,
    );
    process.env.SRE_TEST_MCP_FIXTURE_DIR = stateDir;
    const write = process.stderr.write.bind(process.stderr);
    jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
      logged.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stderr.write);

    model = new ScriptedModel(() => say('unused'));
    config = loadConfig(testEnv({ ...modelEnv(await model.start()), SRE_MCP_SERVERS_FILE: serversFile }));
    services = await openServices(config);
    worker = await startWorker(config, { workflowBundlePath: readStackEnv().workflowBundlePath });
  });

  afterAll(async () => {
    await worker?.stop();
    await services?.close();
    await model?.stop();
    jest.restoreAllMocks();
    delete process.env.SRE_TEST_MCP_FIXTURE_DIR;
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('reports each server that cannot start, with why, and keeps the worker running with the others', () => {
    const log = logged.join('');
    expect(log).toContain("MCP server 'broken' failed to start: process exited with code 3; stderr: Error: RUNBOOK_API_TOKEN is missing");
    expect(log).toContain("MCP server 'needs-token' not started: environment variable SRE_TEST_UNSET_MCP_TOKEN not set");
    const names = worker.deps.registry.all().map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining([LOOKUP, SLOW, DELETE, 'redis_info']));
    expect(names.filter((n) => n.startsWith('mcp_broken') || n.startsWith('mcp_needs'))).toEqual([]);
  });

  it('offers the read tool with its own schema, runs the call as an mcp_<server>_<tool> activity, and answers with its result', async () => {
    scriptToolThenEcho(LOOKUP, { service: 'checkout' });
    const view = await ask('Who owns the checkout runbook?');
    expect(view.status).toBe('done');
    expect(view.result?.answer).toContain('Runbook owner for checkout: team kestrel-7731 (pager #redis-kestrel-oncall)');

    const offered = model.chatRequests()[0].body.tools!.map((t) => t.function);
    const lookup = offered.find((t) => t.name === LOOKUP)!;
    expect(lookup.parameters).toMatchObject({ type: 'object', properties: { service: { type: 'string' } }, required: ['service'] });
    expect(lookup.description).toContain("MCP server 'runbooks'");
    expect(offered.map((t) => t.name)).not.toContain(DELETE);

    expect(
      scheduledActivities(
        await services.temporal.workflow
          .getHandle(`${view.task_id}-chat`)
          .fetchHistory()
          .then((h) => h.events ?? []),
      ),
    ).toContain(LOOKUP);
    const call = (await services.threads.get(view.thread_id)).toolCalls.find((c) => c.tool === LOOKUP)!;
    expect(call.ok).toBe(true);
    expect(call.summary).toContain('team kestrel-7731');
  });

  it('never offers the write tool to a model, even with the retired SRE_ALLOW_WRITES=true: it runs only as an approved mcp_write action', () => {
    const offered = (allowWrites: string) =>
      worker.deps.registry.offered(loadConfig({ ...testEnv(), SRE_ALLOW_WRITES: allowWrites }), { withInstance: true }).map((t) => t.name);
    expect(offered('false')).not.toContain(DELETE);
    expect(offered('false')).toContain(LOOKUP);
    expect(offered('true')).not.toContain(DELETE);
    expect(worker.deps.registry.get(DELETE)?.access).toBe('write');
  });

  it('turns a server killed mid-call into a clear tool error for the model; the task completes and the next call starts the server again', async () => {
    const firstPid = Number(fs.readFileSync(path.join(stateDir, 'pid'), 'utf8'));
    scriptToolThenEcho(SLOW, { seconds: 30 });
    const started = Date.now();
    const submitted = await services.tasks.submit({ message: 'Run the slow lookup', agent: 'chat' }, { source: 'test' });
    await waitForFile(path.join(stateDir, 'slow-call-started'), 30_000);
    process.kill(firstPid, 'SIGKILL');
    const view = await services.tasks.wait(submitted.task_id, 60_000);

    const reason = "MCP server 'runbooks' closed the connection during slow_lookup: process was killed by SIGKILL";
    expect(view.status).toBe('done');
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(toolResults(model.chatRequests().at(-1)!.body)[0].content).toContain(reason);
    const failed = (await services.threads.get(view.thread_id)).toolCalls.find((c) => c.tool === SLOW)!;
    expect(failed.ok).toBe(false);
    expect(failed.summary).toContain(reason);
    // Not retried: a dead server's call goes straight back to the model.
    const history = (await services.temporal.workflow.getHandle(`${view.task_id}-chat`).fetchHistory()).events ?? [];
    expect(history.filter((e) => e.activityTaskFailedEventAttributes)).toHaveLength(1);
    expect(logged.join('')).toContain("MCP server 'runbooks' disconnected: process was killed by SIGKILL");

    scriptToolThenEcho(LOOKUP, { service: 'payments' });
    const again = await ask('Who owns the payments runbook?');
    expect(again.result?.answer).toContain('Runbook owner for payments: team kestrel-7731');
    expect(Number(fs.readFileSync(path.join(stateDir, 'pid'), 'utf8'))).not.toBe(firstPid);
  });
});
