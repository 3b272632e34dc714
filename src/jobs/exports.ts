/**
 * The user-facing export use cases besides the request: read, list, download, cancel/delete.
 * All of them are scoped to the caller's tenant; a job of another tenant is reported as not found
 * (and, through `onCrossTenant`, as a security event by the caller).
 */
import type { Logger } from '../observability/logger.ts';
import { assertWindowOpen } from '../retention/guard.ts';
import type { RetentionRules } from '../retention/window.ts';
import { ArchiveGoneError, ArchiveNotReadyError, JobNotFoundError, PartNotFoundError } from './errors.ts';
import { jobPrefix } from './run-export-job.ts';
import type { Clock, Job, JobPage, JobStore, ObjectStore } from './types.ts';

export interface TenantScope {
  tenant: string;
  /** Called when the id exists but belongs to another tenant (answered 404 all the same). */
  onCrossTenant: (job: Job) => Promise<void>;
}

/** Reads a job of the caller's tenant; 404 otherwise. */
export async function getExport(store: JobStore, scope: TenantScope, id: string): Promise<Job> {
  const job = await store.get(scope.tenant, id);
  if (job) return job;
  const elsewhere = await store.findById(id);
  if (elsewhere && elsewhere.tenant !== scope.tenant) await scope.onCrossTenant(elsewhere);
  throw new JobNotFoundError(id);
}

/** Lists the caller's tenant's jobs, newest first. */
export function listExports(
  store: JobStore,
  tenant: string,
  limit: number,
  cursor?: string,
): Promise<JobPage> {
  return store.list(tenant, limit, cursor);
}

export interface DownloadDeps {
  store: JobStore;
  objects: ObjectStore;
  clock: Clock;
  logger: Logger;
  urlTtlSeconds: number;
  /** The reversibility window: no download once the tenant's deadline has passed. */
  retention: RetentionRules;
}

/**
 * A short-lived presigned URL for one part of a finished export.
 *
 * 0. The tenant's reversibility window must be open (403 with the deadline otherwise).
 * 1. The job must be the caller's tenant's (404), finished successfully (409), not past its
 *    expiry and not deleted (410), and have the part (404).
 * 2. The download is written to the audit log (who, which job and part; never the URL).
 */
export async function downloadExport(
  deps: DownloadDeps,
  scope: TenantScope & { user: string },
  id: string,
  partNumber: number,
): Promise<{ url: string; fileName: string; expiresInSeconds: number }> {
  const job = await getExport(deps.store, scope, id);
  await assertWindowOpen(
    { store: deps.store, clock: deps.clock, rules: deps.retention },
    scope.tenant,
    'Downloading an archive',
  );
  const now = deps.clock.now();
  if (job.status === 'expired') {
    throw new ArchiveGoneError(
      id,
      job.archiveDeletedAt ?? job.expiresAt ?? now.toISOString(),
      job.archiveDeletedAt !== null,
    );
  }
  if (job.status !== 'succeeded') throw new ArchiveNotReadyError(id, job.status);
  if (job.expiresAt && Date.parse(job.expiresAt) <= now.getTime())
    throw new ArchiveGoneError(id, job.expiresAt, false);
  const part = job.parts.find((p) => p.number === partNumber);
  if (!part) throw new PartNotFoundError(id, partNumber, job.parts.length);
  const url = await deps.objects.presignDownload(part.key, part.fileName, deps.urlTtlSeconds);
  deps.logger.audit('export.download', {
    tenant: job.tenant,
    jobId: job.id,
    part: part.number,
    fileName: part.fileName,
    user: scope.user,
    expiresInSeconds: deps.urlTtlSeconds,
  });
  return { url, fileName: part.fileName, expiresInSeconds: deps.urlTtlSeconds };
}

/**
 * DELETE on an export: a queued or running job is cancelled (the worker notices at its next lease
 * renewal and aborts its upload); a finished archive is deleted from storage. Idempotent: a job
 * that is already cancelled, failed or expired is returned as it is.
 */
export async function cancelOrDeleteExport(
  deps: { store: JobStore; objects: ObjectStore; clock: Clock; logger: Logger },
  scope: TenantScope & { user: string },
  id: string,
): Promise<Job> {
  const job = await getExport(deps.store, scope, id);
  const now = deps.clock.now();
  if (job.status === 'queued' || job.status === 'running') {
    const cancelled = await deps.store.cancel(job.tenant, job.id, now);
    if (cancelled) {
      await deps.store.releaseTenantLock(job.tenant, job.id);
      deps.logger.audit('export.cancelled', { tenant: job.tenant, jobId: job.id, user: scope.user });
      return cancelled;
    }
    // It finished meanwhile: handle what it is now.
    return cancelOrDeleteExport(deps, scope, id);
  }
  if (job.status === 'succeeded') {
    const keys = await deps.objects.listKeys(jobPrefix(job));
    if (keys.length > 0) await deps.objects.deleteKeys(keys);
    const deleted = await deps.store.markArchiveDeleted(job.tenant, job.id, now);
    deps.logger.audit('export.archive_deleted', {
      tenant: job.tenant,
      jobId: job.id,
      user: scope.user,
      objects: keys.length,
    });
    return deleted ?? ((await deps.store.get(job.tenant, job.id)) as Job);
  }
  return job;
}
