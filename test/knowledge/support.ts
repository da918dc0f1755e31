import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type Config } from '../../core/config';
import type { Logger } from '../../core/logger';

/** Shared set-up for knowledge tests: throwaway folders and a configuration that only sees what the test gives it. */

const made: string[] = [];

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sre-knowledge-${prefix}-`));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Config from an explicit environment: QDRANT_URL or OPENAI_* of the machine never leak in. */
export function knowledgeConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ SRE_DATA_DIR: dataDir, SRE_LOG_LEVEL: 'error', ...env });
}

export const quietLog: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
}

/** A small runbook in the same shape as the built-in ones. */
export function runbook(id: string, title: string, category: string, sections: Record<string, string>): string {
  const body = Object.entries(sections)
    .map(([heading, text]) => `## ${heading}\n\n${text}\n`)
    .join('\n');
  return `---\nid: ${id}\ntitle: ${title}\ncategory: ${category}\nseverity: warning\ntags: [${id}]\n---\n# ${title}\n\n${body}`;
}
