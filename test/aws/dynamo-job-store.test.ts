import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoJobStore } from '../../src/aws/dynamo-job-store.ts';
import type { Job, JobStore } from '../../src/jobs/types.ts';
import { EMPTY_PROGRESS } from '../../src/jobs/types.ts';
import type { Emulators } from '../../src/local/emulators.ts';
import { startEmulators } from '../../src/local/emulators.ts';

const T0 = new Date('2030-03-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function queuedJob(id: string, tenant = 'acme'): Job {
  return {
    tenant,
    id,
    kind: 'export',
    status: 'queued',
    formats: ['csv'],
    tables: null,
    requestedBy: 'alice',
    requestedAt: T0.toISOString(),
    startedAt: null,
    finishedAt: null,
    attempts: 0,
    progress: EMPTY_PROGRESS,
    parts: [],
    expiresAt: null,
    error: null,
    leaseOwner: null,
    leaseUntil: null,
    openUploads: [],
    archiveDeletedAt: null,
    rows: null,
  };
}

describe('the DynamoDB job store', () => {
  let emulators: Emulators;
  let store: JobStore;
  beforeAll(async () => {
    emulators = await startEmulators({ prefix: 'store' });
    store = createDynamoJobStore({
      jobsTable: emulators.names.jobsTable,
      controlTable: emulators.names.controlTable,
      tenantsTable: emulators.names.tenantsTable,
      client: new DynamoDBClient({
        region: 'us-east-1',
        endpoint: emulators.dynamoEndpoint,
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      }),
    });
  });
  afterAll(async () => {
    await emulators?.stop();
  });

  it('lets one worker claim a queued job and nobody else until its lease expires', async () => {
    await store.put(queuedJob('01HZZZZZZZZZZZZZZZZZZZZZ01'));
    const first = await store.claim('acme', '01HZZZZZZZZZZZZZZZZZZZZZ01', 'w1', at(0), at(60));
    expect(first).toMatchObject({ status: 'running', leaseOwner: 'w1', attempts: 1 });
    expect(await store.claim('acme', '01HZZZZZZZZZZZZZZZZZZZZZ01', 'w2', at(30), at(90))).toBeNull();
    expect(await store.heartbeat('acme', '01HZZZZZZZZZZZZZZZZZZZZZ01', 'w2', at(90), null)).toBe(false);
    const taken = await store.claim('acme', '01HZZZZZZZZZZZZZZZZZZZZZ01', 'w2', at(61), at(121));
    expect(taken).toMatchObject({ leaseOwner: 'w2', attempts: 2 });
    // The old owner can neither renew nor finish any more.
    expect(await store.heartbeat('acme', '01HZZZZZZZZZZZZZZZZZZZZZ01', 'w1', at(200), null)).toBe(false);
    expect(
      await store.finish(
        'acme',
        '01HZZZZZZZZZZZZZZZZZZZZZ01',
        'w1',
        { status: 'failed', error: { code: 'x', message: 'y' } },
        at(70),
      ),
    ).toBeNull();
  });

  it('never moves a finished job backwards', async () => {
    const id = '01HZZZZZZZZZZZZZZZZZZZZZ02';
    await store.put(queuedJob(id));
    await store.claim('acme', id, 'w1', at(0), at(60));
    const done = await store.finish(
      'acme',
      id,
      'w1',
      {
        status: 'succeeded',
        parts: [],
        expiresAt: at(86_400).toISOString(),
        rows: 0,
        progress: EMPTY_PROGRESS,
      },
      at(10),
    );
    expect(done?.status).toBe('succeeded');
    expect(await store.claim('acme', id, 'w2', at(1000), at(1060))).toBeNull();
    expect(await store.cancel('acme', id, at(20))).toBeNull();
    expect(await store.requeue('acme', id)).toBeNull();
    expect(await store.failQueued('acme', id, { code: 'x', message: 'y' }, at(20))).toBeNull();
    expect((await store.get('acme', id))?.status).toBe('succeeded');
    expect((await store.markArchiveDeleted('acme', id, at(30)))?.status).toBe('expired');
    expect(await store.markArchiveDeleted('acme', id, at(40))).toBeNull();
  });

  it('hands the tenant lock to one job at a time and lets a stale holder be replaced once', async () => {
    expect(await store.acquireTenantLock('lock-t', 'A')).toEqual({ acquired: true });
    expect(await store.acquireTenantLock('lock-t', 'B')).toEqual({ acquired: false, holderJobId: 'A' });
    expect(await store.replaceTenantLock('lock-t', 'A', 'B')).toBe(true);
    expect(await store.replaceTenantLock('lock-t', 'A', 'C')).toBe(false);
    await store.releaseTenantLock('lock-t', 'A');
    expect(await store.acquireTenantLock('lock-t', 'D')).toEqual({ acquired: false, holderJobId: 'B' });
    await store.releaseTenantLock('lock-t', 'B');
    expect(await store.acquireTenantLock('lock-t', 'D')).toEqual({ acquired: true });
  });

  it('counts requests per window and treats an expired idempotency key as absent', async () => {
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await store.countRequest('rate-t', at(0), at(3600), 2));
    expect(results).toEqual([true, true, false]);
    expect(await store.countRequest('rate-t', at(3600), at(7200), 2)).toBe(true);

    expect(
      await store.putIdempotencyKey('idem-t', 'k', { jobId: 'J1', bodyHash: 'h1' }, at(0), at(100)),
    ).toBeNull();
    expect(
      await store.putIdempotencyKey('idem-t', 'k', { jobId: 'J2', bodyHash: 'h2' }, at(50), at(150)),
    ).toEqual({ jobId: 'J1', bodyHash: 'h1' });
    expect(
      await store.putIdempotencyKey('idem-t', 'k', { jobId: 'J3', bodyHash: 'h3' }, at(101), at(201)),
    ).toBeNull();
  });

  it('pages a tenant’s jobs newest first', async () => {
    for (const suffix of ['A1', 'A2', 'A3'])
      await store.put(queuedJob(`01HZZZZZZZZZZZZZZZZZZZZZ${suffix}`, 'pager'));
    const first = await store.list('pager', 2);
    expect(first.jobs.map((j) => j.id.slice(-2))).toEqual(['A3', 'A2']);
    const second = await store.list('pager', 2, first.nextCursor ?? undefined);
    expect(second.jobs.map((j) => j.id.slice(-2))).toEqual(['A1']);
    expect(second.nextCursor).toBeNull();
  });
});
