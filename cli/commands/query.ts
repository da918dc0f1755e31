import { z } from 'zod';
import type { Command } from 'commander';
import { loadConfig } from '../../core/config';
import { ValidationError } from '../../core/errors';
import { instanceCreateSchema } from '../../core/instances/model';
import { followUpSchema, instanceIdSchema, instanceRequired, needsInstance, taskCreateSchema } from '../../service/schemas';
import { parseOrThrow } from '../../core/validation';
import { withServices } from '../services';
import { runWithWorker } from '../local-worker';
import { action, printJson } from '../output';
import { awaitTask } from '../progress';
import { cliActor } from '../actor';

interface QueryOptions {
  instance?: string;
  redisUrl?: string;
  agent: string;
  thread?: string;
  follow?: boolean;
  json?: boolean;
  offline?: boolean;
  timeout: string;
}

/** What the user typed, checked as given: the instance as an id or as a Redis URL, never a stand-in. */
const queryArguments = z
  .object({
    message: taskCreateSchema.shape.message,
    agent: taskCreateSchema.shape.agent,
    instance: instanceIdSchema.optional(),
    redis_url: instanceCreateSchema.shape.connection_url.optional(),
  })
  .refine((q) => needsInstance({ agent: q.agent, instance_id: q.instance ?? q.redis_url }), {
    message: 'the triage agent needs an instance to diagnose; give --instance or --redis-url, or ask the chat or knowledge agent',
    path: [instanceRequired.path[0]],
  });

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('ask the agent a question, optionally about a Redis instance, and wait for the answer')
    .argument('<message...>', 'the question')
    .option('-i, --instance <id>', 'registered instance id')
    .option('-u, --redis-url <url>', 'Redis URL: registered (or reused) as an instance; the URL never enters workflow history')
    .option('-a, --agent <agent>', 'auto | chat | triage | knowledge', 'auto')
    .option('-t, --thread <id>', 'continue an existing thread (follow-up question)')
    .option('-f, --follow', 'stream progress events live')
    .option('--json', 'print the task as JSON')
    .option('--offline', 'use the rules engine even when a model is configured')
    .option('--timeout <seconds>', 'how long to wait for the answer', '900')
    .action(
      action(async (words: string[], opts: QueryOptions) => {
        const config = loadConfig();
        // Everything is checked before anything is registered or started: bad input leaves no trace.
        const timeoutSeconds = Number(opts.timeout);
        if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1)
          throw new ValidationError(`--timeout: expected a whole number of seconds, got '${opts.timeout}'`);
        if (opts.instance && opts.redisUrl) throw new ValidationError('give either --instance or --redis-url, not both');
        if (opts.thread && (opts.instance || opts.redisUrl))
          throw new ValidationError('--thread continues a conversation on its own instance: leave out --instance and --redis-url');
        if (opts.thread) parseOrThrow(followUpSchema, { message: words.join(' '), agent: opts.agent });
        else parseOrThrow(queryArguments, { message: words.join(' '), agent: opts.agent, instance: opts.instance, redis_url: opts.redisUrl });
        const say = (line: string) => process.stderr.write(`${line}\n`);
        await withServices(config, async (services) => {
          const instanceId = opts.redisUrl ? (await services.stores.instances.ensureForUrl(opts.redisUrl, undefined, cliActor())).id : opts.instance;
          const request = { message: words.join(' '), instance_id: instanceId, agent: opts.agent };
          const submitted = opts.thread
            ? await services.tasks.followUp(
                opts.thread,
                { message: request.message, agent: request.agent },
                { source: 'cli', forceOffline: opts.offline, actor: cliActor() },
              )
            : await services.tasks.submit(request, { source: 'cli', forceOffline: opts.offline, actor: cliActor() });
          say(`task ${submitted.task_id} on thread ${submitted.thread_id}`);
          const view = await runWithWorker(services, say, submitted.task_id, () =>
            awaitTask(services, submitted, { follow: Boolean(opts.follow), timeoutMs: timeoutSeconds * 1000, write: say }),
          );
          if (opts.json) printJson(view);
          else {
            process.stdout.write(`${view.result?.answer ?? `Task ${view.status}${view.error ? `: ${view.error}` : ''}`}\n\n`);
            process.stdout.write(
              `task: ${view.task_id}  thread: ${view.thread_id}  status: ${view.status}  agent: ${view.agent ?? '-'} (${view.mode ?? '-'})  tool calls: ${view.result?.toolCalls ?? view.tool_calls.length}\n`,
            );
            process.stdout.write(`Temporal UI: ${view.workflow_url}\n`);
          }
          if (view.status !== 'done') process.exitCode = 1;
        });
      }),
    );
}
