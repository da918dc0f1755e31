import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../core/errors';
import { loadMcpServers } from '../../mcp/client/servers-config';
import { toolAccess } from '../../mcp/client/tool-access';
import { externalToolName } from '../../mcp/client/tool-names';

describe('external MCP server configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, text);
    return target;
  };

  it('reads stdio and HTTP servers, substituting ${VAR} from the environment in every string', () => {
    const config = loadMcpServers(
      file(
        'servers.yaml',
        `
SRE_LOG_LEVEL: info
mcp_servers:
  memory:
    command: uv
    args: ["tool", "run", "agent-memory", "--port", 6399]
    env:
      REDIS_URL: redis://localhost:\${MEMORY_PORT}
    tools: { delete_memory: write, forget: write }
  github:
    url: https://api.githubcopilot.com/mcp/
    headers:
      Authorization: "Bearer \${GH_TOKEN}"
    timeout_seconds: 10
`,
      ),
      { MEMORY_PORT: '6399', GH_TOKEN: 'ghp_secret' },
    );
    expect(config.skipped).toEqual([]);
    expect(config.servers).toEqual([
      {
        name: 'memory',
        transport: {
          kind: 'stdio',
          command: 'uv',
          args: ['tool', 'run', 'agent-memory', '--port', '6399'],
          env: { REDIS_URL: 'redis://localhost:6399' },
          cwd: undefined,
        },
        access: { delete_memory: 'write', forget: 'write' },
        timeoutMs: 30_000,
      },
      {
        name: 'github',
        transport: { kind: 'http', url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer ghp_secret' } },
        access: {},
        timeoutMs: 10_000,
      },
    ]);
  });

  it('leaves out a server whose variables are unset, naming them, and keeps the others', () => {
    const config = loadMcpServers(
      file(
        'partial.json',
        JSON.stringify({
          mcp_servers: { a: { url: 'http://x/mcp', headers: { Authorization: 'Bearer ${NOPE_TOKEN}', 'X-Org': '${NOPE_ORG}' } }, b: { command: 'node' } },
        }),
      ),
      {},
    );
    expect(config.servers.map((s) => s.name)).toEqual(['b']);
    expect(config.skipped).toEqual([{ server: 'a', reason: 'environment variables NOPE_TOKEN, NOPE_ORG not set' }]);
  });

  it('stops start-up on a malformed entry, naming the variable, the file and the server', () => {
    const bad = file('bad.yaml', 'mcp_servers:\n  broken:\n    cmd: node\n');
    expect(() => loadMcpServers(bad, {})).toThrow(ConfigError);
    expect(() => loadMcpServers(bad, {})).toThrow(
      /SRE_MCP_SERVERS_FILE: .*bad\.yaml: mcp_servers\.broken: expected either \{command, args, env\} \(stdio\) or \{url, headers\} \(HTTP\)/,
    );
    expect(() => loadMcpServers(path.join(dir, 'missing.yaml'), {})).toThrow(/SRE_MCP_SERVERS_FILE: cannot read/);
  });

  it('has no servers when the file has no mcp_servers section', () => {
    expect(loadMcpServers(file('other.yaml', 'SRE_LOG_LEVEL: warn\n'), {})).toEqual({ servers: [], skipped: [] });
  });
});

describe('external tool access', () => {
  it('trusts readOnlyHint, treats other hints and write verbs in the name as writes, and lets the config override', () => {
    expect(toolAccess({ name: 'delete_cache_entry', annotations: { readOnlyHint: true } })).toBe('read');
    expect(toolAccess({ name: 'lookup', annotations: { destructiveHint: true } })).toBe('write');
    expect(toolAccess({ name: 'lookup', annotations: { readOnlyHint: false } })).toBe('write');
    for (const name of ['delete_everything', 'deleteEverything', 'flush-db', 'set_config', 'execute_query', 'kill_client', 'put.object'])
      expect(toolAccess({ name })).toBe('write');
    for (const name of ['lookup_runbook_owner', 'get_settings', 'reset_stats_view', 'list_keys', 'search']) expect(toolAccess({ name })).toBe('read');
    expect(toolAccess({ name: 'delete_everything' }, { delete_everything: 'read' })).toBe('read');
    expect(toolAccess({ name: 'search', annotations: { readOnlyHint: true } }, { search: 'write' })).toBe('write');
  });
});

describe('external tool names', () => {
  it('are mcp_<server>_<tool> in [a-zA-Z0-9_], at most 64 characters and still distinct', () => {
    expect(externalToolName('redis-memory.server', 'get-thing')).toBe('mcp_redis_memory_server_get_thing');
    const long = 'a_tool_with_an_unreasonably_long_name_that_goes_on_and_on';
    const one = externalToolName('github', `${long}_one`);
    const two = externalToolName('github', `${long}_two`);
    expect(one).toHaveLength(64);
    expect(one).toMatch(/^[a-zA-Z0-9_]+$/);
    expect(one).not.toBe(two);
  });
});
