import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/catalog/config.ts';
import { buildCatalog } from '../../src/catalog/discover.ts';
import { ScopeError } from '../../src/catalog/errors.ts';
import { buildScopedCount, buildScopedSelect, integerRange } from '../../src/catalog/scope-sql.ts';
import type { Catalog, CatalogTable, Dialect } from '../../src/catalog/types.ts';
import { fk, info, table } from './schema-info.ts';

function catalogFor(dialect: Dialect, tenantType: 'text' | 'integer' = 'text', value: unknown = {}): Catalog {
  const tables = [
    table('companies', [`id:${tenantType}`]),
    table('users', ['id', 'email:text']),
    table('company_user', [`company_id:${tenantType}`, 'user_id']),
    table('projects', ['id', `company_id:${tenantType}`]),
    table('tasks', ['id', 'project_id', 'assignee_id?']),
    table('we"ird`name', ['id', `company_id:${tenantType}`]),
    table('currencies', ['code:text']),
  ];
  const keys = [
    fk('projects.company_id', 'companies.id'),
    fk('company_user.company_id', 'companies.id'),
    fk('company_user.user_id', 'users.id'),
    fk('tasks.project_id', 'projects.id'),
    fk('tasks.assignee_id', 'users.id'),
  ];
  return buildCatalog(
    info(tables, keys),
    parseConfig({ include: { wholeTables: ['currencies'] }, ...(value as object) }, 'test'),
    dialect,
  );
}

function tableOf(catalog: Catalog, name: string): CatalogTable {
  const found = catalog.tables.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}

describe('scoped SQL', () => {
  it('selects the projection from the table as t0 and orders by the primary key', () => {
    const catalog = catalogFor('postgres');
    const statement = buildScopedSelect({
      catalog,
      table: tableOf(catalog, 'projects'),
      projection: ['"t0"."id"', '"t0"."company_id"'],
      tenant: 'acme',
    });
    expect(statement).toEqual({
      sql: 'SELECT "t0"."id", "t0"."company_id" FROM "public"."projects" AS t0 WHERE "t0"."company_id" = $1 ORDER BY "t0"."id"',
      params: ['acme'],
    });
  });

  it('joins a path inside EXISTS so a task is returned once', () => {
    const catalog = catalogFor('postgres');
    const statement = buildScopedSelect({
      catalog,
      table: tableOf(catalog, 'tasks'),
      projection: ['"t0"."id"'],
      tenant: 'acme',
    });
    expect(statement.sql).toBe(
      'SELECT "t0"."id" FROM "public"."tasks" AS t0 WHERE EXISTS (SELECT 1 FROM "public"."projects" AS "t1" WHERE "t1"."id" = "t0"."project_id" AND "t1"."company_id" = $1) ORDER BY "t0"."id"',
    );
  });

  it('reuses $1 for the tenant on PostgreSQL and repeats the value for each ? on MySQL', () => {
    const postgres = catalogFor('postgres');
    const users = buildScopedSelect({
      catalog: postgres,
      table: tableOf(postgres, 'users'),
      projection: ['1'],
      tenant: 'acme',
    });
    expect(users.params).toEqual(['acme']);
    const mysql = catalogFor('mysql');
    // users are referenced by company_user and by tasks: the tenant is compared twice.
    const statement = buildScopedSelect({
      catalog: mysql,
      table: tableOf(mysql, 'users'),
      projection: ['1'],
      tenant: 'acme',
    });
    expect(statement.sql.split('?').length - 1).toBe(2);
    expect(statement.params).toEqual(['acme', 'acme']);
    expect(statement.sql).toContain('`public`.`company_user` AS `t1`');
  });

  it('quotes every identifier, however odd', () => {
    for (const dialect of ['postgres', 'mysql'] as const) {
      const catalog = catalogFor(dialect);
      const { sql } = buildScopedSelect({
        catalog,
        table: tableOf(catalog, 'we"ird`name'),
        projection: ['1'],
        tenant: 'acme',
      });
      expect(sql).toContain(dialect === 'postgres' ? '"public"."we""ird`name"' : '`public`.`we"ird``name`');
    }
  });

  it('reads a whole table with no condition and no parameter', () => {
    const catalog = catalogFor('postgres');
    expect(
      buildScopedSelect({
        catalog,
        table: tableOf(catalog, 'currencies'),
        projection: ['"t0"."code"'],
        tenant: 'acme',
      }),
    ).toEqual({
      sql: 'SELECT "t0"."code" FROM "public"."currencies" AS t0',
      params: [],
    });
  });

  it('never puts the tenant id in the SQL text', () => {
    const catalog = catalogFor('mysql');
    const tenant = "x' OR 1=1 -- ";
    for (const candidate of catalog.tables) {
      const { sql } = buildScopedSelect({ catalog, table: candidate, projection: ['1'], tenant });
      expect(sql).not.toContain(tenant);
    }
  });

  it('counts the same rows', () => {
    const catalog = catalogFor('postgres');
    expect(buildScopedCount({ catalog, table: tableOf(catalog, 'projects'), tenant: 'acme' })).toEqual({
      sql: 'SELECT count(*) AS row_count FROM "public"."projects" AS t0 WHERE "t0"."company_id" = $1',
      params: ['acme'],
    });
  });

  it('refuses a tenant id that is not an integer when the tenant column holds integers', () => {
    const catalog = catalogFor('mysql', 'integer');
    const tasks = tableOf(catalog, 'tasks');
    // MySQL would compare '7 OR 1=1' as the number 7: refuse rather than match tenant 7.
    expect(() => buildScopedSelect({ catalog, table: tasks, projection: ['1'], tenant: '7 OR 1=1' })).toThrow(
      ScopeError,
    );
    expect(() => buildScopedSelect({ catalog, table: tasks, projection: ['1'], tenant: '7 OR 1=1' })).toThrow(
      'tenant id "7 OR 1=1" is not an integer, but projects.company_id holds integers',
    );
    expect(buildScopedSelect({ catalog, table: tasks, projection: ['1'], tenant: '7' }).params).toEqual([
      '7',
    ]);
  });

  it('refuses an integer tenant id written another way than the database writes it, naming the plain form', () => {
    const catalog = catalogFor('postgres', 'integer');
    const tasks = tableOf(catalog, 'tasks');
    const select = (tenant: string) => () =>
      buildScopedSelect({ catalog, table: tasks, projection: ['1'], tenant });
    // Both databases read '01' as 1: the archive of tenant 1 would be labelled 01.
    expect(select('01')).toThrow('tenant id "01" is not written as projects.company_id stores it: use "1"');
    expect(select('+7')).toThrow('use "7"');
    expect(select('-0')).toThrow('use "0"');
    expect(select('0')).not.toThrow();
    expect(select('-12')).not.toThrow();
  });

  it('refuses an integer tenant id the column cannot hold, with the range it can', () => {
    const catalog = catalogFor('postgres', 'integer');
    const tasks = tableOf(catalog, 'tasks');
    const [, max] = integerRange('integer', tableOf(catalog, 'projects').columns[1]?.sourceType ?? '');
    const select = (tenant: string) => () =>
      buildScopedSelect({ catalog, table: tasks, projection: ['1'], tenant });
    expect(select(String(max))).not.toThrow();
    expect(select(String(max + 1n))).toThrow(ScopeError);
    expect(select('99999999999999999999999')).toThrow(
      /is out of range for projects\.company_id \(.*: -?\d+ to \d+\)/,
    );
  });

  it('knows the range of each declared integer type, signed and unsigned', () => {
    expect(integerRange('integer', 'integer')).toEqual([-2147483648n, 2147483647n]);
    expect(integerRange('integer', 'smallint')).toEqual([-32768n, 32767n]);
    expect(integerRange('integer', 'tinyint(4)')).toEqual([-128n, 127n]);
    expect(integerRange('integer', 'mediumint(8) unsigned')).toEqual([0n, 16777215n]);
    expect(integerRange('integer', 'int(10) unsigned')).toEqual([0n, 4294967295n]);
    expect(integerRange('bigint', 'bigint')).toEqual([-9223372036854775808n, 9223372036854775807n]);
    expect(integerRange('bigint', 'bigint(20) unsigned')).toEqual([0n, 18446744073709551615n]);
    // A domain over an integer type: the range of the logical type.
    expect(integerRange('bigint', 'tenant_id')).toEqual([-9223372036854775808n, 9223372036854775807n]);
  });

  it('refuses an empty projection', () => {
    const catalog = catalogFor('postgres');
    expect(() =>
      buildScopedSelect({ catalog, table: tableOf(catalog, 'tasks'), projection: [], tenant: 'acme' }),
    ).toThrow('nothing to select from tasks');
  });

  describe('schema per tenant', () => {
    const catalog = buildCatalog(
      info([table('projects', ['id', 'name:text'])], []),
      parseConfig({ tenancy: { mode: 'schema', schemaTemplate: 'tenant_{tenant}' } }, 'test'),
      'postgres',
    );
    const projects = tableOf(catalog, 'projects');

    it("reads the tenant's own schema", () => {
      expect(
        buildScopedSelect({ catalog, table: projects, projection: ['"t0"."id"'], tenant: 'acme-2' }),
      ).toEqual({
        sql: 'SELECT "t0"."id" FROM "tenant_acme-2"."projects" AS t0 ORDER BY "t0"."id"',
        params: [],
      });
    });

    it('refuses a tenant id that is not a plain name', () => {
      for (const tenant of ['acme"; DROP SCHEMA public; --', '', 'a.b', 'x'.repeat(64), 'é']) {
        expect(() => buildScopedSelect({ catalog, table: projects, projection: ['1'], tenant })).toThrow(
          /schema mode: a tenant id must be 1-63 letters, digits, _ or -/,
        );
      }
    });

    it('refuses a schema name PostgreSQL would truncate', () => {
      expect(() => buildScopedCount({ catalog, table: projects, tenant: 'x'.repeat(60) })).toThrow(
        /longer than 63 bytes/,
      );
    });
  });
});
