/**
 * The route table: the single source of truth for the HTTP API. The router dispatches from it,
 * the OpenAPI document is generated from it, and a test checks serverless.yml declares exactly
 * these routes.
 */
import type { z } from 'zod';
import type { ExportFormat } from '../archive/types.ts';
import { getTenantState, listAllExports, retryExport, setSubscription } from '../jobs/admin.ts';
import type { TenantScope } from '../jobs/exports.ts';
import { cancelOrDeleteExport, downloadExport, getExport, listExports } from '../jobs/exports.ts';
import { toPublicJob } from '../jobs/public-job.ts';
import { requestExport } from '../jobs/request-export.ts';
import type { JobStatus } from '../jobs/types.ts';
import { downloadBackup, listBackups } from '../retention/backups.ts';
import { ProblemError } from './problem.ts';
import {
  adminListQuery,
  backupListSchema,
  createExportBody,
  dateParams,
  deletionListSchema,
  downloadQuery,
  idParams,
  jobPageSchema,
  jobSchema,
  legalHoldBody,
  listQuery,
  MAX_PAGE_SIZE,
  subscriptionBody,
  tenantParams,
  tenantRecordSchema,
  tenantStateSchema,
} from './schemas.ts';
import type { Route, RouteContext } from './types.ts';

const DEFAULT_PAGE_SIZE = 20;

/** Keeps each route's handler typed by its own schemas while the table holds them all. */
function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  definition: Route<P, Q, B>,
): Route<unknown, unknown, unknown> {
  return definition as unknown as Route<unknown, unknown, unknown>;
}

function scopeOf(ctx: RouteContext<unknown, unknown, unknown>): TenantScope & { user: string } {
  return {
    tenant: ctx.tenant,
    user: ctx.principal.subject,
    onCrossTenant: (job) => ctx.reportAuthzFail('cross-tenant', { targetTenant: job.tenant, jobId: job.id }),
  };
}

function backupDeps(ctx: RouteContext<unknown, unknown, unknown>) {
  return {
    store: ctx.deps.store,
    retention: ctx.deps.retention,
    objects: ctx.deps.objects,
    clock: ctx.deps.clock,
    logger: ctx.deps.logger,
    rules: { reversibilityDays: ctx.deps.settings.reversibilityDays },
    backupRetentionDays: ctx.deps.settings.backupRetentionDays,
    urlTtlSeconds: ctx.deps.settings.downloadUrlTtlSeconds,
  };
}

const jobResponse = { description: 'The export job.', schema: jobSchema };
const problems = {
  400: { description: 'Invalid input.' },
  401: { description: 'Missing or invalid bearer token.' },
  403: {
    description:
      'The token lacks the required role, or (problem type reversibility-window-closed) the company’s reversibility deadline has passed: the body carries `deadline` and `subscriptionEndedAt`.',
  },
  404: { description: 'No such resource for your company.' },
};

export const routes: Route<unknown, unknown, unknown>[] = [
  route<Record<string, never>, Record<string, never>, z.infer<typeof createExportBody>>({
    method: 'POST',
    path: '/v1/exports',
    operationId: 'requestExport',
    summary: 'Request a full export of your company’s data',
    tag: 'exports',
    role: 'export',
    body: createExportBody,
    headerParams: [
      {
        name: 'Idempotency-Key',
        description: 'Repeat a request safely: the same key and body return the same job (24 hours).',
      },
    ],
    responses: {
      202: { ...jobResponse, headers: { Location: 'URL of the job.' } },
      ...problems,
      409: { description: 'An export is already queued or running (the body names it).' },
      413: { description: 'Body too large.' },
      415: { description: 'Body is not JSON.' },
      422: { description: 'Idempotency-Key reused with a different body.' },
      429: { description: 'Rate limit reached; see Retry-After.' },
    },
    async handle(ctx) {
      const key = ctx.headers['idempotency-key'];
      if (key !== undefined && !/^[\x21-\x7e]{1,128}$/.test(key)) {
        throw new ProblemError(400, {
          code: 'invalid-idempotency-key',
          title: 'Invalid Idempotency-Key',
          detail: 'The Idempotency-Key header must be 1 to 128 visible ASCII characters.',
        });
      }
      const { job, created } = await requestExport(
        {
          store: ctx.deps.store,
          queue: ctx.deps.queue,
          clock: ctx.deps.clock,
          newId: ctx.deps.newId,
          logger: ctx.deps.logger,
          rateLimit: ctx.deps.settings.rateLimit,
          idempotencyTtlSeconds: ctx.deps.settings.idempotencyTtlSeconds,
          retention: { reversibilityDays: ctx.deps.settings.reversibilityDays },
        },
        {
          tenant: ctx.tenant,
          requestedBy: ctx.principal.subject,
          formats: (ctx.body?.formats as ExportFormat[] | undefined) ?? ctx.deps.settings.defaultFormats,
          tables: ctx.body?.tables ?? null,
          idempotencyKey: key ?? null,
        },
      );
      return {
        status: 202,
        body: toPublicJob(job),
        headers: { location: `/v1/exports/${job.id}`, ...(created ? {} : { 'idempotent-replayed': 'true' }) },
      };
    },
  }),

  route<Record<string, never>, z.infer<typeof listQuery>>({
    method: 'GET',
    path: '/v1/exports',
    operationId: 'listExports',
    summary: 'List your company’s exports, newest first',
    tag: 'exports',
    role: 'export',
    query: listQuery,
    responses: { 200: { description: 'A page of jobs.', schema: jobPageSchema }, ...problems },
    async handle(ctx) {
      const limit = ctx.query.limit ? Number(ctx.query.limit) : DEFAULT_PAGE_SIZE;
      const page = await listExports(ctx.deps.store, ctx.tenant, limit, ctx.query.cursor);
      return { status: 200, body: { jobs: page.jobs.map(toPublicJob), nextCursor: page.nextCursor } };
    },
  }),

  route<z.infer<typeof idParams>>({
    method: 'GET',
    path: '/v1/exports/{id}',
    operationId: 'getExport',
    summary: 'Read one export with its progress',
    tag: 'exports',
    role: 'export',
    params: idParams,
    responses: { 200: jobResponse, ...problems },
    async handle(ctx) {
      const job = await getExport(ctx.deps.store, scopeOf(ctx), ctx.params.id);
      return { status: 200, body: toPublicJob(job) };
    },
  }),

  route<z.infer<typeof idParams>, z.infer<typeof downloadQuery>>({
    method: 'GET',
    path: '/v1/exports/{id}/download',
    operationId: 'downloadExport',
    summary: 'Download one part of a finished export (302 to a short-lived URL)',
    tag: 'exports',
    role: 'export',
    params: idParams,
    query: downloadQuery,
    responses: {
      302: {
        description: 'Redirect to a presigned URL valid a few minutes.',
        headers: { Location: 'The URL.' },
      },
      ...problems,
      409: { description: 'The export has not succeeded.' },
      410: { description: 'The archive expired or was deleted.' },
    },
    async handle(ctx) {
      const part = ctx.query.part ? Number(ctx.query.part) : 1;
      const { url } = await downloadExport(
        {
          store: ctx.deps.store,
          objects: ctx.deps.objects,
          clock: ctx.deps.clock,
          logger: ctx.deps.logger,
          urlTtlSeconds: ctx.deps.settings.downloadUrlTtlSeconds,
          retention: { reversibilityDays: ctx.deps.settings.reversibilityDays },
        },
        scopeOf(ctx),
        ctx.params.id,
        part,
      );
      return { status: 302, headers: { location: url } };
    },
  }),

  route<z.infer<typeof idParams>>({
    method: 'DELETE',
    path: '/v1/exports/{id}',
    operationId: 'cancelOrDeleteExport',
    summary: 'Cancel a queued or running export, or delete a finished archive',
    tag: 'exports',
    role: 'export',
    params: idParams,
    responses: { 200: jobResponse, ...problems },
    async handle(ctx) {
      const job = await cancelOrDeleteExport(ctx.deps, scopeOf(ctx), ctx.params.id);
      return { status: 200, body: toPublicJob(job) };
    },
  }),

  route({
    method: 'GET',
    path: '/v1/tenant',
    operationId: 'getTenant',
    summary: 'Your company’s subscription state and reversibility deadline',
    tag: 'tenant',
    role: 'export',
    responses: { 200: { description: 'Subscription state.', schema: tenantStateSchema }, ...problems },
    async handle(ctx) {
      const state = await getTenantState(
        {
          store: ctx.deps.store,
          clock: ctx.deps.clock,
          reversibilityDays: ctx.deps.settings.reversibilityDays,
        },
        ctx.tenant,
      );
      return { status: 200, body: state };
    },
  }),

  route({
    method: 'GET',
    path: '/v1/backups',
    operationId: 'listBackups',
    summary: 'Daily backups of your company’s data (last 30 days)',
    tag: 'backups',
    role: 'export',
    responses: { 200: { description: 'Backups, newest first.', schema: backupListSchema }, ...problems },
    async handle(ctx) {
      const items = await listBackups(backupDeps(ctx), ctx.tenant);
      return { status: 200, body: { items, nextCursor: null } };
    },
  }),

  route<z.infer<typeof dateParams>, z.infer<typeof downloadQuery>>({
    method: 'GET',
    path: '/v1/backups/{date}/download',
    operationId: 'downloadBackup',
    summary: 'Download one part of the backup of one day (302 to a short-lived URL)',
    tag: 'backups',
    role: 'export',
    params: dateParams,
    query: downloadQuery,
    responses: {
      302: { description: 'Redirect to a presigned URL.', headers: { Location: 'The URL.' } },
      ...problems,
      410: { description: 'The backup is older than the retention.' },
    },
    async handle(ctx) {
      const part = ctx.query.part ? Number(ctx.query.part) : 1;
      const { url } = await downloadBackup(
        backupDeps(ctx),
        { tenant: ctx.tenant, user: ctx.principal.subject },
        ctx.params.date,
        part,
      );
      return { status: 302, headers: { location: url } };
    },
  }),

  route<Record<string, never>, z.infer<typeof adminListQuery>>({
    method: 'GET',
    path: '/v1/admin/exports',
    operationId: 'adminListExports',
    summary: 'List every tenant’s export jobs (operators)',
    tag: 'admin',
    role: 'admin',
    query: adminListQuery,
    responses: { 200: { description: 'A page of jobs.', schema: jobPageSchema }, ...problems },
    async handle(ctx) {
      const { from, to } = ctx.query;
      if (from && to && Date.parse(from) > Date.parse(to)) {
        throw new ProblemError(400, {
          code: 'invalid-query',
          title: 'Invalid query',
          detail: '"from" must not be after "to".',
        });
      }
      const page = await listAllExports(ctx.deps.store, {
        status: ctx.query.status as JobStatus | undefined,
        tenant: ctx.query.tenant,
        from,
        to,
        cursor: ctx.query.cursor,
        limit: ctx.query.limit ? Number(ctx.query.limit) : MAX_PAGE_SIZE,
      });
      return { status: 200, body: { jobs: page.jobs.map(toPublicJob), nextCursor: page.nextCursor } };
    },
  }),

  route<z.infer<typeof idParams>>({
    method: 'POST',
    path: '/v1/admin/exports/{id}/retry',
    operationId: 'adminRetryExport',
    summary: 'Queue a failed or cancelled export again (operators)',
    tag: 'admin',
    role: 'admin',
    params: idParams,
    responses: {
      202: jobResponse,
      ...problems,
      409: { description: 'The job is not failed/cancelled, or its tenant has an active export.' },
    },
    async handle(ctx) {
      const job = await retryExport(ctx.deps, ctx.principal.subject, ctx.params.id);
      return { status: 202, body: toPublicJob(job) };
    },
  }),

  route<z.infer<typeof tenantParams>, Record<string, never>, z.infer<typeof subscriptionBody>>({
    method: 'PUT',
    path: '/v1/admin/tenants/{id}/subscription',
    operationId: 'adminSetSubscription',
    summary: 'Set the end of a tenant’s subscription (operators)',
    tag: 'admin',
    role: 'admin',
    params: tenantParams,
    body: subscriptionBody,
    responses: { 200: { description: 'The tenant record.', schema: tenantRecordSchema }, ...problems },
    async handle(ctx) {
      const record = await setSubscription(ctx.deps, ctx.principal.subject, ctx.params.id, ctx.body.endsAt);
      return { status: 200, body: record };
    },
  }),

  route<z.infer<typeof tenantParams>, Record<string, never>, z.infer<typeof legalHoldBody>>({
    method: 'PUT',
    path: '/v1/admin/tenants/{id}/legal-hold',
    operationId: 'adminSetLegalHold',
    summary: 'Put a tenant on legal hold, or release it (operators): nothing of a held tenant is purged',
    tag: 'admin',
    role: 'admin',
    params: tenantParams,
    body: legalHoldBody,
    responses: { 200: { description: 'The tenant record.', schema: tenantRecordSchema }, ...problems },
    async handle(ctx) {
      const record = await ctx.deps.retention.setLegalHold(
        ctx.params.id,
        ctx.body.legalHold,
        ctx.deps.clock.now(),
      );
      ctx.deps.logger.audit('tenant.legal_hold_set', {
        tenant: ctx.params.id,
        legalHold: ctx.body.legalHold,
        user: ctx.principal.subject,
      });
      return { status: 200, body: record };
    },
  }),

  route({
    method: 'GET',
    path: '/v1/admin/deletions',
    operationId: 'adminListDeletions',
    summary: 'The deletion log: what was purged, when and why (operators)',
    tag: 'admin',
    role: 'admin',
    responses: {
      200: { description: 'Tenant deletion records, newest first.', schema: deletionListSchema },
      ...problems,
    },
    async handle(ctx) {
      const items = await ctx.deps.retention.listTenantDeletionRecords();
      return { status: 200, body: { items, nextCursor: null } };
    },
  }),

  route({
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This API’s OpenAPI 3.1 description',
    tag: 'meta',
    role: 'public',
    responses: { 200: { description: 'The OpenAPI document.' } },
    async handle() {
      const { buildOpenApi } = await import('./openapi.ts');
      return { status: 200, body: buildOpenApi(routes) };
    },
  }),
];
