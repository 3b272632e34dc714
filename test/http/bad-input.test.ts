import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestService } from '../support/emulators.ts';
import { startTestService } from '../support/emulators.ts';

describe('bad input on every route', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ env: { HANDOVER_RATE_LIMIT: '1000' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  type Case = [
    name: string,
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; admin?: boolean },
    status: number,
  ];
  const bigBody = JSON.stringify({
    tables: Array.from({ length: 2000 }, (_, i) => `table_${i}_${'x'.repeat(20)}`),
  });
  const cases: Case[] = [
    [
      'malformed JSON',
      'POST',
      '/v1/exports',
      { rawBody: '{"formats": [', headers: { 'content-type': 'application/json' } },
      400,
    ],
    [
      'a body that is not JSON',
      'POST',
      '/v1/exports',
      { rawBody: 'formats=csv', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
    ],
    ['an unknown format', 'POST', '/v1/exports', { body: { formats: ['pdf'] } }, 400],
    ['a repeated format', 'POST', '/v1/exports', { body: { formats: ['csv', 'csv'] } }, 400],
    ['formats that is not a list', 'POST', '/v1/exports', { body: { formats: 'csv' } }, 400],
    ['an unknown field', 'POST', '/v1/exports', { body: { tenant: 'globex' } }, 400],
    [
      'a table name with SQL in it',
      'POST',
      '/v1/exports',
      { body: { tables: ['x; DROP TABLE users'] } },
      400,
    ],
    ['an empty table list', 'POST', '/v1/exports', { body: { tables: [] } }, 400],
    ['a JSON array body', 'POST', '/v1/exports', { body: ['csv'] }, 400],
    [
      'an oversized body',
      'POST',
      '/v1/exports',
      { rawBody: bigBody, headers: { 'content-type': 'application/json' } },
      413,
    ],
    [
      'an invalid Idempotency-Key',
      'POST',
      '/v1/exports',
      { body: {}, headers: { 'idempotency-key': 'x'.repeat(200) } },
      400,
    ],
    ['a limit of 0', 'GET', '/v1/exports?limit=0', {}, 400],
    ['a limit that is not a number', 'GET', '/v1/exports?limit=ten', {}, 400],
    ['a limit over 100', 'GET', '/v1/exports?limit=1000', {}, 400],
    ['a bad cursor', 'GET', '/v1/exports?cursor=abc', {}, 400],
    ['an unknown query parameter', 'GET', '/v1/exports?tenant=globex', {}, 400],
    ['a bad export id', 'GET', '/v1/exports/not-an-id', {}, 400],
    ['an export id with a path trick', 'GET', '/v1/exports/..%2F..%2Fadmin', {}, 400],
    ['a lowercase id', 'GET', '/v1/exports/01arz3ndektsv4rrffq69g5fav', {}, 400],
    ['a bad id on download', 'GET', '/v1/exports/123/download', {}, 400],
    ['part 0', 'GET', '/v1/exports/01ARZ3NDEKTSV4RRFFQ69G5FAV/download?part=0', {}, 400],
    [
      'a part that is not a number',
      'GET',
      '/v1/exports/01ARZ3NDEKTSV4RRFFQ69G5FAV/download?part=one',
      {},
      400,
    ],
    ['a negative part', 'GET', '/v1/exports/01ARZ3NDEKTSV4RRFFQ69G5FAV/download?part=-1', {}, 400],
    ['a bad id on delete', 'DELETE', '/v1/exports/%00', {}, 400],
    [
      'a body on a DELETE',
      'DELETE',
      '/v1/exports/01ARZ3NDEKTSV4RRFFQ69G5FAV',
      { rawBody: '{"x":1}', headers: { 'content-type': 'application/json' } },
      400,
    ],
    ['a query on /v1/tenant', 'GET', '/v1/tenant?x=1', {}, 400],
    ['a bad backup date', 'GET', '/v1/backups/yesterday/download', {}, 400],
    ['an impossible backup date', 'GET', '/v1/backups/2030-02-31/download', {}, 400],
    ['a backup day with none', 'GET', '/v1/backups/2030-01-01/download', {}, 404],
    ['an unknown status filter', 'GET', '/v1/admin/exports?status=done', { admin: true }, 400],
    ['a date that is not ISO 8601', 'GET', '/v1/admin/exports?from=yesterday', { admin: true }, 400],
    [
      'from after to',
      'GET',
      '/v1/admin/exports?from=2030-02-01T00:00:00Z&to=2030-01-01T00:00:00Z',
      { admin: true },
      400,
    ],
    ['a bad tenant filter', 'GET', '/v1/admin/exports?tenant=a%20b', { admin: true }, 400],
    ['a bad id to retry', 'POST', '/v1/admin/exports/nope/retry', { admin: true }, 400],
    [
      'an unknown id to retry',
      'POST',
      '/v1/admin/exports/01ARZ3NDEKTSV4RRFFQ69G5FAV/retry',
      { admin: true },
      404,
    ],
    [
      'a bad tenant id',
      'PUT',
      '/v1/admin/tenants/a.b/subscription',
      { admin: true, body: { endsAt: null } },
      400,
    ],
    ['a missing endsAt', 'PUT', '/v1/admin/tenants/acme/subscription', { admin: true, body: {} }, 400],
    [
      'an endsAt without time zone',
      'PUT',
      '/v1/admin/tenants/acme/subscription',
      { admin: true, body: { endsAt: '2030-01-01T00:00:00' } },
      400,
    ],
    ['a subscription without body', 'PUT', '/v1/admin/tenants/acme/subscription', { admin: true }, 400],
    ['an unknown route', 'GET', '/v1/nothing', {}, 404],
    ['a wrong method', 'PATCH', '/v1/exports', {}, 405],
  ];

  for (const [name, method, path, options, status] of cases) {
    it(`answers ${status} problem+json to ${name} (${method} ${path.slice(0, 60)})`, async () => {
      const reply = await t.call(method, path, {
        token: options.admin ? t.tokens.admin : t.tokens.acme,
        body: options.body,
        rawBody: options.rawBody,
        headers: options.headers,
      });
      expect(reply.status).toBe(status);
      expect(reply.headers.get('content-type')).toBe('application/problem+json');
      expect(reply.json).toMatchObject({
        status,
        type: expect.any(String),
        title: expect.any(String),
        instance: expect.any(String),
      });
      expect(reply.json.detail.length).toBeGreaterThan(10);
      expect(reply.text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
    });
  }

  it('never answered 500 and logged no unhandled error', () => {
    expect(t.logLines.filter((l) => l.includes('unhandled error'))).toEqual([]);
  });
});

describe('request limits: idempotency, one active export, rate', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ env: { HANDOVER_RATE_LIMIT: '3', HANDOVER_RATE_WINDOW_SECONDS: '3600' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('returns the same job for a repeated Idempotency-Key and refuses it with a different body', async () => {
    const headers = { 'idempotency-key': 'retry-42' };
    const first = await t.call('POST', '/v1/exports', {
      token: t.tokens.acme,
      body: { formats: ['csv', 'xlsx'] },
      headers,
    });
    const again = await t.call('POST', '/v1/exports', {
      token: t.tokens.acme,
      body: { formats: ['xlsx', 'csv'] },
      headers,
    });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.json.id).toBe(first.json.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await t.call('POST', '/v1/exports', {
      token: t.tokens.acme,
      body: { formats: ['csv'] },
      headers,
    });
    expect(other.status).toBe(422);
    expect(other.json.type).toContain('idempotency-key-reused');
  });

  it('refuses a second export while one is active, naming the running job', async () => {
    const running = await t.call('GET', '/v1/exports', { token: t.tokens.acme });
    const second = await t.call('POST', '/v1/exports', { token: t.tokens.acme });
    expect(second.status).toBe(409);
    expect(second.json.job.id).toBe(running.json.jobs[0].id);
    expect(second.json.detail).toContain('DELETE /v1/exports/{id}');
  });

  it('limits requests per tenant and window with 429 and Retry-After, other tenants unaffected', async () => {
    // Two requests counted above; the third is allowed (and refused 409 only by the active slot).
    await t.drainQueue();
    const third = await t.call('POST', '/v1/exports', { token: t.tokens.acme });
    expect(third.status).toBe(202);
    await t.drainQueue();
    const fourth = await t.call('POST', '/v1/exports', { token: t.tokens.acme });
    expect(fourth.status).toBe(429);
    const retryAfter = Number(fourth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(fourth.json.retryAfter).toBe(retryAfter);
    expect((await t.call('POST', '/v1/exports', { token: t.tokens.globex })).status).toBe(202);
    // A new window opens later: the clock moves, no waiting.
    t.clock.advance(3600 * 1000);
    expect((await t.call('POST', '/v1/exports', { token: t.tokens.acme })).status).toBe(202);
  });

  it('refuses the download of an archive past its expiry with 410', async () => {
    await t.drainQueue();
    const list = await t.call('GET', '/v1/exports', { token: t.tokens.acme });
    const done = list.json.jobs.find((j: { status: string }) => j.status === 'succeeded');
    expect(done).toBeDefined();
    t.clock.advance(t.service.config.archiveTtlDays * 86_400_000 + 1000);
    const reply = await t.call('GET', `/v1/exports/${done.id}/download`, { token: t.tokens.acme });
    expect(reply.status).toBe(410);
    expect(reply.json.detail).toContain('expired');
  });
});
