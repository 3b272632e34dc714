import { UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerHandler } from '../../src/aws/sqs-worker-handler.ts';
import { newWorkerId } from '../../src/config/wiring.ts';
import { ExportError } from '../../src/export/errors.ts';
import type { ExportRequest, ExportResult } from '../../src/export/types.ts';
import { localContext } from '../../src/local/http-server.ts';
import type { TestService } from '../support/emulators.ts';
import { jobEvent, startTestService, tinyZipExport } from '../support/emulators.ts';

/** An engine that opens a part, writes into it, then waits until released (or aborted). */
function hangingEngine() {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let opened: () => void = () => undefined;
  const partOpened = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const run = async (request: ExportRequest): Promise<ExportResult> => {
    const upload = await request.sink.openPart(`${request.fileStem}.zip`);
    upload.stream.write(Buffer.alloc(1024, 1));
    opened();
    await released;
    // A zombie worker that wakes up tries to publish what it wrote.
    upload.stream.end();
    const { location } = await upload.commit();
    return {
      parts: [{ number: 1, fileName: `${request.fileStem}.zip`, location, bytes: 1024, sha256: 'x' }],
      manifest: {} as ExportResult['manifest'],
      rows: 0,
    };
  };
  return { run, release, partOpened };
}

describe('the export worker', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ env: { HANDOVER_RATE_LIMIT: '1000', HANDOVER_HEARTBEAT_SECONDS: '3600' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const request = async (token: string) => {
    const created = await t.call('POST', '/v1/exports', { token, body: { formats: ['csv'] } });
    expect(created.status).toBe(202);
    return created.json.id as string;
  };
  const job = (tenant: string, id: string) => t.service.api.store.get(tenant, id);
  const archiveKeys = (tenant: string, id: string) => t.service.objects.listKeys(`exports/${tenant}/${id}/`);
  const finishAndCancelLeftovers = async (tenant: string, id: string) => {
    const current = await job(tenant, id);
    if (current && (current.status === 'queued' || current.status === 'running')) {
      await t.call('DELETE', `/v1/exports/${id}`, {
        token: tenant === 'acme' ? t.tokens.acme : t.tokens.globex,
      });
    }
  };

  it('gives one archive when the same job is delivered twice in a row', async () => {
    const id = await request(t.tokens.acme);
    const first = await t.worker(jobEvent('acme', id, 'dup-1'), localContext('w'));
    const second = await t.worker(jobEvent('acme', id, 'dup-2'), localContext('w'));
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    const stored = await job('acme', id);
    expect(stored?.status).toBe('succeeded');
    expect(stored?.attempts).toBe(1);
    expect(await archiveKeys('acme', id)).toEqual(stored?.parts.map((p) => p.key));
  });

  it('gives one archive when two deliveries of one job run at the same time', async () => {
    const id = await request(t.tokens.globex);
    const results = await Promise.all([
      t.worker(jobEvent('globex', id, 'c-1'), localContext('w1')),
      t.worker(jobEvent('globex', id, 'c-2'), localContext('w2')),
    ]);
    const stored = await job('globex', id);
    expect(stored?.status).toBe('succeeded');
    expect(stored?.attempts).toBe(1);
    expect(await archiveKeys('globex', id)).toHaveLength(1);
    // The loser either saw the job finished or asked for a redelivery; a redelivery is then a no-op.
    const failed = results.flatMap((r) => r.batchItemFailures);
    expect(failed.length).toBeLessThanOrEqual(1);
    const redelivered = await t.worker(jobEvent('globex', id, 'c-3'), localContext('w3'));
    expect(redelivered.batchItemFailures).toEqual([]);
    expect((await job('globex', id))?.status).toBe('succeeded');
  });

  it('takes over the job of a worker that died mid-export once its lease expires, aborting its upload', async () => {
    const id = await request(t.tokens.acme);
    const zombie = hangingEngine();
    const deadWorker = createWorkerHandler({ ...t.service.worker, runExport: zombie.run }, newWorkerId);
    const zombieRun = deadWorker(jobEvent('acme', id, 'k-1'), localContext('dead'));
    await zombie.partOpened;
    const running = await job('acme', id);
    expect(running?.status).toBe('running');
    expect(running?.openUploads).toHaveLength(1);
    const staleUpload = running?.openUploads[0];

    // Redelivered while the lease is still valid: the message must come back later.
    const early = await t.worker(jobEvent('acme', id, 'k-2'), localContext('early'));
    expect(early.batchItemFailures).toHaveLength(1);

    // The lease expires (clock moved, no sleeping); the next delivery takes the job over.
    t.clock.advance(t.service.config.leaseSeconds * 1000 + 1000);
    const takeover = await t.worker(jobEvent('acme', id, 'k-3'), localContext('new'));
    expect(takeover.batchItemFailures).toEqual([]);
    const done = await job('acme', id);
    expect(done?.status).toBe('succeeded');
    expect(done?.attempts).toBe(2);
    expect(done?.openUploads).toEqual([]);

    // The dead worker's half-written multipart upload was aborted.
    await expect(
      t.service.clients.s3.send(
        new UploadPartCommand({
          Bucket: t.service.config.bucket,
          Key: staleUpload?.key,
          UploadId: staleUpload?.uploadId,
          PartNumber: 2,
          Body: Buffer.from('late'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });

    // The zombie wakes up: it may not publish anything, nor move the job.
    zombie.release();
    const zombieResult = await zombieRun;
    expect(zombieResult.batchItemFailures).toEqual([]);
    const after = await job('acme', id);
    expect(after?.status).toBe('succeeded');
    expect(after?.attempts).toBe(2);
    expect(await archiveKeys('acme', id)).toEqual(after?.parts.map((p) => p.key));
  });

  it('stops a running export when the user cancels it, aborting the upload and freeing the slot', async () => {
    const id = await request(t.tokens.globex);
    let opened: () => void = () => undefined;
    const partOpened = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const cancellable = async (req: ExportRequest): Promise<ExportResult> => {
      const upload = await req.sink.openPart(`${req.fileStem}.zip`);
      upload.stream.write(Buffer.alloc(512, 2));
      opened();
      // Keeps reporting progress, as the engine does after each batch, until told to stop.
      while (!req.signal?.aborted) {
        req.onProgress?.({
          tablesDone: 0,
          tablesTotal: 3,
          rowsDone: 10,
          rowsEstimated: 100,
          bytes: 512,
          currentTable: 'invoices',
          partsDone: 0,
        });
        await new Promise((r) => setTimeout(r, 20));
      }
      await upload.abort();
      throw new ExportError('cancelled', 'Export cancelled.');
    };
    const worker = createWorkerHandler({ ...t.service.worker, runExport: cancellable }, newWorkerId);
    const run = worker(jobEvent('globex', id, 'x-1'), localContext('w'));
    await partOpened;
    const progress = await t.call('GET', `/v1/exports/${id}`, { token: t.tokens.globex });
    expect(progress.json.status).toBe('running');

    const cancelled = await t.call('DELETE', `/v1/exports/${id}`, { token: t.tokens.globex });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    expect((await run).batchItemFailures).toEqual([]);

    const stored = await job('globex', id);
    expect(stored?.status).toBe('cancelled');
    expect(await archiveKeys('globex', id)).toEqual([]);
    const next = await t.call('POST', '/v1/exports', { token: t.tokens.globex });
    expect(next.status).toBe(202);
    await finishAndCancelLeftovers('globex', next.json.id);
  });

  it('fails a job whose tables do not exist, with a message naming them, and frees the slot', async () => {
    const created = await t.call('POST', '/v1/exports', {
      token: t.tokens.acme,
      body: { tables: ['no_such_table'] },
    });
    const failing = async (req: ExportRequest): Promise<ExportResult> => {
      throw new ExportError(
        'unknown-table',
        `Unknown table(s): ${req.tables?.join(', ')}. Exportable tables: clients.`,
      );
    };
    const worker = createWorkerHandler({ ...t.service.worker, runExport: failing }, newWorkerId);
    const result = await worker(jobEvent('acme', created.json.id, 'f-1'), localContext('w'));
    expect(result.batchItemFailures).toEqual([]);
    const read = await t.call('GET', `/v1/exports/${created.json.id}`, { token: t.tokens.acme });
    expect(read.json.status).toBe('failed');
    expect(read.json.error).toEqual({
      code: 'unknown-table',
      message: expect.stringContaining('no_such_table'),
    });
    expect((await t.call('POST', '/v1/exports', { token: t.tokens.acme })).status).toBe(202);
    await t.drainQueue();
  });

  it('retries a transient failure on redelivery and succeeds on the second attempt', async () => {
    const id = await request(t.tokens.globex);
    let calls = 0;
    const flaky = async (req: ExportRequest): Promise<ExportResult> => {
      calls++;
      if (calls === 1) throw new Error('connection terminated unexpectedly');
      return tinyZipExport(req);
    };
    const worker = createWorkerHandler({ ...t.service.worker, runExport: flaky }, newWorkerId);
    const first = await worker(jobEvent('globex', id, 'r-1'), localContext('w'));
    expect(first.batchItemFailures).toHaveLength(1);
    expect((await job('globex', id))?.status).toBe('running');
    const second = await worker(jobEvent('globex', id, 'r-1'), localContext('w'));
    expect(second.batchItemFailures).toEqual([]);
    const done = await job('globex', id);
    expect(done?.status).toBe('succeeded');
    expect(done?.attempts).toBe(2);
  });

  it('drops a malformed queue message instead of retrying it forever', async () => {
    const event = jobEvent('acme', 'x');
    const record = event.Records[0];
    if (record) record.body = 'not json';
    expect((await t.worker(event, localContext('w'))).batchItemFailures).toEqual([]);
  });
});
