import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Runtime } from '@temporalio/worker';
import { setApprovalsPending } from '../../core/agent-metrics';
import { serveAgentMetrics } from '../../workers/metrics-server';
import { installRuntime } from '../../workers/runtime';
import { captureStderr } from '../support/capture-stderr';

/** A worker whose metrics ports are taken still gets a runtime and runs, and says what it lost. */
describe("the worker's telemetry endpoints", () => {
  let squatter: net.Server;
  let taken: string;

  beforeAll(async () => {
    squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    taken = `127.0.0.1:${(squatter.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => squatter.close(() => resolve())));

  it('installs the Temporal runtime without the SDK exporter when its port is taken, once per process', async () => {
    const stderr = captureStderr(/Temporal SDK metrics are off/);
    let state;
    try {
      state = installRuntime('WARN', taken);
    } finally {
      stderr.restore();
    }
    expect(state.metricsAddress).toBeUndefined();
    expect(stderr.text()).toContain(`Temporal SDK metrics are off: cannot serve them on ${taken}`);
    expect(Runtime.instance()).toBeDefined();
    // A second worker in the same process reuses it rather than failing on "already installed".
    expect(installRuntime('WARN', '127.0.0.1:1')).toBe(state);
  });

  it('serves the agent series on its own endpoint, with what the approvals service reports', async () => {
    const free = net.createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(free.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    expect(await serveAgentMetrics(address)).toBe(address);
    setApprovalsPending(2, 95);
    const response = await fetch(`http://${address}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await response.text();
    expect(text).toMatch(/^sre_agent_approvals_pending 2$/m);
    expect(text).toMatch(/^sre_agent_approval_oldest_wait_seconds 95$/m);
    expect(text).toMatch(/^process_resident_memory_bytes [1-9]/m);
    expect((await fetch(`http://${address}/other`)).status).toBe(404);
  });
});
