import { WebSocket } from 'ws';
import { startApiUnderTest, waitForTask, type ApiUnderTest } from '../support/api';
import { startRedis, type EphemeralRedis } from '../support/redis';

interface SseFrame {
  id?: string;
  event?: string;
  data?: any;
  comment?: string;
}

/** Reads server-sent events until `stop` says so or the server ends the stream. */
async function readSse(
  url: string,
  options: { headers?: Record<string, string>; stop?: (frames: SseFrame[]) => boolean; timeoutMs?: number } = {},
): Promise<{ frames: SseFrame[]; ended: boolean; status: number; contentType: string | null }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 60_000);
  const response = await fetch(url, { headers: options.headers, signal: abort.signal });
  const frames: SseFrame[] = [];
  let ended = false;
  let buffer = '';
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const frame: SseFrame = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) frame.comment = line.slice(1).trim();
          else if (line.startsWith('id: ')) frame.id = line.slice(4);
          else if (line.startsWith('event: ')) frame.event = line.slice(7);
          else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
        }
        frames.push(frame);
      }
      if (options.stop?.(frames)) break;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { frames, ended, status: response.status, contentType: response.headers.get('content-type') };
}

/** Collects WebSocket messages until the server closes. */
function readWebSocket(url: string, headers: Record<string, string> = {}): Promise<{ messages: any[]; code: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: any[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    ws.on('close', (code) => resolve({ messages, code }));
    ws.on('error', reject);
  });
}

const order = (id: string) => id.split('-').map(Number);
function increasing(ids: string[]): boolean {
  return ids.every((id, i) => {
    if (i === 0) return true;
    const [ms, seq] = order(id);
    const [pms, pseq] = order(ids[i - 1]);
    return ms > pms || (ms === pms && seq > pseq);
  });
}

describe('progress streams', () => {
  let api: ApiUnderTest;
  let target: EphemeralRedis;
  let instanceId: string;

  beforeAll(async () => {
    api = await startApiUnderTest();
    target = await startRedis();
    instanceId = (await api.call('POST', '/api/v1/instances', { name: 'streamed', connection_url: target.url })).body.id;
  });
  afterAll(async () => {
    await api.stop();
    await target.stop();
  });

  it('streams a running triage over WebSocket and SSE in the same order, and SSE resumes without repeats', async () => {
    const posted = await api.call('POST', '/api/v1/tasks', { message: 'Run a full health check', instance_id: instanceId, agent: 'triage' });
    const threadId = posted.body.thread_id;
    const wsUrl = `${api.url.replace('http', 'ws')}/api/v1/ws/tasks/${threadId}?until=done`;
    const [ws, sse] = await Promise.all([readWebSocket(wsUrl), readSse(`${api.url}/api/v1/threads/${threadId}/stream?until=done`, { timeoutMs: 110_000 })]);

    // WebSocket: snapshot first, then events in stream order, ending with task_done.
    expect(ws.code).toBe(1000);
    expect(ws.messages[0]).toMatchObject({ type: 'snapshot', thread: { id: threadId } });
    // Connected while the task was still running: the snapshot holds no answer yet.
    expect(ws.messages[0].thread.messages.filter((m: { role: string }) => m.role === 'assistant')).toEqual([]);
    const events = ws.messages.slice(1);
    expect(events.every((m) => m.type === 'event')).toBe(true);
    expect(increasing(events.map((m) => m.id))).toBe(true);
    const types = events.map((m) => m.event.type);
    expect(types[0]).toBe('task_started');
    expect(types.at(-1)).toBe('task_done');
    expect(events.at(-1).event).toMatchObject({ taskId: posted.body.task_id, status: 'done' });
    const calls = events.filter((m) => m.event.type === 'tool_call');
    const results = events.filter((m) => m.event.type === 'tool_result');
    expect(calls.length).toBeGreaterThan(3);
    expect(results.length).toBe(calls.length);
    for (const result of results) {
      const call = calls.find((c) => c.event.callId === result.event.callId);
      expect(call).toBeDefined();
      expect(order(call.id)[0] <= order(result.id)[0]).toBe(true);
      expect(events.indexOf(call)).toBeLessThan(events.indexOf(result));
    }

    // SSE: the same events with the same ids, after a snapshot; the server ended the stream.
    expect(sse.status).toBe(200);
    expect(sse.contentType).toMatch(/^text\/event-stream/);
    expect(sse.ended).toBe(true);
    const sseFrames = sse.frames.filter((f) => !f.comment);
    expect(sseFrames[0]).toMatchObject({ event: 'snapshot', data: { id: threadId } });
    const sseEvents = sseFrames.slice(1);
    expect(sseEvents.map((f) => f.id)).toEqual(events.map((m) => m.id));
    expect(sseEvents.map((f) => f.event)).toEqual(types);
    expect(sseEvents.map((f) => f.data)).toEqual(events.map((m) => m.event));

    // Resuming after the fifth event delivers exactly the rest: by header, by query, and over WebSocket.
    const resumeAfter = events[4].id;
    const expectedRest = events.slice(5).map((m) => m.id);
    const byHeader = await readSse(`${api.url}/api/v1/threads/${threadId}/stream?until=done`, { headers: { 'Last-Event-ID': resumeAfter } });
    expect(byHeader.frames.filter((f) => f.id).map((f) => f.id)).toEqual(expectedRest);
    const byQuery = await readSse(`${api.url}/api/v1/threads/${threadId}/stream?until=done&last_event_id=${resumeAfter}`);
    expect(byQuery.frames.filter((f) => f.id).map((f) => f.id)).toEqual(expectedRest);
    const wsResumed = await readWebSocket(`${wsUrl}&last_event_id=${resumeAfter}`);
    expect(wsResumed.messages.slice(1).map((m) => m.id)).toEqual(expectedRest);
  });

  it('keeps a stream without until=done open with heartbeats and delivers a follow-up live', async () => {
    const posted = await api.call('POST', '/api/v1/tasks', { message: 'what is maxmemory-policy?', agent: 'knowledge' });
    await waitForTask(api, posted.body.task_id);
    let followUpId = '';
    const live = await readSse(`${api.url}/api/v1/threads/${posted.body.thread_id}/stream`, {
      stop: (frames) => {
        const heartbeats = frames.filter((f) => f.comment === 'heartbeat').length;
        if (heartbeats === 1 && !followUpId) {
          followUpId = 'pending';
          void api
            .call('POST', `/api/v1/threads/${posted.body.thread_id}/messages`, { message: 'and for a session store?' })
            .then((r) => (followUpId = r.body.task_id));
        }
        return frames.some((f) => f.event === 'task_done' && f.data.taskId === followUpId);
      },
    });
    // Past the first task_done the stream stayed open, sent heartbeats, and then carried the follow-up.
    expect(live.ended).toBe(false);
    const done = live.frames.filter((f) => f.event === 'task_done').map((f) => f.data.taskId);
    expect(done).toEqual([posted.body.task_id, followUpId]);
    const firstDone = live.frames.findIndex((f) => f.event === 'task_done');
    expect(live.frames.slice(firstDone).some((f) => f.comment === 'heartbeat')).toBe(true);
    expect(live.frames.some((f) => f.event === 'task_started' && f.data.taskId === followUpId)).toBe(true);
  });

  it('refuses a WebSocket for an unknown or malformed thread with the JSON error', async () => {
    const refused = (path: string) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const ws = new WebSocket(`${api.url.replace('http', 'ws')}${path}`);
        ws.on('unexpected-response', (_req, res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        });
        ws.on('open', () => reject(new Error('connection was accepted')));
        ws.on('error', () => undefined);
      });
    expect(await refused('/api/v1/ws/tasks/thread_doesNotExist1')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await refused('/api/v1/ws/tasks/thread_x;FLUSHALL')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', issues: [{ field: 'id' }] } },
    });
    expect(await refused('/api/v1/ws/elsewhere')).toMatchObject({ status: 404 });
  });
});
