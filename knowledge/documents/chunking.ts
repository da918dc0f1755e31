import type { KnowledgeDocument } from '../knowledge-base';
import type { SourceDocument } from './source-document';

/**
 * Heading-aware chunking. A runbook is split at its ## and ### headings so each chunk answers
 * one thing ("Fixes" of the OOM runbook); sections longer than a chunk are split between
 * paragraphs, and each piece repeats the end of the previous one so a sentence that depends on
 * its predecessor is not stranded. Code blocks are never split.
 */

export interface KnowledgeChunk {
  /** `${docId}#${heading-slug}:${part}`: stable while the section keeps its heading. */
  id: string;
  docId: string;
  title: string;
  category: string;
  severity?: string;
  tags: string[];
  /** Headings from ## down to ###, e.g. ["Confirm", "Prometheus (redis_exporter)"]. */
  headingPath: string[];
  text: string;
  /** Position in the document; the first chunk also carries the whole document for reads. */
  ordinal: number;
  source: string;
  document?: KnowledgeDocument;
}

export interface ChunkingOptions {
  maxChars: number;
  overlapChars: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { maxChars: 900, overlapChars: 200 };

interface Section {
  headingPath: string[];
  lines: string[];
}

/** Sections shorter than this are merged into the subsection they introduce. */
const MIN_SECTION_CHARS = 200;
const HEADING = /^(#{1,3})\s+(.+?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

function sections(body: string): Section[] {
  const out: Section[] = [{ headingPath: [], lines: [] }];
  let path: string[] = [];
  let inFence = false;
  for (const line of body.split(/\r?\n/)) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (!heading) {
      out[out.length - 1].lines.push(line);
      continue;
    }
    const level = heading[1].length;
    // The single # heading is the document title, already kept on every chunk.
    path = level === 1 ? [] : level === 2 ? [heading[2]] : [...path.slice(0, 1), heading[2]];
    out.push({ headingPath: path, lines: [] });
  }
  return mergeLeadIns(out.filter((s) => s.lines.some((line) => line.trim() !== '')));
}

/**
 * A short introduction under a ## heading ("Each policy explained:") says little alone; it is
 * kept with the first ### subsection it introduces instead of becoming a chunk of its own.
 */
function mergeLeadIns(list: Section[]): Section[] {
  const out: Section[] = [];
  let leadIn: Section | undefined;
  for (const section of list) {
    const introduces = leadIn && section.headingPath.length > leadIn.headingPath.length && leadIn.headingPath.every((h, i) => section.headingPath[i] === h);
    const current = introduces ? { headingPath: section.headingPath, lines: [...leadIn!.lines, '', ...section.lines] } : section;
    if (leadIn && !introduces) out.push(leadIn);
    leadIn = undefined;
    if (current.lines.join('\n').trim().length < MIN_SECTION_CHARS) leadIn = current;
    else out.push(current);
  }
  if (leadIn) out.push(leadIn);
  return out;
}

/** Paragraphs separated by blank lines; a fenced code block stays one paragraph. */
function paragraphs(lines: string[]): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let inFence = false;
  const flush = () => {
    if (current.some((l) => l.trim() !== '')) out.push(current.join('\n').trim());
    current = [];
  };
  for (const line of lines) {
    if (FENCE.test(line)) inFence = !inFence;
    if (!inFence && line.trim() === '') flush();
    else current.push(line);
  }
  flush();
  return out;
}

/** Packs units (lines or words) into pieces of at most max characters. */
function pack(units: string[], max: number, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const unit of units) {
    if (current && current.length + separator.length + unit.length > max) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}${separator}${unit}` : unit;
  }
  if (current) out.push(current);
  return out;
}

/** Cuts text longer than max at line breaks, then at spaces, then anywhere (a huge token). */
function pieces(paragraph: string, max: number): string[] {
  if (paragraph.length <= max) return [paragraph];
  const words = (line: string) => line.split(' ').flatMap((word) => word.match(new RegExp(`[^]{1,${max}}`, 'g')) ?? []);
  const lines = paragraph.split('\n').flatMap((line) => (line.length <= max ? [line] : pack(words(line), max, ' ')));
  return pack(lines, max, '\n');
}

function overlapOf(previous: string, overlapChars: number): string {
  if (previous.length <= overlapChars) return previous;
  const tail = previous.slice(-overlapChars);
  const wordStart = tail.indexOf(' ');
  return `…${wordStart >= 0 ? tail.slice(wordStart + 1) : tail}`;
}

function splitSection(text: string[], options: ChunkingOptions): string[] {
  const units = paragraphs(text).flatMap((p) => pieces(p, options.maxChars));
  const chunks: string[] = [];
  let current: string[] = [];
  let fresh = 0; // units in `current` that no earlier chunk contains
  for (const unit of units) {
    const length = current.join('\n\n').length;
    if (fresh > 0 && length + unit.length + 2 > options.maxChars) {
      chunks.push(current.join('\n\n'));
      current = [overlapOf(current[current.length - 1], options.overlapChars)];
      fresh = 0;
    }
    current.push(unit);
    fresh++;
  }
  if (fresh > 0) chunks.push(current.join('\n\n'));
  return chunks;
}

function slugOf(headingPath: string[]): string {
  const slug = headingPath
    .join('/')
    .toLowerCase()
    .replace(/[^a-z0-9/]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'overview';
}

export function chunkDocument(doc: SourceDocument, options: ChunkingOptions = DEFAULT_CHUNKING): KnowledgeChunk[] {
  const chunks: KnowledgeChunk[] = [];
  const usedSlugs = new Map<string, number>();
  for (const section of sections(doc.body)) {
    const base = slugOf(section.headingPath);
    const seen = usedSlugs.get(base) ?? 0;
    usedSlugs.set(base, seen + 1);
    const slug = seen === 0 ? base : `${base}-${seen + 1}`;
    splitSection(section.lines, options).forEach((text, part) => {
      chunks.push({
        id: `${doc.id}#${slug}:${part + 1}`,
        docId: doc.id,
        title: doc.title,
        category: doc.category,
        severity: doc.severity,
        tags: doc.tags,
        headingPath: section.headingPath,
        text,
        ordinal: chunks.length,
        source: doc.source,
      });
    });
  }
  if (chunks.length > 0) {
    const { id, title, category, severity, tags, body } = doc;
    chunks[0].document = { id, title, category, severity, tags, body };
  }
  return chunks;
}
