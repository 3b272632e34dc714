/**
 * The job record and the ports the job use cases work through. A job is one export (or, later,
 * one backup) of one tenant; its record lives in the JobStore (DynamoDB) and is the only truth
 * about what a worker did: S3 objects not listed in a succeeded job's `parts` are never offered.
 */

import type { ExportFormat } from '../archive/types.ts';
import type { ExportProgress } from '../export/types.ts';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'expired'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses a job never leaves (except `succeeded` -> `expired` when its archive goes away). */
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled', 'expired'];
/** Statuses that hold the tenant's single active-export slot. */
export const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'running'];

export type JobKind = 'export' | 'backup';

/** A job's progress is the export engine's, as last reported by the worker. */
export type JobProgress = ExportProgress;

export interface JobPart {
  number: number;
  fileName: string;
  /** Object key in the archive bucket. */
  key: string;
  bytes: number;
  sha256: string;
}

/** Machine-readable error code plus a message a person can act on. */
export interface JobError {
  code: string;
  message: string;
}

/** A multipart upload a worker opened and has not yet completed: aborted by whoever takes the job over. */
export interface OpenUpload {
  key: string;
  uploadId: string;
}

export interface Job {
  tenant: string;
  /** ULID: sortable by creation time. */
  id: string;
  kind: JobKind;
  status: JobStatus;
  formats: ExportFormat[];
  /** Restrict to these tables; null = every catalog table. */
  tables: string[] | null;
  requestedBy: string;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  progress: JobProgress;
  parts: JobPart[];
  /** When the archive stops being downloadable (set on success). */
  expiresAt: string | null;
  error: JobError | null;
  /** The worker holding the job while it runs, and until when. */
  leaseOwner: string | null;
  leaseUntil: string | null;
  openUploads: OpenUpload[];
  /** Set when the archive was deleted on request (DELETE) before its expiry. */
  archiveDeletedAt: string | null;
  rows: number | null;
}

export const EMPTY_PROGRESS: JobProgress = {
  tablesDone: 0,
  tablesTotal: 0,
  rowsDone: 0,
  rowsEstimated: 0,
  bytes: 0,
  currentTable: null,
  partsDone: 0,
};

/** A job as it is first stored: queued, nothing run yet. Every new job record is made here. */
export function newQueuedJob(
  fields: Pick<Job, 'tenant' | 'id' | 'kind' | 'formats' | 'tables' | 'requestedBy'> & {
    requestedAt: Date;
  },
): Job {
  return {
    tenant: fields.tenant,
    id: fields.id,
    kind: fields.kind,
    status: 'queued',
    formats: fields.formats,
    tables: fields.tables,
    requestedBy: fields.requestedBy,
    requestedAt: fields.requestedAt.toISOString(),
    startedAt: null,
    finishedAt: null,
    attempts: 0,
    progress: EMPTY_PROGRESS,
    parts: [],
    expiresAt: null,
    error: null,
    leaseOwner: null,
    leaseUntil: null,
    openUploads: [],
    archiveDeletedAt: null,
    rows: null,
  };
}

/** Port: time. Use cases never call `Date.now()` so tests can move time (leases, windows, expiry). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Port: unique, time-sortable ids. */
export type IdGenerator = () => string;

export interface JobFilter {
  tenant?: string;
  status?: JobStatus;
  /** Inclusive ISO 8601 bounds on `requestedAt`. */
  from?: string;
  to?: string;
  limit: number;
  /** Opaque cursor returned by the previous page. */
  cursor?: string;
}

export interface JobPage {
  jobs: Job[];
  nextCursor: string | null;
}

/** Result of trying to take the tenant's single active-export slot. */
export type LockResult = { acquired: true } | { acquired: false; holderJobId: string };

export interface IdempotencyRecord {
  jobId: string;
  bodyHash: string;
}

export interface TenantRecord {
  tenant: string;
  /** ISO 8601 end of the subscription; null while it runs with no end date. */
  subscriptionEndsAt: string | null;
  legalHold: boolean;
  updatedAt: string;
  /** When the purge deleted the tenant's data after its deadline (absent until then). */
  purgedAt?: string | null;
}

/**
 * Port: job records and the small control items around them (tenant lock, rate counters,
 * idempotency keys). Every state change is a conditional write: a method returns false / null
 * when its condition did not hold, never overwriting a newer state.
 */
export interface JobStore {
  put(job: Job): Promise<void>;
  get(tenant: string, id: string): Promise<Job | null>;
  /** Any tenant's job by id (admin routes, and telling a cross-tenant attempt from a typo). */
  findById(id: string): Promise<Job | null>;
  list(tenant: string, limit: number, cursor?: string): Promise<JobPage>;
  listAll(filter: JobFilter): Promise<JobPage>;

  /** queued -> running, or running with an expired lease -> running (taken over). Returns the claimed job. */
  claim(tenant: string, id: string, owner: string, now: Date, leaseUntil: Date): Promise<Job | null>;
  /** Renews the lease and stores progress, only while `owner` holds the running job. */
  heartbeat(
    tenant: string,
    id: string,
    owner: string,
    leaseUntil: Date,
    progress: JobProgress | null,
  ): Promise<boolean>;
  /** Records (or forgets) an open multipart upload while `owner` holds the running job. */
  setOpenUploads(tenant: string, id: string, owner: string, uploads: OpenUpload[]): Promise<boolean>;
  /** running -> succeeded|failed by the lease owner. */
  finish(
    tenant: string,
    id: string,
    owner: string,
    outcome:
      | { status: 'succeeded'; parts: JobPart[]; expiresAt: string; rows: number; progress: JobProgress }
      | { status: 'failed'; error: JobError },
    now: Date,
  ): Promise<Job | null>;
  /** queued|running -> cancelled. */
  cancel(tenant: string, id: string, now: Date): Promise<Job | null>;
  /** failed|cancelled -> queued again (admin retry); clears the error and lease. */
  requeue(tenant: string, id: string): Promise<Job | null>;
  /** succeeded -> expired, archive gone. */
  markArchiveDeleted(tenant: string, id: string, now: Date): Promise<Job | null>;
  /** queued -> failed without a lease (the job could not be enqueued, or its input is invalid). */
  failQueued(tenant: string, id: string, error: JobError, now: Date): Promise<Job | null>;

  acquireTenantLock(tenant: string, jobId: string): Promise<LockResult>;
  /** Takes the lock over from a holder that is no longer active (crashed between writes, finished without releasing). */
  replaceTenantLock(tenant: string, staleJobId: string, jobId: string): Promise<boolean>;
  releaseTenantLock(tenant: string, jobId: string): Promise<void>;

  /** Counts one request in the tenant's fixed window; false once `limit` is reached. */
  countRequest(tenant: string, windowStart: Date, windowEnd: Date, limit: number): Promise<boolean>;

  /** Stores the key unless a live one exists; returns the existing record if it does. */
  putIdempotencyKey(
    tenant: string,
    key: string,
    record: IdempotencyRecord,
    now: Date,
    expiresAt: Date,
  ): Promise<IdempotencyRecord | null>;
  deleteIdempotencyKey(tenant: string, key: string): Promise<void>;

  getTenant(tenant: string): Promise<TenantRecord | null>;
  putTenantSubscription(tenant: string, endsAt: string | null, now: Date): Promise<TenantRecord>;
}

/** Port: the export work queue (SQS). */
export interface JobQueue {
  enqueue(message: JobMessage): Promise<void>;
}

export interface JobMessage {
  tenant: string;
  jobId: string;
}

/** Port: where archives live (S3). Keys are per tenant: `exports/<tenant>/<jobId>/...`. */
export interface ObjectStore {
  presignDownload(key: string, fileName: string, expiresInSeconds: number): Promise<string>;
  listKeys(prefix: string): Promise<string[]>;
  deleteKeys(keys: string[]): Promise<void>;
  abortUpload(upload: OpenUpload): Promise<void>;
}

export interface SecurityAlert {
  event: string;
  tenant: string | null;
  subject: string | null;
  route: string;
  reason: string;
  at: string;
  requestId: string | null;
}

/** Port: alerts to the security team and notifications to users (SNS). */
export interface Notifier {
  alert(alert: SecurityAlert): Promise<void>;
  notify(event: {
    type: string;
    tenant: string;
    jobId: string;
    status: JobStatus;
    at: string;
  }): Promise<void>;
}
