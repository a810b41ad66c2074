import { z } from 'zod';
import { errorBodySchema } from './errors.js';
import { ROUTES, type RouteContract } from './routes.js';

type JsonObject = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonObject;
  delete json.$schema;
  return json;
}

function parameters(route: RouteContract): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
    ['header', route.headers],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonObject>;
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries(properties))
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: property });
  }
  return out;
}

/**
 * Builds the OpenAPI 3.1 document from the route contract, so the document cannot drift from validation.
 *
 * @example
 * const doc = buildOpenApiDocument({ serverUrl: 'http://127.0.0.1:3003', version: '0.1.0' });
 */
export function buildOpenApiDocument(options: { serverUrl: string; version: string }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  const errorResponse = { $ref: '#/components/responses/Error' };
  for (const route of ROUTES as readonly RouteContract[]) {
    const operation: JsonObject = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method}${route.path.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      security: route.auth === 'none' ? [] : [{ bearerAuth: [] }],
      responses: {
        [String(route.response.status)]: route.response.schema
          ? {
              description: route.response.description,
              content: { 'application/json': { schema: toSchema(route.response.schema, 'output') } },
            }
          : { description: route.response.description },
        ...(route.auth === 'none' ? {} : { '400': errorResponse, '401': errorResponse, '403': errorResponse }),
        '404': errorResponse,
        '500': errorResponse,
      },
    };
    const params = parameters(route);
    if (params.length > 0) operation.parameters = params;
    if (route.rawBody)
      operation.requestBody = {
        required: false,
        description: 'Forwarded to the provider as sent (JSON, form, multipart or binary, up to 100 MiB)',
        content: { '*/*': { schema: {} } },
      };
    else if (route.body)
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: toSchema(route.body, 'input') } },
      };
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, JsonObject>)[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pier API',
      version: options.version,
      description: 'Product integrations on Cloudflare Workers. Wire-compatible with Nango’s public API.',
    },
    servers: [{ url: options.serverUrl }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An environment secret key' } },
      responses: {
        Error: {
          description: 'An error in the documented shape',
          content: { 'application/json': { schema: toSchema(errorBodySchema, 'output') } },
        },
      },
    },
  };
}
