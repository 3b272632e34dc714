/** Operator use cases: list every tenant's jobs, retry a failed one, set a subscription end. */
import type { Logger } from '../observability/logger.ts';
import { dataFate } from '../retention/errors.ts';
import type { TenantPhase, TenantWindow } from '../retention/window.ts';
import { tenantWindow } from '../retention/window.ts';
import { JobNotFoundError, JobStateError } from './errors.ts';
import { takeTenantLock } from './request-export.ts';
import type { Clock, Job, JobFilter, JobPage, JobQueue, JobStore, TenantRecord } from './types.ts';

/** Lists jobs across tenants, filtered by status, tenant and request time. */
export function listAllExports(store: JobStore, filter: JobFilter): Promise<JobPage> {
  return store.listAll(filter);
}

/**
 * Puts a failed or cancelled job back in the queue.
 * 1. Only failed/cancelled jobs (409 otherwise); the tenant's active-export lock is taken first
 *    (409 when another export of that tenant is active).
 * 2. The job goes back to queued with its error cleared, and a message is sent.
 */
export async function retryExport(
  deps: { store: JobStore; queue: JobQueue; logger: Logger },
  admin: string,
  id: string,
): Promise<Job> {
  const job = await deps.store.findById(id);
  if (!job) throw new JobNotFoundError(id);
  if (job.status !== 'failed' && job.status !== 'cancelled') {
    throw new JobStateError(id, job.status, 'only failed or cancelled exports can be retried');
  }
  await takeTenantLock(deps.store, job.tenant, job.id);
  const queued = await deps.store.requeue(job.tenant, job.id);
  if (!queued) {
    await deps.store.releaseTenantLock(job.tenant, job.id);
    const current = await deps.store.get(job.tenant, job.id);
    throw new JobStateError(
      id,
      current?.status ?? job.status,
      'only failed or cancelled exports can be retried',
    );
  }
  await deps.queue.enqueue({ tenant: job.tenant, jobId: job.id });
  deps.logger.audit('export.retried', { tenant: job.tenant, jobId: job.id, user: admin });
  return queued;
}

/** Sets (or clears, with null) the end of a tenant's subscription. */
export async function setSubscription(
  deps: { store: JobStore; clock: Clock; logger: Logger },
  admin: string,
  tenant: string,
  endsAt: string | null,
): Promise<TenantRecord> {
  const record = await deps.store.putTenantSubscription(tenant, endsAt, deps.clock.now());
  deps.logger.audit('tenant.subscription_set', { tenant, endsAt, user: admin });
  return record;
}

export interface TenantState {
  tenant: string;
  /** active (no end, or end ahead) | ending (ended, window open) | closed (window over) | purged. */
  state: TenantPhase;
  subscription: { status: 'active' | 'ended'; endsAt: string | null };
  /** Last moment exports and downloads are allowed (end + reversibility window); null while active with no end. */
  reversibilityDeadline: string | null;
  /** Whole days left, rounded up (1 on the last day); 0 once the deadline has passed. */
  daysLeft: number | null;
  /** Exact time left, for the last day. */
  secondsLeft: number | null;
  legalHold: boolean;
  purgedAt: string | null;
  /** What the user can still do and what happens next. */
  message: string;
}

function stateMessage(window: TenantWindow): string {
  switch (window.phase) {
    case 'active':
      return window.deadline
        ? `Your subscription ends on ${window.subscriptionEndsAt}; you may export your data until ${window.deadline}.`
        : 'Your subscription is active.';
    case 'ending':
      return `Your subscription ended on ${window.subscriptionEndsAt}. Export and download your data until ${window.deadline}; after that it is permanently deleted.`;
    default:
      return `The reversibility window closed at ${window.deadline}. ${dataFate(window)}`;
  }
}

/** The tenant's subscription state as its users see it. */
export async function getTenantState(
  deps: { store: JobStore; clock: Clock; reversibilityDays: number },
  tenant: string,
): Promise<TenantState> {
  const record = await deps.store.getTenant(tenant);
  const now = deps.clock.now();
  const window = tenantWindow(tenant, record, now, { reversibilityDays: deps.reversibilityDays });
  const endsAt = window.subscriptionEndsAt;
  return {
    tenant,
    state: window.phase,
    subscription: { status: endsAt && Date.parse(endsAt) <= now.getTime() ? 'ended' : 'active', endsAt },
    reversibilityDeadline: window.deadline,
    daysLeft: window.msLeft === null ? null : Math.ceil(window.msLeft / 86_400_000),
    secondsLeft: window.msLeft === null ? null : Math.floor(window.msLeft / 1000),
    legalHold: window.legalHold,
    purgedAt: window.purgedAt,
    message: stateMessage(window),
  };
}
