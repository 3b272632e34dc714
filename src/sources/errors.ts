/**
 * Errors raised by the source database adapters.
 *
 * Messages name the server (`host:port`) and database so an operator can act on them, and never
 * contain the password of the source URL: a cause is only attached when it does not mention it.
 */

import { inspect } from 'node:util';

/**
 * - `invalid-url`: the source URL cannot be read, or names a scheme handover does not speak.
 * - `connection`: the server could not be reached, refused the login, or dropped the connection.
 * - `query`: the server rejected a statement (syntax, permissions, a write inside a read-only snapshot).
 * - `usage`: the adapter was used the wrong way (a closed snapshot, an unsupported parameter value).
 */
export type SourceErrorCode = 'invalid-url' | 'connection' | 'query' | 'usage';

export class SourceError extends Error {
  override readonly name = 'SourceError';
  readonly code: SourceErrorCode;

  constructor(code: SourceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The message of anything thrown, as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Returns `cause` only if nothing a logger could print of it (message, stack, properties such as a
 * driver's client object) mentions `secret`, so a logged SourceError can never leak the password.
 */
export function safeCause(cause: unknown, secret: string | undefined): unknown {
  if (!secret) return cause;
  const printed = inspect(cause, { depth: 6, showHidden: true, maxStringLength: null, maxArrayLength: null });
  return printed.includes(secret) ? undefined : cause;
}

/** Removes every occurrence of `secret` from `text`. */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.replaceAll(secret, '***') : text;
}
