import { SourceError } from './errors.ts';
import { createMysqlSource } from './mysql.ts';
import { createPostgresSource } from './postgres.ts';
import type { SourceDatabase } from './types.ts';

/** URL schemes handover reads, and the adapter each one selects. */
export const SOURCE_URL_SCHEMES = ['postgres', 'postgresql', 'mysql', 'mariadb'] as const;

export interface OpenSourceOptions {
  /** Connections in the pool (default 4). The embedded demo database (pglite-socket) needs 1. */
  poolSize?: number;
  /** How long to wait for a connection to open, in milliseconds (default 30 000). */
  connectTimeoutMs?: number;
}

/**
 * Opens the source database named by `url`, choosing the adapter by scheme:
 * `postgres://` and `postgresql://` (also the embedded demo database), `mysql://` and `mariadb://`.
 * Nothing connects yet: connection problems surface on first use, as a SourceError.
 *
 * @example openSource('postgresql://reader:secret@db.internal:5432/app')
 * @example openSource(demo.url, { poolSize: 1 })
 */
export function openSource(url: string, options: OpenSourceOptions = {}): SourceDatabase {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url.trim())?.[1]?.toLowerCase();
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return createPostgresSource(url, options);
    case 'mysql':
    case 'mariadb':
      return createMysqlSource(url, options);
    default:
      throw new SourceError(
        'invalid-url',
        `the source URL must start with ${SOURCE_URL_SCHEMES.map((s) => `${s}://`).join(', ')}` +
          (scheme ? ` (got ${scheme}://)` : ''),
      );
  }
}
