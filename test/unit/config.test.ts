import { loadConfig } from '../../core/config';
import { ConfigError } from '../../core/errors';

describe('configuration from the environment', () => {
  it('stops start-up on a non-numeric port, naming the variable and the expected form', () => {
    expect(() => loadConfig({ SRE_API_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ SRE_API_PORT: 'eighty' })).toThrow(/SRE_API_PORT: expected a TCP port: an integer from 1 to 65535 \(got "eighty"\)/);
  });

  it('serves worker metrics on loopback by default, turns either endpoint off, and traces only with an OTLP endpoint', () => {
    expect(loadConfig({}).workerMetrics).toEqual({ sdk: '127.0.0.1:9464', agent: '127.0.0.1:9465' });
    expect(loadConfig({ SRE_WORKER_METRICS_ADDRESS: 'off' }).workerMetrics).toEqual({ sdk: undefined, agent: '127.0.0.1:9465' });
    expect(() => loadConfig({ SRE_WORKER_AGENT_METRICS_ADDRESS: '9465' })).toThrow(/SRE_WORKER_AGENT_METRICS_ADDRESS: expected host:port to listen on/);
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }).tracing).toEqual({
      tracesUrl: 'http://127.0.0.1:4318/v1/traces',
      serviceName: 'sre-agent',
    });
    // The signal-specific variable is used as is (OpenTelemetry's rule), and OTEL_SDK_DISABLED wins.
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' }).tracing?.tracesUrl).toBe(
      'http://b:4318/traces',
    );
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ SRE_TEMPORAL_PORT: '70000', PROMETHEUS_URL: 'ftp://x', SRE_OFFLINE: 'maybe' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/SRE_TEMPORAL_PORT/);
      expect(problems).toMatch(/PROMETHEUS_URL: expected a URL starting with http:\/\/ or https:\/\//);
      expect(problems).toMatch(/SRE_OFFLINE: expected a boolean/);
    }
  });

  it('runs offline when no model is configured, and with a model when one is', () => {
    expect(loadConfig({}).model).toBeUndefined();
    const config = loadConfig({ SRE_MODEL: 'gpt-x', OPENAI_BASE_URL: 'http://localhost:11434/v1' });
    expect(config.model).toMatchObject({ main: 'gpt-x', mini: 'gpt-x', nano: 'gpt-x', baseURL: 'http://localhost:11434/v1' });
    expect(loadConfig({ SRE_MODEL: 'gpt-x', SRE_OFFLINE: 'true' }).model).toBeUndefined();
  });

  it('derives service addresses from the stack ports', () => {
    const config = loadConfig({ SRE_TEMPORAL_PORT: '17233', SRE_APP_REDIS_PORT: '16390' });
    expect(config.temporal.address).toBe('127.0.0.1:17233');
    expect(config.appRedisUrl).toBe('redis://127.0.0.1:16390');
  });
});
