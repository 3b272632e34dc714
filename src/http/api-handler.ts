/**
 * The HTTP API handler: one middy-wrapped Lambda behind every API Gateway (HTTP API v2) route.
 * It matches the request against the route table, verifies the token, checks the role, validates
 * path, query and body with the route's schemas, runs the route, and maps the result.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { ForbiddenError, UnauthorizedError } from '../auth/errors.ts';
import type { Principal } from '../auth/verify-token.ts';
import { bodyLimit, problemResponses, SECURITY_HEADERS } from './middleware.ts';
import { ProblemError } from './problem.ts';
import { routes as defaultRoutes } from './routes.ts';
import type { ApiDeps, HttpResult, Route, RouteContext } from './types.ts';

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

interface CompiledRoute {
  route: Route<unknown, unknown, unknown>;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route<unknown, unknown, unknown>): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

function invalid(where: string, error: z.ZodError): ProblemError {
  const issues = error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    problem: issue.message,
  }));
  return new ProblemError(400, {
    code: 'invalid-request',
    title: 'Invalid request',
    detail: issues.map((i) => `${i.field}: ${i.problem}`).join('; '),
    extensions: { errors: issues },
  });
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return {} as T;
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(where, result.error);
  return result.data;
}

function parseJson(event: APIGatewayProxyEventV2): unknown {
  const type = event.headers?.['content-type'] ?? '';
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (raw.trim() === '') return undefined;
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new ProblemError(415, {
      code: 'unsupported-media-type',
      title: 'Unsupported media type',
      detail: 'Send the body as JSON with "Content-Type: application/json".',
    });
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new ProblemError(400, {
      code: 'malformed-json',
      title: 'Malformed JSON',
      detail: 'The request body is not valid JSON.',
    });
  }
}

function respond(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...result.headers };
  if (result.body === undefined) return { statusCode: result.status, headers };
  return {
    statusCode: result.status,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(result.body),
  };
}

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Builds the HTTP handler over the given ports. `functions/http/api.ts` calls it with the AWS
 * wiring; the local server and the tests call it with theirs: one handler everywhere.
 */
export function createApiHandler(deps: ApiDeps, routes = defaultRoutes): ApiHandler {
  const compiled = routes.map(compile);
  const { logger } = deps;

  const core = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath || event.requestContext.http.path;
    const requestId = event.requestContext.requestId;
    const matches = compiled.filter((c) => c.pattern.test(path));
    const hit = matches.find((c) => c.route.method === method);
    if (!hit) {
      if (matches.length > 0) {
        throw new ProblemError(405, {
          code: 'method-not-allowed',
          title: 'Method not allowed',
          detail: `${method} is not supported on ${path}. Allowed: ${matches.map((m) => m.route.method).join(', ')}.`,
          headers: { allow: matches.map((m) => m.route.method).join(', ') },
        });
      }
      throw new ProblemError(404, {
        code: 'route-not-found',
        title: 'No such route',
        detail: `Nothing is served at ${path}. GET /openapi.json lists the routes.`,
      });
    }
    const { route } = hit;
    const routeKey = `${route.method} ${route.path}`;
    const headers = (event.headers ?? {}) as Record<string, string | undefined>;

    let principal: Principal = { subject: 'anonymous', tenant: null, roles: [] };
    const reportAuthzFail = async (reason: string, extra: Record<string, unknown> = {}) => {
      const at = deps.clock.now().toISOString();
      logger.security('authz_fail', {
        reason,
        route: routeKey,
        subject: principal.subject,
        tenant: principal.tenant,
        sourceIp: event.requestContext.http.sourceIp,
        requestId,
        ...extra,
      });
      try {
        await deps.notifier.alert({
          event: 'authz_fail',
          tenant: principal.tenant,
          subject: principal.subject,
          route: routeKey,
          reason,
          at,
          requestId,
        });
      } catch (error) {
        logger.error('security alert could not be published', { error });
      }
    };

    if (route.role !== 'public') {
      try {
        principal = await deps.verifyToken(headers.authorization);
      } catch (error) {
        if (error instanceof UnauthorizedError) {
          logger.security('authn_fail', {
            reason: error.reason,
            route: routeKey,
            sourceIp: event.requestContext.http.sourceIp,
            requestId,
          });
        }
        throw error;
      }
      const needsTenant = route.role === 'export';
      if (!principal.roles.includes(route.role) || (needsTenant && !principal.tenant)) {
        await reportAuthzFail(`missing-role:${route.role}`);
        throw new ForbiddenError(route.role);
      }
    }

    const rawParams: Record<string, string> = {};
    const groups = hit.pattern.exec(path);
    hit.names.forEach((name, i) => {
      rawParams[name] = decodeParam(groups?.[i + 1] ?? '');
    });
    const params = validate(route.params, rawParams, 'path');
    const rawQuery = event.queryStringParameters ?? {};
    if (!route.query && Object.keys(rawQuery).length > 0) {
      throw new ProblemError(400, {
        code: 'invalid-request',
        title: 'Invalid request',
        detail: `${routeKey} takes no query parameters (got ${Object.keys(rawQuery).length}).`,
      });
    }
    const query = validate(route.query, rawQuery, 'query');
    const body = route.body ? validate(route.body, parseJson(event) ?? {}, 'body') : undefined;
    if (!route.body && event.body && event.body.trim() !== '') {
      throw new ProblemError(400, {
        code: 'unexpected-body',
        title: 'Unexpected body',
        detail: `${routeKey} takes no request body.`,
      });
    }

    const ctx: RouteContext<unknown, unknown, unknown> = {
      params,
      query,
      body,
      headers,
      principal,
      tenant: route.role === 'export' ? (principal.tenant ?? '') : '',
      requestId,
      deps,
      reportAuthzFail,
    };
    const result = await route.handle(ctx);
    logger.info('request', {
      route: routeKey,
      status: result.status,
      tenant: principal.tenant,
      subject: principal.subject,
      requestId,
    });
    return respond(result);
  };

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(problemResponses(logger))
    .use(httpHeaderNormalizer())
    .use(bodyLimit(deps.settings.maxBodyBytes))
    .handler(core) as unknown as ApiHandler;
}
