import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidationError } from '../../core/errors';
import { projectRoot } from '../../core/paths';
import { parseDocument, type SourceDocument } from './source-document';

/** Finds and parses the documents under the ingest roots (folders or single files). */

export const DOCUMENT_EXTENSIONS = new Set(['.md', '.markdown', '.txt']);
const SKIPPED_FOLDERS = new Set(['node_modules']);

export function builtInRunbooksDir(): string {
  return path.join(projectRoot(), 'knowledge', 'runbooks');
}

/**
 * How a root is recorded on its chunks: relative to the project for our own folders (so an index
 * built on one machine means the same on another), absolute otherwise.
 */
export function sourceLabel(root: string): string {
  const absolute = path.resolve(root);
  return isInside(absolute, projectRoot()) && absolute !== projectRoot() ? path.relative(projectRoot(), absolute).split(path.sep).join('/') : absolute;
}

/** Whether a path is the folder itself or anything below it. */
export function isInside(child: string, folder: string): boolean {
  const relative = path.relative(folder, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function walk(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(full));
    else if (entry.isFile() && DOCUMENT_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) files.push(full);
  }
  return files;
}

export interface DiscoveredDocuments {
  sources: string[];
  documents: SourceDocument[];
}

export function discoverDocuments(roots: string[]): DiscoveredDocuments {
  const documents: SourceDocument[] = [];
  const seen = new Map<string, string>();
  const sources: string[] = [];
  for (const root of roots) {
    const absolute = path.resolve(root);
    if (!fs.existsSync(absolute)) throw new ValidationError(`knowledge path not found: ${root}`);
    const isFile = fs.statSync(absolute).isFile();
    const source = sourceLabel(absolute);
    sources.push(source);
    for (const file of isFile ? [absolute] : walk(absolute)) {
      const relativePath = isFile ? path.basename(file) : path.relative(absolute, file).split(path.sep).join('/');
      const document = parseDocument(fs.readFileSync(file, 'utf8'), relativePath, source);
      const previous = seen.get(document.id);
      if (previous)
        throw new ValidationError(`two documents have the id '${document.id}': ${previous} and ${file}; give one of them another id in its front matter`);
      seen.set(document.id, file);
      documents.push(document);
    }
  }
  return { sources: [...new Set(sources)], documents };
}
