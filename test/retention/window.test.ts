import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localContext } from '../../src/local/http-server.ts';
import type { TestService } from '../support/emulators.ts';
import { jobEvent, startTestService } from '../support/emulators.ts';

const DAY = 86_400_000;

describe('the reversibility window, to the second', () => {
  let t: TestService;
  const endsAt = '2030-01-01T00:00:00.000Z';
  const deadline = '2030-01-31T00:00:00.000Z';
  beforeAll(async () => {
    t = await startTestService({ env: { HANDOVER_RATE_LIMIT: '1000' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** Moves the test clock to an exact instant. */
  const setNow = (iso: string) => t.clock.advance(Date.parse(iso) - t.clock.now().getTime());
  const endSubscription = async (tenant: string, at: string) => {
    const reply = await t.call('PUT', `/v1/admin/tenants/${tenant}/subscription`, {
      token: t.tokens.admin,
      body: { endsAt: at },
    });
    expect(reply.status).toBe(200);
  };
  const exportNow = async () => {
    const created = await t.call('POST', '/v1/exports', { token: t.tokens.acme, body: { formats: ['csv'] } });
    if (created.status === 202) await t.drainQueue();
    return created;
  };

  it('tells the user the state, deadline and time left', async () => {
    setNow('2030-01-30T12:00:00.000Z');
    await endSubscription('acme', endsAt);
    const state = await t.call('GET', '/v1/tenant', { token: t.tokens.acme });
    expect(state.status).toBe(200);
    expect(state.json).toMatchObject({
      state: 'ending',
      reversibilityDeadline: deadline,
      daysLeft: 1,
      secondsLeft: 12 * 3600,
      legalHold: false,
    });
    setNow('2030-01-31T00:00:01.000Z');
    const closed = await t.call('GET', '/v1/tenant', { token: t.tokens.acme });
    expect(closed.json).toMatchObject({ state: 'closed', daysLeft: 0, secondsLeft: 0 });
  });

  it('allows an export at the deadline exactly and refuses it one second later, naming the deadline', async () => {
    setNow(deadline);
    const atDeadline = await exportNow();
    expect(atDeadline.status).toBe(202);

    setNow('2030-01-31T00:00:01.000Z');
    const late = await t.call('POST', '/v1/exports', { token: t.tokens.acme, body: { formats: ['csv'] } });
    expect(late.status).toBe(403);
    expect(late.headers.get('content-type')).toBe('application/problem+json');
    expect(late.json).toMatchObject({
      type: 'https://handover.dev/problems/reversibility-window-closed',
      deadline,
      subscriptionEndedAt: endsAt,
    });
    expect(late.json.detail).toContain(deadline);
    expect(late.json.detail).toContain('permanently deleted');
  });

  it('serves a download at the deadline exactly and refuses it one second later', async () => {
    setNow(new Date(Date.parse(deadline) - DAY).toISOString());
    const created = await exportNow();
    expect(created.status).toBe(202);
    const id = created.json.id as string;

    setNow(deadline);
    const ok = await t.call('GET', `/v1/exports/${id}/download?part=1`, { token: t.tokens.acme });
    expect(ok.status).toBe(302);

    setNow('2030-01-31T00:00:01.000Z');
    const refused = await t.call('GET', `/v1/exports/${id}/download?part=1`, { token: t.tokens.acme });
    expect(refused.status).toBe(403);
    expect(refused.json.deadline).toBe(deadline);
    expect(refused.headers.get('location')).toBeNull();
  });

  it('fails a job queued before the deadline but run one second after it, leaving no archive', async () => {
    setNow('2030-01-30T23:59:59.000Z');
    const created = await t.call('POST', '/v1/exports', { token: t.tokens.acme, body: { formats: ['csv'] } });
    expect(created.status).toBe(202);
    const id = created.json.id as string;

    setNow('2030-01-31T00:00:01.000Z');
    await t.worker(jobEvent('acme', id), localContext('w'));
    const job = await t.service.api.store.get('acme', id);
    expect(job?.status).toBe('failed');
    expect(job?.error?.code).toBe('reversibility-window-closed');
    expect(job?.error?.message).toContain(deadline);
    expect(await t.service.objects.listKeys(`exports/acme/${id}/`)).toEqual([]);
  });

  it('runs a job that was queued before the deadline when the worker gets it at the deadline exactly', async () => {
    await endSubscription('globex', endsAt);
    setNow('2030-01-30T23:00:00.000Z');
    const created = await t.call('POST', '/v1/exports', {
      token: t.tokens.globex,
      body: { formats: ['csv'] },
    });
    const id = created.json.id as string;
    setNow(deadline);
    await t.worker(jobEvent('globex', id), localContext('w'));
    expect((await t.service.api.store.get('globex', id))?.status).toBe('succeeded');
  });
});
