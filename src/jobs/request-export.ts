import { createHash } from 'node:crypto';
import type { ExportFormat } from '../archive/types.ts';
import type { Logger } from '../observability/logger.ts';
import { assertWindowOpen } from '../retention/guard.ts';
import type { RetentionRules } from '../retention/window.ts';
import {
  ActiveExportError,
  IdempotencyInFlightError,
  IdempotencyMismatchError,
  RateLimitedError,
} from './errors.ts';
import { toPublicJob } from './public-job.ts';
import type { Clock, IdGenerator, Job, JobQueue, JobStore } from './types.ts';
import { ACTIVE_STATUSES, newQueuedJob } from './types.ts';

export interface RequestExportDeps {
  store: JobStore;
  queue: JobQueue;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
  rateLimit: { requests: number; windowSeconds: number };
  idempotencyTtlSeconds: number;
  /** The reversibility window: no export once the tenant's deadline has passed. */
  retention: RetentionRules;
}

export interface RequestExportInput {
  tenant: string;
  requestedBy: string;
  formats: ExportFormat[];
  tables: string[] | null;
  idempotencyKey: string | null;
}

export interface RequestExportResult {
  job: Job;
  /** False when an earlier request with the same Idempotency-Key created the job. */
  created: boolean;
}

/** Hash of what the request asks for, order-insensitive, to compare replays of an Idempotency-Key. */
function bodyHash(input: RequestExportInput): string {
  const canonical = JSON.stringify({
    formats: [...input.formats].sort(),
    tables: input.tables ? [...input.tables].sort() : null,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Queues a full export for the caller's tenant.
 *
 * Input: tenant and user (from the verified token), formats, optional tables, optional Idempotency-Key.
 * Output: the queued job (or the one an earlier identical request created).
 * 0. The tenant's reversibility window must be open (403 with the deadline otherwise).
 * 1. With an Idempotency-Key: record it; a replay with the same body returns the first job,
 *    a different body is refused (422).
 * 2. Count the request in the tenant's rate window (429 with Retry-After when full).
 * 3. Take the tenant's active-export lock (409 with the running job when held); a lock left by a
 *    job that is no longer active (a crash between writes) is taken over.
 * 4. Write the job (queued), then the queue message. If enqueueing fails the job is failed and the
 *    lock released, so nothing stays queued forever.
 */
export async function requestExport(
  deps: RequestExportDeps,
  input: RequestExportInput,
): Promise<RequestExportResult> {
  const { store, clock } = deps;
  await assertWindowOpen({ store, clock, rules: deps.retention }, input.tenant, 'Requesting an export');
  const now = clock.now();
  const id = deps.newId();
  const hash = bodyHash(input);

  if (input.idempotencyKey) {
    const expiresAt = new Date(now.getTime() + deps.idempotencyTtlSeconds * 1000);
    const existing = await store.putIdempotencyKey(
      input.tenant,
      input.idempotencyKey,
      { jobId: id, bodyHash: hash },
      now,
      expiresAt,
    );
    if (existing) {
      if (existing.bodyHash !== hash) throw new IdempotencyMismatchError();
      const job = await store.get(input.tenant, existing.jobId);
      if (!job) throw new IdempotencyInFlightError();
      return { job, created: false };
    }
  }

  const forgetKey = async () => {
    if (input.idempotencyKey) await store.deleteIdempotencyKey(input.tenant, input.idempotencyKey);
  };

  try {
    const windowMs = deps.rateLimit.windowSeconds * 1000;
    const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
    const windowEnd = new Date(windowStart.getTime() + windowMs);
    if (!(await store.countRequest(input.tenant, windowStart, windowEnd, deps.rateLimit.requests))) {
      const retryAfter = Math.max(1, Math.ceil((windowEnd.getTime() - now.getTime()) / 1000));
      throw new RateLimitedError(retryAfter, deps.rateLimit.requests, deps.rateLimit.windowSeconds);
    }

    await takeTenantLock(store, input.tenant, id);
  } catch (error) {
    await forgetKey();
    throw error;
  }

  const job = newQueuedJob({
    tenant: input.tenant,
    id,
    kind: 'export',
    formats: input.formats,
    tables: input.tables,
    requestedBy: input.requestedBy,
    requestedAt: now,
  });
  try {
    await store.put(job);
  } catch (error) {
    await store.releaseTenantLock(input.tenant, id);
    await forgetKey();
    throw error;
  }
  try {
    await deps.queue.enqueue({ tenant: job.tenant, jobId: job.id });
  } catch (error) {
    deps.logger.error('enqueue failed', { tenant: job.tenant, jobId: job.id, error });
    // Recorded as failed for the admin listing; the client gets a 500 and may simply retry.
    await store.failQueued(
      job.tenant,
      job.id,
      { code: 'enqueue-failed', message: 'The export could not be queued. Request it again in a minute.' },
      clock.now(),
    );
    await store.releaseTenantLock(job.tenant, job.id);
    await forgetKey();
    throw error;
  }
  deps.logger.audit('export.requested', { tenant: job.tenant, jobId: job.id, user: job.requestedBy });
  return { job, created: true };
}

/**
 * Takes the tenant's active-export lock for `jobId`, or throws ActiveExportError with the job that
 * holds it. A lock whose job is missing or finished is stale and taken over (conditional on it
 * still naming that job, so two requests cannot both take it).
 */
export async function takeTenantLock(store: JobStore, tenant: string, jobId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const lock = await store.acquireTenantLock(tenant, jobId);
    if (lock.acquired) return;
    if (lock.holderJobId === jobId) return;
    if (lock.holderJobId) {
      const holder = await store.get(tenant, lock.holderJobId);
      if (holder && ACTIVE_STATUSES.includes(holder.status)) throw new ActiveExportError(toPublicJob(holder));
    }
    if (await store.replaceTenantLock(tenant, lock.holderJobId, jobId)) return;
  }
  throw new Error('tenant lock contention did not settle');
}
