/**
 * The service's configuration, read from the environment once at cold start. Every variable has
 * one name, one default and one validation here; a bad or missing value fails fast with the
 * variable's name. This module (through `readServiceConfig`) is the only reader of process.env.
 */
import type { CsvProfile, ExportFormat } from '../archive/types.ts';
import { CSV_PROFILES, EXPORT_FORMATS } from '../archive/types.ts';
import { ConfigError } from './errors.ts';

export type Environment = Record<string, string | undefined>;

export interface AuthConfig {
  issuer: string;
  audience: string;
  algorithms: string[];
  /** Production: the identity provider's JWKS. */
  jwksUrl: string | null;
  /** Local mode: a shared HS256 secret. */
  secret: string | null;
  tenantClaim: string;
  rolesClaim: string;
  clockToleranceSeconds: number;
}

export interface AwsConfig {
  region: string;
  /** Emulator endpoint for S3, SQS and SNS (local mode); null in AWS. */
  endpoint: string | null;
  /** Emulator endpoint for DynamoDB (local mode); null in AWS. */
  dynamoEndpoint: string | null;
  forcePathStyle: boolean;
}

export interface ServiceConfig {
  aws: AwsConfig;
  jobsTable: string;
  controlTable: string;
  tenantsTable: string;
  /** Purge log, purge runs and tenant deletion records. */
  deletionsTable: string;
  bucket: string;
  queueUrl: string;
  alertsTopicArn: string;
  notificationsTopicArn: string | null;
  /** `aws:kms` with a key id, or `AES256`. */
  sse: { algorithm: 'aws:kms' | 'AES256'; kmsKeyId: string | null };
  auth: AuthConfig;
  /** Connection URL of the tenants' source database (read-only user); else the catalog config's `source.url`. */
  sourceUrl: string | null;
  /** Catalog config file (YAML/JSON), optional. */
  catalogConfigPath: string | null;
  defaultFormats: ExportFormat[];
  csvProfile: CsvProfile;
  maxPartBytes: number;
  downloadUrlTtlSeconds: number;
  archiveTtlDays: number;
  reversibilityDays: number;
  /** Days a daily backup is kept (the backup of day D is purged from day D + this + 1). */
  backupRetentionDays: number;
  /**
   * SQL run on the source database by the subscription-sync schedule; returns one row per tenant
   * with columns `tenant` and `ends_at` (timestamp or null). Null: end dates come from the admin API only.
   */
  subscriptionSyncQuery: string | null;
  rateLimit: { requests: number; windowSeconds: number };
  idempotencyTtlSeconds: number;
  leaseSeconds: number;
  heartbeatSeconds: number;
  maxAttempts: number;
  maxBodyBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

function required(env: Environment, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required but not set.');
  return value;
}

function optional(env: Environment, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function integer(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer between ${min} and ${max}, got "${raw}".`);
  }
  return value;
}

function oneOf<T extends string>(env: Environment, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}".`);
  }
  return raw as T;
}

function list(env: Environment, name: string, fallback: string[]): string[] {
  const raw = optional(env, name);
  if (raw === null) return fallback;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function url(name: string, value: string): string {
  try {
    new URL(value);
  } catch {
    throw new ConfigError(name, 'must be a URL.');
  }
  return value;
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const SYMMETRIC = ['HS256', 'HS384', 'HS512'];

function readAuth(env: Environment): AuthConfig {
  const jwksUrl = optional(env, 'HANDOVER_AUTH_JWKS_URL');
  const secret = optional(env, 'HANDOVER_AUTH_SECRET');
  if (!jwksUrl && !secret) {
    throw new ConfigError('HANDOVER_AUTH_JWKS_URL', 'is required (or HANDOVER_AUTH_SECRET in local mode).');
  }
  if (jwksUrl && secret) {
    throw new ConfigError('HANDOVER_AUTH_SECRET', 'must not be set together with HANDOVER_AUTH_JWKS_URL.');
  }
  if (secret && Buffer.byteLength(secret) < 32) {
    throw new ConfigError('HANDOVER_AUTH_SECRET', 'must be at least 32 bytes long.');
  }
  const allowed = jwksUrl ? ASYMMETRIC : SYMMETRIC;
  const algorithms = list(env, 'HANDOVER_AUTH_ALGORITHMS', jwksUrl ? ['RS256', 'ES256'] : ['HS256']);
  for (const alg of algorithms) {
    if (!allowed.includes(alg)) {
      throw new ConfigError(
        'HANDOVER_AUTH_ALGORITHMS',
        `lists ${alg}, which is not allowed with ${jwksUrl ? 'a JWKS URL' : 'a shared secret'} (allowed: ${allowed.join(', ')}).`,
      );
    }
  }
  return {
    issuer: required(env, 'HANDOVER_AUTH_ISSUER'),
    audience: required(env, 'HANDOVER_AUTH_AUDIENCE'),
    algorithms,
    jwksUrl: jwksUrl ? url('HANDOVER_AUTH_JWKS_URL', jwksUrl) : null,
    secret,
    tenantClaim: optional(env, 'HANDOVER_AUTH_TENANT_CLAIM') ?? 'tenant',
    rolesClaim: optional(env, 'HANDOVER_AUTH_ROLES_CLAIM') ?? 'roles',
    clockToleranceSeconds: integer(env, 'HANDOVER_AUTH_CLOCK_TOLERANCE_SECONDS', 5, 0, 300),
  };
}

/**
 * Validates an environment into a ServiceConfig.
 * @throws ConfigError naming the first variable that is missing or invalid.
 */
export function loadServiceConfig(env: Environment): ServiceConfig {
  const formats = list(env, 'HANDOVER_DEFAULT_FORMATS', ['csv', 'xlsx']);
  for (const f of formats) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(f)) {
      throw new ConfigError(
        'HANDOVER_DEFAULT_FORMATS',
        `lists "${f}"; allowed: ${EXPORT_FORMATS.join(', ')}.`,
      );
    }
  }
  const kmsKeyId = optional(env, 'HANDOVER_KMS_KEY_ID');
  const sseAlgorithm = oneOf(
    env,
    'HANDOVER_SSE',
    ['aws:kms', 'AES256'] as const,
    kmsKeyId ? 'aws:kms' : 'AES256',
  );
  const endpoint = optional(env, 'HANDOVER_AWS_ENDPOINT');
  const dynamoEndpoint = optional(env, 'HANDOVER_DYNAMODB_ENDPOINT');
  const leaseSeconds = integer(env, 'HANDOVER_LEASE_SECONDS', 120, 5, 3600);
  return {
    aws: {
      region: optional(env, 'AWS_REGION') ?? 'us-east-1',
      endpoint: endpoint ? url('HANDOVER_AWS_ENDPOINT', endpoint) : null,
      dynamoEndpoint: dynamoEndpoint ? url('HANDOVER_DYNAMODB_ENDPOINT', dynamoEndpoint) : null,
      forcePathStyle: endpoint !== null,
    },
    jobsTable: required(env, 'HANDOVER_JOBS_TABLE'),
    controlTable: required(env, 'HANDOVER_CONTROL_TABLE'),
    tenantsTable: required(env, 'HANDOVER_TENANTS_TABLE'),
    deletionsTable: required(env, 'HANDOVER_DELETIONS_TABLE'),
    bucket: required(env, 'HANDOVER_BUCKET'),
    queueUrl: url('HANDOVER_QUEUE_URL', required(env, 'HANDOVER_QUEUE_URL')),
    alertsTopicArn: required(env, 'HANDOVER_ALERTS_TOPIC_ARN'),
    notificationsTopicArn: optional(env, 'HANDOVER_NOTIFICATIONS_TOPIC_ARN'),
    sse: { algorithm: sseAlgorithm, kmsKeyId },
    auth: readAuth(env),
    sourceUrl: optional(env, 'HANDOVER_SOURCE_URL'),
    catalogConfigPath: optional(env, 'HANDOVER_CONFIG'),
    defaultFormats: formats as ExportFormat[],
    csvProfile: oneOf(env, 'HANDOVER_CSV_PROFILE', CSV_PROFILES, 'excel'),
    maxPartBytes: integer(env, 'HANDOVER_MAX_PART_BYTES', 1024 * 1024 * 1024, 64 * 1024, 5 * 1024 ** 4),
    downloadUrlTtlSeconds: integer(env, 'HANDOVER_DOWNLOAD_URL_TTL_SECONDS', 300, 30, 3600),
    archiveTtlDays: integer(env, 'HANDOVER_ARCHIVE_TTL_DAYS', 7, 1, 365),
    reversibilityDays: integer(env, 'HANDOVER_REVERSIBILITY_DAYS', 30, 0, 3650),
    backupRetentionDays: integer(env, 'HANDOVER_BACKUP_RETENTION_DAYS', 30, 1, 3650),
    subscriptionSyncQuery: optional(env, 'HANDOVER_SUBSCRIPTION_SYNC_QUERY'),
    rateLimit: {
      requests: integer(env, 'HANDOVER_RATE_LIMIT', 10, 1, 100_000),
      windowSeconds: integer(env, 'HANDOVER_RATE_WINDOW_SECONDS', 3600, 1, 86_400),
    },
    idempotencyTtlSeconds: integer(env, 'HANDOVER_IDEMPOTENCY_TTL_SECONDS', 86_400, 60, 7 * 86_400),
    leaseSeconds,
    heartbeatSeconds: integer(
      env,
      'HANDOVER_HEARTBEAT_SECONDS',
      Math.max(1, Math.floor(leaseSeconds / 4)),
      1,
      3600,
    ),
    maxAttempts: integer(env, 'HANDOVER_MAX_ATTEMPTS', 3, 1, 10),
    maxBodyBytes: integer(env, 'HANDOVER_MAX_BODY_BYTES', 16 * 1024, 256, 1024 * 1024),
    logLevel: oneOf(env, 'HANDOVER_LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
  };
}

/** Reads the process environment. Called once, by the wiring module, at cold start. */
export function readServiceConfig(): ServiceConfig {
  return loadServiceConfig(process.env);
}

/**
 * Where `npm start` writes the environment of the running local stack (emulator endpoints, table
 * names), so that operator commands (`handover purge`) reach it without AWS configuration.
 */
export const LOCAL_STATE_FILE = '.handover/local.json';

export interface LocalState {
  url: string;
  pid: number;
  env: Environment;
}

/**
 * The service config for an operator command: from the environment when it configures the
 * service (HANDOVER_JOBS_TABLE set: a deployed stage), else from the running local stack's
 * LOCAL_STATE_FILE.
 * @throws ConfigError when neither is available
 */
export async function readOperatorConfig(
  env: Environment = process.env,
): Promise<{ config: ServiceConfig; origin: string }> {
  if (optional(env, 'HANDOVER_JOBS_TABLE')) return { config: loadServiceConfig(env), origin: 'environment' };
  const { readFile } = await import('node:fs/promises');
  let state: LocalState;
  try {
    state = JSON.parse(await readFile(LOCAL_STATE_FILE, 'utf8')) as LocalState;
  } catch {
    throw new ConfigError(
      'HANDOVER_JOBS_TABLE',
      `is not set and no local stack is running (${LOCAL_STATE_FILE} not found). Start one with npm start, or set the service variables of a deployed stage.`,
    );
  }
  return {
    config: loadServiceConfig(state.env),
    origin: `local stack at ${state.url} (${LOCAL_STATE_FILE})`,
  };
}

/** What local mode (`npm start`, `npm run demo`) takes from the environment. */
export interface LocalModeSettings {
  /** A real source database instead of the embedded demo. */
  sourceUrl: string | null;
  /** A catalog config file (its `source.url` also replaces the embedded demo). */
  configPath: string | null;
  port: number;
}

/** Reads local mode's variables (HANDOVER_SOURCE_URL, HANDOVER_CONFIG, PORT). */
export function readLocalModeSettings(env: Environment = process.env): LocalModeSettings {
  return {
    sourceUrl: optional(env, 'HANDOVER_SOURCE_URL'),
    configPath: optional(env, 'HANDOVER_CONFIG'),
    port: integer(env, 'PORT', 3000, 0, 65_535),
  };
}
