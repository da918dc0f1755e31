import * as http from 'node:http';
import { collectDefaultMetrics } from 'prom-client';
import { agentRegistry } from '../core/agent-metrics';
import { errorMessage } from '../core/errors';

/**
 * The worker's own Prometheus endpoint (GET /metrics): the agent's series (core/agent-metrics.ts)
 * and the process and Node.js ones. A second endpoint beside the Temporal SDK's exporter, which
 * binds an address of its own. Once per process; a taken port leaves the worker running without it.
 */

let serving: Promise<string | undefined> | undefined;

function listen(address: string): Promise<string | undefined> {
  const [, host, port] = /^(.*):(\d+)$/.exec(address)!;
  collectDefaultMetrics({ register: agentRegistry });
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    agentRegistry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': agentRegistry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${errorMessage(err)}\n`),
    );
  });
  // Scrapers keep connections alive; neither they nor the listener may hold up a worker's exit.
  server.on('connection', (socket) => socket.unref());
  return new Promise((resolve) => {
    server.once('error', (err) => {
      process.stderr.write(`${new Date().toISOString()} warn  [worker] agent metrics are off: cannot listen on ${address}: ${errorMessage(err)}\n`);
      resolve(undefined);
    });
    server.listen(Number(port), host, () => {
      server.unref();
      resolve(address);
    });
  });
}

/** Resolves to the address served, or undefined when it could not listen. */
export function serveAgentMetrics(address: string): Promise<string | undefined> {
  serving ??= listen(address);
  return serving;
}
