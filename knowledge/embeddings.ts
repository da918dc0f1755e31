import OpenAI from 'openai';
import type { EmbeddingSettings } from '../core/config';
import { ConfigError, UnavailableError } from '../core/errors';
import { EmbeddingCache } from './embedding-cache';
import { sha256 } from './hashing';

/** Dense embeddings through any OpenAI-compatible /v1/embeddings endpoint, with a disk cache. */

export interface Embedder {
  readonly model: string;
  embed(texts: string[]): Promise<number[][]>;
  /** Vector size of the model (learned from one embedding, then cached with it). */
  dimensions(): Promise<number>;
}

const BATCH = 64;
const DIMENSION_PROBE = 'redis';

function explain(err: unknown, settings: EmbeddingSettings): Error {
  const where = settings.baseURL ?? 'https://api.openai.com/v1';
  if (err instanceof OpenAI.APIConnectionError) {
    return new UnavailableError(`embedding endpoint ${where} is unreachable (${err.message}); check OPENAI_BASE_URL`);
  }
  if (err instanceof OpenAI.APIError && err.status !== undefined && (err.status === 429 || err.status >= 500)) {
    return new UnavailableError(`embedding endpoint ${where} answered HTTP ${err.status}: ${err.message}`);
  }
  if (err instanceof OpenAI.APIError) {
    return new ConfigError([
      `SRE_EMBEDDING_MODEL: ${where} rejected model '${settings.model}' (HTTP ${err.status}): ${err.message}; check the model name and OPENAI_API_KEY`,
    ]);
  }
  return err instanceof Error ? err : new Error(String(err));
}

export function createEmbedder(settings: EmbeddingSettings, cacheDir: string): Embedder {
  const client = new OpenAI({ baseURL: settings.baseURL, apiKey: settings.apiKey ?? 'not-needed', timeout: 30_000, maxRetries: 2 });
  const cache = new EmbeddingCache(cacheDir);
  const keyOf = (text: string) => sha256(`${settings.model}\n${text}`);
  let dimensions: Promise<number> | undefined;

  async function fetchEmbeddings(texts: string[]): Promise<number[][]> {
    try {
      const response = await client.embeddings.create({ model: settings.model, input: texts, encoding_format: 'float' });
      const byIndex = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      if (byIndex.length !== texts.length) throw new UnavailableError(`embedding endpoint returned ${byIndex.length} vectors for ${texts.length} inputs`);
      return byIndex;
    } catch (err) {
      throw explain(err, settings);
    }
  }

  const embedder: Embedder = {
    model: settings.model,
    async embed(texts) {
      const keys = texts.map(keyOf);
      const textByKey = new Map(keys.map((key, i) => [key, texts[i]]));
      const cached = await Promise.all(keys.map((key) => cache.get(key)));
      const missing = [...new Set(keys.filter((_key, i) => !cached[i]))];
      const computed = new Map<string, number[]>();
      for (let start = 0; start < missing.length; start += BATCH) {
        const batch = missing.slice(start, start + BATCH);
        const results = await fetchEmbeddings(batch.map((key) => textByKey.get(key)!));
        await Promise.all(batch.map((key, i) => cache.set(key, results[i])));
        batch.forEach((key, i) => computed.set(key, results[i]));
      }
      return keys.map((key, i) => cached[i] ?? computed.get(key)!);
    },
    dimensions() {
      dimensions ??= embedder.embed([DIMENSION_PROBE]).then(
        ([vector]) => vector.length,
        (err: unknown) => {
          dimensions = undefined;
          throw err;
        },
      );
      return dimensions;
    },
  };
  return embedder;
}
