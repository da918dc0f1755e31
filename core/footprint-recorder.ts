import { performance } from 'node:perf_hooks';
import { NO_FOOTPRINT, type Footprint } from './footprint';
import type { RedisCommands } from './target-redis';

/**
 * Measures one tool call's footprint on a target: every command goes through here. Busy time is
 * the union of in-flight intervals, so pipelined commands are not counted once each.
 */
export class FootprintRecorder {
  private commands = 0;
  private busyMs = 0;
  private longestMs = 0;
  private longestCommand?: string;
  private inFlight = 0;
  private busySince = 0;

  wrap(target: RedisCommands): RedisCommands {
    return { call: (command, ...args) => this.record(target, command, args), sent: target.sent, ownErrorReplies: target.ownErrorReplies?.bind(target) };
  }

  private async record(target: RedisCommands, command: string, args: Array<string | number>): Promise<unknown> {
    const started = performance.now();
    if (this.inFlight++ === 0) this.busySince = started;
    this.commands++;
    try {
      return await target.call(command, ...args);
    } finally {
      const ended = performance.now();
      if (--this.inFlight === 0) this.busyMs += ended - this.busySince;
      if (ended - started > this.longestMs) {
        this.longestMs = ended - started;
        this.longestCommand = [command.toUpperCase(), ...args.slice(0, 4).map((a) => String(a).slice(0, 40))].join(' ');
      }
    }
  }

  /** Busy time so far, including a period still in flight. */
  busyNow(): number {
    return this.busyMs + (this.inFlight > 0 ? performance.now() - this.busySince : 0);
  }

  summary(): Footprint {
    if (this.commands === 0) return NO_FOOTPRINT;
    const r = (ms: number) => Math.round(ms * 1000) / 1000;
    return {
      commands: this.commands,
      busyMs: r(this.busyNow()),
      longestMs: r(this.longestMs),
      ...(this.longestCommand ? { longestCommand: this.longestCommand } : {}),
    };
  }
}
