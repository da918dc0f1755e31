import { loadConfig } from '../../core/config';
import { argumentsJsonSchema } from '../../core/json-schema';
import { BUILTIN_TOOLS, ToolRegistry } from '../../activities/tools/registry';
import { AGENT_TOOLS } from '../../mcp/server/agent-tools';

/**
 * A model (and an MCP client) picks argument values from the schema alone: every argument of every
 * tool must say what it is, with units, ranges or an example.
 */

type Schema = { description?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[] };

/** Paths of arguments (object properties, array items of objects) that carry no description. */
function undocumented(schema: Schema, path = ''): string[] {
  const missing: string[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const here = path ? `${path}.${name}` : name;
    const variants = [property, ...(property.anyOf ?? []), ...(property.oneOf ?? [])];
    if (!variants.some((v) => v.description?.trim())) missing.push(here);
    for (const v of variants) {
      missing.push(...undocumented(v, here));
      if (v.items) missing.push(...undocumented(v.items, `${here}[]`));
    }
  }
  return missing;
}

describe('tool arguments are documented for the model', () => {
  const config = loadConfig({ LOKI_URL: 'http://127.0.0.1:3100', PROMETHEUS_URL: 'http://127.0.0.1:9090' });
  const offered = new ToolRegistry(BUILTIN_TOOLS).offered(config, { withInstance: true });

  it('offers every built-in tool (nothing escapes the check)', () => {
    expect(offered.map((t) => t.name).sort()).toEqual(BUILTIN_TOOLS.map((t) => t.name).sort());
  });

  it.each(offered.map((t) => [t.name, t] as const))('%s: every argument in the model tool list has a description', (_name, spec) => {
    expect(undocumented(spec.parameters as Schema)).toEqual([]);
  });

  it('every argument with a range says it in words the model can read', () => {
    const vague = offered.flatMap((t) =>
      Object.entries((t.parameters as Schema).properties ?? {})
        .filter(([, p]) => (p as { maximum?: number }).maximum !== undefined && !/\d/.test(p.description ?? ''))
        .map(([name]) => `${t.name}.${name}`),
    );
    expect(vague).toEqual([]);
  });

  it.each(AGENT_TOOLS.map((t) => [t.name, t] as const))('MCP %s: every input field has a description', (_name, tool) => {
    expect(undocumented(argumentsJsonSchema(tool.schema) as Schema)).toEqual([]);
  });
});
