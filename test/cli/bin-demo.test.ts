/**
 * The real `bin/handover.js`, as a user runs it on a fresh checkout: no `--source`, so it starts the
 * embedded demo database (seeded on first use into `.handover/demo-db` under the working directory,
 * here a temporary one), exports a demo tenant, and `handover verify` and `unzip -t` accept the archive.
 * Seeding the demo's ~115,000 rows into PGlite is the slow part; the export is kept to three tables.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDemo } from '../../src/demo/embedded.ts';
import { readArchive } from '../support/archive-reader.ts';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/handover.js');
const TENANT = 'globex';

/** Runs `node bin/handover.js ...args` in `cwd`; never throws on a non-zero exit. */
async function handover(
  cwd: string,
  ...args: string[]
): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { status: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('bin/handover.js with the embedded demo database', () => {
  let cwd: string;
  let archive: string;
  let exported: Awaited<ReturnType<typeof handover>>;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'handover-bin-'));
    archive = join(cwd, 'out', 'a.zip');
    exported = await handover(
      cwd,
      'export',
      '--tenant',
      TENANT,
      '--tables',
      'companies,clients,invoices',
      '--out',
      archive,
    );
  }, 300_000);

  afterAll(async () => {
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('exports a demo tenant with exit status 0', () => {
    expect(exported.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toContain(`tables of tenant ${TENANT}`);
    expect(exported.stdout).toContain('handover verify');
  });

  it('writes an archive that `handover verify` and `unzip -t` accept', async () => {
    const verified = await handover(cwd, 'verify', archive);
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
    const unzip = await run('unzip', ['-t', archive]);
    expect(unzip.stdout).toMatch(/No errors detected/);
  });

  it('counts in the manifest exactly the tenant’s rows of the demo database', async () => {
    const { manifest } = await readArchive(archive);
    const demo = await startEmbeddedDemo({ dataDir: join(cwd, '.handover', 'demo-db') });
    const client = new pg.Client({ connectionString: demo.url });
    try {
      await client.connect();
      const { rows } = await client.query<{ t: string; n: string }>(
        `SELECT 'companies' AS t, count(*)::text AS n FROM companies WHERE id = $1
         UNION ALL SELECT 'clients', count(*)::text FROM clients WHERE company_id = $1
         UNION ALL SELECT 'invoices', count(*)::text FROM invoices WHERE company_id = $1`,
        [TENANT],
      );
      expect(Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]))).toEqual(
        Object.fromEntries(rows.map((r) => [r.t, Number(r.n)])),
      );
      expect(manifest.tables.every((t) => t.rows > 0)).toBe(true);
    } finally {
      await client.end().catch(() => undefined);
      await demo.stop();
    }
  });
});
