/**
 * The `handover` command line, run in-process through `main(argv, io)` against a real PostgreSQL
 * source: export, verify (and tamper detection), catalog, help, and the exit status and message of
 * every kind of mistake a person makes.
 */
import { execFile } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { openSource } from '../../src/sources/open-source.ts';
import { readArchive, readZipEntries } from '../support/archive-reader.ts';
import { type Captured, handover } from '../support/cli.ts';
import { createPostgresDatabase, runPostgres, type TestDatabase } from '../support/databases.ts';

const run = promisify(execFile);

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createPostgresDatabase('handover_cli');
  await runPostgres(
    db.url,
    `CREATE TABLE companies (id text PRIMARY KEY, name text NOT NULL);
     CREATE TABLE users (id integer PRIMARY KEY, company_id text NOT NULL REFERENCES companies (id),
       email text NOT NULL, password_hash text, remember_token text);
     CREATE TABLE clients (id integer PRIMARY KEY, company_id text NOT NULL REFERENCES companies (id),
       name text NOT NULL, note text);
     CREATE TABLE invoices (id integer PRIMARY KEY, client_id integer NOT NULL REFERENCES clients (id),
       total numeric(12,2) NOT NULL, issued_at timestamptz);
     CREATE TABLE events (id integer PRIMARY KEY, company_id text NOT NULL REFERENCES companies (id), payload text);
     CREATE TABLE migrations (id integer PRIMARY KEY, name text);
     CREATE TABLE audit_log (id integer PRIMARY KEY, line text);
     INSERT INTO companies VALUES ('acme', 'Acme'), ('globex', 'Globex'), ('bigco', 'Big Co');
     INSERT INTO users VALUES (1, 'acme', 'ann@acme.test', 'bcrypt$secret-hash', 'tok'),
       (2, 'globex', 'gil@globex.test', NULL, NULL);
     INSERT INTO clients VALUES (10, 'acme', 'Wile E., "Genius"', '=HYPERLINK("x")'), (11, 'acme', 'Road Runner', ''),
       (12, 'globex', 'Hank', NULL);
     INSERT INTO invoices VALUES (100, 10, 12.50, '2024-02-29 13:45:00.123456+01'), (101, 11, 0.10, NULL),
       (102, 12, 99.99, NULL);
     INSERT INTO events SELECT g, 'bigco', (SELECT string_agg(md5(g::text || i), '') FROM generate_series(1, 8) i)
       FROM generate_series(1, 12000) g;
     INSERT INTO migrations VALUES (1, '2024_01_01_create_users');
     INSERT INTO audit_log VALUES (1, 'nothing points here');`,
  );
  dir = await mkdtemp(join(tmpdir(), 'handover-cli-'));
});

afterAll(async () => {
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Flips one byte in the middle of an entry's stored (compressed) data, in place. */
async function flipByteInEntryData(zipPath: string, entryName: string): Promise<void> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false });
  let offset = -1;
  let size = 0;
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName === entryName) {
      offset = entry.relativeOffsetOfLocalHeader;
      size = entry.compressedSize;
    }
  }
  zip.close();
  if (offset < 0) throw new Error(`${entryName} not in ${zipPath}`);
  const bytes = await readFile(zipPath);
  const dataStart = offset + 30 + bytes.readUInt16LE(offset + 26) + bytes.readUInt16LE(offset + 28);
  const at = dataStart + Math.floor(size / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  await writeFile(zipPath, bytes);
}

describe('handover export', () => {
  it('exports a tenant into the zip named by --out, exits 0, and says how to verify it', async () => {
    // act
    const out = join(dir, 'acme.zip');
    const result = await handover('export', '--source', db.url, '--tenant', 'acme', '--out', out);

    // assess
    expect(result.err).not.toMatch(/error/i);
    expect(result.status).toBe(EXIT.ok);
    expect(result.out).toContain('Exported 6 rows from 5 tables of tenant acme');
    expect(result.out).toContain(`handover verify ${out}`);
    const part = await readArchive(out);
    const rows = Object.fromEntries(part.manifest.tables.map((t) => [t.name, t.rows]));
    expect(rows).toEqual({ companies: 1, users: 1, clients: 2, invoices: 2, events: 0 });
    expect(part.manifest.formats).toEqual(['csv', 'xlsx']);
    expect(part.manifest.csvProfile).toBe('excel');
    const users = part.entries.get('csv/users.csv')?.toString('utf8') ?? '';
    expect(users).not.toContain('secret-hash');
    expect(users.split('\n')[0]).toBe('\uFEFFid,company_id,email');
    // The excel profile keeps spreadsheets from running text as a formula.
    expect(part.entries.get('csv/clients.csv')?.toString('utf8')).toContain(`"'=HYPERLINK(""x"")"`);
    await run('unzip', ['-tq', out]);
  });

  it('prints nothing with --quiet, and takes --formats, --profile and --tables', async () => {
    const out = join(dir, 'quiet');
    const result = await handover(
      'export',
      '-s',
      db.url,
      '-t',
      'acme',
      '-o',
      out,
      '--formats',
      'csv',
      '--profile',
      'raw',
      '--tables',
      'clients,invoices',
      '--quiet',
    );
    expect([result.status, result.out, result.err]).toEqual([EXIT.ok, '', '']);
    const [name, ...others] = await readdir(out);
    expect(others).toEqual([]);
    expect(name).toMatch(/^handover-acme-\d{8}T\d{6}Z\.zip$/);
    const part = await readArchive(join(out, name ?? ''));
    expect([...part.entries.keys()].sort()).toEqual([
      'README.txt',
      'csv/clients.csv',
      'csv/invoices.csv',
      'manifest.json',
      'schema.sql',
    ]);
    // raw profile: no BOM, formula-looking text as it is.
    expect(part.entries.get('csv/clients.csv')?.toString('utf8')).toBe(
      'id,company_id,name,note\n10,acme,"Wile E., ""Genius""","=HYPERLINK(""x"")"\n11,acme,Road Runner,""\n',
    );
    expect(part.entries.get('csv/invoices.csv')?.toString('utf8')).toBe(
      'id,client_id,total,issued_at\n100,10,12.50,2024-02-29T12:45:00.123456Z\n101,11,0.10,\n',
    );
  });

  it.each([
    [['--formats', 'csv,pdf'], /--formats: unknown format "pdf"; choose from csv, xlsx/],
    [['--profile', 'fancy'], /argument 'fancy' is invalid.*excel, raw/s],
    [['--tenant', '../../etc'], /--tenant "\.\.\/\.\.\/etc" is not a valid tenant id/],
    [['--tables', 'clients,nope'], /Unknown table\(s\): nope\. Exportable tables: .*clients/],
    [['--part-size', 'lots'], /--part-size: expected a positive number, got "lots"/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    // act
    const out = join(dir, 'usage');
    const result = await handover('export', '--source', db.url, '--tenant', 'acme', '--out', out, ...args);

    // assess
    expect(result.status).toBe(EXIT.usage);
    expect(result.err).toMatch(message);
    await expect(readdir(out).catch(() => [])).resolves.toEqual([]);
  });

  it('exits 2 when the required tenant is missing', async () => {
    const result = await handover('export', '--source', db.url);
    expect(result.status).toBe(EXIT.usage);
    expect(result.err).toMatch(/--tenant/);
  });

  it('exits 3 when the source cannot be reached, without printing the password', async () => {
    const password = 'S3cret-Pa55word';
    const url = `postgres://reader:${password}@127.0.0.1:1/app`;
    const result = await handover('export', '--source', url, '--tenant', 'acme', '--out', join(dir, 'down'));
    expect(result.status).toBe(EXIT.source);
    expect(result.err).toMatch(/\S/);
    expect(result.out + result.err).not.toContain(password);
    const catalog = await handover('catalog', '--source', url);
    expect(catalog.status).toBe(EXIT.source);
    expect(catalog.out + catalog.err).not.toContain(password);
  });

  it('leaves no file behind when interrupted after a first part was written (Ctrl-C)', async () => {
    // prepare: tiny parts, so the first part is committed long before the export ends
    const out = join(dir, 'interrupted');
    await mkdir(out);
    let interrupted = false;
    // fs.watch reports the rename of the first committed part at once (a poll could miss the window).
    const watcher = watch(out, (_event, name) => {
      if (!interrupted && name?.toString().endsWith('.zip')) {
        interrupted = true;
        process.emit('SIGINT');
      }
    });

    // act
    let result: Captured;
    try {
      result = await handover(
        'export',
        '-s',
        db.url,
        '-t',
        'bigco',
        '-o',
        out,
        '--part-size',
        '0.0625',
        '-q',
      );
    } finally {
      watcher.close();
    }

    // assess
    expect(interrupted).toBe(true);
    expect(result.status).toBe(EXIT.interrupted);
    expect(result.err).toMatch(/cancelled/);
    const left = await readdir(out);
    expect(left).toEqual([]);
  });
});

describe('handover verify', () => {
  let archive: string;

  beforeAll(async () => {
    archive = join(dir, 'verify-me.zip');
    const result = await handover('export', '-s', db.url, '-t', 'acme', '-o', archive, '-q');
    expect(result.status).toBe(EXIT.ok);
  });

  it('exits 0 for an intact archive', async () => {
    const result = await handover('verify', archive);
    expect(result.err).toBe('');
    expect(result.status).toBe(EXIT.ok);
    expect(result.out).toMatch(/\S/);
  });

  it('exits 1 naming the file when one byte of a CSV entry’s zip data is flipped', async () => {
    // prepare
    const tampered = join(dir, 'flipped.zip');
    await writeFile(tampered, await readFile(archive));
    await flipByteInEntryData(tampered, 'csv/clients.csv');

    // act
    const result = await handover('verify', tampered);

    // assess
    expect(result.status).toBe(EXIT.verifyFailed);
    expect(result.err).toContain('csv/clients.csv');
  });

  it('exits 1 naming the file when a CSV is changed and the zip rebuilt with valid CRCs', async () => {
    // prepare: the zip itself is sound, only the content disagrees with the manifest's sha256
    const unpacked = join(dir, 'rebuilt');
    for (const [path, bytes] of await readZipEntries(archive)) {
      await mkdir(join(unpacked, path, '..'), { recursive: true });
      const changed =
        path === 'csv/clients.csv' ? Buffer.from(bytes.toString('utf8').replace('Road', 'Roar')) : bytes;
      await writeFile(join(unpacked, path), changed);
    }
    const rebuilt = join(dir, 'rebuilt.zip');
    await run('zip', ['-qrX', rebuilt, '.'], { cwd: unpacked });

    // act
    const result = await handover('verify', rebuilt);

    // assess
    expect(result.status).toBe(EXIT.verifyFailed);
    expect(result.err).toMatch(/csv\/clients\.csv: sha256 mismatch/);
  });

  it('exits 1 when the archive does not exist', async () => {
    const result = await handover('verify', join(dir, 'missing.zip'));
    expect(result.status).toBe(EXIT.verifyFailed);
    expect(result.err).toContain('missing.zip');
  });
});

describe('handover catalog', () => {
  it('prints each table with its scope and excluded columns, then the tables not exported and why', async () => {
    const result = await handover('catalog', '--source', db.url);
    expect(result.status).toBe(EXIT.ok);
    const text = result.out;
    for (const table of ['companies', 'users', 'clients', 'invoices', 'events'])
      expect(text).toContain(table);
    expect(text).toContain('5 tables exported, 2 not exported');
    expect(text).toMatch(/password_hash/);
    expect(text).toMatch(/remember_token/);
    const notExported = text.slice(text.indexOf('Not exported'));
    expect(notExported).toMatch(/audit_log\s+\S/);
    expect(notExported).toMatch(/migrations\s+.*framework/);
  });

  it('prints the catalog as JSON with --json', async () => {
    const result = await handover('catalog', '--source', db.url, '--json');
    expect(result.status).toBe(EXIT.ok);
    const catalog = JSON.parse(result.out) as { tables: { name: string }[]; uncovered: { name: string }[] };
    expect(catalog.tables.map((t) => t.name).sort()).toEqual([
      'clients',
      'companies',
      'events',
      'invoices',
      'users',
    ]);
    expect(catalog.uncovered.map((t) => t.name).sort()).toEqual(['audit_log', 'migrations']);
  });
});

describe('handover --help', () => {
  it('exits 0 and lists the commands', async () => {
    const result = await handover('--help');
    expect(result.status).toBe(EXIT.ok);
    for (const command of ['export', 'verify', 'catalog']) expect(result.out).toContain(command);
  });

  it('exits 0 for the help of a command, and 2 for an unknown command', async () => {
    const help = await handover('export', '--help');
    expect(help.status).toBe(EXIT.ok);
    expect(help.out).toContain('--tenant');
    const unknown = await handover('exprot');
    expect(unknown.status).toBe(EXIT.usage);
  });
});

// The manifest's counts are the tenant's rows in the source.
describe('handover export counts', () => {
  it('writes each table’s row count as the source counts the tenant’s rows', async () => {
    const out = join(dir, 'counts.zip');
    expect((await handover('export', '-s', db.url, '-t', 'globex', '-o', out, '-q')).status).toBe(EXIT.ok);
    const source = openSource(db.url);
    try {
      const counts = await source.query<{ t: string; n: string }>({
        sql: `SELECT 'companies' AS t, count(*)::text AS n FROM companies WHERE id = $1
              UNION ALL SELECT 'users', count(*)::text FROM users WHERE company_id = $1
              UNION ALL SELECT 'clients', count(*)::text FROM clients WHERE company_id = $1
              UNION ALL SELECT 'invoices', count(*)::text FROM invoices i JOIN clients c ON c.id = i.client_id WHERE c.company_id = $1
              UNION ALL SELECT 'events', count(*)::text FROM events WHERE company_id = $1`,
        params: ['globex'],
      });
      const manifest = (await readArchive(out)).manifest;
      expect(Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]))).toEqual(
        Object.fromEntries(counts.map((c) => [c.t, Number(c.n)])),
      );
    } finally {
      await source.close();
    }
  });
});
