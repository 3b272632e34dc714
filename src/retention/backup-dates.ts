/**
 * Daily backups are named by their UTC day. A backup of day D is kept while it is at most
 * `retentionDays` days old (day D + 30 is its last day with the default) and purged from
 * the start of day D + retentionDays + 1. This is the one place that rule lives.
 */

const DAY_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) of an instant. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The instant a backup of `day` stops being kept. */
export function backupExpiresAt(day: string, retentionDays: number): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + (retentionDays + 1) * DAY_MS);
}

/** True once the backup of `day` is older than the retention. */
export function isBackupExpired(day: string, now: Date, retentionDays: number): boolean {
  return now.getTime() >= backupExpiresAt(day, retentionDays).getTime();
}

/** The days whose backups are kept as of `now`, newest first (today included). */
export function keptBackupDays(now: Date, retentionDays: number): string[] {
  const today = Date.parse(`${utcDay(now)}T00:00:00.000Z`);
  return Array.from({ length: retentionDays + 1 }, (_, i) => utcDay(new Date(today - i * DAY_MS)));
}

/** Matches a backup object key: `backups/<tenant>/<YYYY-MM-DD>/...`. */
export const BACKUP_KEY = /^backups\/([^/]+)\/(\d{4}-\d{2}-\d{2})\//;
/** Matches an export object key: `exports/<tenant>/<jobId>/...`. */
export const EXPORT_KEY = /^exports\/([^/]+)\/([^/]+)\//;
