import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * Parses with a zod schema; on failure throws a ValidationError naming each field and reason.
 * `root` names the input itself when it is a single value (e.g. an id from a URL path).
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, root = '(body)'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join('.') : root,
    reason: issue.code === 'unrecognized_keys' ? `unknown field(s): ${(issue as { keys?: string[] }).keys?.join(', ')}` : issue.message,
  }));
  throw new ValidationError(issues.map((i) => `${i.field}: ${i.reason}`).join('; '), issues);
}
