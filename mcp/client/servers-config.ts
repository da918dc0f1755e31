import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../core/errors';

/**
 * External MCP servers the agent uses as tool providers: the `mcp_servers` section of the file
 * named by SRE_MCP_SERVERS_FILE (default SRE_CONFIG_FILE). `${VAR}` in any string is replaced
 * from the environment, so tokens stay out of the file.
 */

export type ToolAccess = 'read' | 'write';

/** Requests must end well inside the 60 s `mcp` activity timeout, reconnecting included. */
const MAX_CALL_TIMEOUT_SECONDS = 40;

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const common = {
  /** Per-tool access overrides, e.g. `delete_thing: write`. */
  tools: z.record(z.string(), z.enum(['read', 'write'])).default({}),
  timeout_seconds: z.number().int().min(1).max(MAX_CALL_TIMEOUT_SECONDS, `at most ${MAX_CALL_TIMEOUT_SECONDS}`).default(30),
};
const stdioServer = z
  .object({
    command: z.string().min(1),
    args: z.array(scalar).default([]),
    env: z.record(z.string(), scalar).default({}),
    cwd: z.string().optional(),
    ...common,
  })
  .strict();
const httpServer = z.object({ url: z.string().min(1), headers: z.record(z.string(), scalar).default({}), ...common }).strict();
const serverName = z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'server names are 1-40 letters, digits, _ . -');
const section = z
  .record(serverName, z.union([stdioServer, httpServer], { error: 'expected either {command, args, env} (stdio) or {url, headers} (HTTP)' }))
  .default({});

export type McpTransportSpec =
  | { kind: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  | { kind: 'http'; url: string; headers: Record<string, string> };

export interface McpServerSpec {
  name: string;
  transport: McpTransportSpec;
  access: Record<string, ToolAccess>;
  timeoutMs: number;
}

export interface McpServersConfig {
  servers: McpServerSpec[];
  /** Servers left out, with why (e.g. an unset variable); the rest run without them. */
  skipped: Array<{ server: string; reason: string }>;
}

function readSection(file: string): unknown {
  let parsed: unknown;
  try {
    parsed = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`SRE_MCP_SERVERS_FILE: cannot read ${file}: ${(err as Error).message}`]);
  }
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).mcp_servers : undefined;
}

/** Replaces ${VAR} in every string of a value; unset variables are collected, not guessed. */
function substitute<T>(value: T, env: NodeJS.ProcessEnv, missing: Set<string>): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_all, name: string) => {
      const found = env[name];
      if (found === undefined) missing.add(name);
      return found ?? '';
    }) as T;
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, env, missing)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, env, missing)])) as T;
  return value;
}

export function loadMcpServers(file: string, env: NodeJS.ProcessEnv = process.env): McpServersConfig {
  const result = section.safeParse(readSection(file));
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `SRE_MCP_SERVERS_FILE: ${file}: mcp_servers.${issue.path.map(String).join('.')}: ${issue.message}`),
    );
  }
  const config: McpServersConfig = { servers: [], skipped: [] };
  for (const [name, raw] of Object.entries(result.data)) {
    const missing = new Set<string>();
    const entry = substitute(raw, env, missing);
    if (missing.size) {
      config.skipped.push({ server: name, reason: `environment variable${missing.size > 1 ? 's' : ''} ${[...missing].join(', ')} not set` });
      continue;
    }
    const transport: McpTransportSpec =
      'command' in entry
        ? { kind: 'stdio', command: entry.command, args: entry.args, env: entry.env, cwd: entry.cwd }
        : { kind: 'http', url: entry.url, headers: entry.headers };
    config.servers.push({ name, transport, access: entry.tools, timeoutMs: entry.timeout_seconds * 1000 });
  }
  return config;
}
