import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP endpoint standing in for the receivers of notifications: the generic webhook
 * (any path) and Slack's incoming webhooks (`/services/...`, answered `ok` as Slack does). It
 * records every request, and answers the first `failFirst` with 500 to show retries.
 */
export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

export interface NotificationReceiver {
  url: string;
  received: ReceivedRequest[];
  /** Requests to answer 500 before accepting. */
  failFirst: number;
  waitFor(count: number, timeoutMs?: number, path?: string): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startNotificationReceiver(): Promise<NotificationReceiver> {
  const receiver: NotificationReceiver = {
    url: '',
    received: [],
    failFirst: 0,
    async waitFor(count, timeoutMs = 60_000, path) {
      const deadline = Date.now() + timeoutMs;
      const matching = () => receiver.received.filter((r) => !path || r.path.startsWith(path));
      while (matching().length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} notification(s)${path ? ` at ${path}` : ''}, got ${matching().length}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return matching();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (receiver.failFirst > 0) {
        receiver.failFirst--;
        res.writeHead(500).end('down for maintenance');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      receiver.received.push({ path: req.url ?? '/', headers: req.headers, body, json });
      if (req.url?.startsWith('/services/')) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
