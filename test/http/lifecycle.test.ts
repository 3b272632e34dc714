import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestService } from '../support/emulators.ts';
import { startTestService } from '../support/emulators.ts';

describe('an export over HTTP, from request to download', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('queues, runs, and hands out a presigned download of the archive', async () => {
    // prepare / act: request
    const created = await t.call('POST', '/v1/exports', { token: t.tokens.acme, body: { formats: ['csv'] } });
    expect(created.status).toBe(202);
    expect(created.json.status).toBe('queued');
    expect(created.json.tenant).toBe('acme');
    expect(created.headers.get('location')).toBe(`/v1/exports/${created.json.id}`);

    const early = await t.call('GET', `/v1/exports/${created.json.id}/download`, { token: t.tokens.acme });
    expect(early.status).toBe(409);
    expect(early.headers.get('content-type')).toBe('application/problem+json');

    // act: the worker runs
    expect(await t.drainQueue()).toBe(1);

    const done = await t.call('GET', `/v1/exports/${created.json.id}`, { token: t.tokens.acme });
    expect(done.status).toBe(200);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.parts).toHaveLength(1);
    expect(done.json.progress.percent).toBe(100);
    expect(JSON.stringify(done.json)).not.toContain('leaseOwner');

    const listed = await t.call('GET', '/v1/exports', { token: t.tokens.acme });
    expect(listed.json.jobs.map((j: { id: string }) => j.id)).toContain(created.json.id);

    const download = await t.call('GET', `/v1/exports/${created.json.id}/download?part=1`, {
      token: t.tokens.acme,
    });
    expect(download.status).toBe(302);
    const location = download.headers.get('location') ?? '';
    expect(location).toContain('X-Amz-Signature=');
    expect(location).toContain('response-content-disposition=attachment');
    const archive = await fetch(location);
    expect(archive.status).toBe(200);
    const bytes = Buffer.from(await archive.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(bytes.length).toBe(done.json.parts[0].bytes);

    const audit = t.logLines.map((l) => JSON.parse(l)).find((l) => l.action === 'export.download');
    expect(audit).toMatchObject({ tenant: 'acme', jobId: created.json.id, part: 1, user: 'alice@acme' });
  });

  it('deletes a finished archive on DELETE and then refuses its download with 410', async () => {
    const created = await t.call('POST', '/v1/exports', { token: t.tokens.globex });
    await t.drainQueue();
    const deleted = await t.call('DELETE', `/v1/exports/${created.json.id}`, { token: t.tokens.globex });
    expect(deleted.status).toBe(200);
    expect(deleted.json.status).toBe('expired');
    expect(deleted.json.archiveDeletedAt).not.toBeNull();
    const download = await t.call('GET', `/v1/exports/${created.json.id}/download`, {
      token: t.tokens.globex,
    });
    expect(download.status).toBe(410);
    const keys = await t.service.objects.listKeys(`exports/globex/${created.json.id}/`);
    expect(keys).toEqual([]);
    void GetObjectCommand;
  });
});
