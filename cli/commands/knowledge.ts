import type { Command } from 'commander';
import { loadConfig, type Config } from '../../core/config';
import { NotFoundError, ValidationError } from '../../core/errors';
import { createLogger } from '../../core/logger';
import { KNOWLEDGE_CATEGORIES } from '../../knowledge/categories';
import { createKnowledgeBase } from '../../knowledge/create-knowledge-base';
import { builtInRunbooksDir } from '../../knowledge/documents/discover';
import { evaluateRetrieval, loadEvalQueries, RECALL_AT_3_TARGET, type EvalReport } from '../../knowledge/eval/retrieval-eval';
import { progressRenderer } from '../../knowledge/ingest/progress-bar';
import { action, EXIT, printJson, printTable } from '../output';

function knowledgeBase(config: Config) {
  return createKnowledgeBase(config, createLogger('knowledge', config.logLevel));
}

function printMisses(backend: string, report: EvalReport): void {
  for (const miss of report.misses) {
    process.stdout.write(
      `[${backend}] miss: "${miss.query}"\n    expected ${miss.expected.join(' or ')}, got ${miss.got.join(', ') || '(nothing)'}${miss.rank ? ` (first expected at rank ${miss.rank})` : ''}\n`,
    );
  }
}

export function registerKnowledge(program: Command): void {
  const knowledge = program.command('knowledge').description('the runbook knowledge base: ingest, search, read, evaluate');

  knowledge
    .command('ingest [paths...]')
    .description('index markdown/text folders or files (default: the built-in runbooks); unchanged chunks are skipped')
    .option('--json', 'JSON output')
    .action(
      action(async (paths: string[], opts: { json?: boolean }) => {
        const config = loadConfig();
        const progress = progressRenderer(process.stderr);
        const summary = await knowledgeBase(config)
          .ingest(paths.length ? paths : [builtInRunbooksDir()], (p) => progress.update(p))
          .finally(() => progress.finish());
        if (opts.json) printJson(summary);
        else printTable([{ backend: config.qdrant ? 'qdrant' : 'local', ...summary }], ['backend', 'documents', 'chunksAdded', 'chunksRemoved', 'unchanged']);
      }),
    );

  knowledge
    .command('search <query...>')
    .description('search the runbooks as the agent does')
    .option('-n, --limit <n>', 'number of hits (1-10)', '5')
    .option('-c, --category <category>', `only this category: ${KNOWLEDGE_CATEGORIES.join(', ')}`)
    .option('--json', 'JSON output')
    .action(
      action(async (words: string[], opts: { limit: string; category?: string; json?: boolean }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10) throw new ValidationError(`--limit: expected an integer from 1 to 10 (got ${opts.limit})`);
        if (opts.category && !(KNOWLEDGE_CATEGORIES as readonly string[]).includes(opts.category)) {
          throw new ValidationError(`--category: expected one of ${KNOWLEDGE_CATEGORIES.join(', ')} (got ${opts.category})`);
        }
        const hits = await knowledgeBase(loadConfig()).search(words.join(' '), { limit, category: opts.category });
        if (opts.json) printJson({ hits });
        else
          printTable(
            hits.map((h) => ({ ...h })),
            ['docId', 'heading', 'score', 'title'],
          );
      }),
    );

  knowledge
    .command('show <id>')
    .description('print one runbook')
    .option('--json', 'JSON output')
    .action(
      action(async (id: string, opts: { json?: boolean }) => {
        const doc = await knowledgeBase(loadConfig()).getDocument(id);
        if (!doc) throw new NotFoundError('runbook', id);
        if (opts.json) printJson(doc);
        else
          process.stdout.write(
            `# ${doc.title}\n(${doc.id}; ${doc.category}${doc.severity ? `, ${doc.severity}` : ''}; tags: ${doc.tags.join(', ')})\n\n${doc.body}\n`,
          );
      }),
    );

  knowledge
    .command('eval')
    .description(`retrieval quality on knowledge/eval/queries.json: recall@3 and MRR; fails when local recall@3 < ${RECALL_AT_3_TARGET}`)
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { json?: boolean }) => {
        const config = loadConfig();
        const queries = loadEvalQueries();
        const backends: Array<[string, Config]> = [['local', { ...config, qdrant: undefined }]];
        if (config.qdrant) backends.push(['qdrant', config]);
        const reports: Array<{ backend: string } & EvalReport> = [];
        for (const [backend, backendConfig] of backends) reports.push({ backend, ...(await evaluateRetrieval(knowledgeBase(backendConfig), queries)) });
        if (opts.json) printJson(reports);
        else {
          for (const report of reports) printMisses(report.backend, report);
          printTable(
            reports.map((r) => ({
              backend: r.backend,
              queries: r.queries,
              'recall@3': r.recallAt3.toFixed(3),
              mrr: r.mrr.toFixed(3),
              misses: r.misses.length,
            })),
            ['backend', 'queries', 'recall@3', 'mrr', 'misses'],
          );
        }
        const local = reports[0];
        if (local.recallAt3 < RECALL_AT_3_TARGET) {
          process.stderr.write(`error: local recall@3 ${local.recallAt3.toFixed(3)} is below the target ${RECALL_AT_3_TARGET}\n`);
          process.exitCode = EXIT.failure;
        }
      }),
    );
}
