import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors';
import { projectRoot } from './paths';
import { loadNotificationSettings, type NotificationSettings } from './notifications/config';
import { parseAllowList } from './target-policy';
import { parseTemporalSecurity, TEMPORAL_SECRET_VARIABLES, type TemporalTlsSettings } from './temporal-tls';

/**
 * Every setting comes from an environment variable (optionally from a YAML/JSON file named by
 * SRE_CONFIG_FILE, whose keys are the same variable names; the environment wins).
 * A bad value stops start-up with a message naming the variable and the expected form.
 */

const port = (fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'expected a TCP port: an integer from 1 to 65535')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 65535, 'expected a TCP port: an integer from 1 to 65535')
    .default(fallback);

const positiveInt = (fallback: number, max = 1_000_000) =>
  z
    .string()
    .regex(/^\d+$/, `expected a positive integer (at most ${max})`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `expected a positive integer (at most ${max})`)
    .default(fallback);

const bool = (fallback: boolean) =>
  z
    .string()
    .regex(/^(true|false|1|0|yes|no|on|off)$/i, 'expected a boolean: true or false')
    .transform((v) => /^(true|1|yes|on)$/i.test(v))
    .default(fallback);

const optionalBool = z
  .string()
  .regex(/^(true|false|1|0|yes|no|on|off)$/i, 'expected a boolean: true or false')
  .transform((v) => /^(true|1|yes|on)$/i.test(v))
  .optional();

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

const optionalText = z
  .string()
  .transform((v) => (v.trim() === '' ? undefined : v.trim()))
  .optional();

const hostPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');

const listenAddressOrOff = z.string().regex(/^(off|[\w.-]+:\d{1,5})$/, 'expected host:port to listen on, e.g. 127.0.0.1:9464, or off');

const envSchema = z.object({
  SRE_DATA_DIR: z.string().min(1).optional(),
  SRE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z
    .string()
    .regex(/^[\w.-]+$/, 'expected a namespace name')
    .default('default'),
  SRE_TASK_QUEUE: z
    .string()
    .regex(/^[\w.:-]+$/, 'expected a task queue name')
    .default('sre-agent'),
  TEMPORAL_UI_URL: url(['http:', 'https:']).optional(),
  // Secured Temporal (core/temporal-tls.ts): PEM values or files, checked at start.
  TEMPORAL_TLS: optionalBool,
  TEMPORAL_TLS_CERT: optionalText,
  TEMPORAL_TLS_KEY: optionalText,
  TEMPORAL_TLS_CA: optionalText,
  TEMPORAL_TLS_SERVER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'expected a DNS name the server certificate holds, e.g. my-ns.a1b2c.tmprl.cloud')
    .optional(),
  TEMPORAL_API_KEY: optionalText,
  SRE_TEMPORAL_DEV_SERVER: optionalBool,

  SRE_TEMPORAL_PORT: port(7233),
  SRE_TEMPORAL_UI_PORT: port(8233),
  SRE_APP_REDIS_PORT: port(6390),
  SRE_PROMETHEUS_PORT: port(9090),
  SRE_REDIS_EXPORTER_PORT: port(9121),

  SRE_APP_REDIS_URL: url(['redis:', 'rediss:']).optional(),
  PROMETHEUS_URL: url(['http:', 'https:']).optional(),
  LOKI_URL: url(['http:', 'https:']).optional(),
  LOKI_TENANT: optionalText,
  QDRANT_URL: url(['http:', 'https:']).optional(),
  QDRANT_API_KEY: optionalText,
  QDRANT_COLLECTION: z
    .string()
    .regex(/^[\w-]+$/, 'expected a collection name')
    .default('sre_knowledge'),

  OPENAI_BASE_URL: url(['http:', 'https:']).optional(),
  OPENAI_API_KEY: optionalText,
  SRE_MODEL: optionalText,
  SRE_MODEL_MINI: optionalText,
  SRE_MODEL_NANO: optionalText,
  SRE_EMBEDDING_MODEL: optionalText,
  SRE_MODEL_TIMEOUT_MS: positiveInt(120_000, 3_600_000),
  SRE_OFFLINE: bool(false),
  SRE_MODEL_CONTEXT_TOKENS: z
    .string()
    .regex(/^\d+$/, 'expected a number of tokens')
    .transform(Number)
    .refine((n) => n >= 1024 && n <= 10_000_000, 'expected 1024 to 10000000 tokens')
    .optional(),
  SRE_MODEL_JSON_MODE: bool(true),
  SRE_LOCAL_MODEL: bool(false),
  SRE_LOCAL_MODEL_PORT: port(8089),
  SRE_LOCAL_MODEL_THREADS: positiveInt(2, 64),

  SRE_MASTER_KEY: optionalText,
  SRE_MASTER_KEY_FILE: optionalText,
  /** Retired: writes go through approved actions. Accepted so old environments still start (a warning says so). */
  SRE_ALLOW_WRITES: bool(false),
  /** How long a proposed action waits for a decision before it expires: 90s, 30m, 24h, 7d. */
  SRE_APPROVAL_TTL: z
    .string()
    .regex(/^\d+(s|m|h|d)$/, 'expected a duration such as 30m, 24h or 7d')
    .default('24h')
    .transform((v) => Number(v.slice(0, -1)) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[v.slice(-1) as 's' | 'm' | 'h' | 'd'])
    .refine((ms) => ms >= 10_000 && ms <= 30 * 86_400_000, 'expected between 10s and 30d'),

  SRE_API_HOST: z.string().min(1).default('127.0.0.1'),
  SRE_API_PORT: port(8080),
  SRE_API_KEY: optionalText,
  SRE_API_KEYS_FILE: optionalText,
  // A console session lasts a working day by default; at most a week, so a lost laptop's cookie dies.
  SRE_SESSION_TTL_SECONDS: positiveInt(8 * 3600, 7 * 24 * 3600),
  SRE_MAX_STREAMS: positiveInt(1000, 100_000),
  SRE_RATE_TASKS_PER_MINUTE: positiveInt(120, 1_000_000),
  SRE_RATE_STREAMS_PER_MINUTE: positiveInt(600, 1_000_000),
  SRE_RATE_PROBES_PER_MINUTE: positiveInt(20, 1_000_000),
  SRE_MAX_STREAMS_PER_KEY: positiveInt(200, 100_000),
  SRE_API_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'expected a size such as 256kb or 1mb')
    .default('256kb'),
  SRE_KNOWLEDGE_DIRS: optionalText,
  SRE_MCP_PORT: port(8081),
  // The worker's two Prometheus endpoints: the Temporal SDK's exporter and the agent's own series; 'off' disables one.
  SRE_WORKER_METRICS_ADDRESS: listenAddressOrOff.default('127.0.0.1:9464'),
  SRE_WORKER_AGENT_METRICS_ADDRESS: listenAddressOrOff.default('127.0.0.1:9465'),
  // Standard OpenTelemetry variables: traces are exported only when an OTLP endpoint is set.
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(['http:', 'https:']).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('sre-agent'),
  OTEL_SDK_DISABLED: bool(false),
  SRE_MCP_SERVERS_FILE: optionalText,

  SRE_MAX_TOOL_ITERATIONS: positiveInt(8, 50),
  SRE_TOPIC_TOOL_BUDGET: positiveInt(6, 50),
  SRE_WORKER_CONCURRENCY: positiveInt(100, 10_000),
  SRE_RETENTION_DAYS: positiveInt(30, 3650),
  SRE_EVIDENCE_TTL_HOURS: positiveInt(72, 87_600),
  SRE_RATE_SAMPLE_MS: positiveInt(3000, 10_000),
  SRE_APP_REDIS_MAXMEMORY: z
    .string()
    .regex(/^\d+(kb|mb|gb)$/i, 'a size such as 512mb or 2gb')
    .default('1gb'),
  SRE_TARGET_ALLOW: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (!value?.trim()) return;
      try {
        parseAllowList(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  SRE_TARGET_ALLOW_LOOPBACK: bool(true),

  SRE_PUBLIC_URL: url(['http:', 'https:']).optional(),
  SRE_NOTIFY_WEBHOOK_URL: optionalText,
  SRE_NOTIFY_WEBHOOK_SECRET: optionalText,
  SRE_NOTIFY_SLACK_URL: optionalText,
  SRE_NOTIFY_POLICY: z.enum(['always', 'on-change']).optional(),
  SRE_NOTIFY_SOURCES: optionalText,
  SRE_ALERTMANAGER_PORT: port(9093),
});

type Env = z.infer<typeof envSchema>;

export interface ModelSettings {
  baseURL?: string;
  apiKey?: string;
  main: string;
  mini: string;
  nano: string;
  timeoutMs: number;
  /** The context window prompts are budgeted against (a small local model has 4096). */
  contextTokens: number;
  /** The fully local model (stack/local-model): small context, slow, compact schemas. */
  local: boolean;
  /** Whether the server honours response_format json_object; without it a fenced JSON reply is parsed. */
  jsonMode: boolean;
}

/** The alias the local model server answers to (stack/local-model/serve.py). */
export const LOCAL_MODEL_ALIAS = 'local-qwen2.5-coder-1.5b';

export interface EmbeddingSettings {
  baseURL?: string;
  apiKey?: string;
  model: string;
}

export interface Config {
  dataDir: string;
  logLevel: Env['SRE_LOG_LEVEL'];
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiUrl: string;
    /** mTLS / server TLS; undefined means plaintext (the local dev server). */
    tls?: TemporalTlsSettings;
    /** Temporal Cloud API key (sent as a bearer token, over TLS only). */
    apiKey?: string;
    /** A dev server: missing search attributes are registered rather than reported (core/search-attribute-check.ts). */
    devServer: boolean;
  };
  stack: {
    temporalPort: number;
    temporalUiPort: number;
    appRedisPort: number;
    prometheusPort: number;
    redisExporterPort: number;
    alertmanagerPort: number;
  };
  /** The fully local model server the stack can run (stack up --local-model, or SRE_LOCAL_MODEL=true). */
  localModel: { enabled: boolean; port: number; threads: number };
  appRedisUrl: string;
  /** maxmemory of the app Redis the local stack starts. */
  appRedisMaxmemory: string;
  prometheusUrl: string;
  loki?: { url: string; tenant?: string };
  qdrant?: { url: string; apiKey?: string; collection: string };
  /** Undefined means offline mode: the rules engine answers. */
  model?: ModelSettings;
  /** Dense vectors for knowledge search; lexical search works without them. */
  embedding?: EmbeddingSettings;
  masterKey: { value?: string; file: string };
  /** SRE_ALLOW_WRITES as set: retired, only reported (no write tool is offered to a model). */
  allowWrites: boolean;
  approvalTtlMs: number;
  api: {
    host: string;
    port: number;
    apiKey?: string;
    keysFile?: string;
    /** How long a console sign-in lasts (the session cookie and its record in the app Redis). */
    sessionTtlSeconds: number;
    bodyLimit: string;
    streams: { global: number; perCaller: number };
    rates: { tasks: number; streams: number; probes: number };
  };
  mcp: { port: number; serversFile?: string };
  /** The worker's Prometheus endpoints (host:port), undefined when off (workers/runtime.ts, workers/metrics-server.ts). */
  workerMetrics: { sdk?: string; agent?: string };
  /** OTLP/HTTP trace export (core/tracing.ts), undefined when no endpoint is set. */
  tracing?: { tracesUrl: string; serviceName: string };
  /** Folders that REST/MCP callers may ingest into the knowledge base. */
  knowledgeDirs: string[];
  limits: { maxToolIterations: number; topicToolBudget: number; workerConcurrency: number; rateSampleMs: number };
  /** The address policy for targets (core/target-policy.ts). */
  targets: { allow?: string; allowLoopback: boolean };
  /** How long tasks, threads and workflow histories are kept. */
  retentionDays: number;
  /** How long a task's tool outputs are kept for its grounding check (compressed, in the app Redis). */
  evidenceTtlHours: number;
  /** Where links in notifications point (the API's address unless SRE_PUBLIC_URL says otherwise). */
  publicUrl: string;
  /** Channels (with their URLs and secrets: worker-side only) and routes of finished-task notifications. */
  notifications: NotificationSettings;
}

/** The OpenTelemetry specification's rule: a signal-specific endpoint is used as is; the generic one gets /v1/traces appended. */
function tracingSettings(e: Env): Config['tracing'] {
  if (e.OTEL_SDK_DISABLED) return undefined;
  const tracesUrl =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  return tracesUrl ? { tracesUrl, serviceName: e.OTEL_SERVICE_NAME } : undefined;
}

/** Keys of the schema, for documentation and the configuration table. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

function readConfigFile(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`SRE_CONFIG_FILE: cannot read ${file}: ${(err as Error).message}`]);
  }
  if (parsed == null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([`SRE_CONFIG_FILE: ${file} must be a mapping of VARIABLE: value`]);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== null && typeof value === 'object') continue; // sections (e.g. mcp_servers) are read by their owners
    out[key] = String(value);
  }
  return out;
}

function pickKnown(source: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of CONFIG_VARIABLES) {
    const value = source[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const fromFile = env.SRE_CONFIG_FILE ? readConfigFile(env.SRE_CONFIG_FILE) : {};
  const result = envSchema.safeParse({ ...pickKnown(fromFile), ...pickKnown(env) });
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'configuration');
        // Keys, certificates and API keys are never echoed.
        const given = TEMPORAL_SECRET_VARIABLES.has(name) ? undefined : (env[name] ?? fromFile[name]);
        return `${name}: ${issue.message}${given !== undefined ? ` (got ${JSON.stringify(given.slice(0, 60))})` : ''}`;
      }),
    );
  }
  const e = result.data;
  const problems: string[] = [];
  const security = parseTemporalSecurity(e, problems);
  if (problems.length) throw new ConfigError(problems);
  const temporalAddress = e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.SRE_TEMPORAL_PORT}`;
  const dataDir = path.resolve(e.SRE_DATA_DIR ?? path.join(projectRoot(), '.data'));
  // The local model answers with every tier unless another endpoint is configured.
  const local = e.SRE_LOCAL_MODEL && !e.OPENAI_BASE_URL;
  const modelConfigured = !e.SRE_OFFLINE && (local || Boolean(e.SRE_MODEL || e.OPENAI_API_KEY));
  return {
    dataDir,
    logLevel: e.SRE_LOG_LEVEL,
    temporal: {
      address: temporalAddress,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.SRE_TASK_QUEUE,
      uiUrl: e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.SRE_TEMPORAL_UI_PORT}`,
      tls: security.tls,
      apiKey: security.apiKey,
      // A plaintext server on loopback is taken for a dev server unless SRE_TEMPORAL_DEV_SERVER says otherwise.
      devServer: e.SRE_TEMPORAL_DEV_SERVER ?? (!security.tls && /^(127\.\d+\.\d+\.\d+|localhost):/.test(temporalAddress)),
    },
    stack: {
      temporalPort: e.SRE_TEMPORAL_PORT,
      temporalUiPort: e.SRE_TEMPORAL_UI_PORT,
      appRedisPort: e.SRE_APP_REDIS_PORT,
      prometheusPort: e.SRE_PROMETHEUS_PORT,
      redisExporterPort: e.SRE_REDIS_EXPORTER_PORT,
      alertmanagerPort: e.SRE_ALERTMANAGER_PORT,
    },
    localModel: { enabled: e.SRE_LOCAL_MODEL, port: e.SRE_LOCAL_MODEL_PORT, threads: e.SRE_LOCAL_MODEL_THREADS },
    appRedisUrl: e.SRE_APP_REDIS_URL ?? `redis://127.0.0.1:${e.SRE_APP_REDIS_PORT}`,
    appRedisMaxmemory: e.SRE_APP_REDIS_MAXMEMORY,
    prometheusUrl: e.PROMETHEUS_URL ?? `http://127.0.0.1:${e.SRE_PROMETHEUS_PORT}`,
    loki: e.LOKI_URL ? { url: e.LOKI_URL, tenant: e.LOKI_TENANT } : undefined,
    qdrant: e.QDRANT_URL ? { url: e.QDRANT_URL, apiKey: e.QDRANT_API_KEY, collection: e.QDRANT_COLLECTION } : undefined,
    model: modelConfigured
      ? local
        ? {
            baseURL: `http://127.0.0.1:${e.SRE_LOCAL_MODEL_PORT}/v1`,
            apiKey: 'local',
            main: LOCAL_MODEL_ALIAS,
            mini: LOCAL_MODEL_ALIAS,
            nano: LOCAL_MODEL_ALIAS,
            // A 1.5B model on two cores answers a 1,500-token prompt in about a minute.
            timeoutMs: env.SRE_MODEL_TIMEOUT_MS ? e.SRE_MODEL_TIMEOUT_MS : 900_000,
            contextTokens: e.SRE_MODEL_CONTEXT_TOKENS ?? 4096,
            local: true,
            jsonMode: false,
          }
        : {
            baseURL: e.OPENAI_BASE_URL,
            apiKey: e.OPENAI_API_KEY,
            main: e.SRE_MODEL ?? 'gpt-4.1',
            mini: e.SRE_MODEL_MINI ?? e.SRE_MODEL ?? 'gpt-4.1-mini',
            nano: e.SRE_MODEL_NANO ?? e.SRE_MODEL_MINI ?? e.SRE_MODEL ?? 'gpt-4.1-nano',
            timeoutMs: e.SRE_MODEL_TIMEOUT_MS,
            contextTokens: e.SRE_MODEL_CONTEXT_TOKENS ?? 128_000,
            local: false,
            jsonMode: e.SRE_MODEL_JSON_MODE,
          }
      : undefined,
    embedding: e.SRE_EMBEDDING_MODEL ? { baseURL: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, model: e.SRE_EMBEDDING_MODEL } : undefined,
    masterKey: { value: e.SRE_MASTER_KEY, file: e.SRE_MASTER_KEY_FILE ?? path.join(dataDir, 'master.key') },
    allowWrites: e.SRE_ALLOW_WRITES,
    approvalTtlMs: e.SRE_APPROVAL_TTL,
    api: {
      host: e.SRE_API_HOST,
      port: e.SRE_API_PORT,
      apiKey: e.SRE_API_KEY,
      keysFile: e.SRE_API_KEYS_FILE,
      sessionTtlSeconds: e.SRE_SESSION_TTL_SECONDS,
      bodyLimit: e.SRE_API_BODY_LIMIT,
      streams: { global: e.SRE_MAX_STREAMS, perCaller: e.SRE_MAX_STREAMS_PER_KEY },
      rates: { tasks: e.SRE_RATE_TASKS_PER_MINUTE, streams: e.SRE_RATE_STREAMS_PER_MINUTE, probes: e.SRE_RATE_PROBES_PER_MINUTE },
    },
    mcp: { port: e.SRE_MCP_PORT, serversFile: e.SRE_MCP_SERVERS_FILE ?? env.SRE_CONFIG_FILE },
    workerMetrics: {
      sdk: e.SRE_WORKER_METRICS_ADDRESS === 'off' ? undefined : e.SRE_WORKER_METRICS_ADDRESS,
      agent: e.SRE_WORKER_AGENT_METRICS_ADDRESS === 'off' ? undefined : e.SRE_WORKER_AGENT_METRICS_ADDRESS,
    },
    tracing: tracingSettings(e),
    knowledgeDirs: e.SRE_KNOWLEDGE_DIRS
      ? e.SRE_KNOWLEDGE_DIRS.split(',')
          .map((d) => path.resolve(d.trim()))
          .filter(Boolean)
      : [path.join(projectRoot(), 'knowledge', 'runbooks'), path.join(dataDir, 'docs')],
    limits: {
      maxToolIterations: e.SRE_MAX_TOOL_ITERATIONS,
      topicToolBudget: e.SRE_TOPIC_TOOL_BUDGET,
      workerConcurrency: e.SRE_WORKER_CONCURRENCY,
      rateSampleMs: Math.max(500, e.SRE_RATE_SAMPLE_MS),
    },
    retentionDays: e.SRE_RETENTION_DAYS,
    evidenceTtlHours: e.SRE_EVIDENCE_TTL_HOURS,
    targets: { allow: e.SRE_TARGET_ALLOW?.trim() || undefined, allowLoopback: e.SRE_TARGET_ALLOW_LOOPBACK },
    publicUrl: (e.SRE_PUBLIC_URL ?? `http://${e.SRE_API_HOST.includes(':') ? `[${e.SRE_API_HOST}]` : e.SRE_API_HOST}:${e.SRE_API_PORT}`).replace(/\/+$/, ''),
    notifications: loadNotificationSettings({ ...env, ...fromFile, ...pickKnown(env) }),
  };
}
