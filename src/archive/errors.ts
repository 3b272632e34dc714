/** A zip part could not be written, committed or read back; `cause` holds the underlying error. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** manifest.json is missing, not JSON, or does not match the manifest format; `issues` says where. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';

  constructor(
    message: string,
    readonly issues: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
