/**
 * Discovery and tenant isolation on a real database, the same expectations for PostgreSQL and
 * MariaDB (see discover-postgres.test.ts and discover-mysql.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoverConfig } from '../../src/catalog/config.ts';
import { discoverCatalog } from '../../src/catalog/discover.ts';
import { buildScopedCount, buildScopedSelect } from '../../src/catalog/scope-sql.ts';
import type { Catalog, CatalogTable, Dialect } from '../../src/catalog/types.ts';
import { quoteIdent } from '../../src/sources/sql.ts';
import {
  createMysqlDatabase,
  createPostgresDatabase,
  runMysql,
  runPostgres,
  type TestDatabase,
} from '../support/databases.ts';
import { openQuerySource, type QuerySource } from '../support/query-source.ts';
import {
  ACME_ROWS,
  fixtureConfig,
  fixtureConfigWithPolymorphic,
  fixtureSql,
  GLOBEX_ROWS,
  KEY_COLUMN,
} from './fixture.ts';

export interface CatalogSuiteContext {
  source: () => QuerySource;
  catalog: () => Catalog;
  table: (name: string) => CatalogTable;
  discover: (config: HandoverConfig) => Promise<Catalog>;
  database: () => TestDatabase;
}

/** Text of the key column of every row the scoped SELECT returns for `tenant`, in export order. */
export async function scopedKeys(
  source: QuerySource,
  catalog: Catalog,
  table: CatalogTable,
  tenant: string,
): Promise<string[]> {
  const column = KEY_COLUMN[table.name] ?? table.primaryKey[0] ?? table.columns[0]?.name ?? '';
  const target = `${quoteIdent(catalog.dialect, 't0')}.${quoteIdent(catalog.dialect, column)}`;
  const projection = [catalog.dialect === 'postgres' ? `CAST(${target} AS text)` : `CAST(${target} AS CHAR)`];
  const rows = await source.rows<{ key: string }>(
    renameFirst(buildScopedSelect({ catalog, table, projection, tenant }), 'key', catalog.dialect),
  );
  return rows.map((row) => String(row.key));
}

/** Gives the first projected expression an alias so rows read the same on both drivers. */
function renameFirst(statement: { sql: string; params: unknown[] }, alias: string, dialect: Dialect) {
  return { ...statement, sql: statement.sql.replace(/ FROM /, ` AS ${quoteIdent(dialect, alias)} FROM `) };
}

const sorted = (values: string[]) => [...values].sort();

/** Declares the whole suite for one dialect. */
export function describeCatalogOn(dialect: Dialect, extra?: (context: CatalogSuiteContext) => void): void {
  let database: TestDatabase;
  let source: QuerySource;
  let catalog: Catalog;

  beforeAll(async () => {
    database =
      dialect === 'postgres' ? await createPostgresDatabase('catalog') : await createMysqlDatabase('catalog');
    if (dialect === 'postgres') await runPostgres(database.url, fixtureSql(dialect));
    else await runMysql(database.url, fixtureSql(dialect));
    source = await openQuerySource(dialect, database.url);
    catalog = await discoverCatalog(source, fixtureConfig);
  });

  afterAll(async () => {
    await source?.close();
    await database?.drop();
  });

  const table = (name: string): CatalogTable => {
    const found = catalog.tables.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`${name} is not in the catalog`);
    return found;
  };
  const uncovered = (name: string) => catalog.uncovered.find((candidate) => candidate.name === name);

  describe('discovery', () => {
    it('scopes tables that have company_id by that column', () => {
      for (const name of ['clients', 'projects', 'invoices', 'activity_log']) {
        expect(table(name).scope).toEqual({
          kind: 'tenant-column',
          column: 'company_id',
          includeShared: false,
        });
        expect(table(name).scopeDescription).toBe('company_id = tenant');
      }
    });

    it("exports the tenant's own company row, found through the company_id foreign keys", () => {
      expect(table('companies').scope).toEqual({ kind: 'tenant-column', column: 'id', includeShared: false });
    });

    it('reaches invoice lines through invoices, and line taxes in two hops', () => {
      const lines = table('invoice_lines').scope;
      expect(lines.kind === 'path' && lines.hops.map((hop) => hop.refTable)).toEqual(['invoices']);
      const taxes = table('line_taxes').scope;
      expect(taxes.kind === 'path' && taxes.hops.map((hop) => `${hop.table}.${hop.columns}`)).toEqual([
        'line_taxes.line_id',
        'invoice_lines.invoice_id',
      ]);
      expect(taxes.kind === 'path' && taxes.tenantColumn).toBe('company_id');
      expect(table('line_taxes').scopeDescription).toBe(
        'via line_id -> invoice_lines, invoice_id -> invoices; invoices.company_id = tenant',
      );
    });

    it('follows a composite foreign key with its columns paired as declared', () => {
      const scope = table('payments').scope;
      expect(scope.kind).toBe('path');
      if (scope.kind !== 'path') return;
      const hop = scope.hops[0];
      const pairs = hop?.columns.map((column, i) => `${column}->${hop.refColumns[i]}`).sort();
      expect(pairs).toEqual(['invoice_company_id->company_id', 'invoice_id->id']);
    });

    it('prefers the NOT NULL path through tasks over the shorter nullable one through invoices', () => {
      const scope = table('timesheets').scope;
      expect(scope.kind === 'path' && scope.hops.map((hop) => hop.refTable)).toEqual(['tasks', 'projects']);
      expect(table('timesheets').warnings.join('\n')).not.toMatch(/NULL are not exported/);
    });

    it('scopes the self-referencing tasks through projects, never through parent_id', () => {
      const scope = table('tasks').scope;
      expect(scope.kind === 'path' && scope.hops.map((hop) => `${hop.columns}->${hop.refTable}`)).toEqual([
        'project_id->projects',
      ]);
    });

    it('warns that expenses without a project are not exported', () => {
      expect(table('expenses').warnings).toContain(
        'rows where expenses.project_id is NULL are not exported (nullable foreign key on the path)',
      );
    });

    it('exports only the users that are members of the tenant or referenced by its rows', () => {
      const scope = table('users').scope;
      expect(scope.kind).toBe('referenced');
      if (scope.kind !== 'referenced') return;
      expect(scope.by.map((relation) => `${relation.table}.${relation.columns}`).sort()).toEqual([
        'company_user.user_id',
        'tasks.assignee_id',
        'timesheets.user_id',
      ]);
    });

    it('exports only the currencies that the tenant invoices use', () => {
      const scope = table('currencies').scope;
      expect(scope.kind === 'referenced' && scope.by.map((r) => `${r.table}.${r.columns}`)).toEqual([
        'invoices.currency_code',
      ]);
      expect(table('currencies').scopeDescription).toBe('only rows referenced by invoices.currency_code');
    });

    it('exports a reference table named in include.wholeTables entirely', () => {
      expect(table('countries').scope).toEqual({ kind: 'whole', reason: 'listed in include.wholeTables' });
    });

    it('scopes comments through a configured relation where no foreign key exists', () => {
      const scope = table('comments').scope;
      expect(scope.kind === 'path' && scope.hops[0]?.origin).toBe('configured');
      expect(scope.kind === 'path' && scope.hops[0]?.refTable).toBe('projects');
    });

    it('reports a table with no path to a tenant as not exported, with the reason', () => {
      expect(uncovered('audit_events')).toEqual({
        schema: expect.any(String),
        name: 'audit_events',
        kind: 'unreachable',
        reason:
          'no foreign-key path to a table with company_id; add a relation in the config or include it whole',
      });
    });

    it('names an unmapped polymorphic pair and the config key that maps it', () => {
      expect(uncovered('attachments')?.reason).toMatch(
        /attachable_type\/attachable_id.*config key polymorphic/,
      );
      expect(catalog.warnings.join('\n')).toMatch(
        /attachments has the polymorphic pair attachable_type\/attachable_id/,
      );
    });

    it('leaves out framework and secret tables by default, saying which rule did', () => {
      expect(uncovered('migrations')).toMatchObject({
        kind: 'excluded',
        reason: 'default rule: framework table',
      });
      for (const name of ['sessions', 'personal_access_tokens', 'oauth_clients']) {
        expect(uncovered(name)).toMatchObject({ kind: 'excluded', reason: 'default rule: secret table' });
      }
      // An excluded table's polymorphic pair is nobody's concern.
      expect(catalog.warnings.join('\n')).not.toMatch(/tokenable/);
    });

    it('leaves out a table the config excludes', () => {
      expect(uncovered('internal_notes')).toMatchObject({
        kind: 'excluded',
        reason: 'config exclude.tables',
      });
    });

    it('leaves out secret columns by default and the columns the config excludes', () => {
      expect(table('users').excludedColumns).toEqual([
        { name: 'password', reason: 'default rule: secret column' },
        { name: 'remember_token', reason: 'default rule: secret column' },
        { name: 'two_factor_secret', reason: 'default rule: secret column' },
      ]);
      expect(table('users').columns.map((column) => column.name)).not.toContain('password');
      expect(table('timesheets').excludedColumns).toEqual([
        { name: 'ssn', reason: 'config exclude.columns' },
      ]);
      expect(table('companies').excludedColumns).toEqual([
        { name: 'api_key', reason: 'config exclude.columns' },
      ]);
    });

    it('exports the shared rows of a nullable tenant column and says so', () => {
      expect(table('roles').scope).toEqual({
        kind: 'tenant-column',
        column: 'company_id',
        includeShared: true,
      });
      expect(table('roles').warnings.join('\n')).toMatch(
        /company_id is nullable: rows where it is NULL are treated as shared/,
      );
    });

    it('notes a tenant column without a foreign key', () => {
      expect(catalog.warnings.join('\n')).toMatch(/company_id has no foreign key in activity_log/);
    });

    it('marks the generated column', () => {
      const column = table('invoices').columns.find((candidate) => candidate.name === 'total_cents');
      expect(column).toMatchObject({ generated: true, type: 'bigint' });
      expect(table('invoices').columns.find((candidate) => candidate.name === 'total')?.generated).toBe(
        false,
      );
    });

    it('keeps columns in ordinal order with their source types mapped', () => {
      expect(table('projects').columns.map((column) => [column.name, column.type, column.nullable])).toEqual([
        ['id', 'integer', false],
        ['company_id', 'text', false],
        ['client_id', 'integer', true],
        ['name', 'text', false],
        ['status', 'text', false],
        ['budget', 'decimal', true],
        ['settings', 'json', true],
      ]);
      expect(table('tasks').columns.find((column) => column.name === 'due_at')?.type).toBe('timestamptz');
    });

    it('reports views as not exported', () => {
      expect(uncovered('invoice_totals')?.reason).toMatch(/^view: its rows come from other tables/);
    });

    it('warns about a table without a primary key', () => {
      expect(table('line_taxes').primaryKey).toEqual([]);
      expect(table('line_taxes').warnings).toContain(
        'no primary key: rows are exported in no particular order',
      );
    });

    it('orders tables so that referenced tables come before the tables pointing at them', () => {
      const position = (name: string) => catalog.tables.findIndex((candidate) => candidate.name === name);
      const before: [string, string][] = [
        ['companies', 'invoices'],
        ['currencies', 'invoices'],
        ['invoices', 'invoice_lines'],
        ['invoice_lines', 'line_taxes'],
        ['users', 'company_user'],
        ['projects', 'tasks'],
        ['tasks', 'timesheets'],
        ['countries', 'clients'],
      ];
      for (const [first, second] of before) expect(position(first)).toBeLessThan(position(second));
    });

    it('exports exactly the expected tables', () => {
      expect(catalog.tables.map((candidate) => candidate.name).sort()).toEqual(
        [...Object.keys(ACME_ROWS), ...(dialect === 'postgres' ? ['events'] : [])].sort(),
      );
    });
  });

  describe('tenant isolation', () => {
    it("returns only acme's rows from every exported table, and globex's canaries never", async () => {
      for (const name of Object.keys(ACME_ROWS)) {
        const keys = await scopedKeys(source, catalog, table(name), 'acme');
        expect({ table: name, keys: sorted(keys) }).toEqual({
          table: name,
          keys: sorted(ACME_ROWS[name] ?? []),
        });
      }
    });

    it("returns globex's rows to globex, including the user it shares with acme", async () => {
      for (const [name, expected] of Object.entries(GLOBEX_ROWS)) {
        const keys = await scopedKeys(source, catalog, table(name), 'globex');
        expect({ table: name, keys: sorted(keys) }).toEqual({ table: name, keys: sorted(expected) });
      }
    });

    it('counts the same rows it selects', async () => {
      for (const candidate of catalog.tables) {
        const keys = await scopedKeys(source, catalog, candidate, 'acme');
        const [row] = await source.rows<{ row_count: unknown }>(
          buildScopedCount({ catalog, table: candidate, tenant: 'acme' }),
        );
        expect({ table: candidate.name, count: Number(row?.row_count) }).toEqual({
          table: candidate.name,
          count: keys.length,
        });
      }
    });

    it('selects every exported column of every table', async () => {
      for (const candidate of catalog.tables) {
        const projection = candidate.columns.map(
          (column) => `${quoteIdent(dialect, 't0')}.${quoteIdent(dialect, column.name)}`,
        );
        const rows = await source.rows(
          buildScopedSelect({ catalog, table: candidate, projection, tenant: 'acme' }),
        );
        for (const row of rows)
          expect(Object.keys(row)).toEqual(candidate.columns.map((column) => column.name));
      }
    });

    it('returns rows in primary-key order', async () => {
      expect(await scopedKeys(source, catalog, table('tasks'), 'acme')).toEqual(['1', '2']);
    });

    it('scopes polymorphic attachments through the types the config maps', async () => {
      const withPolymorphic = await discoverCatalog(source, fixtureConfigWithPolymorphic);
      const attachments = withPolymorphic.tables.find((candidate) => candidate.name === 'attachments');
      expect(attachments?.scope.kind).toBe('polymorphic');
      if (!attachments) return;
      expect(attachments.warnings.join('\n')).toMatch(
        /types other than App\\Models\\Invoice, App\\Models\\Project/,
      );
      expect(sorted(await scopedKeys(source, withPolymorphic, attachments, 'acme'))).toEqual(['1', '2']);
      expect(sorted(await scopedKeys(source, withPolymorphic, attachments, 'globex'))).toEqual([
        '101',
        '102',
      ]);
    });

    it('passes a tenant id full of quotes and SQL as a parameter: it matches nothing and changes nothing', async () => {
      const hostile = [
        "acme' OR '1'='1",
        'acme"; DROP TABLE companies; --',
        "' UNION SELECT id FROM users --",
      ];
      for (const tenant of hostile) {
        for (const candidate of catalog.tables) {
          const statement = buildScopedSelect({ catalog, table: candidate, projection: ['1'], tenant });
          expect(statement.sql).not.toContain(tenant);
          if (candidate.scope.kind !== 'whole') expect(statement.params).toContain(tenant);
          const keys = await scopedKeys(source, catalog, candidate, tenant);
          const nobody = await scopedKeys(source, catalog, candidate, 'no-such-tenant');
          // Only whole reference tables and shared rows, exactly what any unknown tenant gets.
          expect({ table: candidate.name, keys }).toEqual({ table: candidate.name, keys: nobody });
        }
      }
      expect(await scopedKeys(source, catalog, table('companies'), 'acme')).toEqual(['acme']);
    });
  });

  extra?.({
    source: () => source,
    catalog: () => catalog,
    table,
    discover: (config) => discoverCatalog(source, config),
    database: () => database,
  });
}
