import { RUN, T } from './fixtures';
import { INJECTIONS, show } from './mutations';

/**
 * The CLI corpus: every command that takes an id gets a malformed one (and some a well-formed
 * unknown one), plus bad options for query, instance, schedule, the lists and eval. Each case
 * spawns the built CLI, so there are fewer of them than for REST and MCP.
 */

export interface CliCase {
  name: string;
  /** Placeholders allowed. */
  argv: string[];
  /** README: 2 bad input or configuration, 3 not found, 4 a dependency unreachable, 5 conflict. */
  exit: number;
  /** A usage error found by the argument parser, which prints the command's help after the error line. */
  usage?: boolean;
}

const ID_COMMANDS: Array<{ argv: string[]; kind: string; options?: string[] }> = [
  { argv: ['instance', 'get'], kind: 'inst' },
  { argv: ['instance', 'update'], kind: 'inst', options: ['--notes', 'x'] },
  { argv: ['instance', 'delete'], kind: 'inst' },
  { argv: ['instance', 'test'], kind: 'inst' },
  { argv: ['schedule', 'get'], kind: 'sched' },
  { argv: ['schedule', 'update'], kind: 'sched', options: ['--message', 'x'] },
  { argv: ['schedule', 'pause'], kind: 'sched' },
  { argv: ['schedule', 'resume'], kind: 'sched' },
  { argv: ['schedule', 'trigger'], kind: 'sched' },
  { argv: ['schedule', 'delete'], kind: 'sched' },
  { argv: ['thread', 'get'], kind: 'thread' },
  { argv: ['task', 'get'], kind: 'task' },
  { argv: ['task', 'cancel'], kind: 'task' },
];

/** Malformed ids, one per command in turn: injections, then ids that look almost right. */
function malformedId(kind: string, i: number): string {
  const ids = [
    ...INJECTIONS.filter((v) => !v.startsWith('-')),
    `${kind}_${'a'.repeat(5_000)}`,
    `${kind}_🔥🔥🔥🔥🔥🔥`,
    `\u202E${kind}_AbC123xyz`,
    `${kind}_abc\u200Bdefg`,
  ];
  return ids[i % ids.length];
}

const NOT_FOUND_CHECKED = new Set(['instance get', 'instance update', 'schedule trigger', 'thread get', 'task cancel']);

const name = `bad-${RUN}-cli`;
const url = 'redis://127.0.0.1:1';
/** Each question names its case, so a task or thread it should not have left behind says where it came from. */
const query = (label: string, ...options: string[]) => ['query', `bad-input probe: ${label}`, ...options];
const schedule = (...options: string[]) => ['schedule', 'create', '--paused', '--agent', 'chat', ...options];

export function cliCorpus(): CliCase[] {
  const cases: Array<Omit<CliCase, 'name'>> = [];
  ID_COMMANDS.forEach((command, i) => {
    cases.push({ argv: [...command.argv, malformedId(command.kind, i), ...(command.options ?? [])], exit: 2 });
    if (NOT_FOUND_CHECKED.has(command.argv.join(' ')))
      cases.push({ argv: [...command.argv, `${command.kind}_doesNotExist1`, ...(command.options ?? [])], exit: 3 });
  });
  cases.push(
    { argv: ['query', ''], exit: 2 },
    { argv: ['query', '   '], exit: 2 },
    { argv: ['query', 'x'.repeat(8_001)], exit: 2 },
    { argv: query('--agent root', '--agent', 'root'), exit: 2 },
    { argv: query('--instance injection', '--instance', 'inst_$(rm -rf /)'), exit: 2 },
    { argv: query('--instance unknown', '--instance', 'inst_doesNotExist1'), exit: 3 },
    { argv: query('--thread traversal', '--thread', '../../etc/passwd'), exit: 2 },
    { argv: query('--thread unknown', '--thread', 'thread_doesNotExist1'), exit: 3 },
    { argv: query('--redis-url http', '--redis-url', 'http://x'), exit: 2 },
    { argv: query('--redis-url port', '--redis-url', 'redis://host:99999'), exit: 2 },
    { argv: query('--redis-url javascript', '--redis-url', 'javascript:alert(1)'), exit: 2 },
    // A URL no instance has yet: the bad --agent must be refused before the URL is registered.
    { argv: query('--redis-url new with --agent root', '--redis-url', 'redis://127.0.0.1:3/1', '--agent', 'root'), exit: 2 },
    { argv: query('--instance and --redis-url', '--instance', T.instance, '--redis-url', url), exit: 2 },
    { argv: query('--timeout abc', '--timeout', 'abc'), exit: 2 },
    { argv: ['query'], exit: 2, usage: true },
    { argv: query('--sudo', '--sudo'), exit: 2, usage: true },
    { argv: ['instance', 'create'], exit: 2 },
    { argv: ['instance', 'create', '--name', name, '--url', 'http://x'], exit: 2 },
    { argv: ['instance', 'create', '--name', name, '--url', 'redis://:@'], exit: 2 },
    { argv: ['instance', 'create', '--name', 'a;FLUSHALL\r\n', '--url', url], exit: 2 },
    { argv: ['instance', 'create', '--name', name, '--url', url, '--environment', 'prod'], exit: 2 },
    { argv: ['instance', 'create', '--name', T.instanceName, '--url', 'redis://127.0.0.1:2'], exit: 5 },
    { argv: ['instance', 'update', T.instance, '--url', 'redis://host:99999'], exit: 2 },
    { argv: ['instance', 'test'], exit: 2 },
    { argv: schedule('--name', name, '--every', '5'), exit: 2 },
    { argv: schedule('--name', name, '--every', '0m'), exit: 2 },
    { argv: schedule('--name', name, '--cron', 'every day'), exit: 2 },
    { argv: schedule('--name', name, '--cron', '99 99 * * *'), exit: 2 },
    { argv: schedule('--name', name, '--every', '1h', '--cron', '0 * * * *'), exit: 2 },
    { argv: schedule('--name', name), exit: 2 },
    { argv: schedule('--name', name, '--every', '1h', '--agent', 'root'), exit: 2 },
    { argv: schedule('--name', name, '--every', '1h', '--instance', 'inst_doesNotExist1'), exit: 3 },
    { argv: schedule('--name', T.scheduleName, '--every', '1h'), exit: 5 },
    { argv: ['thread', 'list', '--limit', '-1'], exit: 2 },
    { argv: ['task', 'list', '--status', 'sleeping'], exit: 2 },
    { argv: ['task', 'list', '--limit', '1e9'], exit: 2 },
    { argv: ['eval', '/nonexistent/scenarios'], exit: 2 },
    { argv: ['eval', '--agent', 'root'], exit: 2 },
  );
  const placeholders = new Map(Object.entries(T).map(([key, token]) => [token as string, `<${key}>`]));
  const shown = (arg: string) => placeholders.get(arg) ?? (/^[\w./:-]+$/.test(arg) ? arg : show(arg));
  return cases.map((c, i) => ({ ...c, name: `cli#${String(i + 1).padStart(2, '0')} sre-agent ${c.argv.map(shown).join(' ')} → exit ${c.exit}` }));
}
