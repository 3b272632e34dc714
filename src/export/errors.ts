/** Why an export failed, in words a person can act on. `code` is stable; the job record and API carry it. */
export type ExportErrorCode =
  | 'unknown-table'
  | 'no-tables'
  | 'cancelled'
  | 'source-failed'
  | 'archive-failed';

export class ExportError extends Error {
  override readonly name = 'ExportError';

  constructor(
    readonly code: ExportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
