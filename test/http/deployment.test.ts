import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScalarTag } from 'yaml';
import { parse } from 'yaml';
import { routes } from '../../src/http/routes.ts';
import { localResourceNames, tableDefinitions } from '../../src/local/resources.ts';
import type { TestService } from '../support/emulators.ts';
import { startTestService } from '../support/emulators.ts';

// CloudFormation short forms, read as plain values: enough to inspect the template's structure.
const cfnTags: ScalarTag[] = ['!Ref', '!GetAtt', '!Sub'].map((tag) => ({
  tag,
  resolve: (value: string) => ({ [tag]: value }),
  identify: () => false,
}));

// biome-ignore lint/suspicious/noExplicitAny: navigating a parsed YAML document
type Doc = any;

describe('serverless.yml', () => {
  let doc: Doc;
  beforeAll(async () => {
    doc = parse(await readFile('serverless.yml', 'utf8'), { customTags: cfnTags });
  });

  it('declares exactly the routes of the route table', () => {
    const declared = doc.functions.api.events.map((e: Doc) => `${e.httpApi.method} ${e.httpApi.path}`).sort();
    expect(declared).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('runs the worker from the queue with partial batch failures, a dead-letter queue and a long enough visibility timeout', () => {
    const worker = doc.functions.runExport;
    const sqs = worker.events[0].sqs;
    expect(sqs.functionResponseType).toBe('ReportBatchItemFailures');
    expect(sqs.batchSize).toBe(1);
    const queue = doc.resources.Resources.ExportQueue.Properties;
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.timeout);
    expect(queue.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(5);
    expect(doc.provider.runtime).toBe('nodejs22.x');
  });

  it('keeps archives in a KMS-encrypted bucket with public access blocked and TLS required', () => {
    const resources = doc.resources.Resources;
    const bucket = resources.ArchiveBucket.Properties;
    expect(
      bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
    ).toBe('aws:kms');
    expect(Object.values(bucket.PublicAccessBlockConfiguration)).toEqual([true, true, true, true]);
    const rules = bucket.LifecycleConfiguration.Rules;
    expect(rules.some((r: Doc) => r.AbortIncompleteMultipartUpload)).toBe(true);
    const statements = resources.ArchiveBucketPolicy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(resources.ServiceKey.Properties.EnableKeyRotation).toBe(true);
  });

  it('declares the tables with the key schemas the code uses, TTL on the control table', () => {
    const resources = doc.resources.Resources;
    const byName: Record<string, string> = {
      jobs: 'JobsTable',
      control: 'ControlTable',
      tenants: 'TenantsTable',
      deletions: 'DeletionsTable',
    };
    const names = localResourceNames('x');
    for (const table of tableDefinitions(names)) {
      const logical = byName[(table.TableName ?? '').replace('x-', '')] ?? '';
      const declared = resources[logical].Properties;
      expect(declared.KeySchema).toEqual(table.KeySchema);
      expect((declared.GlobalSecondaryIndexes ?? []).map((i: Doc) => i.KeySchema)).toEqual(
        (table.GlobalSecondaryIndexes ?? []).map((i) => i.KeySchema),
      );
      expect(declared.SSESpecification.SSEEnabled).toBe(true);
    }
    expect(resources.ControlTable.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'ttl',
      Enabled: true,
    });
  });

  it('gives each function its own role, without wildcard actions', () => {
    const resources = doc.resources.Resources;
    expect(doc.functions.api.role).toBe('ApiRole');
    expect(doc.functions.runExport.role).toBe('WorkerRole');
    expect(doc.functions.purge.role).toBe('PurgeRole');
    for (const role of ['ApiRole', 'WorkerRole', 'ScheduleRole', 'PurgeRole']) {
      const statements = resources[role].Properties.Policies[0].PolicyDocument.Statement;
      for (const statement of statements) {
        for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*$/);
      }
    }
  });
});

describe('serverless.yml retention', () => {
  let doc: Doc;
  beforeAll(async () => {
    doc = parse(await readFile('serverless.yml', 'utf8'), { customTags: cfnTags });
  });

  it('schedules every retention task with a handler under functions/schedule', async () => {
    const { SCHEDULED_TASKS } = await import('../../src/retention/schedules.ts');
    const handlers = Object.values(doc.functions)
      .filter((f: Doc) => f.events?.some((e: Doc) => e.schedule))
      .map((f: Doc) => f.handler)
      .sort();
    expect(handlers).toEqual(SCHEDULED_TASKS.map((t) => `functions/schedule/${t}.handler`).sort());
  });

  it('expires exports and backups only after the application would have purged them', () => {
    const rules = doc.resources.Resources.ArchiveBucket.Properties.LifecycleConfiguration.Rules;
    const byPrefix = (prefix: string) => rules.find((r: Doc) => r.Prefix === prefix)?.ExpirationInDays;
    expect(byPrefix('exports/')).toBeGreaterThan(Number(doc.params.default.archiveTtlDays));
    expect(byPrefix('backups/')).toBeGreaterThan(Number(doc.params.default.backupRetentionDays) + 1);
    expect(rules.find((r: Doc) => r.AbortIncompleteMultipartUpload)?.AbortIncompleteMultipartUpload).toEqual({
      DaysAfterInitiation: 1,
    });
  });
});

describe('GET /openapi.json', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('describes every route, its parameters, body and problem responses, without a token', async () => {
    const reply = await t.call('GET', '/openapi.json');
    expect(reply.status).toBe(200);
    const doc = reply.json;
    expect(doc.openapi).toBe('3.1.0');
    for (const route of routes) {
      expect(doc.paths[route.path]?.[route.method.toLowerCase()]?.operationId).toBe(route.operationId);
    }
    const create = doc.paths['/v1/exports'].post;
    expect(create.requestBody.content['application/json'].schema.properties.formats.items.enum).toEqual([
      'csv',
      'xlsx',
    ]);
    expect(create.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
    );
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['202', '401', '409', '429']));
    const download = doc.paths['/v1/exports/{id}/download'].get;
    expect(download.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:id',
      'query:part',
    ]);
    expect(doc.paths['/v1/admin/exports'].get['x-required-role']).toBe('admin');
    expect(doc.components.schemas.Problem).toBeDefined();
  });
});
