import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../src/archive/verify.ts';
import { exportTenant } from '../../src/export/export-tenant.ts';
import type { TestDatabase } from '../support/databases.ts';
import { createPostgresDatabase, runPostgres } from '../support/databases.ts';
import type { TestService } from '../support/emulators.ts';
import { startTestService } from '../support/emulators.ts';

const SECRET_VALUE = 'AcmeConfidential-7731';

describe('the service with the real export engine and a real PostgreSQL source', () => {
  let db: TestDatabase;
  let t: TestService;
  let dir: string;
  beforeAll(async () => {
    db = await createPostgresDatabase('handover_service');
    await runPostgres(
      db.url,
      `CREATE TABLE companies (id text PRIMARY KEY, name text NOT NULL);
       CREATE TABLE clients (id serial PRIMARY KEY, company_id text NOT NULL REFERENCES companies(id), name text NOT NULL, note text);
       CREATE TABLE invoices (id serial PRIMARY KEY, client_id int NOT NULL REFERENCES clients(id), total numeric(12,2) NOT NULL);
       INSERT INTO companies VALUES ('acme', 'Acme Corp'), ('globex', 'Globex Inc');
       INSERT INTO clients (company_id, name, note) VALUES
         ('acme', 'Wile E.', '${SECRET_VALUE}'), ('acme', 'Road Runner', NULL), ('globex', 'Hank Scorpio', 'globex only');
       INSERT INTO invoices (client_id, total) VALUES (1, 10.50), (1, 99.99), (2, 0.01), (3, 1000.00);`,
    );
    t = await startTestService({
      env: { HANDOVER_SOURCE_URL: db.url },
      overrides: { runExport: exportTenant, prepareSource: undefined },
    });
    dir = await mkdtemp(join(tmpdir(), 'handover-service-'));
  });
  afterAll(async () => {
    await t?.stop();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exports only the caller’s tenant, into an archive that verifies after download', async () => {
    const created = await t.call('POST', '/v1/exports', {
      token: t.tokens.acme,
      body: { formats: ['csv', 'xlsx'] },
    });
    expect(created.status).toBe(202);
    await t.drainQueue();
    const job = await t.call('GET', `/v1/exports/${created.json.id}`, { token: t.tokens.acme });
    expect(job.json.error).toBeNull();
    expect(job.json.status).toBe('succeeded');
    expect(job.json.progress.tablesDone).toBe(job.json.progress.tablesTotal);

    const paths: string[] = [];
    for (const part of job.json.parts) {
      const redirect = await t.call('GET', part.download, { token: t.tokens.acme });
      expect(redirect.status).toBe(302);
      const archive = await fetch(redirect.headers.get('location') ?? '');
      const path = join(dir, part.fileName);
      await writeFile(path, Buffer.from(await archive.arrayBuffer()));
      paths.push(path);
    }
    const report = await verifyArchive(paths[0] ?? '');
    expect(report.ok).toBe(true);
    const manifest = report.archives[0]?.manifest;
    expect(manifest?.tenant).toBe('acme');
    expect(manifest?.jobId).toBe(created.json.id);
    const rows = Object.fromEntries((manifest?.tables ?? []).map((table) => [table.name, table.rows]));
    expect(rows).toMatchObject({ clients: 2, invoices: 3 });
  });

  it('never writes tokens, presigned signatures or row values to the logs', () => {
    const log = t.logLines.join('\n');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(SECRET_VALUE);
    expect(log).not.toContain('Road Runner');
    expect(log).not.toContain(t.tokens.acme);
    expect(log).not.toMatch(/X-Amz-Signature=[0-9a-f]/);
    expect(log).not.toMatch(/eyJ[\w-]{5,}\.[\w-]{5,}/);
    expect(log).not.toContain(db.url);
  });
});
