/**
 * The purge: deletes what may no longer be kept, once, even when runs overlap or die midway.
 *
 * Planning (`planPurge`, also the dry run) lists, as of the clock's now:
 * - every object and job record of a tenant past its reversibility deadline (`tenant-deadline`),
 * - export archives past their `expiresAt` (`export-expired`),
 * - daily backups older than the backup retention (`backup-retention`),
 * and nothing at all of a tenant on legal hold.
 *
 * Execution (`executePurge`) claims each item with a conditional write of its deletion-log item
 * (one per object key or job id, ever), deletes it, then marks the item done; the completion is
 * conditional too, and is the moment the deletion is logged, so each deletion is logged once.
 * A claim whose run died (lease expired) is taken over by the next run, which finishes it; claims
 * left between the delete and the completion are found through the pending index.
 * When a tenant past its deadline has nothing left, one deletion record is written for it
 * (conditional on its key), with the totals read back from the log.
 */
import type { Clock, Job, JobStore } from '../jobs/types.ts';
import type { Logger } from '../observability/logger.ts';
import { BACKUP_KEY, EXPORT_KEY, isBackupExpired } from './backup-dates.ts';
import type {
  DeletionLogItem,
  PurgeItem,
  PurgeObjects,
  PurgeReason,
  RetentionStore,
  TenantDeletionRecord,
} from './types.ts';
import type { RetentionRules, TenantWindow } from './window.ts';
import { tenantWindow } from './window.ts';

export interface PurgeDeps {
  store: Pick<JobStore, 'get' | 'list'>;
  retention: RetentionStore;
  objects: PurgeObjects;
  clock: Clock;
  logger: Logger;
  rules: RetentionRules;
  backupRetentionDays: number;
  /** How long a claim protects an item from other runs before it counts as abandoned. */
  claimLeaseSeconds?: number;
}

export interface PurgePlan {
  at: string;
  items: PurgeItem[];
  /** Tenants past their deadline (not on hold) whose purge this plan covers. */
  closedTenants: { tenant: string; deadline: string }[];
  /** Tenants left alone because of a legal hold. */
  heldTenants: string[];
}

export interface PurgeReport {
  runId: string;
  dryRun: boolean;
  at: string;
  /** What was deleted (or, in a dry run, would be). */
  deleted: PurgeItem[];
  objects: number;
  bytes: number;
  jobRecords: number;
  byReason: Record<string, number>;
  /** Tenant deletion records this run wrote. */
  records: TenantDeletionRecord[];
  heldTenants: string[];
}

const DEFAULT_CLAIM_LEASE_SECONDS = 60;

function objectItem(tenant: string, key: string, bytes: number, reason: PurgeReason): PurgeItem {
  return { tenant, kind: 'object', ref: key, target: `s3:${key}`, bytes, reason };
}

function jobItem(job: Job): PurgeItem {
  return {
    tenant: job.tenant,
    kind: 'job-record',
    ref: job.id,
    target: `job:${job.id}`,
    bytes: 0,
    reason: 'tenant-deadline',
  };
}

async function allJobs(store: PurgeDeps['store'], tenant: string): Promise<Job[]> {
  const jobs: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(tenant, 100, cursor);
    jobs.push(...page.jobs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return jobs;
}

/**
 * Lists exactly what a purge run would delete now. Read-only: the dry run is this function.
 */
export async function planPurge(deps: PurgeDeps): Promise<PurgePlan> {
  const now = deps.clock.now();
  const windows = new Map<string, TenantWindow>();
  for (const record of await deps.retention.listTenants()) {
    windows.set(record.tenant, tenantWindow(record.tenant, record, now, deps.rules));
  }
  const held = new Set([...windows.values()].filter((w) => w.legalHold).map((w) => w.tenant));
  const closed = [...windows.values()].filter(
    (w) => !w.legalHold && (w.phase === 'closed' || w.phase === 'purged') && w.deadline,
  );
  const closedSet = new Set(closed.map((w) => w.tenant));

  const items: PurgeItem[] = [];
  const jobCache = new Map<string, Job | null>();
  for (const object of await deps.objects.listObjects('exports/')) {
    const match = EXPORT_KEY.exec(object.key);
    const tenant = match?.[1];
    const jobId = match?.[2];
    if (!tenant || !jobId || held.has(tenant)) continue;
    if (closedSet.has(tenant)) {
      items.push(objectItem(tenant, object.key, object.bytes, 'tenant-deadline'));
      continue;
    }
    const cacheKey = `${tenant}/${jobId}`;
    if (!jobCache.has(cacheKey)) jobCache.set(cacheKey, await deps.store.get(tenant, jobId));
    const job = jobCache.get(cacheKey);
    if (job?.expiresAt && Date.parse(job.expiresAt) <= now.getTime()) {
      items.push(objectItem(tenant, object.key, object.bytes, 'export-expired'));
    }
  }
  for (const object of await deps.objects.listObjects('backups/')) {
    const match = BACKUP_KEY.exec(object.key);
    const tenant = match?.[1];
    const day = match?.[2];
    if (!tenant || !day || held.has(tenant)) continue;
    if (closedSet.has(tenant)) items.push(objectItem(tenant, object.key, object.bytes, 'tenant-deadline'));
    else if (isBackupExpired(day, now, deps.backupRetentionDays)) {
      items.push(objectItem(tenant, object.key, object.bytes, 'backup-retention'));
    }
  }
  for (const window of closed) {
    for (const job of await allJobs(deps.store, window.tenant)) items.push(jobItem(job));
  }
  // Objects before job records (a job record explains its objects until they are gone).
  items.sort((a, b) => (a.kind === b.kind ? a.target.localeCompare(b.target) : a.kind === 'object' ? -1 : 1));
  return {
    at: now.toISOString(),
    items,
    closedTenants: closed.map((w) => ({ tenant: w.tenant, deadline: w.deadline ?? '' })),
    heldTenants: [...held].sort(),
  };
}

function summarize(items: PurgeItem[]) {
  const byReason: Record<string, number> = {};
  for (const item of items) byReason[item.reason] = (byReason[item.reason] ?? 0) + 1;
  const objects = items.filter((i) => i.kind === 'object');
  return {
    objects: objects.length,
    bytes: objects.reduce((sum, i) => sum + i.bytes, 0),
    jobRecords: items.length - objects.length,
    byReason,
  };
}

/** The dry run: what a real run would delete now, deleting nothing. */
export async function dryRunPurge(deps: PurgeDeps, runId: string): Promise<PurgeReport> {
  const plan = await planPurge(deps);
  return {
    runId,
    dryRun: true,
    at: plan.at,
    deleted: plan.items,
    ...summarize(plan.items),
    records: [],
    heldTenants: plan.heldTenants,
  };
}

/**
 * Plans and executes one purge run.
 * @param runId unique per run (it owns the claims it makes)
 */
export async function runPurge(deps: PurgeDeps, runId: string): Promise<PurgeReport> {
  const startedAt = deps.clock.now();
  const plan = await planPurge(deps);
  const leaseMs = (deps.claimLeaseSeconds ?? DEFAULT_CLAIM_LEASE_SECONDS) * 1000;
  const log = deps.logger.child({ purgeRun: runId });
  const deleted: PurgeItem[] = [];

  const remove = async (item: PurgeItem) => {
    if (item.kind === 'object') await deps.objects.deleteKeys([item.ref]);
    else await deps.retention.deleteJobRecord(item.tenant, item.ref);
  };
  /** Deletes an item this run holds, then completes (and logs) it. */
  const finish = async (item: PurgeItem, resumed: boolean) => {
    await remove(item);
    if (await deps.retention.completeDeletion(item.tenant, item.target, runId, deps.clock.now())) {
      deleted.push(item);
      log.audit('purge.deleted', {
        tenant: item.tenant,
        kind: item.kind,
        target: item.target,
        bytes: item.bytes,
        reason: item.reason,
        ...(resumed ? { resumedFromCrashedRun: true } : {}),
      });
    }
  };
  const takeOver = async (existing: DeletionLogItem) => {
    const now = deps.clock.now();
    if (existing.status !== 'claimed' || Date.parse(existing.leaseUntil) >= now.getTime()) return;
    if (await deps.retention.takeOverDeletion(existing, runId, now, new Date(now.getTime() + leaseMs))) {
      await finish(existing, true);
    }
  };

  for (const item of plan.items) {
    const now = deps.clock.now();
    const existing = await deps.retention.claimDeletion(item, runId, now, new Date(now.getTime() + leaseMs));
    if (existing === null) await finish(item, false);
    // Claimed by another run: it finishes it, unless it died (then we do, once its lease is over).
    else await takeOver(existing);
  }
  // Claims whose run died between the delete and the completion: their objects are no longer
  // listed, so only the log knows they are unfinished.
  for (const pending of await deps.retention.listPendingDeletions()) await takeOver(pending);

  const records: TenantDeletionRecord[] = [];
  for (const closed of plan.closedTenants) {
    const record = await recordTenantPurge(deps, closed.tenant, closed.deadline);
    if (record) {
      records.push(record);
      log.audit('purge.tenant_deleted', { ...record });
    }
  }

  const summary = summarize(deleted);
  const finishedAt = deps.clock.now();
  if (deleted.length > 0) {
    await deps.retention.putRun({
      runId,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      ...summary,
      targets: deleted.slice(0, 1000).map((i) => i.target),
    });
  }
  log.info('purge run finished', { ...summary, records: records.length, held: plan.heldTenants.length });
  return {
    runId,
    dryRun: false,
    at: startedAt.toISOString(),
    deleted,
    ...summary,
    records,
    heldTenants: plan.heldTenants,
  };
}

/**
 * Writes the tenant's deletion record once nothing of it is left and no claim is pending
 * (another run may still be finishing its part; the last one to finish writes it).
 */
async function recordTenantPurge(
  deps: PurgeDeps,
  tenant: string,
  deadline: string,
): Promise<TenantDeletionRecord | null> {
  const log = await deps.retention.listTenantDeletions(tenant);
  if (log.some((i) => i.status === 'claimed')) return null;
  const [exports, backups, jobs] = await Promise.all([
    deps.objects.listObjects(`exports/${tenant}/`),
    deps.objects.listObjects(`backups/${tenant}/`),
    deps.store.list(tenant, 1),
  ]);
  if (exports.length + backups.length + jobs.jobs.length > 0) return null;
  const purged = log.filter((i) => i.reason === 'tenant-deadline');
  const objects = purged.filter((i) => i.kind === 'object');
  const now = deps.clock.now();
  const record: TenantDeletionRecord = {
    tenant,
    deletedAt: now.toISOString(),
    deadline,
    reason: `reversibility deadline ${deadline} passed (subscription ended ${deps.rules.reversibilityDays} days before); not on legal hold`,
    objects: objects.length,
    bytes: objects.reduce((sum, i) => sum + i.bytes, 0),
    jobRecords: purged.length - objects.length,
    runIds: [...new Set(purged.map((i) => i.runId))].sort(),
  };
  const written = await deps.retention.putTenantDeletionRecord(record);
  if (!written) return null;
  await deps.retention.markTenantPurged(tenant, now);
  return record;
}
