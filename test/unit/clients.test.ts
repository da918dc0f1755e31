import { summarizeClients } from '../../activities/tools/redis/clients';
import { parseClientList } from '../../core/redis-replies';
import { load } from './captures';

/** CLIENT LIST as Redis 7.0 and Valkey 9 print it, parsed and summarised. */

describe('CLIENT LIST parser and summary', () => {
  it('reads the MONITOR flag, MULTI queue and query buffer fields of both servers', () => {
    for (const server of ['', '.valkey']) {
      const monitor = summarizeClients(parseClientList(load(`monitor-left-attached${server}`).raw.clientList!));
      expect(monitor.monitors[0]).toMatchObject({ flags: 'O', cmd: 'monitor' });
      const multi = summarizeClients(parseClientList(load(`transaction-left-open${server}`).raw.clientList!));
      expect(multi.transactions[0]).toMatchObject({ name: 'billing-batch', multi: 60000, multiMem: expect.any(Number) });
      expect(multi.memory.transactions).toBeGreaterThan(multi.memory.outputBuffers);
      const upload = summarizeClients(parseClientList(load(`huge-request-query-buffer${server}`).raw.clientList!));
      expect(upload.largestQueryBuffers[0]).toMatchObject({ name: 'report-uploader', qbuf: 115343360 });
    }
  });

  it('parses fields newer servers add and defaults the ones older servers lack', () => {
    const [valkey] = parseClientList(load('transaction-left-open.valkey').raw.clientList!);
    expect(valkey).toMatchObject({ watch: 0, resp: 2, libName: '', totCmds: 2, redir: -1 });
    const [redis] = parseClientList(load('transaction-left-open').raw.clientList!);
    expect(redis).toMatchObject({ watch: 0, libName: '', multi: 60000 });
    expect(redis.totCmds).toBeUndefined();
  });

  it('leaves the agent out and tells paused writers from blocked consumers', () => {
    const all = parseClientList(load('transaction-left-open.valkey').raw.clientList!);
    expect(all.some((c) => c.name === 'sre-agent')).toBe(true);
    expect(summarizeClients(all).total).toBe(all.length - 1);
    const paused = summarizeClients(parseClientList(load('client-pause-left-active').raw.clientList!));
    expect(paused.blockedByCommand).toEqual([{ value: 'incr', count: 5 }]);
  });

  it('stays bounded with thousands of clients', () => {
    const line = (i: number) =>
      `id=${i} addr=10.0.${i % 250}.${i % 200}:${40000 + i} laddr=10.0.0.1:6379 fd=${i} name=worker-${i} age=${i} idle=${i} flags=xbR db=${i % 16} sub=0 psub=0 ssub=0 multi=${i} watch=2 qbuf=${i} qbuf-free=${i} argv-mem=1 multi-mem=${i * 10} rbs=1024 rbp=0 obl=0 oll=${i} omem=${i * 100} tot-mem=${i * 200} events=r cmd=blpop user=default redir=7 resp=${2 + (i % 2)} lib-name=lib${i % 20} lib-ver=1.${i % 7}`;
    const summary = summarizeClients(parseClientList(Array.from({ length: 3000 }, (_, i) => line(i + 1)).join('\n')));
    expect(summary.total).toBe(3000);
    expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThan(8_000);
  });
});
