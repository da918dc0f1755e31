import type { ChildProcess } from 'node:child_process';
import { StdioClientTransport, type StdioServerParameters } from '@modelcontextprotocol/sdk/client/stdio.js';
import { redact } from '../../core/logger';

const STDERR_TAIL_CHARS = 4_000;
/** The stderr line most likely to say what went wrong (not a stack frame or the Node version banner). */
const ERROR_LINE = /error|cannot|can't|fail|denied|refused|missing|invalid|not found|no such/i;

/**
 * The SDK's stdio transport, remembering why the server process ended: the SDK reports only that
 * it closed, while an operator needs the exit code or signal and the server's last words on stderr.
 */
export class ObservedStdioTransport extends StdioClientTransport {
  private exit?: string;
  private stderrTail = '';

  constructor(params: Omit<StdioServerParameters, 'stderr'>) {
    super({ ...params, stderr: 'pipe' });
    this.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
  }

  override async start(): Promise<void> {
    await super.start();
    // The child process is private in the SDK (pinned version); it alone knows the exit code.
    (this as unknown as { _process?: ChildProcess })._process?.once('exit', (code, signal) => {
      this.exit = signal ? `process was killed by ${signal}` : `process exited with code ${code}`;
    });
  }

  /** Why the process is gone, e.g. "process exited with code 1; stderr: Error: missing API token". */
  failure(): string | undefined {
    const lines = this.stderrTail
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const said = [...lines].reverse().find((line) => ERROR_LINE.test(line)) ?? lines.at(-1);
    const parts = [this.exit, said && `stderr: ${said.slice(0, 300)}`].filter(Boolean);
    return parts.length ? redact(parts.join('; ')) : undefined;
  }
}
