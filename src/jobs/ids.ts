/** Job ids are ULIDs: sortable by creation time, so date filters become key ranges. */
import { encodeTime, ulid } from 'ulid';
import type { Clock, IdGenerator } from './types.ts';

/** Matches a ULID (Crockford base32, 26 characters). */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Ids stamped with the injected clock's time. */
export function createIdGenerator(clock: Clock): IdGenerator {
  return () => ulid(clock.now().getTime());
}

/** Inclusive id bounds covering jobs created between `from` and `to` (ISO 8601), open-ended when absent. */
export function ulidBounds(from?: string, to?: string): { lo: string; hi: string } {
  const lo = from ? `${encodeTime(Date.parse(from), 10)}${'0'.repeat(16)}` : '0'.repeat(26);
  const hi = to ? `${encodeTime(Date.parse(to), 10)}${'Z'.repeat(16)}` : '7'.concat('Z'.repeat(25));
  return { lo, hi };
}
