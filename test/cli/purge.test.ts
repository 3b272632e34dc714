import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { EMPTY_PROGRESS, type Job } from '../../src/jobs/types.ts';
import { localEnvironment } from '../../src/local/environment.ts';
import { handover } from '../support/cli.ts';
import type { TestService } from '../support/emulators.ts';
import { startTestService } from '../support/emulators.ts';

const DAY = 86_400_000;

/** `handover purge` as an operator runs it: the CLI finds the service through its environment. */
const purge = (...args: string[]) => handover('purge', ...args);

function exportJob(id: string, expiresAt: Date): Job {
  const requestedAt = new Date(expiresAt.getTime() - 7 * DAY).toISOString();
  return {
    tenant: 'acme',
    id,
    kind: 'export',
    status: 'succeeded',
    formats: ['csv'],
    tables: null,
    requestedBy: 'alice@acme',
    requestedAt,
    startedAt: requestedAt,
    finishedAt: requestedAt,
    attempts: 1,
    progress: EMPTY_PROGRESS,
    parts: [],
    expiresAt: expiresAt.toISOString(),
    error: null,
    leaseOwner: null,
    leaseUntil: null,
    openUploads: [],
    archiveDeletedAt: null,
    rows: 3,
  };
}

describe('handover purge (command line)', () => {
  let t: TestService;
  // The CLI runs on the real clock: one archive expired yesterday, one expires in six days.
  const expiredKey = 'exports/acme/01JEXPIRED0000000000000000/1/handover-acme-old.zip';
  const freshKey = 'exports/acme/01JFRESH000000000000000000/1/handover-acme-new.zip';
  const keys = async () => (await t.service.objects.listKeys('exports/')).sort();

  beforeAll(async () => {
    t = await startTestService();
    await t.service.api.store.putTenantSubscription('acme', null, new Date());
    await t.service.api.store.put(exportJob('01JEXPIRED0000000000000000', new Date(Date.now() - DAY)));
    await t.service.api.store.put(exportJob('01JFRESH000000000000000000', new Date(Date.now() + 6 * DAY)));
    for (const key of [expiredKey, freshKey]) {
      await t.service.clients.s3.send(
        new PutObjectCommand({ Bucket: t.emulators.names.bucket, Key: key, Body: Buffer.from('zip bytes') }),
      );
    }
    const env = localEnvironment(t.emulators, { HANDOVER_SOURCE_URL: 'postgres://unused@127.0.0.1:1/none' });
    for (const [name, value] of Object.entries(env)) if (value !== undefined) vi.stubEnv(name, value);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await t?.stop();
  });

  it('lists in a dry run exactly the expired archive, and deletes nothing', async () => {
    const { status, out } = await purge('--dry-run', '--json');

    expect(status).toBe(EXIT.ok);
    const report = JSON.parse(out) as { dryRun: boolean; deleted: { target: string; reason: string }[] };
    expect(report.dryRun).toBe(true);
    expect(report.deleted.map((d) => d.target)).toContain(`s3:${expiredKey}`);
    expect(report.deleted.map((d) => d.target)).not.toContain(`s3:${freshKey}`);
    expect(await keys()).toEqual([expiredKey, freshKey].sort());
  });

  it('deletes the expired archive, keeps the fresh one, and a second run deletes nothing', async () => {
    const first = await purge();
    expect(first.status).toBe(EXIT.ok);
    expect(first.out).toContain(expiredKey);
    expect(await keys()).toEqual([freshKey]);

    const second = await purge('--json');
    expect(second.status).toBe(EXIT.ok);
    expect((JSON.parse(second.out) as { objects: number }).objects).toBe(0);
    expect(await keys()).toEqual([freshKey]);
  });
});
