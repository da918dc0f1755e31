import { z } from 'zod';
import { errorBodySchema } from './errors';
import { API_PREFIX, routeRole, type RouteSpec } from './route-spec';

/** OpenAPI 3.1 document generated from the route declarations and the service layer's zod schemas. */

type JsonSchema = Record<string, unknown>;

/** Request shapes as a client writes them (defaults optional), in JSON Schema 2020-12 as OpenAPI 3.1 uses. */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function parameters(route: RouteSpec): JsonSchema[] {
  const path = Object.entries(route.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema: jsonSchema(schema) }));
  const query = Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: !(schema as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(schema as z.ZodType),
  }));
  return [...path, ...query];
}

function operation(route: RouteSpec): JsonSchema {
  const produces = route.produces ?? 'application/json';
  const responses: JsonSchema = {};
  if (route.params || route.query || route.body) responses['400'] = errorResponse('invalid request: the issues name each field and reason');
  if (!route.public) {
    responses['401'] = errorResponse('missing or wrong API key (only when keys are configured: SRE_API_KEY or SRE_API_KEYS_FILE)');
    responses['403'] = errorResponse(`the key's role is below ${routeRole(route)}`);
  }
  if (route.rate) responses['429'] = errorResponse(`too many ${route.rate} requests from this key (Retry-After says when to try again)`);
  if (route.params) responses['404'] = errorResponse('no such object');
  if (route.body) {
    responses['413'] = errorResponse('body over SRE_API_BODY_LIMIT');
    responses['415'] = errorResponse('body is not application/json');
  }
  if (!route.public) responses['503'] = errorResponse('a dependency (Temporal, app Redis) is unreachable, or stored secrets cannot be read (SRE_MASTER_KEY)');
  // The route's own statuses last, so a route-specific description wins.
  for (const [status, description] of Object.entries(route.responses)) {
    const content = produces === 'application/json' ? { schema: { type: 'object' } } : { schema: { type: 'string' } };
    responses[status] =
      Number(status) >= 400 ? errorResponse(description) : status === '204' ? { description } : { description, content: { [produces]: content } };
  }
  const params = parameters(route);
  return {
    tags: [route.tag],
    summary: route.summary,
    operationId: `${route.method}${route.path.replace(API_PREFIX, '').replace(/[^A-Za-z0-9]+([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase())}`,
    ...(params.length ? { parameters: params } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } } : {}),
    responses,
    ...(route.public ? { security: [] } : {}),
  };
}

export function openApiDocument(routes: RouteSpec[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Redis SRE Agent API',
      version: '0.1.0',
      description: 'Every task is a durable Temporal workflow. Errors always have the shape {error: {code, message, issues?}}.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'an API key (SRE_API_KEYS_FILE, or SRE_API_KEY as admin); required only when keys are configured',
        },
      },
      schemas: { Error: jsonSchema(errorBodySchema) },
    },
  };
}
