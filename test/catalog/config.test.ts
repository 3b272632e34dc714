import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadConfig, parseConfig } from '../../src/catalog/config.ts';
import { ConfigError } from '../../src/catalog/errors.ts';

function messageOf(value: unknown): string {
  try {
    parseConfig(value, 'config.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('config file', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'handover-config-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  describe('defaults', () => {
    it('accepts an empty config and fills in every default', () => {
      expect(parseConfig({}, 'config.yml')).toEqual(DEFAULT_CONFIG);
      expect(parseConfig(null, 'config.yml')).toEqual(DEFAULT_CONFIG);
      expect(DEFAULT_CONFIG).toMatchObject({
        tenancy: { mode: 'column', column: 'company_id', sharedRows: 'include' },
        exclude: { useDefaults: true, tables: [], columns: [] },
        include: { wholeTables: [] },
        relations: [],
        polymorphic: [],
        export: {
          formats: ['csv', 'xlsx'],
          csvProfile: 'excel',
          partSizeMb: 1024,
          maxRowsPerSheet: 1_048_575,
        },
      });
      expect(DEFAULT_CONFIG.source.url).toBeUndefined();
    });

    it('keeps what the operator wrote and defaults the rest', () => {
      const config = parseConfig(
        { tenancy: { column: 'tenant_id' }, export: { formats: ['csv'] }, schemas: ['app', 'billing'] },
        'config.yml',
      );
      expect(config.tenancy).toEqual({
        mode: 'column',
        column: 'tenant_id',
        schemaTemplate: '{tenant}',
        sharedRows: 'include',
      });
      expect(config.export.formats).toEqual(['csv']);
      expect(config.export.csvProfile).toBe('excel');
      expect(config.schemas).toEqual(['app', 'billing']);
    });
  });

  describe('validation messages name the key and what was expected', () => {
    it('a wrong type', () => {
      expect(messageOf({ tenancy: { column: 3 } })).toBe('config.yml: tenancy.column: expected a string');
      expect(messageOf({ exclude: { useDefaults: 'no' } })).toBe(
        'config.yml: exclude.useDefaults: expected true or false',
      );
      expect(messageOf({ schemas: 'public' })).toBe('config.yml: schemas: expected a list');
      expect(messageOf({ exclude: { tables: ['sessions', 7] } })).toBe(
        'config.yml: exclude.tables[1]: expected a string',
      );
    });

    it('a value outside the allowed set', () => {
      expect(messageOf({ tenancy: { mode: 'database' } })).toBe(
        'config.yml: tenancy.mode: expected one of "column", "schema"',
      );
      expect(messageOf({ export: { csvProfile: 'excel2007' } })).toBe(
        'config.yml: export.csvProfile: expected one of "excel", "raw"',
      );
      expect(messageOf({ export: { formats: ['csv', 'pdf'] } })).toBe(
        'config.yml: export.formats[1]: expected one of "csv", "xlsx"',
      );
    });

    it('an unknown key, so that a typo is not silently ignored', () => {
      expect(messageOf({ tenancy: { colum: 'tenant_id' } })).toBe("config.yml: tenancy: unknown key 'colum'");
      expect(messageOf({ exclusions: [] })).toBe("config.yml: unknown key 'exclusions'");
    });

    it('a source URL of an unsupported kind, without echoing the URL and its password', () => {
      const message = messageOf({ source: { url: 'http://admin:s3cret@db.example/app' } });
      expect(message).toBe(
        'config.yml: source.url: expected a postgres://, postgresql://, mysql:// or mariadb:// URL',
      );
      expect(message).not.toContain('s3cret');
      for (const url of ['postgres://u@h/db', 'postgresql://h/db', 'mysql://root@h/db', 'mariadb://h/db']) {
        expect(parseConfig({ source: { url } }, 'config.yml').source.url).toBe(url);
      }
    });

    it('a relation whose column lists do not pair up', () => {
      expect(
        messageOf({ relations: [{ table: 'a', columns: ['x', 'y'], refTable: 'b', refColumns: ['z'] }] }),
      ).toBe('config.yml: relations[0].refColumns: expected as many refColumns as columns');
      expect(messageOf({ relations: [{ table: 'a', columns: [], refTable: 'b', refColumns: [] }] })).toMatch(
        /^config.yml: relations\[0\].columns: expected a list of at least 1 item/,
      );
    });

    it('numbers out of range', () => {
      expect(messageOf({ export: { partSizeMb: 0 } })).toBe(
        'config.yml: export.partSizeMb: expected a number > 0',
      );
      expect(messageOf({ export: { maxRowsPerSheet: 2_000_000 } })).toBe(
        'config.yml: export.maxRowsPerSheet: expected a number <= 1048575',
      );
      expect(messageOf({ export: { maxRowsPerSheet: 1.5 } })).toBe(
        'config.yml: export.maxRowsPerSheet: expected an integer',
      );
    });

    it('a schema template without {tenant}', () => {
      expect(messageOf({ tenancy: { mode: 'schema', schemaTemplate: 'tenant' } })).toBe(
        'config.yml: tenancy.schemaTemplate: expected a name containing {tenant} once, e.g. tenant_{tenant}',
      );
    });

    it('a polymorphic type key that is not a plain name, quoted in the path', () => {
      expect(
        messageOf({
          polymorphic: [{ table: 'a', typeColumn: 't', idColumn: 'i', types: { 'App\\Models\\Invoice': 3 } }],
        }),
      ).toBe('config.yml: polymorphic[0].types["App\\\\Models\\\\Invoice"]: expected a string');
    });

    it('every problem at once, one per line', () => {
      expect(messageOf({ tenancy: { column: 1, mode: 'x' } }).split('\n')).toHaveLength(2);
    });

    it('keeps the problems for programs to read', () => {
      try {
        parseConfig({ tenancy: { column: 1 } }, 'config.yml');
      } catch (error) {
        expect(error).toMatchObject({
          name: 'ConfigError',
          origin: 'config.yml',
          issues: [{ path: 'tenancy.column', message: 'expected a string' }],
        });
        expect((error as Error).cause).toBeDefined();
      }
    });
  });

  describe('loading a file', () => {
    it('reads YAML', async () => {
      const path = join(directory, 'handover.yml');
      await writeFile(
        path,
        [
          'tenancy:',
          '  column: tenant_id',
          'exclude:',
          '  tables: [oauth_*, audit_log]',
          '  columns: ["*.ssn", users.api_key]',
          'include:',
          '  wholeTables: [currencies]',
          'relations:',
          '  - { table: comments, columns: [project_ref], refTable: projects, refColumns: [id] }',
          'polymorphic:',
          '  - table: attachments',
          '    typeColumn: attachable_type',
          '    idColumn: attachable_id',
          '    types: { "App\\\\Models\\\\Invoice": invoices }',
        ].join('\n'),
      );
      const config = await loadConfig(path);
      expect(config.tenancy.column).toBe('tenant_id');
      expect(config.exclude.columns).toEqual(['*.ssn', 'users.api_key']);
      expect(config.relations[0]).toEqual({
        table: 'comments',
        columns: ['project_ref'],
        refTable: 'projects',
        refColumns: ['id'],
      });
      expect(config.polymorphic[0]?.types).toEqual({ 'App\\Models\\Invoice': 'invoices' });
    });

    it('reads JSON', async () => {
      const path = join(directory, 'handover.json');
      await writeFile(
        path,
        JSON.stringify({ tenancy: { mode: 'schema', schemaTemplate: 'tenant_{tenant}' } }),
      );
      expect((await loadConfig(path)).tenancy.schemaTemplate).toBe('tenant_{tenant}');
    });

    it('treats an empty file as the default config', async () => {
      const path = join(directory, 'empty.yml');
      await writeFile(path, '');
      expect(await loadConfig(path)).toEqual(DEFAULT_CONFIG);
    });

    it('names the file in validation errors', async () => {
      const path = join(directory, 'bad.yml');
      await writeFile(path, 'tenancy:\n  column: 42\n');
      await expect(loadConfig(path)).rejects.toThrow(`${path}: tenancy.column: expected a string`);
    });

    it('says when the file is not YAML', async () => {
      const path = join(directory, 'broken.yml');
      await writeFile(path, 'tenancy: [unclosed\n');
      await expect(loadConfig(path)).rejects.toThrow(new RegExp(`^${path}: not valid YAML or JSON: `));
    });

    it('says when the file cannot be read', async () => {
      const path = join(directory, 'missing.yml');
      await expect(loadConfig(path)).rejects.toThrow(`${path}: cannot read the config file (ENOENT)`);
    });
  });
});
