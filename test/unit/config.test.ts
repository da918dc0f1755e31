import { loadConfig } from '../../core/config';
import { ConfigError } from '../../core/errors';

describe('configuration from the environment', () => {
  it('stops start-up on a non-numeric port, naming the variable and the expected form', () => {
    expect(() => loadConfig({ SRE_API_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ SRE_API_PORT: 'eighty' })).toThrow(/SRE_API_PORT: expected a TCP port: an integer from 1 to 65535 \(got "eighty"\)/);
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
