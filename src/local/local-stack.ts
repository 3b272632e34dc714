/**
 * The whole service on one machine: emulators, the embedded demo database (unless a source is
 * configured), the real HTTP handler behind http://localhost:<port>, and the real SQS handler fed
 * by a queue poller. Used by `npm start` and `npm run demo`.
 */

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { issueLocalToken } from '../auth/local-tokens.ts';
import { createWorkerHandler } from '../aws/sqs-worker-handler.ts';
import type { Environment, LocalState, ServiceConfig } from '../config/service-config.ts';
import { LOCAL_STATE_FILE, loadServiceConfig } from '../config/service-config.ts';
import type { Service } from '../config/wiring.ts';
import { createService, newWorkerId } from '../config/wiring.ts';
import { createApiHandler } from '../http/api-handler.ts';
import { createLogger } from '../observability/logger.ts';
import type { Emulators } from './emulators.ts';
import { startEmulators } from './emulators.ts';
import { localEnvironment } from './environment.ts';
import { startLocalHttpServer } from './http-server.ts';
import { startQueuePoller } from './queue-poller.ts';
import { startLocalScheduler } from './scheduler.ts';

/** The demo database's subscription ends, synced like a real source would be. */
export const DEMO_SUBSCRIPTION_SYNC_QUERY =
  'SELECT id AS tenant, subscription_ends_at AS ends_at FROM companies';

export interface LocalStackOptions {
  port: number;
  sourceUrl: string | null;
  configPath: string | null;
  /** Extra service variables (limits, log level...). */
  env?: Environment;
  /** Where the service's JSON log lines go (default: dropped unless HANDOVER_LOG_LEVEL=debug). */
  writeLog?: (line: string) => void;
  onStatus?: (message: string) => void;
  /** Run the retention schedules (default true). */
  schedules?: boolean;
  /** Write LOCAL_STATE_FILE so that `handover purge` finds this stack (default false; npm start sets it). */
  writeStateFile?: boolean;
}

export interface LocalTokens {
  /** A user of tenant `acme` with the export role. */
  acme: string;
  /** A user of tenant `globex` with the export role. */
  globex: string;
  /** An operator with the admin role. */
  admin: string;
}

export interface LocalStack {
  url: string;
  config: ServiceConfig;
  service: Service;
  emulators: Emulators;
  tokens: LocalTokens;
  sourceDescription: string;
  stop(): Promise<void>;
}

/** Signs the three demo tokens (valid 12 hours) with local mode's shared secret. */
export async function localTokens(config: ServiceConfig): Promise<LocalTokens> {
  return {
    acme: await issueLocalToken(config.auth, {
      subject: 'alice@acme.example',
      tenant: 'acme',
      roles: ['export'],
    }),
    globex: await issueLocalToken(config.auth, {
      subject: 'gary@globex.example',
      tenant: 'globex',
      roles: ['export'],
    }),
    admin: await issueLocalToken(config.auth, { subject: 'olivia@operator.example', roles: ['admin'] }),
  };
}

/** Starts everything; `stop` tears it down in reverse order. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const status = options.onStatus ?? (() => undefined);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    status('starting emulators (fauxqs: S3, SQS, SNS; dynalite: DynamoDB)');
    const emulators = await startEmulators({ visibilityTimeoutSeconds: 60 });
    stops.push(() => emulators.stop());

    let sourceUrl = options.sourceUrl;
    let sourceDescription = sourceUrl ? 'HANDOVER_SOURCE_URL' : 'config file source.url';
    let embedded = false;
    if (!sourceUrl && !options.configPath) {
      status('starting the embedded demo database');
      const { startEmbeddedDemo } = await import('../demo/embedded.ts');
      const demo = await startEmbeddedDemo({ onProgress: status });
      stops.push(() => demo.stop());
      sourceUrl = demo.url;
      sourceDescription = 'embedded demo database';
      embedded = true;
    }

    const env: Environment = {
      HANDOVER_LOG_LEVEL: 'info',
      ...(embedded ? { HANDOVER_SUBSCRIPTION_SYNC_QUERY: DEMO_SUBSCRIPTION_SYNC_QUERY } : {}),
      ...options.env,
    };
    if (sourceUrl) env.HANDOVER_SOURCE_URL = sourceUrl;
    if (options.configPath) env.HANDOVER_CONFIG = options.configPath;
    const config = loadServiceConfig(localEnvironment(emulators, env));
    const logger = createLogger({ level: config.logLevel, write: options.writeLog ?? (() => undefined) });
    // The embedded database serves one connection at a time.
    const service = createService(config, { logger, sourcePoolSize: embedded ? 1 : undefined });

    const http = await startLocalHttpServer(createApiHandler(service.api), options.port);
    stops.push(() => http.close());
    const poller = startQueuePoller({
      sqs: service.clients.sqs,
      queueUrl: emulators.queueUrl,
      handler: createWorkerHandler(service.worker, newWorkerId),
      logger,
    });
    stops.push(() => poller.stop());
    if (options.schedules ?? true) {
      const scheduler = startLocalScheduler({ services: service.retention, logger });
      stops.push(() => scheduler.stop());
    }
    if (options.writeStateFile) {
      const state: LocalState = { url: http.url, pid: process.pid, env: localEnvironment(emulators, env) };
      await mkdir(dirname(LOCAL_STATE_FILE), { recursive: true });
      await writeFile(LOCAL_STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      stops.push(() => rm(LOCAL_STATE_FILE, { force: true }));
    }

    return {
      url: http.url,
      config,
      service,
      emulators,
      tokens: await localTokens(config),
      sourceDescription,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
