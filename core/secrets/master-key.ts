import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../config';
import { MasterKey, SecretError } from './envelope';

/**
 * The master key comes from SRE_MASTER_KEY, else from the key file (SRE_MASTER_KEY_FILE,
 * default .data/master.key, which `sre-agent stack up` creates for local use with mode 0600).
 */
export function loadMasterKey(config: Config): MasterKey {
  if (config.masterKey.value) return MasterKey.parse(config.masterKey.value, 'SRE_MASTER_KEY');
  const file = config.masterKey.file;
  if (!fs.existsSync(file)) {
    throw new SecretError(`no master key: set SRE_MASTER_KEY (32 bytes, base64: openssl rand -base64 32) or run 'sre-agent stack up', which creates ${file}`);
  }
  return MasterKey.parse(fs.readFileSync(file, 'utf8'), `master key file ${file}`);
}

/** Creates the local key file when neither a key nor a key file exists. Returns true when created. */
export function ensureLocalMasterKeyFile(config: Config): boolean {
  if (config.masterKey.value || fs.existsSync(config.masterKey.file)) return false;
  fs.mkdirSync(path.dirname(config.masterKey.file), { recursive: true });
  fs.writeFileSync(config.masterKey.file, `${MasterKey.generate().text}\n`, { mode: 0o600 });
  return true;
}
