import * as net from 'node:net';

/** TCP reachability of a host:port, with the reason when it fails. */
export function probeTcp(host: string, port: number, timeoutMs = 1_500): Promise<{ reachable: boolean; detail: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (reachable: boolean, detail: string) => {
      socket.destroy();
      resolve({ reachable, detail });
    };
    socket.setTimeout(timeoutMs, () => done(false, `no answer within ${timeoutMs} ms (host down, firewalled or overloaded)`));
    socket.once('connect', () => done(true, 'TCP connection accepted'));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(false, err.code === 'ECONNREFUSED' ? 'connection refused: nothing is listening, the master process is down' : `${err.code ?? err.message}`),
    );
  });
}
