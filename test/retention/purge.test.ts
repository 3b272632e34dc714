import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/types.ts';
import { EMPTY_PROGRESS } from '../../src/jobs/types.ts';
import type { PurgeDeps } from '../../src/retention/purge.ts';
import { dryRunPurge, runPurge } from '../../src/retention/purge.ts';
import type { PurgeObjects } from '../../src/retention/types.ts';
import type { TestService } from '../support/emulators.ts';
import { startTestService, TestClock } from '../support/emulators.ts';

const DAY = 86_400_000;
// 2030-03-15T10:00Z: globex ended 2030-01-01 (deadline 2030-01-31: past), acme is active.
const NOW = '2030-03-15T10:00:00.000Z';

let seq = 0;
function job(tenant: string, kind: Job['kind'], requestedAt: string, expiresAt: string | null): Job {
  seq++;
  return {
    tenant,
    id: `01J${String(seq).padStart(23, '0')}`,
    kind,
    status: 'succeeded',
    formats: ['csv'],
    tables: null,
    requestedBy: 'test',
    requestedAt,
    startedAt: requestedAt,
    finishedAt: requestedAt,
    attempts: 1,
    progress: EMPTY_PROGRESS,
    parts: [],
    expiresAt,
    error: null,
    leaseOwner: null,
    leaseUntil: null,
    openUploads: [],
    archiveDeletedAt: null,
    rows: 2,
  };
}

/** Counts S3 deletions per key, and fails after `failAfter` of them when set (a crash midway). */
function countingObjects(inner: PurgeObjects, failAfter = Number.POSITIVE_INFINITY) {
  const deletions = new Map<string, number>();
  let total = 0;
  const objects: PurgeObjects = {
    listObjects: (prefix) => inner.listObjects(prefix),
    async deleteKeys(keys) {
      if (total >= failAfter) throw new Error('injected crash');
      total += keys.length;
      for (const key of keys) deletions.set(key, (deletions.get(key) ?? 0) + 1);
      await inner.deleteKeys(keys);
    },
  };
  return { objects, deletions };
}

describe('the purge', () => {
  let t: TestService;
  type KeyName =
    | 'acmeExpired'
    | 'acmeFresh'
    | 'acmeDay30'
    | 'acmeDay31'
    | 'globex1'
    | 'globex2'
    | 'globexBackup'
    | 'initech';
  let keys: Record<KeyName, string>;

  const put = async (key: string, bytes = 10) => {
    await t.service.clients.s3.send(
      new PutObjectCommand({ Bucket: t.emulators.names.bucket, Key: key, Body: Buffer.alloc(bytes, 7) }),
    );
  };
  const deps = (objects?: PurgeObjects, clock = t.clock): PurgeDeps => ({
    ...t.service.retention.purge,
    clock,
    ...(objects ? { objects } : {}),
  });
  const allKeys = async () => [
    ...(await t.service.objects.listKeys('exports/')),
    ...(await t.service.objects.listKeys('backups/')),
  ];
  const auditLines = (action: string) =>
    t.logLines.map((l) => JSON.parse(l)).filter((l) => l.action === action) as Record<string, unknown>[];
  const setTenant = async (tenant: string, endsAt: string | null, legalHold = false) => {
    await t.service.api.store.putTenantSubscription(tenant, endsAt, t.clock.now());
    await t.service.retention.store.setLegalHold(tenant, legalHold, t.clock.now());
  };

  beforeEach(async () => {
    t = await startTestService({ clock: new TestClock(Date.parse(NOW)) });
    const store = t.service.api.store;
    await setTenant('globex', '2030-01-01T00:00:00.000Z');
    await setTenant('acme', null);
    await setTenant('initech', '2030-01-01T00:00:00.000Z', true);

    const expired = job('acme', 'export', '2030-03-01T00:00:00.000Z', '2030-03-08T00:00:00.000Z');
    const fresh = job('acme', 'export', '2030-03-14T00:00:00.000Z', '2030-03-21T00:00:00.000Z');
    const globexExport = job('globex', 'export', '2030-01-20T00:00:00.000Z', '2030-01-27T00:00:00.000Z');
    const globexBackup = job('globex', 'backup', '2030-01-30T00:00:00.000Z', null);
    const initechExport = job('initech', 'export', '2030-01-20T00:00:00.000Z', '2030-01-27T00:00:00.000Z');
    for (const j of [expired, fresh, globexExport, globexBackup, initechExport]) await store.put(j);
    // Day 30 before today (2030-02-13) is the oldest kept backup; day 31 (2030-02-12) is purged.
    const day30 = new Date(Date.parse(NOW) - 30 * DAY).toISOString().slice(0, 10);
    const day31 = new Date(Date.parse(NOW) - 31 * DAY).toISOString().slice(0, 10);
    keys = {
      acmeExpired: `exports/acme/${expired.id}/1/a.zip`,
      acmeFresh: `exports/acme/${fresh.id}/1/a.zip`,
      acmeDay30: `backups/acme/${day30}/1/b.zip`,
      acmeDay31: `backups/acme/${day31}/1/b.zip`,
      globex1: `exports/globex/${globexExport.id}/1/g-1.zip`,
      globex2: `exports/globex/${globexExport.id}/1/g-2.zip`,
      globexBackup: 'backups/globex/2030-01-30/1/g.zip',
      initech: `exports/initech/${initechExport.id}/1/i.zip`,
    };
    for (const key of Object.values(keys)) await put(key, key.length);
  });
  afterEach(async () => {
    await t?.stop();
  });

  it('deletes what may no longer be kept and nothing else, leaving one deletion record', async () => {
    const { objects, deletions } = countingObjects(t.service.objects);
    const report = await runPurge(deps(objects), 'run-1');

    expect(report.deleted.map((i) => i.target).sort()).toEqual(
      [
        `s3:${keys.acmeExpired}`,
        `s3:${keys.acmeDay31}`,
        `s3:${keys.globex1}`,
        `s3:${keys.globex2}`,
        `s3:${keys.globexBackup}`,
        expect.stringMatching(/^job:/),
        expect.stringMatching(/^job:/),
      ].sort(),
    );
    expect((await allKeys()).sort()).toEqual([keys.acmeFresh, keys.acmeDay30, keys.initech].sort());
    expect([...deletions.values()].every((n) => n === 1)).toBe(true);
    expect((await t.service.api.store.list('globex', 10)).jobs).toEqual([]);
    expect((await t.service.api.store.list('acme', 10)).jobs).toHaveLength(2);
    expect((await t.service.api.store.list('initech', 10)).jobs).toHaveLength(1);

    const deletionsReply = await t.call('GET', '/v1/admin/deletions', { token: t.tokens.admin });
    expect(deletionsReply.status).toBe(200);
    expect(deletionsReply.json.items).toEqual([
      expect.objectContaining({
        tenant: 'globex',
        deadline: '2030-01-31T00:00:00.000Z',
        objects: 3,
        bytes: keys.globex1.length + keys.globex2.length + keys.globexBackup.length,
        jobRecords: 2,
        runIds: ['run-1'],
      }),
    ]);
    const tenantState = await t.call('GET', '/v1/tenant', { token: t.tokens.globex });
    expect(tenantState.json.state).toBe('purged');
    expect(auditLines('purge.deleted')).toHaveLength(7);
  });

  it('deletes and records nothing new when run a second time', async () => {
    await runPurge(deps(), 'run-1');
    const before = await allKeys();
    const second = await runPurge(deps(), 'run-2');
    expect(second.deleted).toEqual([]);
    expect(second.records).toEqual([]);
    expect(await allKeys()).toEqual(before);
    expect(await t.service.retention.store.listTenantDeletionRecords()).toHaveLength(1);
    expect(auditLines('purge.deleted')).toHaveLength(7);
  });

  it('reports in a dry run exactly what the real run then deletes, deleting nothing', async () => {
    const before = (await allKeys()).sort();
    const dry = await dryRunPurge(deps(), 'dry');
    expect((await allKeys()).sort()).toEqual(before);
    expect(await t.service.retention.store.listTenantDeletionRecords()).toEqual([]);
    const real = await runPurge(deps(), 'real');
    expect(real.deleted.map((i) => i.target)).toEqual(dry.deleted.map((i) => i.target));
    expect(real.bytes).toBe(dry.bytes);
  });

  it('deletes and logs each object once when two runs start together', async () => {
    const { objects, deletions } = countingObjects(t.service.objects);
    const [a, b] = await Promise.all([runPurge(deps(objects), 'run-a'), runPurge(deps(objects), 'run-b')]);
    const targets = [...a.deleted, ...b.deleted].map((i) => i.target);
    expect(new Set(targets).size).toBe(targets.length);
    expect(targets).toHaveLength(7);
    expect([...deletions.values()]).toEqual([1, 1, 1, 1, 1]);
    expect(auditLines('purge.deleted')).toHaveLength(7);
    const records = await t.service.retention.store.listTenantDeletionRecords();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ tenant: 'globex', objects: 3, jobRecords: 2 });
    expect((await allKeys()).sort()).toEqual([keys.acmeFresh, keys.acmeDay30, keys.initech].sort());
  });

  it('finishes the work of a run that crashed midway, deleting and logging each object once', async () => {
    const crashing = countingObjects(t.service.objects, 2);
    await expect(runPurge(deps(crashing.objects), 'crashed')).rejects.toThrow('injected crash');
    expect(await t.service.retention.store.listTenantDeletionRecords()).toEqual([]);

    // The claim the dead run left is taken over once its lease is over.
    t.clock.advance(5 * 60_000);
    const { objects, deletions } = countingObjects(t.service.objects);
    const resumed = await runPurge(deps(objects), 'resumed');
    expect(resumed.deleted).toHaveLength(5);
    const all = new Map([...crashing.deletions, ...deletions]);
    expect(all.size).toBe(5);
    expect([...crashing.deletions.values(), ...deletions.values()].every((n) => n === 1)).toBe(true);
    const logged = auditLines('purge.deleted').map((l) => l.target);
    expect(logged).toHaveLength(7);
    expect(new Set(logged).size).toBe(7);
    const records = await t.service.retention.store.listTenantDeletionRecords();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ objects: 3, jobRecords: 2, runIds: ['crashed', 'resumed'] });
  });

  it('finishes a deletion whose run died after deleting but before marking it done', async () => {
    // Die right after the S3 delete of the first item: its claim stays pending.
    let first = true;
    const dying: PurgeObjects = {
      listObjects: (prefix) => t.service.objects.listObjects(prefix),
      async deleteKeys(keys) {
        await t.service.objects.deleteKeys(keys);
        if (first) {
          first = false;
          throw new Error('died after delete');
        }
      },
    };
    await expect(runPurge(deps(dying), 'dead')).rejects.toThrow('died after delete');
    t.clock.advance(5 * 60_000);
    await runPurge(deps(), 'next');
    expect(await t.service.retention.store.listPendingDeletions()).toEqual([]);
    expect(auditLines('purge.deleted')).toHaveLength(7);
    expect(await t.service.retention.store.listTenantDeletionRecords()).toHaveLength(1);
  });

  it('keeps everything of a tenant on legal hold, and purges it once the hold is released', async () => {
    await runPurge(deps(), 'run-1');
    expect(await t.service.objects.listKeys('exports/initech/')).toEqual([keys.initech]);
    const release = await t.call('PUT', '/v1/admin/tenants/initech/legal-hold', {
      token: t.tokens.admin,
      body: { legalHold: false },
    });
    expect(release.status).toBe(200);
    expect(release.json.legalHold).toBe(false);
    const after = await runPurge(deps(), 'run-2');
    expect(after.deleted.map((i) => i.tenant)).toEqual(['initech', 'initech']);
    expect(await t.service.objects.listKeys('exports/initech/')).toEqual([]);
    expect((await t.service.retention.store.listTenantDeletionRecords()).map((r) => r.tenant).sort()).toEqual(
      ['globex', 'initech'],
    );
  });
});
