import type { Command } from 'commander';
import { withDefaultServices } from '../services';
import { action, printJson, printTable } from '../output';
import { cliActor } from '../actor';

/** `sre-agent thread …` and `sre-agent task …`: reading conversations and tasks. */

export function registerThread(program: Command): void {
  const thread = program.command('thread').description('conversations: messages, tool calls, reports');
  thread
    .command('list')
    .option('--limit <n>', 'how many', '20')
    .option('--instance <id>', 'only threads about this instance')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { limit: string; instance?: string; json?: boolean }) => {
        const threads = await withDefaultServices((s) => s.threads.list({ limit: opts.limit, ...(opts.instance ? { instance_id: opts.instance } : {}) }));
        if (opts.json) printJson(threads);
        else printTable(threads as never[], ['id', 'title', 'instanceId', 'updatedAt']);
      }),
    );
  thread
    .command('get')
    .argument('<id>')
    .option('--json', 'JSON output')
    .action(
      action(async (id: string, opts: { json?: boolean }) => {
        const t = await withDefaultServices((s) => s.threads.get(id));
        if (opts.json) return printJson(t);
        process.stdout.write(`# ${t.title}\nthread ${t.id}${t.instanceId ? ` · instance ${t.instanceId}` : ''} · updated ${t.updatedAt}\n`);
        for (const m of t.messages) process.stdout.write(`\n## ${m.role} (${m.taskId}, ${m.at})\n${m.content}\n`);
        if (t.toolCalls.length) {
          process.stdout.write(`\n## tool calls (${t.toolCalls.length})\n`);
          printTable(t.toolCalls.map((c) => ({ ...c, call: c.callId.slice(0, 8) })) as never[], ['call', 'tool', 'ok', 'durationMs', 'topic', 'summary']);
        }
      }),
    );
  const task = program.command('task').description('tasks: one question each, a Temporal workflow');
  task
    .command('get')
    .argument('<id>')
    .option('--json', 'JSON output')
    .action(
      action(async (id: string, opts: { json?: boolean }) => {
        const view = await withDefaultServices((s) => s.tasks.get(id));
        if (opts.json) return printJson(view);
        printTable([{ ...view, tool_calls: view.tool_calls.length, tokens: view.usage?.totalTokens ?? 0 }] as never[], [
          'task_id',
          'status',
          'phase',
          'agent',
          'mode',
          'tool_calls',
          'tokens',
          'created_at',
        ]);
        if (view.result?.answer) process.stdout.write(`\n${view.result.answer}\n`);
        if (view.error) process.stdout.write(`\nerror: ${view.error}\n`);
        process.stdout.write(`\nTemporal UI: ${view.workflow_url}\n`);
      }),
    );
  task
    .command('list')
    .option('--status <status>')
    .option('--limit <n>', 'how many', '20')
    .option('--page <token>', 'the next page, as printed after the previous one')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { status?: string; limit: string; page?: string; json?: boolean }) => {
        const page = await withDefaultServices((s) =>
          s.tasks.list({ limit: opts.limit, ...(opts.status ? { status: opts.status } : {}), ...(opts.page ? { next_page_token: opts.page } : {}) }),
        );
        if (opts.json) printJson(page);
        else {
          printTable(page.tasks as never[], ['task_id', 'status', 'agent', 'mode', 'message', 'created_at']);
          if (page.next_page_token) process.stderr.write(`more: sre-agent task list --page ${page.next_page_token}\n`);
        }
      }),
    );
  task
    .command('feedback')
    .argument('<id>')
    .argument('<rating>', 'up (the answer helped) or down (it was wrong or useless)')
    .option('--comment <text>', 'what was right or wrong about it')
    .action(
      action(async (id: string, rating: string, opts: { comment?: string }) => {
        const view = await withDefaultServices((s) => s.tasks.feedback(id, { rating, ...(opts.comment ? { comment: opts.comment } : {}) }, cliActor()));
        process.stdout.write(`task ${id}: feedback ${view.feedback?.rating} recorded\n`);
      }),
    );
  task
    .command('cancel')
    .argument('<id>')
    .action(
      action(async (id: string) => {
        const view = await withDefaultServices((s) => s.tasks.cancel(id, cliActor()));
        process.stdout.write(`task ${id}: ${view.status}\n`);
      }),
    );
}
