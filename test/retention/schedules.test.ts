import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScheduledTask } from '../../src/retention/schedules.ts';
import { openSource } from '../../src/sources/open-source.ts';
import type { TestDatabase } from '../support/databases.ts';
import { createPostgresDatabase } from '../support/databases.ts';
import type { TestService } from '../support/emulators.ts';
import { startTestService, TestClock } from '../support/emulators.ts';

const DAY = 86_400_000;

describe('the retention schedules', () => {
  let t: TestService;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createPostgresDatabase('handover_retention');
    const admin = openSource(db.url);
    await admin.query({
      sql: `CREATE TABLE companies (id text PRIMARY KEY, subscription_ends_at timestamptz);
            INSERT INTO companies VALUES ('acme', NULL), ('globex', '2030-01-10T00:00:00Z'), ('initech', NULL)`,
      params: [],
    });
    await admin.close();
    t = await startTestService({
      clock: new TestClock(Date.parse('2030-01-02T06:00:00.000Z')),
      env: {
        HANDOVER_SOURCE_URL: db.url,
        HANDOVER_SUBSCRIPTION_SYNC_QUERY:
          'SELECT id AS tenant, subscription_ends_at AS ends_at FROM companies',
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  const setNow = (iso: string) => t.clock.advance(Date.parse(iso) - t.clock.now().getTime());
  const readNotifications = async () => {
    const events: Record<string, unknown>[] = [];
    for (;;) {
      const out = await t.service.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: t.emulators.notificationsQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      if (!out.Messages?.length) break;
      for (const m of out.Messages) {
        const envelope = JSON.parse(m.Body ?? '{}') as { Message?: string };
        events.push(JSON.parse(envelope.Message ?? '{}') as Record<string, unknown>);
        await t.service.clients.sqs.send(
          new DeleteMessageCommand({
            QueueUrl: t.emulators.notificationsQueueUrl,
            ReceiptHandle: m.ReceiptHandle ?? '',
          }),
        );
      }
    }
    return events.filter((e) => e.type === 'reversibility.reminder');
  };

  it('syncs end dates from the source database, and keeps an admin change until the source changes', async () => {
    const first = await runScheduledTask('subscription-sync', t.service.retention);
    expect(first).toMatchObject({ seen: 3 });
    expect((await t.service.api.store.getTenant('globex'))?.subscriptionEndsAt).toBe(
      '2030-01-10T00:00:00.000Z',
    );

    await t.call('PUT', '/v1/admin/tenants/acme/subscription', {
      token: t.tokens.admin,
      body: { endsAt: '2030-01-05T00:00:00Z' },
    });
    await runScheduledTask('subscription-sync', t.service.retention);
    expect((await t.service.api.store.getTenant('acme'))?.subscriptionEndsAt).toBe('2030-01-05T00:00:00Z');
    // Put acme back to no end date for the next tests.
    await t.call('PUT', '/v1/admin/tenants/acme/subscription', {
      token: t.tokens.admin,
      body: { endsAt: null },
    });
  });

  it('queues one backup per kept tenant and day however often it runs, stored under backups/<tenant>/<day>/', async () => {
    const first = await runScheduledTask('backups', t.service.retention);
    const again = await runScheduledTask('backups', t.service.retention);
    expect(first).toMatchObject({ queued: ['acme', 'globex', 'initech'], day: '2030-01-02' });
    expect(again).toMatchObject({ queued: [] });
    expect(await t.drainQueue()).toBe(3);
    expect(await t.service.objects.listKeys('backups/globex/2030-01-02/')).toHaveLength(1);

    const listed = await t.call('GET', '/v1/backups', { token: t.tokens.globex });
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual([
      expect.objectContaining({ date: '2030-01-02', status: 'succeeded', parts: [expect.any(Object)] }),
    ]);
    const download = await t.call('GET', '/v1/backups/2030-01-02/download?part=1', {
      token: t.tokens.globex,
    });
    expect(download.status).toBe(302);
    expect(await (await fetch(download.headers.get('location') ?? '')).arrayBuffer()).toBeTruthy();
    const none = await t.call('GET', '/v1/backups/2030-01-01/download', { token: t.tokens.globex });
    expect(none.status).toBe(404);
  });

  it('sends the 7-day and 1-day reminders once each, even when the schedule runs twice', async () => {
    // globex: ends 2030-01-10, deadline 2030-02-09.
    setNow('2030-02-01T23:59:59.000Z');
    await runScheduledTask('reminders', t.service.retention);
    expect(await readNotifications()).toEqual([]);

    setNow('2030-02-02T00:00:00.000Z');
    await runScheduledTask('reminders', t.service.retention);
    await runScheduledTask('reminders', t.service.retention);
    const week = await readNotifications();
    expect(week).toEqual([
      expect.objectContaining({
        type: 'reversibility.reminder',
        tenant: 'globex',
        daysBefore: 7,
        deadline: '2030-02-09T00:00:00.000Z',
      }),
    ]);

    setNow('2030-02-08T00:00:00.000Z');
    await Promise.all([
      runScheduledTask('reminders', t.service.retention),
      runScheduledTask('reminders', t.service.retention),
    ]);
    expect(await readNotifications()).toEqual([expect.objectContaining({ tenant: 'globex', daysBefore: 1 })]);
  });

  it('refuses a backup download after the deadline with the deadline in the answer, and backs up only kept tenants', async () => {
    setNow(new Date(Date.parse('2030-02-09T00:00:00.000Z') + 1000).toISOString());
    const refused = await t.call('GET', '/v1/backups/2030-01-02/download?part=1', { token: t.tokens.globex });
    expect(refused.status).toBe(403);
    expect(refused.json.deadline).toBe('2030-02-09T00:00:00.000Z');

    const scheduled = await runScheduledTask('backups', t.service.retention);
    expect(scheduled).toMatchObject({ queued: ['acme', 'initech'], day: '2030-02-09' });
    await t.drainQueue();
    // acme's backup of 2030-01-02 is 38 days old: gone from the listing.
    const listed = await t.call('GET', '/v1/backups', { token: t.tokens.acme });
    expect(listed.json.items.map((i: { date: string }) => i.date)).toEqual(['2030-02-09']);
    void DAY;
  });
});
