/** Types shared by the route table, the router and the OpenAPI generator. */
import type { z } from 'zod';
import type { ExportFormat } from '../archive/types.ts';
import type { Principal, Role, TokenVerifier } from '../auth/verify-token.ts';
import type { Clock, IdGenerator, JobQueue, JobStore, Notifier, ObjectStore } from '../jobs/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { RetentionStore } from '../retention/types.ts';

/** Everything the HTTP routes need: ports and the few settings they apply. */
export interface ApiDeps {
  store: JobStore;
  retention: RetentionStore;
  queue: JobQueue;
  objects: ObjectStore;
  notifier: Notifier;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
  verifyToken: TokenVerifier;
  settings: {
    defaultFormats: ExportFormat[];
    rateLimit: { requests: number; windowSeconds: number };
    idempotencyTtlSeconds: number;
    downloadUrlTtlSeconds: number;
    reversibilityDays: number;
    backupRetentionDays: number;
    maxBodyBytes: number;
  };
}

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  headers: Record<string, string | undefined>;
  principal: Principal;
  /** The caller's tenant (tenant routes only; '' on admin and public routes). */
  tenant: string;
  requestId: string;
  deps: ApiDeps;
  /** Records an authorization refusal (security event + alert). */
  reportAuthzFail(reason: string, extra?: Record<string, unknown>): Promise<void>;
}

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  headers?: Record<string, string>;
}

export interface Route<P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path template, e.g. `/v1/exports/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Role required; `public` routes need no token. */
  role: Role | 'public';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Request headers the route reads, for the OpenAPI document. */
  headerParams?: { name: string; description: string }[];
  responses: Record<number, ResponseSpec>;
  handle(ctx: RouteContext<P, Q, B>): Promise<HttpResult>;
}
