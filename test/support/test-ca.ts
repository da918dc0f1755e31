import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Test certificates made by openssl in a temporary folder: certificate authorities and
 * certificates they sign (P-256 keys, two days), for the TLS fixtures (redis-server, nginx).
 */
export interface TestCa {
  dir: string;
  file(name: string): string;
  read(name: string): string;
  /** A self-signed CA: <name>.crt and <name>.key. */
  makeCa(name: string): void;
  /** A key and certificate signed by `ca` (default "ca"), with the given openssl extensions (SAN, key usage). */
  makeSigned(name: string, ext: string, ca?: string): void;
  remove(): void;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function createTestCa(prefix = 'sre-tls-'): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  return {
    dir,
    file,
    read: (name) => fs.readFileSync(file(name), 'utf8'),
    makeCa(name) {
      openssl('req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`);
    },
    makeSigned(name, ext, ca = 'ca') {
      fs.writeFileSync(file(`${name}.ext`), ext);
      openssl('req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${ca}.crt`,
        '-CAkey',
        `${ca}.key`,
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
      );
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
