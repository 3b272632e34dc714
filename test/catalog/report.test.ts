import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/catalog/config.ts';
import { buildCatalog } from '../../src/catalog/discover.ts';
import { renderCatalogReport } from '../../src/catalog/report.ts';
import { fk, info, table } from './schema-info.ts';

describe('the catalog report', () => {
  const catalog = buildCatalog(
    info(
      [
        table('companies', ['id:text', 'api_key?:text']),
        table('invoices', ['id', 'company_id:text', 'created_by?'], { rowEstimate: 123456 }),
        table('invoice_lines', ['id', 'invoice_id'], { rowEstimate: null }),
        table('users', ['id', 'password:text', 'remember_token?:text']),
        table('audit_events', ['id', 'payload:text']),
        table('sessions', ['id:text', 'payload:text']),
        table('attachments', ['id', 'attachable_type:text', 'attachable_id']),
      ],
      [
        fk('invoices.company_id', 'companies.id'),
        fk('invoice_lines.invoice_id', 'invoices.id'),
        fk('invoices.created_by', 'users.id'),
      ],
    ),
    parseConfig({ exclude: { columns: ['companies.api_key'] } }, 'test'),
    'postgres',
  );
  const report = renderCatalogReport(catalog);

  it('prints one aligned block per exported table', () => {
    expect(report).toContain(
      [
        'invoice_lines',
        '  scope     via invoice_id -> invoices; invoices.company_id = tenant',
        '  rows      unknown (no statistics yet)',
        '  columns   2 exported',
      ].join('\n'),
    );
    expect(report).toContain('  rows      ~123,456 (estimate)');
  });

  it('lists excluded columns with their reasons', () => {
    expect(report).toContain(
      [
        'users',
        '  scope     only rows referenced by invoices.created_by',
        '  rows      ~10 (estimate)',
        '  columns   1 exported',
        '  excluded  password (default rule: secret column)',
        '            remember_token (default rule: secret column)',
      ].join('\n'),
    );
    expect(report).toContain('  excluded  api_key (config exclude.columns)');
  });

  it('lists the tables not exported, unreachable ones first, with the reason', () => {
    const section = report.slice(report.indexOf('Not exported'));
    expect(section.split('\n').slice(0, 4)).toEqual([
      'Not exported',
      '  attachments   no foreign-key path to a table with company_id; add a relation in the config or include it whole; it has a polymorphic pair (attachable_type/attachable_id): map its types under the config key polymorphic',
      '  audit_events  no foreign-key path to a table with company_id; add a relation in the config or include it whole',
      '  sessions      default rule: secret table',
    ]);
  });

  it('ends with the catalog warnings', () => {
    expect(report).toMatch(/\nWarnings\n {2}- attachments has the polymorphic pair/);
  });

  it('starts with a summary line', () => {
    expect(report.split('\n').slice(0, 2)).toEqual([
      'Catalog (postgres, shared tables, tenant column company_id)',
      '4 tables exported, 3 not exported',
    ]);
  });
});
