/**
 * Tenant isolation end to end, on PostgreSQL and MariaDB: a SaaS-shaped schema where tenant data is
 * reached through a tenant column, a two-hop foreign-key path, a membership table and a reference
 * table. Every row of the other tenants carries a marker; exporting tenant `acme` must produce an
 * archive in which no byte of any file (workbook XML included) carries a marker, and whose manifest
 * counts equal the tenant's rows counted in SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../src/archive/verify.ts';
import type { Catalog, Dialect } from '../../src/catalog/types.ts';
import { openSource } from '../../src/sources/open-source.ts';
import type { SourceDatabase } from '../../src/sources/types.ts';
import { entry, parseCsvFile, readWorkbook, visibleContents } from '../support/archive-reader.ts';
import {
  createMysqlDatabase,
  createPostgresDatabase,
  runMysql,
  runPostgres,
  type TestDatabase,
} from '../support/databases.ts';
import { catalogOf, type ExportedArchive, exportInto, tempDir } from './export-harness.ts';

/** Works in both dialects: explicit ids, table-level foreign keys (InnoDB ignores inline REFERENCES). */
const SCHEMA = [
  `CREATE TABLE currencies (code char(3) PRIMARY KEY, name varchar(60) NOT NULL)`,
  `CREATE TABLE companies (id varchar(40) PRIMARY KEY, name varchar(60) NOT NULL)`,
  `CREATE TABLE users (id integer PRIMARY KEY, email varchar(80) NOT NULL, name varchar(60) NOT NULL)`,
  `CREATE TABLE company_user (
     company_id varchar(40) NOT NULL, user_id integer NOT NULL, role varchar(40) NOT NULL,
     PRIMARY KEY (company_id, user_id),
     FOREIGN KEY (company_id) REFERENCES companies (id), FOREIGN KEY (user_id) REFERENCES users (id))`,
  `CREATE TABLE clients (
     id integer PRIMARY KEY, company_id varchar(40) NOT NULL, name varchar(60) NOT NULL,
     FOREIGN KEY (company_id) REFERENCES companies (id))`,
  // No tenant column: invoices belong to a tenant through their client.
  `CREATE TABLE invoices (
     id integer PRIMARY KEY, client_id integer NOT NULL, currency char(3) NOT NULL,
     number varchar(40) NOT NULL, created_by integer NULL, total numeric(12,2) NOT NULL,
     FOREIGN KEY (client_id) REFERENCES clients (id), FOREIGN KEY (currency) REFERENCES currencies (code),
     FOREIGN KEY (created_by) REFERENCES users (id))`,
  // Two hops from the tenant column: invoice_lines -> invoices -> clients.
  `CREATE TABLE invoice_lines (
     id integer PRIMARY KEY, invoice_id integer NOT NULL, description varchar(80) NOT NULL,
     amount numeric(12,2) NOT NULL,
     FOREIGN KEY (invoice_id) REFERENCES invoices (id))`,
  // Nothing leads from it to a tenant: reported as not exported.
  `CREATE TABLE audit_blobs (id integer PRIMARY KEY, payload varchar(80) NOT NULL)`,
];

/**
 * Tenant `acme` and the canaries of `MARKER-B-co` and `MARKER-C-co`: every canary row holds its
 * tenant's marker in a text column, and a numeric canary (`4242.42`, `9191.91`) no acme row has.
 */
const DATA = [
  `INSERT INTO currencies VALUES ('EUR', 'Euro'), ('USD', 'US dollar'), ('ZZB', 'MARKER-B dollar'),
     ('ZZC', 'MARKER-C crown'), ('XXX', 'MARKER-unused currency')`,
  `INSERT INTO companies VALUES ('acme', 'Acme GmbH'), ('MARKER-B-co', 'MARKER-B Corp'),
     ('MARKER-C-co', 'MARKER-C Ltd')`,
  `INSERT INTO users VALUES (1, 'ann@acme.test', 'Ann'), (2, 'bob@acme.test', 'Bob'),
     (3, 'shared@consultants.test', 'Shared Sam'), (4, 'MARKER-B-only@b.test', 'MARKER-B Betty'),
     (5, 'MARKER-C-only@c.test', 'MARKER-C Carl'), (6, 'MARKER-nobody@x.test', 'MARKER-no member')`,
  `INSERT INTO company_user VALUES ('acme', 1, 'admin'), ('acme', 2, 'member'), ('acme', 3, 'member'),
     ('MARKER-B-co', 3, 'MARKER-B role'), ('MARKER-B-co', 4, 'MARKER-B role'), ('MARKER-C-co', 5, 'MARKER-C role')`,
  `INSERT INTO clients VALUES (10, 'acme', 'Client One'), (11, 'MARKER-B-co', 'MARKER-B client'),
     (12, 'acme', 'Client Two'), (13, 'MARKER-C-co', 'MARKER-C client')`,
  `INSERT INTO invoices VALUES (100, 10, 'EUR', 'A-1', 1, 10.00), (101, 11, 'ZZB', 'MARKER-B-INV-1', 4, 4242.42),
     (102, 12, 'USD', 'A-2', NULL, 20.50), (103, 13, 'ZZC', 'MARKER-C-INV-1', 5, 9191.91),
     (104, 10, 'EUR', 'A-3', 3, 0.10), (105, 11, 'EUR', 'MARKER-B-INV-2', 3, 4242.42)`,
  `INSERT INTO invoice_lines VALUES (1000, 100, 'Consulting', 10.00), (1001, 101, 'MARKER-B line', 4242.42),
     (1002, 102, 'Travel', 20.50), (1003, 103, 'MARKER-C line', 9191.91), (1004, 104, 'Coffee', 0.10),
     (1005, 105, 'MARKER-B line 2', 4242.42), (1006, 100, 'Expenses', 0.00)`,
  `INSERT INTO audit_blobs VALUES (1, 'MARKER-audit')`,
];

/** The acme rows of each table, counted in SQL. */
const ACME_COUNTS: Record<string, string> = {
  companies: `SELECT count(*) AS n FROM companies WHERE id = 'acme'`,
  clients: `SELECT count(*) AS n FROM clients WHERE company_id = 'acme'`,
  company_user: `SELECT count(*) AS n FROM company_user WHERE company_id = 'acme'`,
  invoices: `SELECT count(*) AS n FROM invoices i JOIN clients c ON c.id = i.client_id WHERE c.company_id = 'acme'`,
  invoice_lines: `SELECT count(*) AS n FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
                  JOIN clients c ON c.id = i.client_id WHERE c.company_id = 'acme'`,
  users: `SELECT count(*) AS n FROM users u WHERE u.id IN (SELECT user_id FROM company_user WHERE company_id = 'acme')
          OR u.id IN (SELECT i.created_by FROM invoices i JOIN clients c ON c.id = i.client_id WHERE c.company_id = 'acme')`,
  currencies: `SELECT count(*) AS n FROM currencies WHERE code IN
               (SELECT i.currency FROM invoices i JOIN clients c ON c.id = i.client_id WHERE c.company_id = 'acme')`,
};

const MARKERS = ['MARKER', '4242.42', '9191.91', 'ZZB', 'ZZC'];

interface Setup {
  dialect: Dialect;
  create(prefix: string): Promise<TestDatabase>;
  run(url: string, sql: string): Promise<unknown>;
}

const SETUPS: Setup[] = [
  { dialect: 'postgres', create: createPostgresDatabase, run: (url, sql) => runPostgres(url, sql) },
  { dialect: 'mysql', create: createMysqlDatabase, run: (url, sql) => runMysql(url, sql) },
];

describe.each(SETUPS)('tenant isolation on $dialect', (setup) => {
  let db: TestDatabase;
  let source: SourceDatabase;
  let catalog: Catalog;
  let out: Awaited<ReturnType<typeof tempDir>>;
  let exported: ExportedArchive;

  beforeAll(async () => {
    db = await setup.create(`handover_iso_${setup.dialect.slice(0, 2)}`);
    for (const statement of [...SCHEMA, ...DATA]) await setup.run(db.url, statement);
    source = openSource(db.url);
    catalog = await catalogOf(source);
    out = await tempDir(`iso-${setup.dialect}`);
    exported = await exportInto(out.dir, {
      source,
      catalog,
      tenant: 'acme',
      formats: ['csv', 'xlsx'],
      csvProfile: 'excel',
    });
  });

  afterAll(async () => {
    await source?.close();
    await db?.drop();
    await out?.cleanup();
  });

  it('scopes each table the way the schema says: column, two-hop path, membership, reference', () => {
    const scopes = Object.fromEntries(catalog.tables.map((t) => [t.name, t.scope.kind]));
    expect(scopes).toEqual({
      companies: 'tenant-column',
      clients: 'tenant-column',
      company_user: 'tenant-column',
      invoices: 'path',
      invoice_lines: 'path',
      users: 'referenced',
      currencies: 'referenced',
    });
    const lines = catalog.tables.find((t) => t.name === 'invoice_lines');
    expect(lines?.scope.kind === 'path' ? lines.scope.hops.map((h) => h.refTable) : []).toEqual([
      'invoices',
      'clients',
    ]);
    expect(catalog.uncovered.map((u) => u.name)).toEqual(['audit_blobs']);
  });

  it('writes no byte of another tenant’s rows into any file of the archive', async () => {
    const [part] = exported.parts;
    expect(exported.parts).toHaveLength(1);
    const contents = await visibleContents(part ?? expect.unreachable());
    // Every table has a CSV and a workbook, and the workbooks were opened up.
    expect(contents.filter((c) => c.path.includes('.xlsx!xl/worksheets/')).length).toBe(7);
    for (const { path, bytes } of contents) {
      for (const marker of MARKERS) expect(bytes.includes(marker), `${path} contains ${marker}`).toBe(false);
    }
    expect((await verifyArchive(exported.paths[0] ?? '')).ok).toBe(true);
  });

  it('counts in the manifest exactly the tenant’s rows the database holds, in CSV and XLSX', async () => {
    const [part] = exported.parts;
    if (!part) expect.unreachable();
    for (const [table, sql] of Object.entries(ACME_COUNTS)) {
      const [row] = await source.query<{ n: unknown }>({ sql, params: [] });
      const expected = Number(row?.n);
      expect(part.manifest.tables.find((t) => t.name === table)?.rows, table).toBe(expected);
      const csv = parseCsvFile(entry(part, `csv/${table}.csv`));
      expect(csv.rows, table).toHaveLength(expected);
      const sheets = await readWorkbook(entry(part, `xlsx/${table}.xlsx`), csv.header.length);
      expect(sheets[0]?.rows.length, table).toBe(expected + 1);
    }
    expect(part.manifest.uncoveredTables.map((u) => u.name)).toEqual(['audit_blobs']);
  });

  it('exports the members and currencies the tenant uses, not the whole tables', () => {
    const [part] = exported.parts;
    if (!part) expect.unreachable();
    const firstColumn = (table: string) =>
      parseCsvFile(entry(part, `csv/${table}.csv`)).rows.map((r) => r[0]);
    expect(firstColumn('users')).toEqual(['1', '2', '3']);
    expect(firstColumn('currencies')).toEqual(['EUR', 'USD']);
    expect(firstColumn('invoices')).toEqual(['100', '102', '104']);
    expect(firstColumn('invoice_lines')).toEqual(['1000', '1002', '1004', '1006']);
  });
});
