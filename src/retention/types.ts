/**
 * Ports and records of the retention use cases: the tenant list and its flags, idempotency
 * markers (reminders, daily backups), and the purge's deletion log and records.
 */
import type { TenantRecord } from '../jobs/types.ts';

export type PurgeReason = 'export-expired' | 'backup-retention' | 'tenant-deadline';

/** One thing the purge deletes: an object of the archive bucket or a job record. */
export interface PurgeItem {
  tenant: string;
  kind: 'object' | 'job-record';
  /** The object key, or the job id. */
  ref: string;
  /** Stable identity in the deletion log: `s3:<key>` or `job:<id>`. */
  target: string;
  bytes: number;
  reason: PurgeReason;
}

/** A deletion-log item: claimed by one run, then done. One per target, ever. */
export interface DeletionLogItem extends PurgeItem {
  status: 'claimed' | 'done';
  runId: string;
  claimedAt: string;
  /** A claim not done by then belongs to a run that died: another run may take it over. */
  leaseUntil: string;
  doneAt: string | null;
}

/** What one purge run deleted (a run that deleted nothing records nothing). */
export interface PurgeRunRecord {
  runId: string;
  startedAt: string;
  finishedAt: string;
  objects: number;
  bytes: number;
  jobRecords: number;
  byReason: Record<string, number>;
  /** The targets this run deleted (first 1000). */
  targets: string[];
}

/** Left once per tenant purged after its deadline. */
export interface TenantDeletionRecord {
  tenant: string;
  deletedAt: string;
  deadline: string;
  reason: string;
  objects: number;
  bytes: number;
  jobRecords: number;
  runIds: string[];
}

/** Port: the retention state in DynamoDB. Every state change is a conditional write. */
export interface RetentionStore {
  listTenants(): Promise<TenantRecord[]>;
  setLegalHold(tenant: string, legalHold: boolean, now: Date): Promise<TenantRecord>;
  /**
   * Applies an end date read from the source database, only when it differs from the value the
   * previous sync applied: an admin's later change stands until the source database changes.
   */
  syncSubscription(tenant: string, endsAt: string | null, now: Date): Promise<boolean>;
  markTenantPurged(tenant: string, now: Date): Promise<void>;

  /** Writes a marker unless it exists; false when it does (reminder sent, backup scheduled). */
  claimMarker(key: string, attributes: Record<string, string>, expiresAt: Date): Promise<boolean>;
  getMarker(key: string): Promise<Record<string, unknown> | null>;

  deleteJobRecord(tenant: string, id: string): Promise<void>;

  /** Claims a deletion for `runId`; returns the existing item when another run claimed it first. */
  claimDeletion(item: PurgeItem, runId: string, now: Date, leaseUntil: Date): Promise<DeletionLogItem | null>;
  /** Takes over a claim whose lease has expired (its run died). */
  takeOverDeletion(item: DeletionLogItem, runId: string, now: Date, leaseUntil: Date): Promise<boolean>;
  /** claimed (by `runId`) -> done. False when it was not ours or already done. */
  completeDeletion(tenant: string, target: string, runId: string, now: Date): Promise<boolean>;
  /** Claims not yet done, of every tenant. */
  listPendingDeletions(): Promise<DeletionLogItem[]>;
  listTenantDeletions(tenant: string): Promise<DeletionLogItem[]>;

  putRun(run: PurgeRunRecord): Promise<void>;
  /** Writes the tenant's deletion record unless one exists for that deadline. */
  putTenantDeletionRecord(record: TenantDeletionRecord): Promise<boolean>;
  listTenantDeletionRecords(): Promise<TenantDeletionRecord[]>;
}

/** An object in the archive bucket, with its size. */
export interface StoredObject {
  key: string;
  bytes: number;
}

/** Port: the archive bucket as the purge sees it. */
export interface PurgeObjects {
  listObjects(prefix: string): Promise<StoredObject[]>;
  deleteKeys(keys: string[]): Promise<void>;
}

/** Port: user notifications that are not about one job (reminders). */
export interface EventPublisher {
  publish(event: { type: string; tenant: string; at: string } & Record<string, unknown>): Promise<void>;
}
