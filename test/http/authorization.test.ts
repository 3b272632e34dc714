import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestService } from '../support/emulators.ts';
import { startTestService } from '../support/emulators.ts';

describe('authorization: roles and tenants', () => {
  let t: TestService;
  let acmeJob: string;
  beforeAll(async () => {
    t = await startTestService();
    const created = await t.call('POST', '/v1/exports', { token: t.tokens.acme, body: { formats: ['csv'] } });
    acmeJob = created.json.id;
    await t.drainQueue();
    await t.readAlerts();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const securityEvents = () =>
    t.logLines.map((l) => JSON.parse(l)).filter((l) => l.kind === 'security' && l.event === 'authz_fail');

  const crossTenant: [string, () => string][] = [
    ['GET', () => `/v1/exports/${acmeJob}`],
    ['GET', () => `/v1/exports/${acmeJob}/download?part=1`],
    ['DELETE', () => `/v1/exports/${acmeJob}`],
  ];
  for (const [method, path] of crossTenant) {
    it(`answers 404 to another tenant on ${method} ${path().replace(/[0-9A-Z]{26}/, '{id}')}, with an event and an alert`, async () => {
      const before = securityEvents().length;
      const reply = await t.call(method, path(), { token: t.tokens.globex });
      expect(reply.status).toBe(404);
      expect(reply.headers.get('content-type')).toBe('application/problem+json');
      expect(reply.json.detail).not.toContain('acme');
      const events = securityEvents();
      expect(events.length).toBe(before + 1);
      expect(events.at(-1)).toMatchObject({
        reason: 'cross-tenant',
        tenant: 'globex',
        subject: 'gary@globex',
        targetTenant: 'acme',
      });
      const alerts = await t.readAlerts();
      expect(alerts).toEqual([
        expect.objectContaining({ event: 'authz_fail', tenant: 'globex', reason: 'cross-tenant' }),
      ]);
    });
  }

  it('leaves the other tenant’s export untouched after a cross-tenant DELETE', async () => {
    const reply = await t.call('GET', `/v1/exports/${acmeJob}`, { token: t.tokens.acme });
    expect(reply.json.status).toBe('succeeded');
  });

  it('answers 404 without an alert for an id that exists nowhere', async () => {
    const reply = await t.call('GET', '/v1/exports/01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: t.tokens.globex });
    expect(reply.status).toBe(404);
    expect(await t.readAlerts()).toEqual([]);
  });

  it('lists only the caller’s own tenant’s exports', async () => {
    const reply = await t.call('GET', '/v1/exports', { token: t.tokens.globex });
    expect(reply.json.jobs.map((j: { tenant: string }) => j.tenant)).not.toContain('acme');
  });

  const tenantRoutes: [string, string, unknown?][] = [
    ['POST', '/v1/exports', {}],
    ['GET', '/v1/exports'],
    ['GET', '/v1/exports/01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    ['GET', '/v1/exports/01ARZ3NDEKTSV4RRFFQ69G5FAV/download'],
    ['DELETE', '/v1/exports/01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    ['GET', '/v1/tenant'],
    ['GET', '/v1/backups'],
    ['GET', '/v1/backups/2030-01-01/download'],
  ];
  for (const [method, path, body] of tenantRoutes) {
    it(`answers 403 on ${method} ${path} to a user without the export role, with an alert`, async () => {
      const reply = await t.call(method, path, { token: t.tokens.acmeNoRole, body });
      expect(reply.status).toBe(403);
      expect(reply.json.detail).toContain('"export" role');
      expect(await t.readAlerts()).toEqual([
        expect.objectContaining({ event: 'authz_fail', reason: 'missing-role:export', subject: 'bob@acme' }),
      ]);
    });
  }

  const adminRoutes: [string, string, unknown?][] = [
    ['GET', '/v1/admin/exports'],
    ['POST', '/v1/admin/exports/01ARZ3NDEKTSV4RRFFQ69G5FAV/retry'],
    ['PUT', '/v1/admin/tenants/acme/subscription', { endsAt: '2030-01-01T00:00:00Z' }],
    ['GET', '/v1/admin/deletions'],
  ];
  for (const [method, path, body] of adminRoutes) {
    it(`answers 403 on ${method} ${path} to a tenant user, with an alert`, async () => {
      const reply = await t.call(method, path, { token: t.tokens.acme, body });
      expect(reply.status).toBe(403);
      expect(await t.readAlerts()).toEqual([
        expect.objectContaining({ event: 'authz_fail', reason: 'missing-role:admin', tenant: 'acme' }),
      ]);
    });
  }

  it('lets an operator list every tenant’s jobs with filters, retry a failed one, and set a subscription end', async () => {
    const all = await t.call('GET', '/v1/admin/exports?status=succeeded', { token: t.tokens.admin });
    expect(all.status).toBe(200);
    expect(all.json.jobs.map((j: { id: string }) => j.id)).toContain(acmeJob);
    const byTenant = await t.call('GET', '/v1/admin/exports?tenant=globex', { token: t.tokens.admin });
    expect(byTenant.json.jobs).toEqual([]);
    const past = await t.call('GET', '/v1/admin/exports?to=2000-01-01T00:00:00Z', { token: t.tokens.admin });
    expect(past.json.jobs).toEqual([]);

    const notFailed = await t.call('POST', `/v1/admin/exports/${acmeJob}/retry`, { token: t.tokens.admin });
    expect(notFailed.status).toBe(409);

    const set = await t.call('PUT', '/v1/admin/tenants/acme/subscription', {
      token: t.tokens.admin,
      body: { endsAt: '2030-01-10T00:00:00Z' },
    });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({
      tenant: 'acme',
      subscriptionEndsAt: '2030-01-10T00:00:00Z',
      legalHold: false,
    });
    const tenant = await t.call('GET', '/v1/tenant', { token: t.tokens.acme });
    expect(tenant.json).toMatchObject({
      subscription: { status: 'ended', endsAt: '2030-01-10T00:00:00Z' },
      reversibilityDeadline: '2030-02-09T00:00:00.000Z',
      daysLeft: 25,
    });
    expect((await t.call('GET', '/v1/admin/deletions', { token: t.tokens.admin })).json).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('retries a cancelled export for an operator', async () => {
    const created = await t.call('POST', '/v1/exports', { token: t.tokens.globex });
    await t.call('DELETE', `/v1/exports/${created.json.id}`, { token: t.tokens.globex });
    const retried = await t.call('POST', `/v1/admin/exports/${created.json.id}/retry`, {
      token: t.tokens.admin,
    });
    expect(retried.status).toBe(202);
    expect(retried.json.status).toBe('queued');
    await t.drainQueue();
    expect(
      (await t.call('GET', `/v1/exports/${created.json.id}`, { token: t.tokens.globex })).json.status,
    ).toBe('succeeded');
  });
});
