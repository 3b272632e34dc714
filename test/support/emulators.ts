/**
 * The service on the emulators, in-process on loopback, for tests: fauxqs (S3, SQS, SNS) and
 * dynalite (DynamoDB) with every resource created, the real handlers behind a local HTTP server,
 * tokens for three users, a controllable clock and captured log lines.
 */
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { Manifest } from '../../src/archive/types.ts';
import { issueLocalToken } from '../../src/auth/local-tokens.ts';
import type { WorkerHandler } from '../../src/aws/sqs-worker-handler.ts';
import { createWorkerHandler } from '../../src/aws/sqs-worker-handler.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import type { Environment } from '../../src/config/service-config.ts';
import { loadServiceConfig } from '../../src/config/service-config.ts';
import type { Service, ServiceOverrides } from '../../src/config/wiring.ts';
import { createService, newWorkerId } from '../../src/config/wiring.ts';
import type { ExportRequest, ExportResult } from '../../src/export/types.ts';
import type { ApiHandler } from '../../src/http/api-handler.ts';
import { createApiHandler } from '../../src/http/api-handler.ts';
import type { Clock } from '../../src/jobs/types.ts';
import type { Emulators } from '../../src/local/emulators.ts';
import { startEmulators } from '../../src/local/emulators.ts';
import { localEnvironment } from '../../src/local/environment.ts';
import { localContext, startLocalHttpServer } from '../../src/local/http-server.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { ZipStream } from '../../src/zip/zip-stream.ts';

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(private time = new Date('2030-01-15T10:00:00.000Z').getTime()) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience over JSON bodies
  json: any;
}

export interface TestService {
  emulators: Emulators;
  service: Service;
  clock: TestClock;
  api: ApiHandler;
  worker: WorkerHandler;
  baseUrl: string;
  logLines: string[];
  tokens: { acme: string; globex: string; admin: string; acmeNoRole: string };
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<HttpReply>;
  /** Receives queued messages and runs the worker on each (deleting the ones it did not fail). */
  drainQueue(max?: number): Promise<number>;
  /** Builds an SQS event carrying a job message, as Lambda would deliver it. */
  jobEvent(tenant: string, jobId: string, messageId?: string): SQSEvent;
  /** Alerts published on the alerts topic so far (read from its subscribed queue). */
  readAlerts(): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/** A catalog with no tables: the fake engines below never read the source. */
export const EMPTY_CATALOG: Catalog = {
  dialect: 'postgres',
  tenancy: 'column',
  tenantColumn: 'company_id',
  tables: [],
  uncovered: [],
  warnings: [],
};

/**
 * A stand-in for the export engine (a port substitution, not a mock of AWS): writes one real,
 * tiny zip part through the PartSink it is given and reports progress.
 */
export async function tinyZipExport(request: ExportRequest): Promise<ExportResult> {
  const fileName = `${request.fileStem}.zip`;
  const upload = await request.sink.openPart(fileName);
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  tap.pipe(upload.stream);
  const zip = new ZipStream();
  zip.pipe(tap);
  void zip.addEntry('README.txt', `tenant ${request.tenant}\n`);
  void zip.addEntry('csv/clients.csv', 'id,name\n1,first\n2,second\n');
  request.onProgress?.({
    tablesDone: 0,
    tablesTotal: 1,
    rowsDone: 0,
    rowsEstimated: 2,
    bytes: 0,
    currentTable: 'clients',
    partsDone: 0,
  });
  await zip.finalize();
  await new Promise<void>((resolve, reject) => {
    upload.stream.once('finish', resolve);
    upload.stream.once('error', reject);
  });
  const { location } = await upload.commit();
  request.onProgress?.({
    tablesDone: 1,
    tablesTotal: 1,
    rowsDone: 2,
    rowsEstimated: 2,
    bytes,
    currentTable: null,
    partsDone: 1,
  });
  return {
    parts: [{ number: 1, fileName, location, bytes, sha256: hash.digest('hex') }],
    manifest: { tenant: request.tenant } as Manifest,
    rows: 2,
  };
}

/** Builds an SQS event carrying a job message, as Lambda would deliver it. */
export function jobEvent(
  tenant: string,
  jobId: string,
  messageId = `m-${Math.random().toString(36).slice(2)}`,
): SQSEvent {
  return {
    Records: [
      {
        messageId,
        receiptHandle: `rh-${messageId}`,
        body: JSON.stringify({ tenant, jobId }),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'test',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test',
        awsRegion: 'us-east-1',
      },
    ],
  };
}

/** Starts emulators + service. `env` overrides variables; `overrides` replaces ports. */
export async function startTestService(
  options: { env?: Environment; overrides?: ServiceOverrides; clock?: TestClock } = {},
): Promise<TestService> {
  const emulators = await startEmulators({ prefix: `t${Date.now().toString(36)}` });
  const clock = options.clock ?? new TestClock();
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    write: (line) => logLines.push(line),
    now: () => clock.now(),
  });
  const config = loadServiceConfig(
    localEnvironment(emulators, {
      HANDOVER_SOURCE_URL: 'postgres://unused@127.0.0.1:1/none',
      ...options.env,
    }),
  );
  const service = createService(config, {
    clock,
    logger,
    runExport: tinyZipExport,
    prepareSource: async () => ({
      source: {
        dialect: 'postgres',
        query: async () => [],
        openSnapshot: async () => {
          throw new Error('unused');
        },
        close: async () => undefined,
      },
      catalog: EMPTY_CATALOG,
      close: async () => undefined,
    }),
    progressIntervalMs: 0,
    ...options.overrides,
  });
  const api = createApiHandler(service.api);
  const worker = createWorkerHandler(service.worker, newWorkerId);
  const http = await startLocalHttpServer(api, 0);

  // Tokens are signed at the test clock's time so that expiry is judged consistently.
  const sign = (claims: Parameters<typeof issueLocalToken>[1]) =>
    issueLocalToken(config.auth, { now: new Date(), ...claims });
  const tokens = {
    acme: await sign({ subject: 'alice@acme', tenant: 'acme', roles: ['export'] }),
    globex: await sign({ subject: 'gary@globex', tenant: 'globex', roles: ['export'] }),
    admin: await sign({ subject: 'olivia@operator', roles: ['admin'] }),
    acmeNoRole: await sign({ subject: 'bob@acme', tenant: 'acme', roles: [] }),
  };

  const call: TestService['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${http.url}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: response.status, headers: response.headers, text, json };
  };

  const sqs = service.clients.sqs;
  return {
    emulators,
    service,
    clock,
    api,
    worker,
    baseUrl: http.url,
    logLines,
    tokens,
    call,
    async drainQueue(max = 10) {
      let handled = 0;
      while (handled < max) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: emulators.queueUrl,
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: 0,
          }),
        );
        const message = out.Messages?.[0];
        if (!message) break;
        const event: SQSEvent = {
          Records: [
            {
              ...jobEvent('', '').Records[0],
              messageId: message.MessageId ?? 'm',
              receiptHandle: message.ReceiptHandle ?? '',
              body: message.Body ?? '',
            } as SQSEvent['Records'][number],
          ],
        };
        const result = await worker(event, localContext('worker'));
        if (result.batchItemFailures.length === 0) {
          await sqs.send(
            new DeleteMessageCommand({
              QueueUrl: emulators.queueUrl,
              ReceiptHandle: message.ReceiptHandle ?? '',
            }),
          );
        }
        handled++;
      }
      return handled;
    },
    jobEvent,
    async readAlerts() {
      const alerts: Record<string, unknown>[] = [];
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: emulators.alertsQueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
          }),
        );
        if (!out.Messages?.length) break;
        for (const m of out.Messages) {
          const envelope = JSON.parse(m.Body ?? '{}') as { Message?: string };
          alerts.push(JSON.parse(envelope.Message ?? m.Body ?? '{}') as Record<string, unknown>);
          await sqs.send(
            new DeleteMessageCommand({
              QueueUrl: emulators.alertsQueueUrl,
              ReceiptHandle: m.ReceiptHandle ?? '',
            }),
          );
        }
      }
      return alerts;
    },
    async stop() {
      await http.close();
      await emulators.stop();
    },
  };
}
