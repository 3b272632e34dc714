/** Errors of the catalog area: a bad config file, a catalog that cannot be built, a scope that cannot be applied. */

/** One problem found in a config file: the key path (`tenancy.column`) and what was expected there. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * The config file is unreadable or invalid. The message names the file, the key path and what was
 * expected, e.g. `config.yml: tenancy.column: expected a string`; one line per problem.
 */
export class ConfigError extends Error {
  readonly origin: string;
  readonly issues: ConfigIssue[];

  constructor(origin: string, issues: ConfigIssue[], options?: { cause?: unknown }) {
    super(
      issues.map((issue) => `${origin}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`).join('\n'),
      options,
    );
    this.name = 'ConfigError';
    this.origin = origin;
    this.issues = issues;
  }
}

/** Introspection of the source database failed or returned something discovery cannot use. */
export class CatalogError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CatalogError';
  }
}

/** A scoped statement cannot be built: unsafe tenant id for schema mode, a tenant id of the wrong shape... */
export class ScopeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScopeError';
  }
}
