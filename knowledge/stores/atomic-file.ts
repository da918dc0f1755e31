import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** Writes through a temp file and a rename, so a reader (or a crash) never sees half a file. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, content, 'utf8');
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
}

const STALE_LOCK_MS = 60_000;

/**
 * Runs fn while holding `<file>.lock` (created exclusively), so processes that read, change and
 * rewrite the same file (worker, API, CLI ingest) take turns instead of dropping each other's
 * writes. A lock older than a minute is a crashed holder's and is taken over.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const lock = `${file}.lock`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await (await fs.open(lock, 'wx')).close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age =
        Date.now() -
        (await fs.stat(lock).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      if (age > STALE_LOCK_MS) await fs.rm(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`${file} is locked by another process (${lock}); remove the lock if no ingest is running`);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lock, { force: true });
  }
}
