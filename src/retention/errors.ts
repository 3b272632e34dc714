/** Errors of the retention rules. Each carries its HTTP status; the HTTP layer never inspects names. */
import { ProblemError } from '../http/problem.ts';
import type { TenantWindow } from './window.ts';

/** The error code a refused request, or a job run after the deadline, carries. */
export const WINDOW_CLOSED_CODE = 'reversibility-window-closed';

/** What happens to the tenant's data after the deadline, in words a user can act on. */
export function dataFate(window: TenantWindow): string {
  if (window.phase === 'purged') return `Your company's data was permanently deleted on ${window.purgedAt}.`;
  if (window.legalHold) return "Your company's data is kept under a legal hold; contact support.";
  return "Your company's data, exports and backups are being permanently deleted; this cannot be undone.";
}

/** The message of a refusal, shared by the API's problem+json and a worker job's error. */
export function windowClosedMessage(window: TenantWindow, what: string): string {
  return `${what} is no longer possible: your company's subscription ended on ${window.subscriptionEndsAt} and the reversibility window closed at ${window.deadline}. ${dataFate(window)}`;
}

/**
 * 403, not 410: the resource may still exist (until the purge runs), but the caller is no longer
 * allowed to get it. The body carries `deadline` and `subscriptionEndedAt`.
 */
export class WindowClosedError extends ProblemError {
  constructor(window: TenantWindow, what: string) {
    super(403, {
      code: WINDOW_CLOSED_CODE,
      title: 'The reversibility window has closed',
      detail: windowClosedMessage(window, what),
      extensions: {
        deadline: window.deadline,
        subscriptionEndedAt: window.subscriptionEndsAt,
        state: window.phase,
        legalHold: window.legalHold,
      },
    });
    this.name = 'WindowClosedError';
  }
}
