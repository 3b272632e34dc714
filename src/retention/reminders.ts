/**
 * Reminders before the reversibility deadline: 7 days and 1 day before it, one event each on the
 * notifications topic. A marker per tenant, deadline and reminder (conditional write) makes them
 * go out once however often the schedule runs; it is written before publishing, so a crash in
 * between loses that reminder rather than sending it twice.
 */
import type { Clock } from '../jobs/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { EventPublisher, RetentionStore } from './types.ts';
import type { RetentionRules } from './window.ts';
import { tenantWindow } from './window.ts';

/** Days before the deadline a reminder goes out, most distant first. */
export const REMINDER_DAYS = [7, 1] as const;
export const REMINDER_EVENT = 'reversibility.reminder';

export interface ReminderDeps {
  retention: RetentionStore;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  rules: RetentionRules;
}

/**
 * Sends the reminders that are due. When several are due at once (an end date set late), only
 * the nearest is sent and the others are marked as skipped.
 */
export async function sendReminders(
  deps: ReminderDeps,
): Promise<{ sent: { tenant: string; daysBefore: number }[] }> {
  const now = deps.clock.now();
  const sent: { tenant: string; daysBefore: number }[] = [];
  for (const record of await deps.retention.listTenants()) {
    const window = tenantWindow(record.tenant, record, now, deps.rules);
    if (!window.deadline || window.phase === 'closed' || window.phase === 'purged') continue;
    const deadline = Date.parse(window.deadline);
    const due = REMINDER_DAYS.filter((days) => now.getTime() >= deadline - days * 86_400_000);
    const nearest = due[due.length - 1];
    if (nearest === undefined) continue;
    const expiresAt = new Date(deadline + 30 * 86_400_000);
    for (const days of due) {
      const key = `REMIND#${record.tenant}#${window.deadline}#${days}d`;
      const send = days === nearest;
      const claimed = await deps.retention.claimMarker(
        key,
        { tenant: record.tenant, outcome: send ? 'sent' : 'skipped' },
        expiresAt,
      );
      if (!claimed || !send) continue;
      await deps.publisher.publish({
        type: REMINDER_EVENT,
        tenant: record.tenant,
        at: now.toISOString(),
        daysBefore: days,
        deadline: window.deadline,
        subscriptionEndedAt: window.subscriptionEndsAt,
        message: `Your company's data can be exported until ${window.deadline}; after that it is permanently deleted.`,
      });
      sent.push({ tenant: record.tenant, daysBefore: days });
      deps.logger.info('reminder sent', {
        tenant: record.tenant,
        daysBefore: days,
        deadline: window.deadline,
      });
    }
  }
  return { sent };
}
