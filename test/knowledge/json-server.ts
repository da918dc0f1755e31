import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server answering JSON, for the fake backends the knowledge tests talk to. */

export interface JsonRequest {
  method: string;
  url: URL;
  body: any;
}

export interface JsonReply {
  status: number;
  payload: unknown;
}

export interface RunningServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  stop(): Promise<void>;
}

export async function serveJson(respond: (request: JsonRequest) => JsonReply): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const { status, payload } = respond({
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://fake'),
        body: text ? JSON.parse(text) : undefined,
      });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let stopped = false;
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
