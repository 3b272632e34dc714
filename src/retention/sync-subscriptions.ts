/**
 * Subscription end dates synced from the source database by a configured query
 * (HANDOVER_SUBSCRIPTION_SYNC_QUERY), returning columns `tenant` and `ends_at`. A changed value in
 * the source database wins; an admin's later change (PUT .../subscription) stands until then.
 */
import type { Clock } from '../jobs/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { SourceDatabase } from '../sources/types.ts';
import type { RetentionStore } from './types.ts';

export interface SyncDeps {
  retention: RetentionStore;
  clock: Clock;
  logger: Logger;
  query: string;
  openSource: () => Promise<SourceDatabase>;
}

function toInstant(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new Error('ends_at is not a timestamp');
  return date.toISOString();
}

/** Runs the query and applies changed end dates; returns the tenants updated. */
export async function syncSubscriptions(deps: SyncDeps): Promise<{ updated: string[]; seen: number }> {
  const source = await deps.openSource();
  try {
    const rows = await source.query<Record<string, unknown>>({ sql: deps.query, params: [] });
    const updated: string[] = [];
    for (const row of rows) {
      const tenant = row.tenant === null || row.tenant === undefined ? '' : String(row.tenant);
      if (!tenant) continue;
      let endsAt: string | null;
      try {
        endsAt = toInstant(row.ends_at);
      } catch {
        deps.logger.warn('subscription sync: unreadable ends_at; row skipped', { tenant });
        continue;
      }
      if (await deps.retention.syncSubscription(tenant, endsAt, deps.clock.now())) {
        updated.push(tenant);
        deps.logger.audit('tenant.subscription_synced', { tenant, endsAt, user: 'subscription-sync' });
      }
    }
    return { updated, seen: rows.length };
  } finally {
    await source.close();
  }
}
