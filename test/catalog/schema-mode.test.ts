import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/catalog/config.ts';
import { discoverCatalog } from '../../src/catalog/discover.ts';
import { buildScopedSelect } from '../../src/catalog/scope-sql.ts';
import type { Catalog, Dialect } from '../../src/catalog/types.ts';
import { quoteIdent } from '../../src/sources/sql.ts';
import {
  createMysqlDatabase,
  createPostgresDatabase,
  MYSQL_ADMIN_URL,
  runMysql,
  runPostgres,
  type TestDatabase,
} from '../support/databases.ts';
import { openQuerySource, type QuerySource } from '../support/query-source.ts';

const TENANTS = ['acme', 'globex'];

function tenantSql(dialect: Dialect, schema: string, tenant: string): string {
  const q = (name: string) => quoteIdent(dialect, name);
  return `
CREATE TABLE ${q(schema)}.projects (id integer PRIMARY KEY, name varchar(100) NOT NULL);
CREATE TABLE ${q(schema)}.tasks (id integer PRIMARY KEY, project_id integer NOT NULL REFERENCES ${q(schema)}.projects (id), title varchar(100));
CREATE TABLE ${q(schema)}.migrations (id integer PRIMARY KEY, migration varchar(100));
INSERT INTO ${q(schema)}.projects (id, name) VALUES (1, '${tenant} project'), (2, '${tenant} other');
INSERT INTO ${q(schema)}.tasks (id, project_id, title) VALUES (1, 1, '${tenant} task');
`;
}

for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`schema per tenant on ${dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB'}`, () => {
    let database: TestDatabase;
    let source: QuerySource;
    let template: string;
    let catalog: Catalog;

    beforeAll(async () => {
      if (dialect === 'postgres') {
        database = await createPostgresDatabase('catalog_schemas');
        template = 'tenant_{tenant}';
        for (const tenant of TENANTS) {
          await runPostgres(
            database.url,
            `CREATE SCHEMA tenant_${tenant};${tenantSql(dialect, `tenant_${tenant}`, tenant)}`,
          );
        }
      } else {
        // MySQL schemas are databases: name them after this file's database so parallel runs never meet.
        database = await createMysqlDatabase('catalog_schemas');
        template = `${database.name}_{tenant}`;
        for (const tenant of TENANTS) {
          const name = `${database.name}_${tenant}`;
          await runMysql(MYSQL_ADMIN_URL, `CREATE DATABASE \`${name}\`;${tenantSql(dialect, name, tenant)}`);
        }
      }
      source = await openQuerySource(dialect, database.url);
      catalog = await discoverCatalog(
        source,
        parseConfig({ tenancy: { mode: 'schema', schemaTemplate: template } }, 'test'),
      );
    });

    afterAll(async () => {
      await source?.close();
      if (dialect === 'mysql' && database) {
        for (const tenant of TENANTS)
          await runMysql(MYSQL_ADMIN_URL, `DROP DATABASE IF EXISTS \`${database.name}_${tenant}\``);
      }
      await database?.drop();
    });

    async function titles(tenant: string, table: string, column: string): Promise<string[]> {
      const found = catalog.tables.find((candidate) => candidate.name === table);
      if (!found) throw new Error(`no ${table}`);
      const projection = [`${quoteIdent(dialect, 't0')}.${quoteIdent(dialect, column)}`];
      const rows = await source.rows<Record<string, string>>(
        buildScopedSelect({ catalog, table: found, projection, tenant }),
      );
      return rows.map((row) => String(row[column]));
    }

    it("finds the tables every tenant has in one tenant's schema and exports them whole", () => {
      expect(catalog.tenancy).toBe('schema');
      expect(catalog.tables.map((table) => [table.name, table.scope.kind])).toEqual([
        ['projects', 'whole'],
        ['tasks', 'whole'],
      ]);
      expect(catalog.uncovered.map((table) => [table.name, table.reason])).toEqual([
        ['migrations', 'default rule: framework table'],
      ]);
    });

    it("reads each tenant's rows from that tenant's own schema", async () => {
      expect(await titles('acme', 'projects', 'name')).toEqual(['acme project', 'acme other']);
      expect(await titles('globex', 'projects', 'name')).toEqual(['globex project', 'globex other']);
      expect(await titles('globex', 'tasks', 'title')).toEqual(['globex task']);
    });

    it('reads the schema of the tenant it is asked about', async () => {
      const config = parseConfig({ tenancy: { mode: 'schema', schemaTemplate: template } }, 'test');
      const forGlobex = await discoverCatalog(source, config, { tenant: 'globex' });
      expect(new Set(forGlobex.tables.map((table) => table.schema))).toEqual(
        new Set([template.replace('{tenant}', 'globex')]),
      );
    });

    it('refuses a tenant id that could escape its schema name', () => {
      const projects = catalog.tables[0];
      if (!projects) throw new Error('no table');
      expect(() =>
        buildScopedSelect({ catalog, table: projects, projection: ['1'], tenant: 'acme"."projects" --' }),
      ).toThrow(/schema mode: a tenant id must be/);
    });

    it('says when no schema fits the template', async () => {
      const config = parseConfig(
        { tenancy: { mode: 'schema', schemaTemplate: 'nobody_here_{tenant}' } },
        'test',
      );
      await expect(discoverCatalog(source, config)).rejects.toThrow(
        /schema mode: no (schema|database) named like 'nobody_here_\{tenant\}' was found/,
      );
    });
  });
}
