import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/catalog/config.ts';
import { buildCatalog } from '../../src/catalog/discover.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import { fk, info, table } from './schema-info.ts';

const config = (value: unknown = {}) => parseConfig(value, 'test config');
const find = (catalog: Catalog, name: string) => catalog.tables.find((candidate) => candidate.name === name);
const missing = (catalog: Catalog, name: string) =>
  catalog.uncovered.find((candidate) => candidate.name === name);

const base = [
  table('companies', ['id:text', 'name?:text']),
  table('projects', ['id', 'company_id:text', 'name:text']),
  table('tasks', ['id', 'project_id', 'parent_id?']),
];
const baseKeys = [
  fk('projects.company_id', 'companies.id'),
  fk('tasks.project_id', 'projects.id'),
  fk('tasks.parent_id', 'tasks.id'),
];

describe('building the catalog from schema information', () => {
  it('keeps a table with tenant data scoped even when it is listed to be exported whole', () => {
    const catalog = buildCatalog(
      info(base, baseKeys),
      config({ include: { wholeTables: ['projects', 'tasks'] } }),
      'postgres',
    );
    expect(find(catalog, 'projects')?.scope.kind).toBe('tenant-column');
    expect(find(catalog, 'tasks')?.scope.kind).toBe('path');
    expect(find(catalog, 'projects')?.warnings[0]).toMatch(
      /listed in include.wholeTables but it holds tenant data/,
    );
  });

  it('exports framework tables and secret columns when the defaults are turned off', () => {
    const tables = [
      ...base,
      table('sessions', ['id:text', 'company_id:text', 'payload:text']),
      table('users', ['id', 'company_id:text', 'password:text']),
    ];
    const withDefaults = buildCatalog(info(tables, baseKeys), config(), 'postgres');
    expect(missing(withDefaults, 'sessions')?.reason).toBe('default rule: secret table');
    expect(find(withDefaults, 'users')?.excludedColumns).toEqual([
      { name: 'password', reason: 'default rule: secret column' },
    ]);
    const without = buildCatalog(
      info(tables, baseKeys),
      config({ exclude: { useDefaults: false } }),
      'postgres',
    );
    expect(find(without, 'sessions')?.scope.kind).toBe('tenant-column');
    expect(find(without, 'users')?.excludedColumns).toEqual([]);
  });

  it('warns when a default rule hides a table that holds tenant data, and lets include.tables bring it back', () => {
    const tables = [...base, table('jobs', ['id', 'company_id:text', 'title:text'])];
    const hidden = buildCatalog(info(tables, baseKeys), config(), 'postgres');
    expect(missing(hidden, 'jobs')).toMatchObject({
      kind: 'excluded',
      reason: 'default rule: framework table',
    });
    expect(hidden.warnings.join('\n')).toMatch(
      /jobs has company_id but a default rule leaves it out .* include.tables/,
    );
    const shown = buildCatalog(info(tables, baseKeys), config({ include: { tables: ['jobs'] } }), 'postgres');
    expect(find(shown, 'jobs')?.scope.kind).toBe('tenant-column');
  });

  it('lets include.columns keep a column a default rule would drop', () => {
    const tables = [...base, table('invites', ['id', 'company_id:text', 'token:text', 'password:text'])];
    const catalog = buildCatalog(
      info(tables, baseKeys),
      config({ include: { columns: ['invites.token'] } }),
      'postgres',
    );
    expect(find(catalog, 'invites')?.columns.map((column) => column.name)).toEqual([
      'id',
      'company_id',
      'token',
    ]);
  });

  it('matches exclusion globs on tables, schema-qualified tables and columns', () => {
    const tables = [
      ...base,
      table('audit_2024', ['id', 'company_id:text']),
      table('notes', ['id', 'company_id:text', 'ssn?:text', 'tax_ssn?:text']),
    ];
    const catalog = buildCatalog(
      info(tables, baseKeys),
      config({ exclude: { tables: ['public.audit_*'], columns: ['*.ssn', 'no*.tax_*'] } }),
      'postgres',
    );
    expect(missing(catalog, 'audit_2024')?.reason).toBe('config exclude.tables');
    expect(find(catalog, 'notes')?.excludedColumns.map((column) => column.name)).toEqual(['ssn', 'tax_ssn']);
  });

  it('does not export shared rows when the config says tenancy.sharedRows: exclude', () => {
    const tables = [
      ...base,
      table('roles', ['id', 'company_id?:text']),
      table('role_permissions', ['id', 'role_id']),
    ];
    const keys = [
      ...baseKeys,
      fk('roles.company_id', 'companies.id'),
      fk('role_permissions.role_id', 'roles.id'),
    ];
    const included = buildCatalog(info(tables, keys), config(), 'postgres');
    expect(find(included, 'role_permissions')?.scope).toMatchObject({ kind: 'path', includeShared: true });
    const excluded = buildCatalog(
      info(tables, keys),
      config({ tenancy: { sharedRows: 'exclude' } }),
      'postgres',
    );
    expect(find(excluded, 'roles')?.scope).toEqual({
      kind: 'tenant-column',
      column: 'company_id',
      includeShared: false,
    });
    expect(find(excluded, 'roles')?.warnings).toContain(
      'company_id is nullable: rows where it is NULL are not exported (tenancy.sharedRows: exclude)',
    );
    expect(find(excluded, 'role_permissions')?.scope).not.toHaveProperty('includeShared');
  });

  it('follows references of references: the avatars of the users the tenant references', () => {
    const tables = [...base, table('users', ['id', 'avatar_id?']), table('files', ['id', 'path:text'])];
    const keys = [...baseKeys, fk('projects.owner_id', 'users.id'), fk('users.avatar_id', 'files.id')];
    tables[1]?.columns.push({
      name: 'owner_id',
      sourceType: 'integer',
      type: 'integer',
      nullable: true,
      generated: false,
      readable: true,
    });
    const catalog = buildCatalog(info(tables, keys), config(), 'postgres');
    expect(find(catalog, 'users')?.scope).toMatchObject({ kind: 'referenced', by: [{ table: 'projects' }] });
    expect(find(catalog, 'files')?.scope).toMatchObject({ kind: 'referenced', by: [{ table: 'users' }] });
    const names = catalog.tables.map((candidate) => candidate.name);
    expect(names.indexOf('files')).toBeLessThan(names.indexOf('users'));
    expect(names.indexOf('users')).toBeLessThan(names.indexOf('projects'));
  });

  it('warns about configured relations and polymorphic types that name nothing it knows', () => {
    const tables = [
      ...base,
      table('attachments', ['id', 'attachable_type:text', 'attachable_id']),
      table('tags', ['id', 'label:text']),
    ];
    const catalog = buildCatalog(
      info(tables, baseKeys),
      config({
        relations: [
          { table: 'comments', columns: ['task_id'], refTable: 'tasks', refColumns: ['id'] },
          { table: 'tasks', columns: ['nope'], refTable: 'projects', refColumns: ['id'] },
        ],
        polymorphic: [
          {
            table: 'attachments',
            typeColumn: 'attachable_type',
            idColumn: 'attachable_id',
            types: { Task: 'tasks', Tag: 'tags' },
          },
        ],
      }),
      'postgres',
    );
    expect(catalog.warnings).toContain('config relations[0].table: table comments not found; ignored');
    expect(catalog.warnings).toContain('config relations[1]: column tasks.nope not found; ignored');
    const attachments = find(catalog, 'attachments');
    expect(attachments?.scope).toMatchObject({ kind: 'polymorphic', targets: [{ type: 'Task' }] });
    expect(attachments?.warnings).toContain(
      'rows of polymorphic type Tag (tags does not belong to a tenant) are not exported',
    );
    // Task -> tasks -> projects: the target's own path follows the polymorphic hop.
    const scope = attachments?.scope;
    expect(scope?.kind === 'polymorphic' && scope.targets[0]?.hops.map((hop) => hop.refTable)).toEqual([
      'tasks',
      'projects',
    ]);
  });

  it('compares a text polymorphic id with an integer key as text', () => {
    const tables = [...base, table('notes', ['id', 'notable_type:text', 'notable_id:text'])];
    const catalog = buildCatalog(
      info(tables, baseKeys),
      config({
        polymorphic: [
          { table: 'notes', typeColumn: 'notable_type', idColumn: 'notable_id', types: { Task: 'tasks' } },
        ],
      }),
      'postgres',
    );
    const scope = find(catalog, 'notes')?.scope;
    expect(scope?.kind === 'polymorphic' && scope.targets[0]?.hops[0]?.compareAsText).toBe(true);
  });

  it('exports every table of the tenant schema whole in schema mode', () => {
    const catalog = buildCatalog(
      info(
        [
          table('projects', ['id', 'name:text']),
          table('tasks', ['id', 'project_id']),
          table('migrations', ['id']),
        ],
        [fk('tasks.project_id', 'projects.id')],
      ),
      config({ tenancy: { mode: 'schema', schemaTemplate: 'tenant_{tenant}' } }),
      'postgres',
    );
    expect(catalog.tenancy).toBe('schema');
    expect(catalog.schemaTemplate).toBe('tenant_{tenant}');
    expect(catalog.tables.map((candidate) => [candidate.name, candidate.scope.kind])).toEqual([
      ['projects', 'whole'],
      ['tasks', 'whole'],
    ]);
    expect(missing(catalog, 'migrations')?.reason).toBe('default rule: framework table');
  });

  it('orders tables that point at each other without hanging', () => {
    const tables = [
      ...base,
      table('a', ['id', 'company_id:text', 'b_id?']),
      table('b', ['id', 'company_id:text', 'a_id?']),
    ];
    const keys = [...baseKeys, fk('a.b_id', 'b.id'), fk('b.a_id', 'a.id')];
    const catalog = buildCatalog(info(tables, keys), config(), 'postgres');
    expect(catalog.tables.map((candidate) => candidate.name).sort()).toEqual([
      'a',
      'b',
      'companies',
      'projects',
      'tasks',
    ]);
  });

  it('reports tables that the source user may not read', () => {
    const catalog = buildCatalog(
      info([...base, table('payroll', ['id', 'company_id:text'], { readable: false })], baseKeys),
      config(),
      'postgres',
    );
    expect(missing(catalog, 'payroll')).toMatchObject({
      kind: 'excluded',
      reason: 'the source user may not read it (no SELECT privilege)',
    });
  });

  it('gives the same catalog whatever order the database listed things in', () => {
    const tables = [
      ...base,
      table('invoices', ['id', 'company_id:text']),
      table('lines', ['id', 'invoice_id', 'project_id']),
    ];
    const keys = [
      ...baseKeys,
      fk('lines.invoice_id', 'invoices.id'),
      fk('lines.project_id', 'projects.id'),
      fk('invoices.company_id', 'companies.id'),
    ];
    const one = buildCatalog(info(tables, keys), config(), 'postgres');
    const two = buildCatalog(info([...tables].reverse(), [...keys].reverse()), config(), 'postgres');
    expect(two).toEqual(one);
    // Equal cost (both NOT NULL, one hop): broken by name, the same way every time.
    const scope = find(one, 'lines')?.scope;
    expect(scope?.kind === 'path' && scope.hops[0]?.refTable).toBe('invoices');
  });

  it('warns about config patterns that match nothing, most likely typos', () => {
    const catalog = buildCatalog(
      info(base, baseKeys),
      config({
        exclude: { tables: ['sesions'], columns: ['*.ssn'] },
        include: { wholeTables: ['currency'] },
      }),
      'postgres',
    );
    expect(catalog.warnings).toEqual(
      expect.arrayContaining([
        'config exclude.tables: sesions matches no table',
        'config include.wholeTables: currency matches no table',
        'config exclude.columns: *.ssn matches no column',
      ]),
    );
  });

  it('says when a foreign key leads out of the schemas it reads', () => {
    const tables = [...base, table('invoices', ['id', 'company_id:text', 'currency_code:text'])];
    const outside = { ...fk('invoices.currency_code', 'currencies.code'), refSchema: 'reference' };
    const catalog = buildCatalog(info(tables, [...baseKeys, outside]), config(), 'postgres');
    expect(catalog.warnings).toContain(
      'invoices.currency_code refers to reference.currencies, outside the schemas read; add its schema under schemas to follow it',
    );
  });

  it('reports sequences and foreign tables as not tables', () => {
    const catalog = buildCatalog(
      info(
        [
          ...base,
          table('remote_rates', ['id'], { kind: 'foreign' }),
          table('order_seq', ['next_value'], { kind: 'other' }),
        ],
        baseKeys,
      ),
      config(),
      'postgres',
    );
    expect(missing(catalog, 'remote_rates')?.reason).toBe(
      'foreign table: its rows live in another database; list it in include.wholeTables to export it',
    );
    expect(missing(catalog, 'order_seq')?.reason).toMatch(/^not a table/);
  });

  it('recognises a polymorphic pair on a table already scoped by the tenant column, and says it is not needed', () => {
    const tables = [
      ...base,
      table('attachments', ['id', 'company_id:text', 'attachable_type:text', 'attachable_id']),
    ];
    const catalog = buildCatalog(info(tables, baseKeys), config(), 'postgres');
    expect(find(catalog, 'attachments')?.warnings).toContain(
      'polymorphic pair attachable_type/attachable_id recognised; not needed: company_id = tenant',
    );
  });
});
