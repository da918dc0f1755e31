import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../core/config';
import { projectRoot } from '../../core/paths';
import { MasterKey } from '../../core/secrets/envelope';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../core/search-attributes';

/** temporal-dev.yml cannot be run here (no Docker engine), so its wiring is checked statically. */

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
}

const root = projectRoot();
const compose = parse(fs.readFileSync(path.join(root, 'temporal-dev.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** Docker Compose's ${VAR:-default} and ${VAR:?message} with an empty environment. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\{(\w+)(?::?[-?]([^}]*))?\}/g,
    (_m, name: string, fallback?: string) => env[name] ?? (fallback !== undefined && !_m.includes('?') ? fallback : ''),
  );
}

const CONTAINER_PORTS: Record<string, number> = { temporal: 7233, redis: 6379, prometheus: 9090, loki: 3100, qdrant: 6333, 'redis-exporter': 9121 };

describe('temporal-dev.yml (Docker Compose alternative to the native stack)', () => {
  it('defines every component of the stack and the app', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'loki', 'mcp', 'prometheus', 'qdrant', 'redis', 'redis-exporter', 'temporal', 'worker']);
  });

  it.each(['worker', 'api', 'mcp'])('%s: its configuration is valid and every service it references is defined on the right port', (name) => {
    const service = services[name];
    expect(service.build).toBe('.');
    const masterKey = MasterKey.generate().text;
    const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), { SRE_MASTER_KEY: masterKey })]));
    const config = loadConfig(env);
    const references = {
      temporal: config.temporal.address,
      redis: config.appRedisUrl,
      prometheus: config.prometheusUrl,
      loki: config.loki!.url,
      qdrant: config.qdrant!.url,
    };
    for (const [expected, address] of Object.entries(references)) {
      const url = new URL(address.includes('://') ? address : `tcp://${address}`);
      expect(services[url.hostname]).toBeDefined();
      expect(url.hostname).toBe(expected);
      expect(Number(url.port)).toBe(CONTAINER_PORTS[url.hostname]);
    }
  });

  it('registers the search attributes the workflows set', () => {
    const flags = (services.temporal.command ?? []).filter((c) => c.startsWith('--search-attribute=')).map((c) => c.split('=').slice(1).join('='));
    expect(flags.sort()).toEqual([...SEARCH_ATTRIBUTE_FLAGS].sort());
  });

  it('points Prometheus at redis_exporter through a config file that exists', () => {
    const mounted = (services.prometheus.volumes ?? []).map((v) => v.split(':')[0]);
    for (const file of mounted) expect(fs.existsSync(path.join(root, file))).toBe(true);
    const prometheus = parse(fs.readFileSync(path.join(root, 'docker/prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ static_configs?: Array<{ targets: string[] }> }>;
    };
    const targets = prometheus.scrape_configs.flatMap((s) => s.static_configs ?? []).flatMap((s) => s.targets);
    expect(targets).toContain(`redis-exporter:${CONTAINER_PORTS['redis-exporter']}`);
    expect(services['redis-exporter'].environment?.REDIS_ADDR).toBe('redis://redis:6379');
  });

  it('builds an image that contains every source folder of the build', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as { include: string[] };
    for (const folder of tsconfig.include) expect(dockerfile).toMatch(new RegExp(`^COPY ${folder} ${folder}$`, 'm'));
    expect(dockerfile).toMatch(/COPY knowledge\/runbooks knowledge\/runbooks/);
  });
});
