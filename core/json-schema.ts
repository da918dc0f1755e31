import { z } from 'zod';

/** The JSON Schema of a zod argument schema, as models and MCP clients read it. */
export function argumentsJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
