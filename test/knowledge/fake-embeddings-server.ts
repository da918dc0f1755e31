import { serveJson, type JsonReply, type JsonRequest, type RunningServer } from './json-server';

/**
 * A tiny OpenAI-compatible /v1/embeddings endpoint for tests: deterministic bag-of-words vectors,
 * the real response shape, and a record of every request.
 */

export const FAKE_DIMENSIONS = 16;

export function fakeEmbedding(text: string): number[] {
  const v = new Array<number>(FAKE_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    let h = 0;
    for (const ch of word) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    v[h % FAKE_DIMENSIONS] += 1;
  }
  const norm = Math.sqrt(v.reduce((n, x) => n + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

export interface EmbeddingRequest {
  model: string;
  input: string[];
  encoding_format?: string;
}

export class FakeEmbeddingsServer {
  readonly requests: EmbeddingRequest[] = [];
  /** Models the server answers 404 for, like an endpoint that does not serve them. */
  unknownModels = new Set<string>();
  private server?: RunningServer;

  /** Returns the base URL (…/v1) to give the openai SDK. */
  async start(): Promise<string> {
    this.server = await serveJson((request) => this.respond(request));
    return `${this.server.origin}/v1`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  private respond({ method, url, body }: JsonRequest): JsonReply {
    if (method !== 'POST' || url.pathname !== '/v1/embeddings') {
      return { status: 404, payload: { error: { message: `no route ${method} ${url.pathname}`, type: 'invalid_request_error' } } };
    }
    const input: string[] = Array.isArray(body.input) ? body.input : [body.input];
    this.requests.push({ model: body.model, input, encoding_format: body.encoding_format });
    if (this.unknownModels.has(body.model)) {
      return {
        status: 404,
        payload: { error: { message: `The model '${body.model}' does not exist`, type: 'invalid_request_error', code: 'model_not_found' } },
      };
    }
    return {
      status: 200,
      payload: {
        object: 'list',
        model: body.model,
        data: input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) })),
        usage: { prompt_tokens: input.length * 8, total_tokens: input.length * 8 },
      },
    };
  }
}
