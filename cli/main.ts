import { Command } from 'commander';
import { registerApi } from './commands/api';
import { registerApiKey } from './commands/apikey';
import { registerDemo } from './commands/demo';
import { registerEval } from './commands/eval';
import { registerInstance } from './commands/instance';
import { registerSchedule } from './commands/schedule';
import { registerThread } from './commands/thread';
import { registerApprovals } from './commands/approvals';
import { registerFleet } from './commands/fleet';
import { registerKnowledge } from './commands/knowledge';
import { registerMcp } from './commands/mcp';
import { registerQuery } from './commands/query';
import { registerStack } from './commands/stack';
import { registerWorker } from './commands/worker';

/** `sre-agent`: the command-line front door. */
const program = new Command()
  .name('sre-agent')
  .description('AI SRE agent for Redis; every investigation is a durable Temporal workflow')
  .version('0.1.0')
  .showHelpAfterError()
  // Usage errors (missing argument, unknown option) exit 2 like every other bad input.
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? err.exitCode : 2);
  });

registerQuery(program);
registerDemo(program);
registerEval(program);
registerInstance(program);
registerSchedule(program);
registerThread(program);
registerApprovals(program);
registerFleet(program);
registerStack(program);
registerWorker(program);
registerApi(program);
registerApiKey(program);
registerKnowledge(program);
registerMcp(program);

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`error: ${err.message}\n`);
  process.exitCode = 2;
});
