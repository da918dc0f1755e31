import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible server speaking the real Chat Completions and Embeddings wire
 * format, driven by the real `openai` SDK in tests and benchmarks. Each run scripts replies per request,
 * can add latency or failures, and reads back every request it received.
 */

export interface ChatRequestBody {
  model: string;
  messages: Array<{
    role: string;
    content: string | null;
    tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  tools?: Array<{ type: 'function'; function: { name: string; description: string; parameters: unknown } }>;
  response_format?: { type: string };
}

export type ScriptedReply =
  | { kind: 'text'; content: string }
  | { kind: 'tools'; calls: Array<{ name: string; arguments: unknown }> }
  | { kind: 'error'; status: number; message?: string }
  /** A response body sent as is: the quirks of real servers (no ids, no usage, content null). */
  | { kind: 'raw'; body: unknown };

export const say = (content: string): ScriptedReply => ({ kind: 'text', content });
export const callTools = (...calls: Array<{ name: string; arguments?: unknown }>): ScriptedReply => ({
  kind: 'tools',
  calls: calls.map((c) => ({ name: c.name, arguments: c.arguments ?? {} })),
});
export const failWith = (status: number, message?: string): ScriptedReply => ({ kind: 'error', status, message });
export const raw = (body: unknown): ScriptedReply => ({ kind: 'raw', body });

export interface RecordedRequest {
  path: string;
  body: ChatRequestBody & { input?: unknown };
  receivedAt: number;
}

export type Script = (request: ChatRequestBody, index: number) => ScriptedReply | Promise<ScriptedReply>;

/** Helpers to read what the agent sent. */
export const systemPrompt = (r: ChatRequestBody) => r.messages.find((m) => m.role === 'system')?.content ?? '';
export const lastUser = (r: ChatRequestBody) => [...r.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
export const toolResults = (r: ChatRequestBody) => r.messages.filter((m) => m.role === 'tool').map((m) => ({ ...m, content: m.content ?? '' }));

export class ScriptedModel {
  readonly requests: RecordedRequest[] = [];
  private server?: http.Server;
  private chatCount = 0;
  latencyMs: number;

  constructor(
    private script: Script,
    options: { latencyMs?: number } = {},
  ) {
    this.latencyMs = options.latencyMs ?? 0;
  }

  /** Replaces the script; its request index starts again at 0. */
  setScript(script: Script): void {
    this.script = script;
    this.chatCount = 0;
  }

  chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/chat/completions'));
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections?.();
      this.server?.close(() => resolve());
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    const path = req.url ?? '';
    this.requests.push({ path, body, receivedAt: Date.now() });
    if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (path.endsWith('/embeddings')) {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      send(200, {
        object: 'list',
        model: body.model,
        data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: embed(String(text)) })),
        usage: { prompt_tokens: inputs.length * 8, total_tokens: inputs.length * 8 },
      });
      return;
    }
    if (!path.endsWith('/chat/completions')) {
      send(404, { error: { message: `no route ${path}`, type: 'invalid_request_error' } });
      return;
    }
    let reply: ScriptedReply;
    try {
      reply = await this.script(body, this.chatCount++);
    } catch (err) {
      reply = failWith(500, `script error: ${(err as Error).message}`);
    }
    if (reply.kind === 'error') {
      send(reply.status, {
        error: {
          message: reply.message ?? `scripted ${reply.status}`,
          type: reply.status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error',
          code: null,
        },
      });
      return;
    }
    if (reply.kind === 'raw') {
      send(200, reply.body);
      return;
    }
    const promptTokens = JSON.stringify(body.messages).length / 4;
    const message =
      reply.kind === 'text'
        ? { role: 'assistant', content: reply.content, refusal: null }
        : {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: reply.calls.map((c, i) => ({
              id: `call_${this.chatCount}_${i}`,
              type: 'function',
              function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
            })),
          };
    send(200, {
      id: `chatcmpl-${this.chatCount}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message, finish_reason: reply.kind === 'text' ? 'stop' : 'tool_calls', logprobs: null }],
      usage: { prompt_tokens: Math.round(promptTokens), completion_tokens: 20, total_tokens: Math.round(promptTokens) + 20 },
    });
  }
}

/** Deterministic 64-dimension bag-of-words vector. */
function embed(text: string): number[] {
  const v = new Array<number>(64).fill(0);
  for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    let h = 0;
    for (const ch of word) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    v[h % 64] += 1;
  }
  const norm = Math.sqrt(v.reduce((n, x) => n + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}
