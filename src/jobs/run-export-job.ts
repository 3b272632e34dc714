import type { PartSink, PartUpload } from '../archive/types.ts';
import type { Catalog } from '../catalog/types.ts';
import type { ExportProgress, ExportRequest, ExportResult } from '../export/types.ts';
import type { Logger } from '../observability/logger.ts';
import { backupExpiresAt } from '../retention/backup-dates.ts';
import { WINDOW_CLOSED_CODE, windowClosedMessage } from '../retention/errors.ts';
import { readTenantWindow } from '../retention/guard.ts';
import type { RetentionRules } from '../retention/window.ts';
import { isWithinWindow } from '../retention/window.ts';
import type { SourceDatabase } from '../sources/types.ts';
import type {
  Clock,
  Job,
  JobError,
  JobPart,
  JobProgress,
  JobStore,
  Notifier,
  ObjectStore,
  OpenUpload,
} from './types.ts';
import { TERMINAL_STATUSES } from './types.ts';

/** A part upload whose multipart upload id is known as soon as it exists. */
export interface TrackedUpload extends PartUpload {
  upload: OpenUpload;
}

/** The object store the worker writes to: the ObjectStore port plus multipart uploads. */
export interface ArchiveStore extends ObjectStore {
  openUpload(key: string, fileName: string): Promise<TrackedUpload>;
}

/** An opened source database and its catalog for one job; `close` releases the connection. */
export interface PreparedSource {
  source: SourceDatabase;
  catalog: Catalog;
  close(): Promise<void>;
}

export interface RunExportJobDeps {
  store: JobStore;
  objects: ArchiveStore;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  /** The export engine (src/export/export-tenant.ts in production). */
  runExport: (request: ExportRequest) => Promise<ExportResult>;
  prepareSource: (job: Job) => Promise<PreparedSource>;
  /** Identifies this worker invocation as the lease owner. */
  workerId: string;
  leaseSeconds: number;
  /** How often the lease is renewed while the engine runs (real time). */
  heartbeatSeconds: number;
  /** Minimum interval between progress writes (clock time). */
  progressIntervalMs: number;
  archiveTtlDays: number;
  maxPartBytes: number;
  maxAttempts: number;
  csvProfile: ExportRequest['csvProfile'];
  /** The reversibility window: a job run after the tenant's deadline fails without an archive. */
  retention: RetentionRules;
  /** Days a daily backup is kept (its `expiresAt`). */
  backupRetentionDays: number;
  /** Reversibility deadline to print in the archive, when the tenant's subscription has ended. */
  deadlineFor?: (tenant: string) => Promise<string | null>;
}

export type RunOutcome =
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  /** Nothing to do: the job is finished already (a duplicate delivery) or does not exist. */
  | 'skipped'
  /** Another worker took the job over (our lease expired): its outcome is theirs. */
  | 'lost';

/** Thrown when the job is held by another live worker, or failed transiently: the message must come back. */
export class RetryLaterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryLaterError';
  }
}

class LeaseLostError extends Error {
  constructor(readonly reason: 'cancelled' | 'lost') {
    super(reason === 'cancelled' ? 'export cancelled' : 'lease lost');
    this.name = 'LeaseLostError';
  }
}

/**
 * Key prefix of every object of one job; each attempt writes under its own sub-prefix. Exports
 * live under `exports/<tenant>/<jobId>/`, daily backups under `backups/<tenant>/<YYYY-MM-DD>/`.
 */
export function jobPrefix(job: Pick<Job, 'tenant' | 'id' | 'kind' | 'requestedAt'>): string {
  if (job.kind === 'backup') return `backups/${job.tenant}/${job.requestedAt.slice(0, 10)}/`;
  return `exports/${job.tenant}/${job.id}/`;
}

/** Thrown when the tenant's reversibility deadline passes before the job could finish. */
class WindowClosedJobError extends Error {
  readonly code = WINDOW_CLOSED_CODE;
  constructor(message: string) {
    super(message);
    this.name = 'WindowClosedJobError';
  }
}

function fileStem(tenant: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `handover-${tenant}-${stamp}`;
}

const PERMANENT_EXPORT_CODES = new Set(['unknown-table', 'no-tables']);

function jobErrorFor(error: unknown): { error: JobError; permanent: boolean } {
  const code = (error as { code?: unknown }).code;
  if (error instanceof WindowClosedJobError) {
    return { error: { code: error.code, message: error.message }, permanent: true };
  }
  if (error instanceof Error && error.name === 'ExportError' && typeof code === 'string') {
    if (PERMANENT_EXPORT_CODES.has(code)) return { error: { code, message: error.message }, permanent: true };
    if (code === 'source-failed') {
      return {
        error: {
          code,
          message:
            'The source database could not be read. Check that it is reachable and that the export user may read the catalog tables, then retry the export.',
        },
        permanent: false,
      };
    }
  }
  return {
    error: {
      code: 'export-failed',
      message:
        'The export failed on our side after several attempts. Retry it later; if it fails again, contact support with the job id.',
    },
    permanent: false,
  };
}

/**
 * Runs one export job, once, whatever SQS delivers.
 *
 * Input: the job's tenant and id (a queue message). Output: what happened (RunOutcome), or
 * RetryLaterError when the message must be delivered again.
 * 1. A finished or unknown job is skipped (duplicate delivery).
 * 2. Claim the job with a lease (queued, or running with an expired lease). Held by a live worker:
 *    retry later. Taken over from a dead worker: abort its recorded multipart uploads and delete
 *    whatever it committed, so exactly one archive can exist.
 * 3. Run the engine; every part is a multipart upload recorded on the job while open; progress is
 *    written at most every `progressIntervalMs`, and the lease renewed every `heartbeatSeconds`.
 *    A renewal that fails means the job was cancelled (or taken over): the engine is aborted,
 *    which aborts the open upload.
 * 4. Before a part is committed the lease is checked again; the job succeeds by a conditional
 *    write naming this worker, else this attempt's objects are deleted.
 * 5. Failure: permanent errors fail the job with an actionable message; transient ones release
 *    the lease and ask for redelivery until `maxAttempts`.
 */
export async function runExportJob(
  deps: RunExportJobDeps,
  message: { tenant: string; jobId: string },
): Promise<RunOutcome> {
  const { store, objects, clock, logger, workerId } = deps;
  const log = logger.child({ tenant: message.tenant, jobId: message.jobId, worker: workerId });
  const leaseMs = deps.leaseSeconds * 1000;

  const existing = await store.get(message.tenant, message.jobId);
  if (!existing) {
    log.warn('job not found; message dropped');
    return 'skipped';
  }
  if (TERMINAL_STATUSES.includes(existing.status)) {
    log.info('job already finished; duplicate delivery ignored', { status: existing.status });
    return 'skipped';
  }

  const startedAt = clock.now();
  const job = await store.claim(
    existing.tenant,
    existing.id,
    workerId,
    startedAt,
    new Date(startedAt.getTime() + leaseMs),
  );
  if (!job) {
    const current = await store.get(existing.tenant, existing.id);
    if (!current || TERMINAL_STATUSES.includes(current.status)) return 'skipped';
    log.info('job is held by another worker; will retry', { leaseUntil: current.leaseUntil });
    throw new RetryLaterError('job is held by another worker');
  }
  log.info('job claimed', { attempt: job.attempts });

  // A previous attempt died: nothing it left may survive next to this attempt's archive.
  await cleanUpPreviousAttempts(deps, job, job.openUploads);

  const attemptPrefix = `${jobPrefix(job)}${job.attempts}/`;
  const committed: JobPart[] = [];
  const committedKeys: string[] = [];
  let openUploads: OpenUpload[] = [];
  const controller = new AbortController();
  let latest: JobProgress | null = null;
  let lastWrite = clock.now().getTime();
  let chain: Promise<void> = Promise.resolve();

  /** Renews the lease (and writes progress); aborts the engine once the job is no longer ours. */
  const renew = (withProgress: boolean): Promise<void> => {
    chain = chain.then(async () => {
      if (controller.signal.aborted) return;
      const ok = await store.heartbeat(
        job.tenant,
        job.id,
        workerId,
        new Date(clock.now().getTime() + leaseMs),
        withProgress ? latest : null,
      );
      if (!ok) {
        const current = await store.get(job.tenant, job.id);
        controller.abort(new LeaseLostError(current?.status === 'cancelled' ? 'cancelled' : 'lost'));
      }
    });
    chain = chain.catch((error) => log.warn('lease renewal failed', { error }));
    return chain;
  };

  const timer = setInterval(() => void renew(true), deps.heartbeatSeconds * 1000);
  timer.unref();

  const sink: PartSink = {
    async openPart(fileName) {
      const key = `${attemptPrefix}${fileName}`;
      const upload = await objects.openUpload(key, fileName);
      openUploads = [...openUploads, upload.upload];
      if (!(await store.setOpenUploads(job.tenant, job.id, workerId, openUploads))) {
        await upload.abort();
        throw new LeaseLostError('lost');
      }
      const forget = async () => {
        openUploads = openUploads.filter((u) => u.uploadId !== upload.upload.uploadId);
        await store.setOpenUploads(job.tenant, job.id, workerId, openUploads);
      };
      return {
        stream: upload.stream,
        async commit() {
          // Never publish a part once the job is no longer ours.
          await renew(false);
          if (controller.signal.aborted) {
            await upload.abort();
            throw controller.signal.reason;
          }
          const result = await upload.commit();
          committedKeys.push(key);
          await forget();
          return result;
        },
        async abort() {
          await upload.abort();
          await forget().catch(() => undefined);
        },
      };
    },
  };

  /** The same rule as the API's: nothing is produced for a tenant past its deadline. */
  const assertWindow = async () => {
    const window = await readTenantWindow({ store, clock, rules: deps.retention }, job.tenant);
    const deadline = window.deadline ? new Date(window.deadline) : null;
    if (window.phase === 'purged' || !isWithinWindow(deadline, clock.now())) {
      throw new WindowClosedJobError(
        windowClosedMessage(window, job.kind === 'backup' ? 'A backup' : 'This export'),
      );
    }
  };

  let prepared: PreparedSource | null = null;
  try {
    await assertWindow();
    prepared = await deps.prepareSource(job);
    const deadline = deps.deadlineFor ? await deps.deadlineFor(job.tenant) : null;
    const result = await deps.runExport({
      source: prepared.source,
      catalog: prepared.catalog,
      tenant: job.tenant,
      formats: job.formats,
      csvProfile: deps.csvProfile,
      tables: job.tables ?? undefined,
      sink,
      fileStem: fileStem(job.tenant, startedAt),
      maxPartBytes: deps.maxPartBytes,
      jobId: job.id,
      deadline,
      now: () => clock.now(),
      signal: controller.signal,
      onProgress: (progress: ExportProgress) => {
        latest = { ...progress };
        const now = clock.now().getTime();
        if (now - lastWrite >= deps.progressIntervalMs) {
          lastWrite = now;
          void renew(true);
        }
      },
    });
    for (const part of result.parts) {
      committed.push({
        number: part.number,
        fileName: part.fileName,
        key: part.location,
        bytes: part.bytes,
        sha256: part.sha256,
      });
    }
    await chain;
    if (controller.signal.aborted) throw controller.signal.reason;
    await assertWindow();
    const finishedAt = clock.now();
    const finalProgress: JobProgress = {
      ...(latest ?? job.progress),
      currentTable: null,
      partsDone: committed.length,
      bytes: committed.reduce((sum, p) => sum + p.bytes, 0),
    };
    const done = await store.finish(
      job.tenant,
      job.id,
      workerId,
      {
        status: 'succeeded',
        parts: committed,
        rows: result.rows,
        progress: finalProgress,
        expiresAt: (job.kind === 'backup'
          ? backupExpiresAt(job.requestedAt.slice(0, 10), deps.backupRetentionDays)
          : new Date(finishedAt.getTime() + deps.archiveTtlDays * 86_400_000)
        ).toISOString(),
      },
      finishedAt,
    );
    if (!done) {
      const current = await store.get(job.tenant, job.id);
      throw new LeaseLostError(current?.status === 'cancelled' ? 'cancelled' : 'lost');
    }
    await store.releaseTenantLock(job.tenant, job.id);
    log.info('export succeeded', { parts: committed.length, rowCount: result.rows });
    // A daily backup that worked is not news; a failed one is (below).
    if (job.kind === 'export') await notify(deps, done, 'export.succeeded');
    return 'succeeded';
  } catch (caught) {
    const error =
      controller.signal.aborted && !(caught instanceof LeaseLostError) ? controller.signal.reason : caught;
    controller.abort(error);
    // Whatever this attempt committed is not an archive anyone may download.
    await objects.deleteKeys(committedKeys).catch((e) => log.warn('cleanup failed', { error: e }));
    if (error instanceof LeaseLostError) {
      await abortAll(objects, openUploads, log);
      if (error.reason === 'cancelled') {
        await store.releaseTenantLock(job.tenant, job.id);
        log.info('export cancelled; upload aborted');
        return 'cancelled';
      }
      log.warn('lease lost to another worker; this attempt stops');
      return 'lost';
    }
    const { error: jobError, permanent } = jobErrorFor(error);
    log.error('export attempt failed', { error, code: jobError.code, attempt: job.attempts });
    if (!permanent && job.attempts < deps.maxAttempts) {
      // Let the redelivered message take the job at once instead of waiting for the lease.
      await store.heartbeat(job.tenant, job.id, workerId, new Date(0), latest).catch(() => undefined);
      throw new RetryLaterError('export attempt failed; retrying', { cause: error });
    }
    const failed = await store.finish(
      job.tenant,
      job.id,
      workerId,
      { status: 'failed', error: jobError },
      clock.now(),
    );
    await store.releaseTenantLock(job.tenant, job.id);
    if (failed) await notify(deps, failed, `${job.kind}.failed`);
    return 'failed';
  } finally {
    clearInterval(timer);
    await chain;
    if (prepared) await prepared.close().catch((error) => log.warn('closing the source failed', { error }));
  }
}

async function cleanUpPreviousAttempts(
  deps: RunExportJobDeps,
  job: Job,
  uploads: OpenUpload[],
): Promise<void> {
  if (job.attempts <= 1 && uploads.length === 0) return;
  await abortAll(deps.objects, uploads, deps.logger);
  const stale = await deps.objects.listKeys(jobPrefix(job));
  if (stale.length > 0) await deps.objects.deleteKeys(stale);
  await deps.store.setOpenUploads(job.tenant, job.id, deps.workerId, []);
  deps.logger.info('previous attempt cleaned up', {
    tenant: job.tenant,
    jobId: job.id,
    abortedUploads: uploads.length,
    deletedObjects: stale.length,
  });
}

async function abortAll(objects: ObjectStore, uploads: OpenUpload[], log: Logger): Promise<void> {
  for (const upload of uploads) {
    await objects.abortUpload(upload).catch((error) => log.warn('abort upload failed', { error }));
  }
}

async function notify(deps: RunExportJobDeps, job: Job, type: string): Promise<void> {
  try {
    await deps.notifier.notify({
      type,
      tenant: job.tenant,
      jobId: job.id,
      status: job.status,
      at: deps.clock.now().toISOString(),
    });
  } catch (error) {
    deps.logger.warn('notification failed', { error });
  }
}
