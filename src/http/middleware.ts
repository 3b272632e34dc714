/** middy middlewares of the HTTP entry point: body limit, problem+json errors, security headers. */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '../observability/logger.ts';
import { internalErrorBody, isProblemError, ProblemError } from './problem.ts';

type HttpMiddleware = MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/** Headers on every response: nothing cached, nothing sniffed or framed, HTTPS only. */
export const SECURITY_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'referrer-policy': 'no-referrer',
};

/** Refuses bodies over `maxBytes` before anything parses them. */
export function bodyLimit(maxBytes: number): HttpMiddleware {
  return {
    name: 'bodyLimit',
    before: (request) => {
      const body = request.event.body;
      if (!body) return;
      const bytes = request.event.isBase64Encoded
        ? Math.floor((body.length * 3) / 4)
        : Buffer.byteLength(body);
      if (bytes > maxBytes) {
        throw new ProblemError(413, {
          code: 'body-too-large',
          title: 'Request body too large',
          detail: `The body is ${bytes} bytes; this API accepts at most ${maxBytes}.`,
        });
      }
    },
  };
}

/**
 * Turns errors into RFC 9457 responses: a ProblemError (status + expose) is shown as it is; any
 * other error is logged by name and answered with a bare 500.
 */
export function problemResponses(logger: Logger): HttpMiddleware {
  return {
    name: 'problemResponses',
    onError: (request) => {
      const error = request.error;
      const instance = request.event.requestContext?.requestId
        ? `urn:request:${request.event.requestContext.requestId}`
        : (request.event.rawPath ?? '/');
      if (isProblemError(error)) {
        request.response = {
          statusCode: error.status,
          headers: { ...SECURITY_HEADERS, ...error.headers, 'content-type': 'application/problem+json' },
          body: JSON.stringify(error.toBody(instance)),
        };
        return;
      }
      logger.error('unhandled error', { error, path: request.event.rawPath });
      request.response = {
        statusCode: 500,
        headers: { ...SECURITY_HEADERS, 'content-type': 'application/problem+json' },
        body: JSON.stringify(internalErrorBody(instance)),
      };
    },
  };
}
