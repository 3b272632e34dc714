/**
 * Tables and columns left out of every export unless the config says `exclude.useDefaults: false`.
 * They hold framework bookkeeping (migrations, queues, caches) or secrets (password hashes, tokens,
 * sessions): nothing a customer needs to take their data elsewhere, and plenty an attacker would want.
 */

export interface DefaultRule {
  pattern: string;
  reason: string;
}

const FRAMEWORK = 'default rule: framework table';
const SECRET_TABLE = 'default rule: secret table';
const SECRET_COLUMN = 'default rule: secret column';

/** Table globs matched against the bare table name. */
export const DEFAULT_EXCLUDED_TABLES: readonly DefaultRule[] = [
  // Migration bookkeeping of the common frameworks and tools.
  ...[
    'migrations',
    'schema_migrations',
    'ar_internal_metadata',
    'knex_migrations*',
    'django_migrations',
    'django_content_type',
    'django_admin_log',
    'doctrine_migration_versions',
    'flyway_schema_history',
    'databasechangelog',
    'databasechangeloglock',
    '_prisma_migrations',
    '__drizzle_migrations',
    'sequelizemeta',
    'goose_db_version',
    'typeorm_metadata',
    'phinxlog',
    // Queues and caches: transient, and their payloads may embed secrets.
    'failed_jobs',
    'jobs',
    'job_batches',
    'cache',
    'cache_locks',
    'telescope_*',
    'pulse_*',
  ].map((pattern) => ({ pattern, reason: FRAMEWORK })),
  // Sessions and tokens: credentials, never data.
  ...[
    'sessions',
    'django_session',
    'password_resets',
    'password_reset_tokens',
    'personal_access_tokens',
    'oauth_*',
    'authtoken_token',
  ].map((pattern) => ({ pattern, reason: SECRET_TABLE })),
];

/** Column globs (`*.name` style, matched against the bare column name of any table). */
export const DEFAULT_EXCLUDED_COLUMNS: readonly DefaultRule[] = [
  'password',
  'passwd',
  'password_hash',
  'password_digest',
  'password_salt',
  'encrypted_password',
  '*_password',
  'remember_token',
  'api_token',
  'api_key',
  '*_api_key',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  '*_token',
  '*_token_hash',
  '*_token_digest',
  'secret',
  'secret_key',
  'private_key',
  '*_secret',
  'two_factor_secret',
  'two_factor_recovery_codes',
  'otp_secret',
  'encrypted_otp_secret*',
  'otp_backup_codes',
  'reset_password_token',
].map((pattern) => ({ pattern, reason: SECRET_COLUMN }));
