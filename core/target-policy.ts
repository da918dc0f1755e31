import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { Config } from './config';
import { ValidationError } from './errors';

/**
 * Which addresses may be diagnosed. The agent connects to whatever a caller registers, so without
 * a policy anyone with a key could use it as a probe: the app's own Redis (other users' threads),
 * the Temporal frontend, cloud metadata endpoints. Names are resolved and numeric forms normalised
 * (2130706433, 0x7f.1, 0177.0.0.1, ::ffff:169.254.169.254) before the check, every resolved address
 * must pass, and the connection goes to the checked address, so a name cannot change its answer
 * between the check and the connect. Refusals happen before any connection is attempted.
 */

/** A target the policy refuses: the caller's input, named, with why. */
export class TargetRefusedError extends ValidationError {
  constructor(endpoint: string, reason: string, field = 'connection_url') {
    super(`${field}: the address policy refuses ${endpoint}: ${reason}`, [{ field, reason: `refused by the address policy: ${reason}` }]);
  }
}

/** Address ranges no target may be in, whatever the allow-list says. */
const ALWAYS_DENIED_RANGES: Array<[string, number, 'ipv4' | 'ipv6', string]> = [
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata endpoints live here)'],
  ['0.0.0.0', 8, 'ipv4', 'the unspecified address'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['255.255.255.255', 32, 'ipv4', 'broadcast'],
  ['fe80::', 10, 'ipv6', 'link-local (cloud metadata endpoints live here)'],
  ['::', 128, 'ipv6', 'the unspecified address'],
  ['ff00::', 8, 'ipv6', 'multicast'],
  ['fd00:ec2::254', 128, 'ipv6', 'a cloud metadata endpoint'],
];

const ALWAYS_DENIED = ALWAYS_DENIED_RANGES.map(([address, bits, family, why]) => {
  const list = new BlockList();
  list.addSubnet(address, bits, family);
  return { list, family, why };
});

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * inet_aton's numeric IPv4 forms (what the system resolver accepts): 1 to 4 parts, each decimal,
 * octal (leading 0) or hex (0x); the last part fills the remaining bytes. Undefined if not numeric.
 */
export function numericIpv4(host: string): string | undefined {
  const parts = host.split('.');
  if (parts.length < 1 || parts.length > 4 || parts.some((p) => p === '')) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const value = /^0x[0-9a-f]+$/i.test(part) ? parseInt(part, 16) : /^0[0-7]*$/.test(part) ? parseInt(part, 8) : /^[1-9]\d*$/.test(part) ? Number(part) : NaN;
    if (!Number.isFinite(value)) return undefined;
    values.push(value);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255) || last >= 2 ** (8 * (4 - values.length))) return undefined;
  let n = last;
  values.forEach((v, i) => (n += v * 2 ** (8 * (3 - i))));
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** IPv4-mapped IPv6 addresses are checked as the IPv4 address they carry. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

interface AllowEntry {
  text: string;
  match(address: string, family: 'ipv4' | 'ipv6', host: string): boolean;
  ports?: [number, number];
}

/** Splits "host:port", "[v6]:port", "v6" (no port: more than one colon) and "cidr:low-high". */
function splitEntry(entry: string): { target: string; ports?: [number, number] } {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5})(?:-(\d{1,5}))?)?$/.exec(entry);
  const plain = /^([^:]+)(?::(\d{1,5})(?:-(\d{1,5}))?)?$/.exec(entry);
  const m = bracketed ?? plain;
  if (!m) {
    if ((entry.match(/:/g) ?? []).length > 1) return { target: entry };
    throw new Error(`cannot read '${entry}' (expected host, *.domain, address or CIDR, optionally :port or :low-high)`);
  }
  return { target: m[1], ports: m[2] ? [Number(m[2]), Number(m[3] ?? m[2])] : undefined };
}

/** SRE_TARGET_ALLOW entries: a host name (or *.suffix), an address or CIDR, each with an optional :port or :low-high. */
export function parseAllowList(text: string): AllowEntry[] {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const { target, ports } = splitEntry(entry);
      const [base, bits] = target.split('/');
      const asIp = numericIpv4(base) ?? (isIP(base) ? base : undefined);
      if (asIp) {
        const list = new BlockList();
        const family = isIP(asIp) === 6 ? 'ipv6' : 'ipv4';
        if (bits !== undefined) list.addSubnet(asIp, Number(bits), family);
        else list.addAddress(asIp, family);
        return { text: entry, ports, match: (address: string, fam: 'ipv4' | 'ipv6') => list.check(address, fam) };
      }
      if (!/^(\*\.)?[a-z0-9.-]+$/i.test(target))
        throw new Error(`cannot read '${entry}' (expected host, *.domain, address or CIDR, optionally :port or :low-high)`);
      const name = target.toLowerCase();
      return {
        text: entry,
        ports,
        match: (_a: string, _f: 'ipv4' | 'ipv6', host: string) => (name.startsWith('*.') ? host.endsWith(name.slice(1)) : host === name),
      };
    });
}

/** host:port of every endpoint of the stack itself, from the configuration. */
function stackEndpoints(config: Config): Array<{ host: string; port: number; what: string }> {
  const fromUrl = (text: string | undefined, what: string, defaultPort: number) => {
    if (!text) return [];
    try {
      const url = new URL(text);
      return [{ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : defaultPort, what }];
    } catch {
      return [];
    }
  };
  const [temporalHost, temporalPort] = config.temporal.address.split(':');
  const local = '127.0.0.1';
  return [
    ...fromUrl(config.appRedisUrl, "the agent's own Redis (threads, instances, progress)", 6379),
    { host: temporalHost, port: Number(temporalPort), what: 'the Temporal frontend' },
    ...fromUrl(config.temporal.uiUrl, 'the Temporal UI', 80),
    ...fromUrl(config.prometheusUrl, 'Prometheus', 9090),
    ...fromUrl(config.loki?.url, 'Loki', 3100),
    ...fromUrl(config.qdrant?.url, 'Qdrant', 6333),
    ...fromUrl(config.model?.baseURL, 'the model endpoint', 443),
    { host: local, port: config.stack.redisExporterPort, what: 'redis_exporter' },
    { host: config.api.host, port: config.api.port, what: "the agent's REST API" },
    { host: config.api.host, port: config.mcp.port, what: "the agent's MCP server" },
  ];
}

export interface CheckedTarget {
  host: string;
  port: number;
  /** The address that passed: connect to this, not the name. */
  address: string;
}

type Lookup = (host: string) => Promise<string[]>;
const systemLookup: Lookup = async (host) => (await dns.lookup(host, { all: true, verbatim: true })).map((r) => r.address);

export class TargetPolicy {
  private readonly allow?: AllowEntry[];

  constructor(
    private readonly config: Config,
    private readonly lookup: Lookup = systemLookup,
  ) {
    this.allow = config.targets.allow ? parseAllowList(config.targets.allow) : undefined;
  }

  private async addresses(host: string, field = 'connection_url'): Promise<string[]> {
    const bare = host.replace(/^\[|\]$/g, '');
    const numeric = numericIpv4(bare) ?? (isIP(bare) ? bare : undefined);
    if (numeric) return [numeric];
    try {
      return await this.lookup(bare);
    } catch {
      throw new TargetRefusedError(`${host}`, 'the name does not resolve', field);
    }
  }

  private stackMatch(address: string, port: number, resolvedStack: Array<{ addresses: string[]; port: number; what: string }>): string | undefined {
    const loopback = (a: string) => LOOPBACK.check(unmapped(a).address, unmapped(a).family);
    for (const endpoint of resolvedStack) {
      if (endpoint.port !== port) continue;
      // Any loopback alias (127.0.0.2, ::1, localhost) reaches a loopback service on that port.
      if (endpoint.addresses.some((a) => a === address || (loopback(a) && loopback(address)) || a === '0.0.0.0' || a === '::')) return endpoint.what;
    }
    return undefined;
  }

  /** Resolves and checks a target; throws TargetRefusedError before any connection is attempted. */
  async check(host: string, port: number, field = 'connection_url'): Promise<CheckedTarget> {
    const endpoint = `${host}:${port}`;
    const addresses = await this.addresses(host, field);
    if (addresses.length === 0) throw new TargetRefusedError(endpoint, 'the name has no address', field);
    const stack = await Promise.all(
      stackEndpoints(this.config).map(async (e) => ({ ...e, addresses: await this.addresses(e.host).catch(() => [] as string[]) })),
    );
    for (const raw of addresses) {
      const { address, family } = unmapped(raw);
      const range = ALWAYS_DENIED.find((r) => r.family === family && r.list.check(address, family));
      if (range) throw new TargetRefusedError(endpoint, `${address} is ${range.why}`, field);
      const own = this.stackMatch(address, port, stack);
      if (own) throw new TargetRefusedError(endpoint, `it is ${own}, not a diagnosis target`, field);
      const isLoopback = LOOPBACK.check(address, family);
      if (isLoopback && !this.config.targets.allowLoopback)
        throw new TargetRefusedError(endpoint, `${address} is loopback and SRE_TARGET_ALLOW_LOOPBACK is false`, field);
      if (this.allow && !isLoopback) {
        const hostName = host.toLowerCase();
        const ok = this.allow.some((e) => e.match(address, family, hostName) && (!e.ports || (port >= e.ports[0] && port <= e.ports[1])));
        if (!ok) throw new TargetRefusedError(endpoint, `${address} is not in SRE_TARGET_ALLOW`, field);
      }
    }
    return { host, port, address: unmapped(addresses[0]).address };
  }
}
