import { SourceError } from './errors.ts';

/** The parts of a source URL that the adapters and their error messages need. */
export interface SourceUrl {
  /** Lower-case scheme without the colon: `postgres`, `postgresql`, `mysql`, `mariadb`. */
  scheme: string;
  host: string;
  port: number;
  database: string;
  user: string;
  /** Decoded; never put it in a message. */
  password: string;
  params: URLSearchParams;
}

/**
 * Parses `scheme://user:password@host:port/database?params`.
 * A malformed URL raises a SourceError that does not repeat the URL (it may hold a password;
 * Node's own URL error keeps the whole input on the error object).
 */
export function parseSourceUrl(url: string, defaultPort: number): SourceUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceError(
      'invalid-url',
      'the source URL is not a valid URL (expected scheme://user:password@host:port/database)',
    );
  }
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new SourceError('invalid-url', `the ${what} in the source URL is not valid percent-encoding`);
    }
  };
  const host = decode(parsed.hostname, 'host').replace(/^\[(.*)\]$/, '$1');
  return {
    scheme: parsed.protocol.replace(/:$/, '').toLowerCase(),
    host: host === '' ? 'localhost' : host,
    port: parsed.port === '' ? defaultPort : Number(parsed.port),
    database: decode(parsed.pathname.replace(/^\//, ''), 'database name'),
    user: decode(parsed.username, 'user name'),
    password: decode(parsed.password, 'password'),
    params: parsed.searchParams,
  };
}

/** `host:port/database`, what error messages name (never the user's password). */
export function describeTarget(url: SourceUrl): string {
  const host = url.host.includes(':') ? `[${url.host}]` : url.host;
  return `${host}:${url.port}/${url.database}`;
}
