import { flushTracing } from '../core/tracing';
import { ConfigError, NotFoundError, SreError, ValidationError, ConflictError, asUnavailable } from '../core/errors';
import { redact } from '../core/logger';

/** Consistent CLI output: tables or JSON on stdout, errors on stderr with meaningful exit codes. */

export const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3, unavailable: 4, conflict: 5 } as const;

export function exitCodeFor(err: unknown): number {
  if (err instanceof ValidationError || err instanceof ConfigError) return EXIT.usage;
  if (err instanceof NotFoundError) return EXIT.notFound;
  if (asUnavailable(err)) return EXIT.unavailable;
  if (err instanceof ConflictError) return EXIT.conflict;
  if (err instanceof SreError && err.code === 'secret') return EXIT.usage;
  return EXIT.failure;
}

export function printError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${redact(message)}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain aligned table; cells are cut to keep rows on one line. */
export function printTable(rows: Array<Record<string, unknown>>, columns: string[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cell = (v: unknown) => {
    const text = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  };
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => cell(row[c])))}\n`);
}

/** Runs a command action; any error becomes a message and a non-zero exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      printError(err);
      process.exitCode = exitCodeFor(err);
    } finally {
      // A short-lived command's spans are still batched when it ends.
      await flushTracing();
    }
  };
}
