/**
 * Daily backups: one `backup` job per tenant whose data is still kept, per UTC day, run by the
 * export worker with the same engine and stored under `backups/<tenant>/<YYYY-MM-DD>/`. A marker
 * `BACKUP#<tenant>#<day>` (conditional write) names the day's job: it makes scheduling idempotent
 * and is how a day's backup is found again for listing and download.
 */
import type { ExportFormat } from '../archive/types.ts';
import { ProblemError } from '../http/problem.ts';
import { PartNotFoundError } from '../jobs/errors.ts';
import { type PublicPart, publicParts } from '../jobs/public-job.ts';
import type { Clock, IdGenerator, Job, JobQueue, JobStore, ObjectStore } from '../jobs/types.ts';
import { newQueuedJob } from '../jobs/types.ts';
import type { Logger } from '../observability/logger.ts';
import { backupExpiresAt, isBackupExpired, keptBackupDays, utcDay } from './backup-dates.ts';
import { assertWindowOpen } from './guard.ts';
import type { RetentionStore } from './types.ts';
import type { RetentionRules } from './window.ts';
import { isDataKept, tenantWindow } from './window.ts';

/** The user the scheduler acts as, in job records and audit lines. */
export const SCHEDULER = 'scheduler';
/** A queued backup older than this is enqueued again (its first message may have been lost). */
const REENQUEUE_AFTER_MS = 15 * 60_000;

export interface ScheduleBackupsDeps {
  store: JobStore;
  retention: RetentionStore;
  queue: JobQueue;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
  rules: RetentionRules;
  backupRetentionDays: number;
  formats: ExportFormat[];
}

function backupMarker(tenant: string, day: string): string {
  return `BACKUP#${tenant}#${day}`;
}

function newBackupJob(tenant: string, id: string, now: Date, formats: ExportFormat[]): Job {
  return newQueuedJob({
    tenant,
    id,
    kind: 'backup',
    formats,
    tables: null,
    requestedBy: SCHEDULER,
    requestedAt: now,
  });
}

/**
 * Queues today's backup of every tenant whose data is kept (active, or ended but within its
 * window). Idempotent per tenant and day; a crash between the marker and the job is repaired by
 * the next run. Returns the tenants whose backup this run queued.
 */
export async function scheduleBackups(deps: ScheduleBackupsDeps): Promise<{ queued: string[]; day: string }> {
  const now = deps.clock.now();
  const day = utcDay(now);
  const queued: string[] = [];
  for (const record of await deps.retention.listTenants()) {
    const window = tenantWindow(record.tenant, record, now, deps.rules);
    if (!isDataKept(window)) continue;
    const tenant = record.tenant;
    const key = backupMarker(tenant, day);
    const expiresAt = new Date(backupExpiresAt(day, deps.backupRetentionDays).getTime() + 7 * 86_400_000);
    const newId = deps.newId();
    let jobId = newId;
    if (!(await deps.retention.claimMarker(key, { tenant, day, jobId }, expiresAt))) {
      jobId = String((await deps.retention.getMarker(key))?.jobId ?? '');
      if (!jobId) continue;
    }
    let job = await deps.store.get(tenant, jobId);
    if (!job) {
      job = newBackupJob(tenant, jobId, now, deps.formats);
      try {
        await deps.store.put(job);
      } catch (error) {
        // A concurrent run wrote it between our read and our write: theirs stands.
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
        continue;
      }
    } else if (job.status !== 'queued' || now.getTime() - Date.parse(job.requestedAt) < REENQUEUE_AFTER_MS) {
      continue;
    }
    await deps.queue.enqueue({ tenant, jobId });
    queued.push(tenant);
    deps.logger.audit('backup.scheduled', { tenant, jobId, day, user: SCHEDULER });
  }
  return { queued, day };
}

export interface BackupDeps {
  store: JobStore;
  retention: RetentionStore;
  objects: ObjectStore;
  clock: Clock;
  logger: Logger;
  rules: RetentionRules;
  backupRetentionDays: number;
  urlTtlSeconds: number;
}

export interface BackupSummary {
  date: string;
  status: Job['status'];
  finishedAt: string | null;
  parts: PublicPart[];
}

async function backupJob(deps: BackupDeps, tenant: string, day: string): Promise<Job | null> {
  const marker = await deps.retention.getMarker(backupMarker(tenant, day));
  const jobId = typeof marker?.jobId === 'string' ? marker.jobId : null;
  return jobId ? deps.store.get(tenant, jobId) : null;
}

/** The caller's tenant's backups of the kept days (the last `backupRetentionDays` + today), newest first. */
export async function listBackups(deps: BackupDeps, tenant: string): Promise<BackupSummary[]> {
  const days = keptBackupDays(deps.clock.now(), deps.backupRetentionDays);
  const jobs = await Promise.all(days.map((day) => backupJob(deps, tenant, day)));
  const summaries: BackupSummary[] = [];
  days.forEach((day, i) => {
    const job = jobs[i];
    if (!job) return;
    summaries.push({
      date: day,
      status: job.status,
      finishedAt: job.finishedAt,
      parts: publicParts(job, `/v1/backups/${day}/download`),
    });
  });
  return summaries;
}

class BackupNotFoundError extends ProblemError {
  constructor(day: string) {
    super(404, {
      code: 'backup-not-found',
      title: 'No backup for that day',
      detail: `There is no finished backup of ${day} for your company. GET /v1/backups lists the available days.`,
    });
    this.name = 'BackupNotFoundError';
  }
}

class BackupExpiredError extends ProblemError {
  constructor(day: string, retentionDays: number) {
    super(410, {
      code: 'backup-expired',
      title: 'The backup is no longer kept',
      detail: `Backups are kept ${retentionDays} days; the backup of ${day} has been (or is being) deleted.`,
    });
    this.name = 'BackupExpiredError';
  }
}

/**
 * A short-lived presigned URL for one part of a day's backup: the same window rule as exports
 * (403 after the deadline), 410 once older than the retention, 404 when there is none.
 */
export async function downloadBackup(
  deps: BackupDeps,
  scope: { tenant: string; user: string },
  day: string,
  partNumber: number,
): Promise<{ url: string }> {
  await assertWindowOpen(
    { store: deps.store, clock: deps.clock, rules: deps.rules },
    scope.tenant,
    'Downloading a backup',
  );
  if (isBackupExpired(day, deps.clock.now(), deps.backupRetentionDays)) {
    throw new BackupExpiredError(day, deps.backupRetentionDays);
  }
  const job = await backupJob(deps, scope.tenant, day);
  if (job?.status !== 'succeeded') throw new BackupNotFoundError(day);
  const part = job.parts.find((p) => p.number === partNumber);
  if (!part) throw new PartNotFoundError(job.id, partNumber, job.parts.length);
  const url = await deps.objects.presignDownload(part.key, part.fileName, deps.urlTtlSeconds);
  deps.logger.audit('backup.download', {
    tenant: scope.tenant,
    jobId: job.id,
    day,
    part: part.number,
    user: scope.user,
  });
  return { url };
}
