/** The OpenAPI 3.1 document, generated from the route table and its zod schemas. */
import { z } from 'zod';
import { problemSchema } from './schemas.ts';
import type { Route } from './types.ts';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

function parameters(route: Route<unknown, unknown, unknown>): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema);
    const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((object.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      const { description, ...rest } = property;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        description,
        schema: rest,
      });
    }
  }
  for (const header of route.headerParams ?? []) {
    out.push({
      name: header.name,
      in: 'header',
      required: false,
      description: header.description,
      schema: { type: 'string' },
    });
  }
  return out;
}

/** Builds the document; `servers` defaults to the API's own origin. */
export function buildOpenApi(routes: Route<unknown, unknown, unknown>[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const responses: Record<string, JsonSchema> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      const response: JsonSchema = { description: spec.description };
      const code = Number(status);
      if (spec.schema) response.content = { 'application/json': { schema: jsonSchema(spec.schema) } };
      else if (code >= 400) {
        response.content = {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        };
      }
      if (spec.headers) {
        response.headers = Object.fromEntries(
          Object.entries(spec.headers).map(([name, description]) => [
            name,
            { description, schema: { type: 'string' } },
          ]),
        );
      }
      responses[status] = response;
    }
    responses.default = {
      description: 'An error, as RFC 9457 problem details.',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    const operation: JsonSchema = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      parameters: parameters(route),
      responses,
      security: route.role === 'public' ? [] : [{ bearer: [] }],
    };
    if (route.role !== 'public') operation['x-required-role'] = route.role;
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(route.body) } },
      };
    }
    paths[route.path] ??= {};
    const methods = paths[route.path];
    if (methods) methods[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'handover',
      version: '1.0.0',
      description:
        'Complete, verifiable per-tenant data exports. The tenant always comes from the verified bearer token. Errors are RFC 9457 problem details.',
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: jsonSchema(problemSchema) },
    },
  };
}
