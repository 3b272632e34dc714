/**
 * The one wiring module: builds the AWS clients (once, at cold start) and the adapters, and hands
 * the HTTP routes and the worker their ports. Local mode and tests call `createService` with their
 * own config (emulator endpoints) and may override any port (clock, notifier, export engine).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { TokenVerifier } from '../auth/verify-token.ts';
import { createTokenVerifier } from '../auth/verify-token.ts';
import { createDynamoJobStore } from '../aws/dynamo-job-store.ts';
import { createDynamoRetentionStore } from '../aws/dynamo-retention-store.ts';
import type { S3ObjectStore } from '../aws/s3-object-store.ts';
import { createS3ObjectStore } from '../aws/s3-object-store.ts';
import { createSnsNotifier } from '../aws/sns-notifier.ts';
import { createSqsJobQueue } from '../aws/sqs-job-queue.ts';
import type { HandoverConfig } from '../catalog/config.ts';
import { DEFAULT_CONFIG, loadConfig } from '../catalog/config.ts';
import type { ExportRequest, ExportResult } from '../export/types.ts';
import type { ApiDeps } from '../http/types.ts';
import { getTenantState } from '../jobs/admin.ts';
import { createIdGenerator } from '../jobs/ids.ts';
import type { PreparedSource, RunExportJobDeps } from '../jobs/run-export-job.ts';
import type { Clock, Job, JobQueue, JobStore, Notifier } from '../jobs/types.ts';
import { systemClock } from '../jobs/types.ts';
import type { Logger } from '../observability/logger.ts';
import { createLogger } from '../observability/logger.ts';
import type { RetentionServices } from '../retention/schedules.ts';
import type { EventPublisher, PurgeObjects, RetentionStore } from '../retention/types.ts';
import { ConfigError } from './errors.ts';
import type { ServiceConfig } from './service-config.ts';
import { readServiceConfig } from './service-config.ts';

export interface ServiceOverrides {
  clock?: Clock;
  logger?: Logger;
  notifier?: Notifier;
  /** Reminder events (default: the SNS notifications topic). */
  publisher?: EventPublisher;
  store?: JobStore;
  retentionStore?: RetentionStore;
  /** The bucket as the purge sees it (tests inject failures here). */
  purgeObjects?: PurgeObjects;
  queue?: JobQueue;
  verifyToken?: TokenVerifier;
  runExport?: (request: ExportRequest) => Promise<ExportResult>;
  prepareSource?: (job: Job) => Promise<PreparedSource>;
  /** Source connection pool size (the embedded demo database takes one connection at a time). */
  sourcePoolSize?: number;
  progressIntervalMs?: number;
}

export interface Service {
  config: ServiceConfig;
  api: ApiDeps;
  /** Worker ports; `workerId` is filled per invocation by the SQS handler. */
  worker: Omit<RunExportJobDeps, 'workerId'>;
  objects: S3ObjectStore;
  /** The schedules' ports: backups, reminders, purge, subscription sync. */
  retention: RetentionServices;
  clients: { dynamo: DynamoDBClient; s3: S3Client; sqs: SQSClient; sns: SNSClient };
}

/** Client settings shared by every AWS client: region, and the emulator endpoint in local mode. */
function clientConfig(config: ServiceConfig, endpoint: string | null) {
  const base = { region: config.aws.region };
  if (!endpoint) return base;
  return {
    ...base,
    endpoint,
    // Emulators accept any credentials; real ones never come from here.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

async function defaultRunExport(request: ExportRequest): Promise<ExportResult> {
  const { exportTenant } = await import('../export/export-tenant.ts');
  return exportTenant(request);
}

/** Builds every adapter from a config. */
export function createService(config: ServiceConfig, overrides: ServiceOverrides = {}): Service {
  const common = clientConfig(config, config.aws.endpoint);
  const dynamo = new DynamoDBClient(clientConfig(config, config.aws.dynamoEndpoint));
  const s3 = new S3Client({ ...common, forcePathStyle: config.aws.forcePathStyle });
  const sqs = new SQSClient(common);
  const sns = new SNSClient(common);

  const clock = overrides.clock ?? systemClock;
  const logger =
    overrides.logger ?? createLogger({ level: config.logLevel, fields: { service: 'handover' } });
  const store =
    overrides.store ??
    createDynamoJobStore({
      jobsTable: config.jobsTable,
      controlTable: config.controlTable,
      tenantsTable: config.tenantsTable,
      client: dynamo,
    });
  const objects = createS3ObjectStore({ bucket: config.bucket, sse: config.sse, client: s3 });
  const queue = overrides.queue ?? createSqsJobQueue({ queueUrl: config.queueUrl, client: sqs });
  const snsNotifier = createSnsNotifier({
    alertsTopicArn: config.alertsTopicArn,
    notificationsTopicArn: config.notificationsTopicArn,
    client: sns,
  });
  const notifier = overrides.notifier ?? snsNotifier;
  const retentionStore =
    overrides.retentionStore ??
    createDynamoRetentionStore({
      jobsTable: config.jobsTable,
      controlTable: config.controlTable,
      tenantsTable: config.tenantsTable,
      deletionsTable: config.deletionsTable,
      client: dynamo,
    });
  const rules = { reversibilityDays: config.reversibilityDays };

  let catalogConfig: Promise<HandoverConfig> | null = null;
  const readCatalogConfig = () => {
    catalogConfig ??= config.catalogConfigPath
      ? loadConfig(config.catalogConfigPath)
      : Promise.resolve(DEFAULT_CONFIG);
    return catalogConfig;
  };

  const openConfiguredSource = async () => {
    const catalogSettings = await readCatalogConfig();
    const url = config.sourceUrl ?? catalogSettings.source?.url;
    if (!url) throw new ConfigError('HANDOVER_SOURCE_URL', 'is required (or source.url in HANDOVER_CONFIG).');
    const { openSource } = await import('../sources/open-source.ts');
    return openSource(url, overrides.sourcePoolSize ? { poolSize: overrides.sourcePoolSize } : undefined);
  };

  const prepareSource =
    overrides.prepareSource ??
    (async (job: Job): Promise<PreparedSource> => {
      const catalogSettings = await readCatalogConfig();
      const url = config.sourceUrl ?? catalogSettings.source?.url;
      if (!url)
        throw new ConfigError('HANDOVER_SOURCE_URL', 'is required (or source.url in HANDOVER_CONFIG).');
      // Loaded on first use: the HTTP function never needs the database drivers.
      const [{ openSource }, { discoverCatalog }] = await Promise.all([
        import('../sources/open-source.ts'),
        import('../catalog/discover.ts'),
      ]);
      const source = openSource(
        url,
        overrides.sourcePoolSize ? { poolSize: overrides.sourcePoolSize } : undefined,
      );
      try {
        const catalog = await discoverCatalog(source, catalogSettings, { tenant: job.tenant });
        return { source, catalog, close: () => source.close() };
      } catch (error) {
        await source.close();
        throw error;
      }
    });

  const api: ApiDeps = {
    store,
    retention: retentionStore,
    queue,
    objects,
    notifier,
    clock,
    newId: createIdGenerator(clock),
    logger,
    verifyToken: overrides.verifyToken ?? createTokenVerifier(config.auth),
    settings: {
      defaultFormats: config.defaultFormats,
      rateLimit: config.rateLimit,
      idempotencyTtlSeconds: config.idempotencyTtlSeconds,
      downloadUrlTtlSeconds: config.downloadUrlTtlSeconds,
      reversibilityDays: config.reversibilityDays,
      backupRetentionDays: config.backupRetentionDays,
      maxBodyBytes: config.maxBodyBytes,
    },
  };

  const worker: Omit<RunExportJobDeps, 'workerId'> = {
    store,
    objects,
    notifier,
    clock,
    logger,
    runExport: overrides.runExport ?? defaultRunExport,
    prepareSource,
    leaseSeconds: config.leaseSeconds,
    heartbeatSeconds: config.heartbeatSeconds,
    progressIntervalMs: overrides.progressIntervalMs ?? 2000,
    archiveTtlDays: config.archiveTtlDays,
    maxPartBytes: config.maxPartBytes,
    maxAttempts: config.maxAttempts,
    csvProfile: config.csvProfile,
    retention: { reversibilityDays: config.reversibilityDays },
    backupRetentionDays: config.backupRetentionDays,
    deadlineFor: async (tenant) => {
      const state = await getTenantState(
        { store, clock, reversibilityDays: config.reversibilityDays },
        tenant,
      );
      return state.subscription.status === 'ended' ? state.reversibilityDeadline : null;
    },
  };

  const newId = api.newId;
  const retention: RetentionServices = {
    store: retentionStore,
    purge: {
      store,
      retention: retentionStore,
      objects: overrides.purgeObjects ?? objects,
      clock,
      logger,
      rules,
      backupRetentionDays: config.backupRetentionDays,
    },
    backups: {
      store,
      retention: retentionStore,
      queue,
      clock,
      newId,
      logger,
      rules,
      backupRetentionDays: config.backupRetentionDays,
      formats: config.defaultFormats,
    },
    reminders: {
      retention: retentionStore,
      publisher: overrides.publisher ?? snsNotifier,
      clock,
      logger,
      rules,
    },
    sync: config.subscriptionSyncQuery
      ? {
          retention: retentionStore,
          clock,
          logger,
          query: config.subscriptionSyncQuery,
          openSource: openConfiguredSource,
        }
      : null,
  };

  return { config, api, worker, objects, retention, clients: { dynamo, s3, sqs, sns } };
}

let fromEnvironment: Service | null = null;

/** The Lambda wiring: config from the environment, built once per cold start. */
export function serviceFromEnvironment(): Service {
  fromEnvironment ??= createService(readServiceConfig());
  return fromEnvironment;
}

/** A fresh worker id per invocation, so two concurrent deliveries never share a lease. */
export function newWorkerId(requestId?: string): string {
  return `${requestId ?? 'local'}:${randomUUID().slice(0, 8)}`;
}
