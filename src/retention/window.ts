/**
 * The reversibility window: after a subscription ends, the tenant may still export and download
 * until the deadline (end + `reversibilityDays`), inclusive to the millisecond; from the next
 * instant on, every export, backup download and archive download is refused, and the purge
 * deletes the tenant's data unless it is on legal hold. This module states that rule once.
 */
import type { TenantRecord } from '../jobs/types.ts';

const DAY_MS = 86_400_000;

/** Where a tenant stands: `active` (no end, or end still ahead), `ending` (ended, window open), `closed` (window over, data not yet purged), `purged`. */
export type TenantPhase = 'active' | 'ending' | 'closed' | 'purged';

export interface RetentionRules {
  /** Days between the end of the subscription and the reversibility deadline. */
  reversibilityDays: number;
}

export interface TenantWindow {
  tenant: string;
  phase: TenantPhase;
  subscriptionEndsAt: string | null;
  /** Last instant exports and downloads are allowed; null while there is no end date. */
  deadline: string | null;
  /** Whole milliseconds left until the deadline (0 once passed); null without an end date. */
  msLeft: number | null;
  legalHold: boolean;
  purgedAt: string | null;
}

/** The reversibility deadline of a subscription end, or null without one. */
export function reversibilityDeadline(endsAt: string | null, rules: RetentionRules): Date | null {
  if (!endsAt) return null;
  return new Date(Date.parse(endsAt) + rules.reversibilityDays * DAY_MS);
}

/** True while `now` is at or before the deadline (or there is none). */
export function isWithinWindow(deadline: Date | null, now: Date): boolean {
  return deadline === null || now.getTime() <= deadline.getTime();
}

/** The tenant's window as of `now`; a tenant without a record is active. */
export function tenantWindow(
  tenant: string,
  record: TenantRecord | null,
  now: Date,
  rules: RetentionRules,
): TenantWindow {
  const endsAt = record?.subscriptionEndsAt ?? null;
  const deadline = reversibilityDeadline(endsAt, rules);
  const purgedAt = record?.purgedAt ?? null;
  let phase: TenantPhase = 'active';
  if (purgedAt) phase = 'purged';
  else if (deadline && !isWithinWindow(deadline, now)) phase = 'closed';
  else if (endsAt && Date.parse(endsAt) <= now.getTime()) phase = 'ending';
  return {
    tenant,
    phase,
    subscriptionEndsAt: endsAt,
    deadline: deadline ? deadline.toISOString() : null,
    msLeft: deadline ? Math.max(0, deadline.getTime() - now.getTime()) : null,
    legalHold: record?.legalHold ?? false,
    purgedAt,
  };
}

/** Whether the tenant's data is still kept (and backed up): before the deadline and not purged. */
export function isDataKept(window: TenantWindow): boolean {
  return window.phase === 'active' || window.phase === 'ending';
}
