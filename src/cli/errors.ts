import { ConfigError, ScopeError } from '../catalog/errors.ts';
import { ExportError } from '../export/errors.ts';
import { SourceError } from '../sources/errors.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';

/** A mistake on the command line that is worth one clear sentence (exit status 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Maps an error to the CLI's exit status. */
export function exitCodeFor(error: unknown): ExitCode {
  // A ScopeError is a tenant id the tenancy cannot take (not an integer, not a valid schema name).
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof ScopeError)
    return EXIT.usage;
  // Discovery wraps a failed query in a CatalogError: an unreachable database is still a source problem.
  if (error instanceof SourceError || causedBySourceError(error)) return EXIT.source;
  if (error instanceof ExportError) {
    if (error.code === 'cancelled') return EXIT.interrupted;
    if (error.code === 'unknown-table' || error.code === 'no-tables') return EXIT.usage;
    return EXIT.exportFailed;
  }
  return EXIT.exportFailed;
}

function causedBySourceError(error: unknown): boolean {
  let cause = error instanceof Error ? error.cause : undefined;
  // Cause chains are short; the bound keeps a cyclic chain from looping forever.
  for (let depth = 0; depth < 5 && cause instanceof Error; depth += 1) {
    if (cause instanceof SourceError) return true;
    cause = cause.cause;
  }
  return false;
}

/**
 * The message printed for an error. Our own errors are written for people; anything else is shown by
 * its message only (no stack), which never contains row data or passwords (URLs are redacted upstream).
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    // Wrappers often quote their cause already: say it once.
    const cause =
      error.cause instanceof Error && !error.message.includes(error.cause.message)
        ? ` (${error.cause.message})`
        : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
