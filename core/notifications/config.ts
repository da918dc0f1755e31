import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors';
import type { TaskSource } from '../types';

/**
 * Where finished tasks are announced: the `notifications` section of SRE_CONFIG_FILE (named
 * channels and routes), or for one channel of each kind the SRE_NOTIFY_* variables. `${VAR}` in
 * a string comes from the environment, so secrets and Slack URLs stay out of the file. Only the
 * worker's activities read this: workflows carry channel names, never a URL or a secret.
 */

export type NotifyPolicy = 'always' | 'on-change';

export type ChannelSpec = { name: string; type: 'webhook'; url: string; secret: string } | { name: string; type: 'slack'; url: string };

export interface NotifyRoute {
  /** Task sources it applies to (alert, schedule, api, cli, mcp, test). */
  sources: TaskSource[];
  /** Only these instances / schedules, when given. */
  instances?: string[];
  schedules?: string[];
  channels: string[];
  policy: NotifyPolicy;
}

export interface NotificationSettings {
  channels: Record<string, ChannelSpec>;
  routes: NotifyRoute[];
}

const httpUrl = z.string().refine((v) => {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}, 'expected an http:// or https:// URL');

const SOURCES = ['alert', 'schedule', 'fleet', 'api', 'cli', 'mcp', 'eval', 'test'] as const;
const DEFAULT_SOURCES: TaskSource[] = ['alert', 'schedule'];

const channelName = z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'channel names are 1-40 letters, digits, _ . -');
const section = z
  .object({
    channels: z.record(
      channelName,
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('webhook'), url: httpUrl, secret: z.string().min(16, 'a signing secret of at least 16 characters') }).strict(),
        z.object({ type: z.literal('slack'), url: httpUrl }).strict(),
      ]),
    ),
    routes: z
      .array(
        z
          .object({
            sources: z.array(z.enum(SOURCES)).min(1).default(DEFAULT_SOURCES),
            instances: z.array(z.string()).optional(),
            schedules: z.array(z.string()).optional(),
            channels: z.array(channelName).min(1, 'name at least one channel'),
            policy: z.enum(['always', 'on-change']).default('always'),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

function substitute(value: unknown, env: NodeJS.ProcessEnv, missing: Set<string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_all, name: string) => {
      if (env[name] === undefined) missing.add(name);
      return env[name] ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, env, missing));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, env, missing)]));
  return value;
}

function fromFile(file: string, env: NodeJS.ProcessEnv): NotificationSettings | undefined {
  let parsed: unknown;
  try {
    parsed = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`SRE_CONFIG_FILE: cannot read ${file}: ${(err as Error).message}`]);
  }
  const raw = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).notifications : undefined;
  if (raw === undefined) return undefined;
  const missing = new Set<string>();
  const result = section.safeParse(substitute(raw, env, missing));
  const problems = [
    ...[...missing].map((name) => `SRE_CONFIG_FILE: ${file}: notifications: environment variable ${name} is not set`),
    ...(result.success ? [] : result.error.issues.map((i) => `SRE_CONFIG_FILE: ${file}: notifications.${i.path.map(String).join('.')}: ${i.message}`)),
  ];
  if (problems.length || !result.success) throw new ConfigError(problems);
  const channels = Object.fromEntries(Object.entries(result.data.channels).map(([name, c]) => [name, { name, ...c } as ChannelSpec]));
  for (const [i, route] of result.data.routes.entries()) {
    for (const name of route.channels) {
      if (!channels[name]) throw new ConfigError([`SRE_CONFIG_FILE: ${file}: notifications.routes.${i}.channels: no channel named '${name}'`]);
    }
  }
  return { channels, routes: result.data.routes };
}

/** The SRE_NOTIFY_* shortcut: a `webhook` and/or `slack` channel, one route over both. */
function fromEnv(env: NodeJS.ProcessEnv): NotificationSettings {
  const channels: Record<string, ChannelSpec> = {};
  const problems: string[] = [];
  const webhook = env.SRE_NOTIFY_WEBHOOK_URL?.trim();
  const slack = env.SRE_NOTIFY_SLACK_URL?.trim();
  if (webhook) {
    const secret = env.SRE_NOTIFY_WEBHOOK_SECRET?.trim() ?? '';
    if (!httpUrl.safeParse(webhook).success) problems.push('SRE_NOTIFY_WEBHOOK_URL: expected an http:// or https:// URL');
    if (secret.length < 16) problems.push('SRE_NOTIFY_WEBHOOK_SECRET: a signing secret of at least 16 characters is needed with SRE_NOTIFY_WEBHOOK_URL');
    channels.webhook = { name: 'webhook', type: 'webhook', url: webhook, secret };
  }
  if (slack) {
    if (!httpUrl.safeParse(slack).success) problems.push('SRE_NOTIFY_SLACK_URL: expected an http:// or https:// URL');
    channels.slack = { name: 'slack', type: 'slack', url: slack };
  }
  const policy = env.SRE_NOTIFY_POLICY?.trim() || 'always';
  if (policy !== 'always' && policy !== 'on-change') problems.push('SRE_NOTIFY_POLICY: expected always or on-change');
  const sources = (env.SRE_NOTIFY_SOURCES?.trim() || DEFAULT_SOURCES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = sources.filter((s) => !(SOURCES as readonly string[]).includes(s));
  if (unknown.length) problems.push(`SRE_NOTIFY_SOURCES: unknown source(s) ${unknown.join(', ')}; expected some of ${SOURCES.join(', ')}`);
  if (problems.length) throw new ConfigError(problems);
  const names = Object.keys(channels);
  return { channels, routes: names.length ? [{ sources: sources as TaskSource[], channels: names, policy: policy as NotifyPolicy }] : [] };
}

export function loadNotificationSettings(env: NodeJS.ProcessEnv = process.env): NotificationSettings {
  const file = env.SRE_CONFIG_FILE ? fromFile(env.SRE_CONFIG_FILE, env) : undefined;
  const shortcut = fromEnv(env);
  return {
    channels: { ...shortcut.channels, ...file?.channels },
    routes: [...shortcut.routes, ...(file?.routes ?? [])],
  };
}

/** The task a schedule ran: its workflow id is task_sched<id>-<time> (service/schedules.ts). */
export function scheduleIdOf(taskId: string): string | undefined {
  const match = /^task_sched([A-Za-z0-9]+)-/.exec(taskId);
  return match ? `sched_${match[1]}` : undefined;
}

/** The channels a finished task goes to, with the policy of the route that named each (always wins). */
export function routeTask(
  settings: NotificationSettings,
  task: { taskId: string; source: TaskSource; instanceId?: string },
): Array<{ channel: string; policy: NotifyPolicy }> {
  const schedule = scheduleIdOf(task.taskId);
  const chosen = new Map<string, NotifyPolicy>();
  for (const route of settings.routes) {
    if (!route.sources.includes(task.source)) continue;
    if (route.instances && (!task.instanceId || !route.instances.includes(task.instanceId))) continue;
    if (route.schedules && (!schedule || !route.schedules.includes(schedule))) continue;
    for (const channel of route.channels) if (chosen.get(channel) !== 'always') chosen.set(channel, route.policy);
  }
  return [...chosen].map(([channel, policy]) => ({ channel, policy }));
}
