import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../../core/errors';
import { DEFAULT_CATEGORY } from '../categories';
import type { KnowledgeDocument } from '../knowledge-base';

/** A document read from disk, with where it came from (which ingest root owns it). */
export interface SourceDocument extends KnowledgeDocument {
  /** The ingest root it was found under; removal of deleted documents is scoped by it. */
  source: string;
  /** Path relative to the root, for messages. */
  relativePath: string;
}

const slug = z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/, 'expected lowercase letters, digits and - _ . /');

const frontMatterSchema = z
  .object({
    id: slug.optional(),
    title: z.string().min(1).optional(),
    category: z
      .string()
      .regex(/^[a-z][a-z-]*$/, 'expected a lowercase word such as memory')
      .optional(),
    severity: z.enum(['critical', 'warning', 'info']).optional(),
    tags: z.union([z.array(z.union([z.string(), z.number()])), z.string()]).optional(),
  })
  .loose();

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

function readFrontMatter(text: string, relativePath: string): { meta: z.output<typeof frontMatterSchema>; body: string } {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { meta: {}, body: text };
  let raw: unknown;
  try {
    raw = parseYaml(match[1]) ?? {};
  } catch (err) {
    throw new ValidationError(`${relativePath}: front matter is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = frontMatterSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ field: i.path.join('.') || 'front matter', reason: i.message }));
    throw new ValidationError(`${relativePath}: invalid front matter: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
  }
  return { meta: result.data, body: text.slice(match[0].length) };
}

/** "ops/Redis Notes.md" -> "ops/redis-notes": stable, readable ids for documents without front matter. */
export function idFromPath(relativePath: string): string {
  const withoutExtension = relativePath.replace(/\.[^./\\]+$/, '');
  return withoutExtension
    .split(/[\\/]+/)
    .map((part) =>
      part
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[-._]+|[-._]+$/g, ''),
    )
    .filter(Boolean)
    .join('/');
}

function titleFrom(body: string, relativePath: string): string {
  const heading = /^#\s+(.+?)\s*#*\s*$/m.exec(body);
  if (heading) return heading[1];
  const firstLine = body.split('\n').find((line) => line.trim() !== '');
  return firstLine ? firstLine.trim().slice(0, 120) : path.basename(relativePath);
}

function tagList(tags: z.output<typeof frontMatterSchema>['tags']): string[] {
  if (tags === undefined) return [];
  const list = typeof tags === 'string' ? tags.split(',') : tags.map(String);
  return list.map((t) => t.trim()).filter(Boolean);
}

export function parseDocument(text: string, relativePath: string, source: string): SourceDocument {
  const { meta, body } = readFrontMatter(text.replace(/^\uFEFF/, ''), relativePath);
  const id = meta.id ?? idFromPath(relativePath);
  if (!id) throw new ValidationError(`${relativePath}: cannot derive a document id from the file name; add an id to its front matter`);
  return {
    id,
    title: meta.title ?? titleFrom(body, relativePath),
    category: meta.category ?? DEFAULT_CATEGORY,
    severity: meta.severity,
    tags: tagList(meta.tags),
    body: body.trim(),
    source,
    relativePath,
  };
}
