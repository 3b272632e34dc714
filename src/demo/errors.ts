/** Why the embedded demo database could not start. `code` is stable; the message says what to do. */
export type DemoDatabaseErrorCode = 'busy' | 'seed-failed' | 'start-failed';

export class DemoDatabaseError extends Error {
  override readonly name = 'DemoDatabaseError';

  constructor(
    readonly code: DemoDatabaseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
