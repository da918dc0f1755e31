import { sha256 } from '../hashing';

/**
 * Qdrant point ids must be integers or UUIDs; ours are derived from the chunk id (name-based,
 * like a version-5 UUID) so re-ingesting a chunk overwrites the same point.
 */
export function pointId(chunkId: string): string {
  const hex = sha256(chunkId).slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
