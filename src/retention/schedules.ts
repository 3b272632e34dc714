/**
 * The scheduled tasks of retention, by name: one EventBridge schedule each in serverless.yml
 * (functions/schedule/*), and the local scheduler of `npm start`.
 */
import { randomUUID } from 'node:crypto';
import type { ScheduleBackupsDeps } from './backups.ts';
import { scheduleBackups } from './backups.ts';
import type { PurgeDeps } from './purge.ts';
import { runPurge } from './purge.ts';
import type { ReminderDeps } from './reminders.ts';
import { sendReminders } from './reminders.ts';
import type { SyncDeps } from './sync-subscriptions.ts';
import { syncSubscriptions } from './sync-subscriptions.ts';
import type { RetentionStore } from './types.ts';

export const SCHEDULED_TASKS = ['subscription-sync', 'reminders', 'backups', 'purge'] as const;
export type ScheduledTask = (typeof SCHEDULED_TASKS)[number];

export interface RetentionServices {
  store: RetentionStore;
  purge: PurgeDeps;
  backups: ScheduleBackupsDeps;
  reminders: ReminderDeps;
  /** Null when no HANDOVER_SUBSCRIPTION_SYNC_QUERY is configured. */
  sync: SyncDeps | null;
}

/** A new purge run id: time-sortable prefix, random suffix. */
export function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${randomUUID().slice(0, 8)}`;
}

/** Runs one scheduled task and returns its summary (for the log). */
export async function runScheduledTask(
  task: ScheduledTask,
  services: RetentionServices,
): Promise<Record<string, unknown>> {
  switch (task) {
    case 'subscription-sync':
      if (!services.sync) return { skipped: 'HANDOVER_SUBSCRIPTION_SYNC_QUERY is not set' };
      return syncSubscriptions(services.sync);
    case 'reminders':
      return sendReminders(services.reminders);
    case 'backups':
      return scheduleBackups(services.backups);
    case 'purge': {
      const report = await runPurge(services.purge, newRunId(services.purge.clock.now()));
      const { deleted: _deleted, ...summary } = report;
      return summary;
    }
  }
}
