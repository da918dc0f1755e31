import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from './stores/atomic-file';

/**
 * Embeddings already computed, one small file per vector (keyed by sha256 of model + text), so
 * re-ingesting or re-asking never pays for the same embedding twice, and concurrent processes
 * never fight over a shared file.
 */
export class EmbeddingCache {
  constructor(private readonly dir: string) {}

  private fileFor(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<number[] | undefined> {
    try {
      const vector: unknown = JSON.parse(await fs.readFile(this.fileFor(key), 'utf8'));
      return Array.isArray(vector) && vector.every((v) => typeof v === 'number') ? vector : undefined;
    } catch {
      return undefined; // missing or unreadable: recompute
    }
  }

  async set(key: string, vector: number[]): Promise<void> {
    await writeFileAtomic(this.fileFor(key), JSON.stringify(vector));
  }
}
